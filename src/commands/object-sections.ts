/**
 * `sj roster show OBJECT`: the sections after the object's data and history, the inspection
 * history and the credit record (信用记录). roster.ts imports OBJECT_SECTIONS explicitly.
 */
import { formatFen } from '../core/results.js';
import { t } from '../messages/index.js';
import { objectHistory } from '../io/results-store.js';
import type { DB } from '../io/db.js';

/** One section of `sj roster show`. */
export interface ShowSection {
  /** member of the --json document */
  key: string;
  title: string;
  /** lines of the human output */
  lines: string[];
  json: unknown;
}

/** Builds one section for an object (null: nothing to show). */
export type SectionBuilder = (db: DB, objectId: string) => ShowSection | null;

/** Both sections read the same history: read it once per object shown. */
const last = new WeakMap<DB, { id: string; h: ReturnType<typeof objectHistory> }>();
function historyOf(db: DB, id: string): ReturnType<typeof objectHistory> {
  const hit = last.get(db);
  if (hit && hit.id === id) return hit.h;
  const h = objectHistory(db, id);
  last.set(db, { id, h });
  return h;
}

export const inspectionsSection: SectionBuilder = (db, id) => {
  const h = historyOf(db, id);
  return {
    key: 'inspections',
    title: t('roster.show.inspections'),
    lines: h.inspections.length
      ? h.inspections.map((i) => {
        const r = i.result;
        const res = r ? `${r.date} ${r.outcome}${r.fineFen ? ` ${formatFen(r.fineFen)} ${t('roster.show.yuan')}` : ''}${r.open ? ` (${t('roster.show.open')})` : ''}` : t('roster.show.notInspected');
        return `${i.taskNo}  ${i.quarter}  ${t(`draw.method.${i.method}`)}${i.substituted ? ` ${t('roster.show.substituted')}` : ''}  ${res}`;
      })
      : [t('roster.show.none')],
    json: h.inspections,
  };
};

export const creditSection: SectionBuilder = (db, id) => {
  const h = historyOf(db, id);
  return {
    key: 'credit',
    title: t('roster.show.credit'),
    lines: h.credit.length
      ? h.credit.map((c) => `${c.date}  ${c.outcome}${c.fineFen ? `  ${formatFen(c.fineFen)} ${t('roster.show.yuan')}` : ''}  (${c.taskNo})`)
      : [t('roster.show.none')],
    json: h.credit,
  };
};

/** The sections `sj roster show` prints, in order. */
export const OBJECT_SECTIONS: readonly SectionBuilder[] = [inspectionsSection, creditSection];
