/** Plain text tables for stdout, aligned with CJK characters counted double. */
import { displayWidth } from '../io/xlsx.js';

export function textTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]) => r.map((v, i) => {
    const pad = widths[i]! - displayWidth(v);
    return typeof rows[0]?.[i] === 'number' && r !== cells[0] ? ' '.repeat(pad) + v : v + ' '.repeat(pad);
  }).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]!), sep, ...cells.slice(1).map(line)].join('\n') + '\n';
}
