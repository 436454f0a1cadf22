/**
 * Plain text tables (stdout, and the report's text form; pure, so io may use it too), aligned
 * with CJK characters counted double. Numbers align right (heading included), text left: a
 * column is numeric when every filled cell is a number or a figure written out (31.0%, 42/148,
 * 31.0% (26/84), 26 (31.0%); '—' and '-' stand for no value). A caller whose column mixes
 * figures with words (≥ 13, a date) says so with `align`.
 */
import { displayWidth } from './text-width.js';

export type Cell = string | number | null | undefined;
export type Align = 'left' | 'right';

// 31.0%, 15,000.00, 42/148, 20/1/30000.00, 31.0% (26/84), 26 (31.0%), 0 (—)
const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`;
const FIGURE = new RegExp(String.raw`^[-+]?${NUM}(?:/${NUM})*%?(?: \((?:${NUM}%|\d+/\d+|—)\))?$`);
// …but a bare string of digits is an identifier (a code, an id): numbers come as numbers
const IDENTIFIER = /^\d+$/;
const NO_VALUE = new Set(['', '—', '-']);

const text = (v: Cell): string => (v === null || v === undefined ? '' : String(v));

/** Right when every filled cell of the column is a number or a figure (and one is). */
export function columnAlign(rows: Cell[][], i: number): Align {
  const filled = rows.map((r) => r[i]).filter((v) => typeof v === 'number' || !NO_VALUE.has(text(v)));
  const figure = (s: string) => FIGURE.test(s) && !IDENTIFIER.test(s);
  const numeric = filled.length > 0 && filled.every((v) => typeof v === 'number' || figure(text(v).trim()));
  return numeric ? 'right' : 'left';
}

export function textTable(headers: string[], rows: Cell[][], opts: { align?: (Align | undefined)[] } = {}): string {
  const cells = [headers, ...rows.map((r) => headers.map((_, i) => text(r[i])))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i]!))));
  const aligns = headers.map((_, i) => opts.align?.[i] ?? columnAlign(rows, i));
  const line = (r: string[]) => r.map((v, i) => {
    const pad = ' '.repeat(widths[i]! - displayWidth(v));
    return aligns[i] === 'right' ? pad + v : v + pad;
  }).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]!), sep, ...cells.slice(1).map(line)].join('\n') + '\n';
}
