/**
 * The public list (公示) in and out of the database: the quarter's rows (core/public-list.ts
 * decides them), the publication deadline of each year's rules, and the file (xlsx or CSV, in
 * Chinese whatever --lang: it is for the public).
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { publicCells, publicRows, type PublicRow } from '../core/public-list.js';
import type { Quarter } from '../core/quarter.js';
import { t } from '../messages/index.js';
import { toCsv } from './csv.js';
import type { DB } from './db.js';
import { listResults } from './results-store.js';
import { objectLabels } from './object-names.js';
import { readRoster } from './roster-read.js';
import { rulesForYear } from './rules-store.js';
import { bureauName, quarterLabel } from './titles.js';
import { writeWorkbook } from './xlsx.js';

export const PUBLIC_HEADERS = ['抽查任务', '抽查事项', '检查对象', '统一社会信用代码', '检查日期', '检查方式', '检查结果', '处理情况'];
/** where each column of the public list wraps (Excel units) */
const PUBLIC_WIDTHS = [21, 70, 20, 20, 11, 11, 10, 16];

/** The public list of a quarter: current, non-confidential results of live draws; confidential ones counted. */
export function publicList(db: DB, quarter: string): { rows: PublicRow[]; withheld: number } {
  return publicRows(listResults(db, { quarter }), objectLabels(db), readRoster(db, 'items'));
}

/** The publication deadline (working days) of each year's rules, each year read once. */
export function publicationDays(db: DB): (year: number) => number {
  const cache = new Map<number, number>();
  return (year) => {
    if (!cache.has(year)) cache.set(year, rulesForYear(db, year).rules.deadlines.publicationWorkingDays);
    return cache.get(year)!;
  };
}

/** The public list's file: CSV (with a BOM, for Excel) or a print-ready xlsx, by the file's extension. */
export async function writePublicList(path: string, rows: readonly PublicRow[], o: { city: { name: string; code: string }; quarter: Quarter; date: string }): Promise<void> {
  const data = rows.map(publicCells);
  if (extname(path).toLowerCase() === '.csv') {
    writeFileSync(path, toCsv(PUBLIC_HEADERS, data, { bom: true }));
    return;
  }
  // items and dispositions wrap
  await writeWorkbook(path, [{
    name: '公示', title: t('publish.file.title', { unit: bureauName(o.city, 'zh'), period: quarterLabel(o.quarter, 'zh') }, 'zh'),
    headers: PUBLIC_HEADERS, rows: data, maxWidths: PUBLIC_WIDTHS,
    center: PUBLIC_HEADERS.map((h) => h === '检查日期'),
    footer: [t('publish.file.date', { date: o.date }, 'zh')],
  }]);
}
