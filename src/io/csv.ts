/**
 * CSV output (csv-stringify) safe to open in Excel: UTF-8 with BOM on request, and every cell
 * that Excel would take for a formula prefixed with an apostrophe.
 */
import { stringify } from 'csv-stringify/sync';

/**
 * A cell as text that Excel/WPS will not run as a formula (CSV injection): a value starting
 * with = + - @, a tab or a carriage return gets a leading `'`. Numbers are returned as they are.
 */
export function safeCell(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = Array.isArray(v) ? v.join('、') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Rows to CSV text (header first), every cell through safeCell. `bom` adds a UTF-8 BOM for Excel. */
export function toCsv(header: string[], rows: unknown[][], opts: { bom?: boolean } = {}): string {
  const body = stringify([header.map(safeCell), ...rows.map((r) => r.map(safeCell))], { record_delimiter: 'windows' });
  return (opts.bom ? '\ufeff' : '') + body;
}
