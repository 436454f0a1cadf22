/** `sj roster show OBJECT`: the inspection history and the credit record (信用记录) sections. */
import { formatFen } from '../core/results.js';
import { t } from '../messages/index.js';
import { objectHistory } from '../io/results-store.js';
import type { DB } from '../io/db.js';
import { OBJECT_SECTIONS } from './roster.js';

/** Both sections read the same history: read it once per object shown. */
const last = new WeakMap<DB, { id: string; h: ReturnType<typeof objectHistory> }>();
function historyOf(db: DB, id: string): ReturnType<typeof objectHistory> {
  const hit = last.get(db);
  if (hit && hit.id === id) return hit.h;
  const h = objectHistory(db, id);
  last.set(db, { id, h });
  return h;
}

OBJECT_SECTIONS.push((db, id) => {
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
      : [t("roster.show.none")],
    json: h.inspections,
  };
});

OBJECT_SECTIONS.push((db, id) => {
  const h = historyOf(db, id);
  return {
    key: 'credit',
    title: t('roster.show.credit'),
    lines: h.credit.length
      ? h.credit.map((c) => `${c.date}  ${c.outcome}${c.fineFen ? `  ${formatFen(c.fineFen)} ${t('roster.show.yuan')}` : ''}  (${c.taskNo})`)
      : [t("roster.show.none")],
    json: h.credit,
  };
});
