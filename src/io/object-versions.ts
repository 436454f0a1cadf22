/**
 * An object's versions in the roster, oldest first, each with the import (and file) that made
 * it and the fields it changed from the version before: the data and history of `sj roster show`.
 */
import type { DB } from './db.js';
import { rosterHistory, type ObjectRow } from './roster-read.js';
import { importFiles } from './roster-query.js';
import { COLUMNS } from './roster-columns.js';

export interface ObjectVersion {
  vid: number;
  validFrom: string;
  validTo: string | null;
  importId: number;
  file: string | null;
  inRoster: boolean;
  /** fields that differ from the version before ('inRoster' when it left or re-entered the roster) */
  changed: string[];
  data: ObjectRow;
}

/** The fields compared between versions: the stored columns and the file's extra columns. */
const DATA_FIELDS = [...COLUMNS.objects, 'extra'] as (keyof ObjectRow)[];

/** The fields in which version `v` differs from `prev`. */
function changedFields(prev: ObjectRow, v: ObjectRow): string[] {
  const changed: string[] = DATA_FIELDS.filter((f) => JSON.stringify(prev[f]) !== JSON.stringify(v[f]));
  if (prev.inRoster !== v.inRoster) changed.push('inRoster');
  return changed;
}

/** The object's current row (null when none is in force) and every version; null for an id never imported. */
export function objectVersions(db: DB, id: string): { current: ObjectRow | null; history: ObjectVersion[] } | null {
  const versions = rosterHistory(db, 'objects', id);
  if (versions.length === 0) return null;
  const files = importFiles(db);
  const history = versions.map((v, i): ObjectVersion => {
    const prev = versions[i - 1];
    return {
      vid: v.vid,
      validFrom: v.validFrom,
      validTo: v.validTo,
      importId: v.importId,
      file: files.get(v.importId) ?? null,
      inRoster: v.inRoster,
      changed: prev ? changedFields(prev, v) : [],
      data: v,
    };
  });
  return { current: versions.find((v) => v.validTo === null) ?? null, history };
}
