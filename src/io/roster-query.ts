/**
 * Roster queries the commands need beyond roster-read.ts's reader: a roster filtered as
 * `sj roster list` filters it, how many rows are in force (`sj import`, `sj plan`), and the
 * file each import read (`sj roster show`).
 */
import type { ObjClass } from '../core/types.js';
import { endOfDayCst } from './clock.js';
import type { DB } from './db.js';
import { readRoster, type RosterKind, type RowOf } from './roster-read.js';

export interface ListOptions {
  region?: string;
  cls?: ObjClass;
  asOf?: string;
  includeRemoved?: boolean;
}

/** Rows of a roster with the list filters applied. */
export function listRoster<K extends RosterKind>(db: DB, kind: K, o: ListOptions): RowOf[K][] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (o.region && kind !== 'items' && kind !== 'avoidance') {
    where.push('region = @region');
    params.region = o.region;
  }
  if (o.cls && kind === 'objects') {
    where.push('class = @cls');
    params.cls = o.cls;
  }
  return readRoster(db, kind, {
    asOf: o.asOf ? endOfDayCst(o.asOf) : undefined,
    includeRemoved: o.includeRemoved,
    where: where.length ? where.join(' AND ') : undefined,
    params,
  });
}

/**
 * Rows of a roster in force now: in the roster only, or (includeRemoved) also those a full
 * import took out of it.
 */
export function currentCount(db: DB, kind: RosterKind, o: { includeRemoved?: boolean } = {}): number {
  const inRoster = o.includeRemoved ? '' : ' AND in_roster = 1';
  return db.prepare(`SELECT count(*) FROM ${kind} WHERE valid_to IS NULL${inRoster}`).pluck().get() as number;
}

/** The file each import read, by import id. */
export function importFiles(db: DB): Map<number, string> {
  return new Map((db.prepare('SELECT id, file FROM imports').all() as { id: number; file: string }[]).map((r) => [r.id, r.file]));
}
