/**
 * A region file (区划代码表, xlsx or CSV): its rows read and checked into the region list
 * `sj regions import` stores (io/regions-store.ts applyRegions).
 */
import { basename } from 'node:path';
import { openTable, NoHeaderError } from './tabular.js';
import type { Region } from './regions.js';
import { headerMatch } from '../core/roster-fields.js';
import { cellText, ID_RE, text, isBad, printable } from '../core/normalize.js';
import { SjError, type RowProblem } from '../errors.js';
import { t } from '../messages/index.js';

const HEADERS = {
  code: ['代码', '区划代码', '行政区划代码', '区域代码', 'code'],
  name: ['名称', '区划名称', '区域名称', '区域', 'name'],
  parent: ['上级', '上级代码', '上级区划代码', 'parent'],
};

function findCol(headers: string[], aliases: string[]): number {
  for (const level of [2, 1]) {
    const i = headers.findIndex((h) => aliases.some((a) => headerMatch(h, a) === level));
    if (i >= 0) return i;
  }
  return -1;
}

/** Read a region file: [code, name, parent]; the one row without a parent is the city. */
export async function readRegionFile(path: string): Promise<Region[]> {
  const file = basename(path);
  let table;
  try {
    table = await openTable(path, { isHeader: (h) => findCol(h, HEADERS.code) >= 0 && findCol(h, HEADERS.name) >= 0 });
  } catch (e) {
    if (e instanceof NoHeaderError) throw new SjError(t('regions.noHeader', { file }));
    throw e;
  }
  const ci = findCol(table.headers, HEADERS.code);
  const ni = findCol(table.headers, HEADERS.name);
  const pi = findCol(table.headers, HEADERS.parent);
  const problems: RowProblem[] = [];
  const out: Region[] = [];
  const seen = new Map<string, number>();
  for await (const row of table.rows) {
    const p = (col: number, key: string, params: Record<string, string | number> = {}) =>
      problems.push({ file, sheet: table.sheet, row: row.rowNumber, column: table.headers[col], problem: t(`import.p.${key}`, params) });
    const code = cellText(row.cells[ci] ?? null);
    const name = text(row.cells[ni] ?? null);
    const parent = pi >= 0 ? cellText(row.cells[pi] ?? null) : '';
    if (!code) p(ci, 'missing-value');
    else if (!ID_RE.test(code)) p(ci, 'bad-id', { value: printable(code) });
    else if (seen.has(code)) p(ci, 'duplicate-id', { value: code, firstRow: seen.get(code)! });
    if (isBad(name)) p(ni, name.bad, name.params);
    else if (!name) p(ni, 'missing-value');
    if (code) seen.set(code, row.rowNumber);
    out.push({ code, name: isBad(name) ? '' : name, parent: parent || null, level: parent ? 'county' : 'city' });
  }
  const cities = out.filter((r) => r.level === 'city');
  if (problems.length === 0) {
    if (cities.length === 0) throw new SjError(t('regions.noCity'));
    if (cities.length > 1) throw new SjError(t('regions.manyCities', { codes: cities.map((c) => c.code).join(', ') }));
    for (const r of out) if (r.parent && r.parent !== cities[0]!.code) problems.push({ file, problem: t('regions.badParent', { value: r.parent }) + ` (${r.code})` });
  }
  if (problems.length) throw new SjError(t('regions.failed', { file, n: problems.length }), { problems });
  return [...cities, ...out.filter((r) => r.level === 'county')];
}
