/**
 * PLACEHOLDER (to be completed by the rules issue): rules per year stored versioned in the
 * `rules` table; the bundled default rules/hengshui-2023.json is stored on first use.
 */
import type { DB } from './db.js';

/** Tier codes of the rules in force for a year (import validates tiers against them). */
export function tierCodesInForce(_db: DB, _year?: number): string[] {
  return ['A', 'B', 'C', 'D', 'E'];
}
