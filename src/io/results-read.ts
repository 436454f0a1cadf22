/**
 * Reading a results file (检查结果, as filled in by the counties from `sj results template`):
 * .xlsx or .csv through io/tabular (header row found below title rows, header text normalised),
 * columns mapped by the aliases below.
 */
import { headerMatch } from '../core/roster-fields.js';
import type { Cell } from '../core/normalize.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { NoHeaderError, openTable } from './tabular.js';

import type { ResultField } from '../core/results-validate.js';

export type { ResultField };

/** Accepted headers per field, in order of preference. */
export const RESULT_HEADERS: Record<ResultField, string[]> = {
  task: ['任务编号', '抽查任务编号', '抽查任务'],
  drawId: ['抽签编号', '抽签批次'],
  objectId: ['统一社会信用代码', '社会信用代码', '对象编码', '单位编码'],
  date: ['检查日期', '检查时间'],
  method: ['检查方式'],
  outcome: ['检查结果', '抽查结果'],
  fine: ['罚款金额(元)', '罚款金额', '罚款(元)', '罚款'],
  rectified: ['是否整改完成', '整改完成', '是否完成整改', '整改情况'],
  confidential: ['是否涉密', '涉密'],
  published: ['公示日期'],
  note: ['备注'],
};

/** The column header (as written in the template) of each field, for messages. */
export const RESULT_LABEL: Record<ResultField, string> = {
  task: '任务编号', drawId: '抽签编号', objectId: '统一社会信用代码', date: '检查日期', method: '检查方式', outcome: '检查结果',
  fine: '罚款金额(元)', rectified: '是否整改完成', confidential: '是否涉密', published: '公示日期', note: '备注',
};

export function mapResultHeaders(headers: string[]): Map<ResultField, number> {
  const out = new Map<ResultField, number>();
  const used = new Set<number>();
  for (const pass of [2, 1] as const) {
    for (const field of Object.keys(RESULT_HEADERS) as ResultField[]) {
      if (out.has(field)) continue;
      for (const alias of RESULT_HEADERS[field]) {
        const i = headers.findIndex((h, j) => !used.has(j) && headerMatch(h, alias) === pass);
        if (i >= 0) {
          out.set(field, i);
          used.add(i);
          break;
        }
      }
    }
  }
  return out;
}

const isResultHeader = (m: Map<ResultField, number>): boolean =>
  (m.has('task') || (m.has('drawId') && m.has('objectId'))) && m.has('date') && m.has('outcome');

export interface ResultsFileRow {
  rowNumber: number;
  get(field: ResultField): Cell;
}

export interface ResultsFile {
  file: string;
  sheet?: string;
  headerRow: number;
  headers: string[];
  columns: Map<ResultField, number>;
  /** the column header as written in the file (or the template's label) */
  header(field: ResultField): string;
  rows: ResultsFileRow[];
  sha256: string;
}

export async function readResultsFile(path: string, opts: { sheet?: string } = {}): Promise<ResultsFile> {
  let table;
  try {
    table = await openTable(path, {
      sheet: opts.sheet,
      isHeader: (h) => isResultHeader(mapResultHeaders(h)),
      score: (h) => mapResultHeaders(h).size,
    });
  } catch (e) {
    if (e instanceof NoHeaderError) {
      throw new SjError(t('results.noHeader', { file: e.file }), {
        hint: t('results.noHeaderHint', { found: e.found.join('、') || '—' }),
      });
    }
    throw e;
  }
  const columns = mapResultHeaders(table.headers);
  const rows: ResultsFileRow[] = [];
  for await (const r of table.rows) {
    const cells = r.cells;
    rows.push({ rowNumber: r.rowNumber, get: (f) => (columns.has(f) ? (cells[columns.get(f)!] ?? null) : null) });
  }
  const headers = table.headers;
  return {
    file: table.file, sheet: table.sheet, headerRow: table.headerRow, headers, columns,
    header: (f) => (columns.has(f) ? headers[columns.get(f)!]!.trim() || RESULT_LABEL[f] : RESULT_LABEL[f]),
    rows, sha256: table.sha256(),
  };
}
