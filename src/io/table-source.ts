/**
 * What the roster readers hand out, whatever the format (tabular.ts finds the header; the
 * formats are read by table-xlsx.ts and table-csv.ts).
 */
import type { Cell } from '../core/normalize.js';

export type Encoding = 'auto' | 'utf8' | 'gb18030';

export interface TableRow {
  rowNumber: number;
  cells: Cell[];
}

/** One sheet (or the CSV file) as rows. */
export interface SheetSource {
  name?: string;
  rows: AsyncIterator<TableRow>;
}

/** The row that came closest to being the header, to name it when none is. */
export interface Best {
  score: number;
  sheet?: string;
  row?: number;
  headers?: string[];
}

export const isEmptyCell = (c: Cell): boolean => c === null || (typeof c === 'string' && c.trim() === '');
