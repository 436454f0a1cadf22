/** The name of every object ever on the roster (removed ones too: old results still name them). */
import type { DB } from './db.js';
import { readRoster } from './roster-read.js';

export function objectNames(db: DB): Map<string, string> {
  return new Map(readRoster(db, 'objects', { includeRemoved: true }).map((o) => [o.id, o.name]));
}
