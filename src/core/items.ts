/**
 * Which inspection items (随机抽查事项) apply to a task: a pure rule on the item list's
 * classes, industries and level. Used by the task list (as short codes) and the public list
 * (as names).
 */
import type { Level } from './types.js';

/** What of an item the rule reads (io/roster-read's ItemRow has these). */
export interface ItemRule {
  name: string;
  /** of special / key / general / positive; empty = every class */
  classes: string[];
  /** empty = every industry */
  industries: string[];
  level: 'city' | 'county' | 'both';
}

/** The items matching a task, in list order: class (a positive-list object takes the general items too), industry, level. */
export function matchItems<T extends ItemRule>(items: readonly T[], cls: string, industry: string, level: Level): T[] {
  return items.filter((i) =>
    (i.classes.length === 0 || i.classes.includes(cls) || (cls === 'positive' && i.classes.includes('general'))) &&
    (i.industries.length === 0 || i.industries.includes(industry)) &&
    (i.level === 'both' || i.level === level));
}

/** The names of the matching items, joined by ； (the public list). */
export function itemsFor(items: readonly ItemRule[], cls: string, industry: string, level: Level): string {
  return matchItems(items, cls, industry, level).map((i) => i.name).join('；');
}

/** Short codes for an item list: 01, 02 … in list order (two digits, three past 99). */
export function itemCodes<T>(items: readonly T[]): Map<T, string> {
  const digits = Math.max(2, String(items.length).length);
  return new Map(items.map((it, k) => [it, String(k + 1).padStart(digits, '0')]));
}
