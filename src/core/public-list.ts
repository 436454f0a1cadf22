/**
 * The public list of a quarter's results (公示): which results are shown and what each row says.
 * Confidential results are withheld (only counted); inspectors are never named. Pure: the
 * results, objects and item list are read by io/public-list.ts.
 */
import { valueName } from '../messages/names.js';
import { itemsFor, type ItemRule } from './items.js';
import { disposition } from './results.js';
import type { Level } from './types.js';

export interface PublicRow {
  taskNo: string;
  items: string;
  objectName: string;
  objectId: string;
  date: string;
  method: string;
  outcome: string;
  disposition: string;
  /** first publication date, if already published */
  published: string | null;
}

/** What of a current result the list reads (io/results-store's ResultView has these). */
export interface PublishableResult {
  taskNo: string;
  objectId: string;
  date: string;
  method: string;
  outcome: string;
  fineFen: number;
  rectified: boolean;
  confidential: boolean;
  published: string | null;
  task: { class: string; level: Level };
}

/** What of an object the list reads. */
export interface PublicObject {
  name: string;
  industry: string;
}

/** The rows of the public list, in the results' order, and how many confidential results were withheld. */
export function publicRows(results: readonly PublishableResult[], objects: ReadonlyMap<string, PublicObject>, items: readonly ItemRule[]): { rows: PublicRow[]; withheld: number } {
  const rows: PublicRow[] = [];
  let withheld = 0;
  for (const r of results) {
    if (r.confidential) {
      withheld++;
      continue;
    }
    const o = objects.get(r.objectId);
    rows.push({
      taskNo: r.taskNo, items: itemsFor(items, r.task.class, o?.industry ?? '', r.task.level), objectName: o?.name ?? '', objectId: r.objectId,
      // the public list is in Chinese whatever the language of the session
      date: r.date, method: valueName('method', r.method, 'zh'), outcome: r.outcome, disposition: disposition(r), published: r.published,
    });
  }
  return { rows, withheld };
}

/** The cells of a row, in the order of the list's columns. */
export const publicCells = (r: PublicRow): string[] => [r.taskNo, r.items, r.objectName, r.objectId, r.date, r.method, r.outcome, r.disposition];

/**
 * How many rows publishing on `day` would publish late (逾期公示: not yet published, deadline
 * passed); `dueOf(date)` is the publication deadline of a result inspected on `date`.
 */
export function lateCount(rows: readonly PublicRow[], day: string, dueOf: (date: string) => string): number {
  return rows.filter((r) => !r.published && day > dueOf(r.date)).length;
}
