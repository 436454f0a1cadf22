/**
 * The stored data columns of each roster table (schema.ts), as the importer writes them and
 * its row hash covers them: camelCase field names in table order, then `extra`.
 */
import type { ImportKind } from '../core/roster-fields.js';

/** Data columns per roster (camelCase field → column), in table order; `extra` follows them. */
export const COLUMNS: Record<ImportKind, string[]> = {
  objects: ['name', 'region', 'class', 'classBy', 'tier', 'industry', 'tags', 'offsite', 'status', 'months', 'permit', 'address', 'contact', 'phone'],
  inspectors: ['name', 'region', 'line', 'certified', 'certExpiry', 'specialties', 'status'],
  experts: ['name', 'org', 'region', 'industries', 'status'],
  items: ['name', 'basis', 'line', 'classes', 'industries', 'method', 'level'],
  avoidance: ['person', 'object', 'reason'],
};

/** A field's SQL column name: classBy → class_by. */
export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The place of `field` among a roster's stored values (COLUMNS order, then extra). */
export function columnIndex(kind: ImportKind, field: string): number {
  const i = field === 'extra' ? COLUMNS[kind].length : COLUMNS[kind].indexOf(field);
  if (i < 0) throw new Error(`${kind} has no column ${field}`);
  return i;
}

export type SqlValue = string | number | null;

/**
 * A data field as its column stores it: lists as JSON text, booleans as 1/0, a missing value as
 * NULL (io/roster-read.ts decodes them back by its JSON_COLS and BOOL_COLS).
 */
export function sqlValue(v: unknown): SqlValue {
  if (Array.isArray(v)) return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  return v as SqlValue;
}
