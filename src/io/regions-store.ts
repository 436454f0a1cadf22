/** Importing a region file's list into the regions table, in one transaction. */
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { writeTx, type DB } from './db.js';
import type { Region } from './regions.js';
import { ROSTER_KINDS } from './roster-read.js';

export interface RegionImportResult {
  replaced: boolean;
  added: number;
  updated: number;
  regions: Region[];
}

/**
 * Replace the region list when no roster rows exist yet; otherwise add new regions and update
 * names (a roster row may point at any region already there, so none is removed).
 */
export function applyRegions(db: DB, list: Region[]): RegionImportResult {
  return writeTx(db, () => {
    const rosterRows = ROSTER_KINDS.reduce((n, k) => n + (db.prepare(`SELECT count(*) FROM ${k}`).pluck().get() as number), 0);
    const old = db.prepare('SELECT code, name, parent, level FROM regions').all() as Region[];
    const ins = db.prepare('INSERT INTO regions(code, name, parent, level, sort) VALUES (?, ?, ?, ?, ?)');
    if (rosterRows === 0) {
      db.prepare('DELETE FROM regions').run();
      list.forEach((r, i) => ins.run(r.code, r.name, r.parent, r.level, i));
      return { replaced: true, added: list.length, updated: 0, regions: list };
    }
    const city = old.find((r) => r.level === 'city');
    const newCity = list.find((r) => r.level === 'city')!;
    if (city && city.code !== newCity.code) throw new SjError(t('regions.cityConflict', { current: city.code, file: newCity.code }));
    const byCode = new Map(old.map((r) => [r.code, r]));
    let added = 0;
    let updated = 0;
    let sort = (db.prepare('SELECT coalesce(max(sort), 0) FROM regions').pluck().get() as number) + 1;
    const upd = db.prepare('UPDATE regions SET name = ?, parent = ?, level = ? WHERE code = ?');
    for (const r of list) {
      const o = byCode.get(r.code);
      if (!o) {
        ins.run(r.code, r.name, r.parent, r.level, sort++);
        added++;
      } else if (o.name !== r.name || o.parent !== r.parent || o.level !== r.level) {
        upd.run(r.name, r.parent, r.level, r.code);
        updated++;
      }
    }
    return { replaced: false, added, updated, regions: list };
  });
}
