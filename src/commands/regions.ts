/** sj regions list | import: the jurisdiction's regions. */
import type { Command } from 'commander';
import { basename } from 'node:path';
import { examples, type App } from './app.js';
import { applyRegions } from '../io/regions-store.js';
import { listRegions, type Region } from '../io/regions.js';
import { openTable, NoHeaderError } from '../io/tabular.js';
import { headerMatch } from '../core/roster-fields.js';
import { cellText, ID_RE, text, isBad, printable } from '../core/normalize.js';
import { SjError, type RowProblem } from '../errors.js';
import { t } from '../messages/index.js';
import { textTable } from '../ui/table.js';

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

export function register(program: Command, app: App): void {
  const regions = program.command('regions').description(t('regions.description'));
  examples(regions, ['sj regions list', 'sj regions list --json', 'sj regions import 区划.xlsx --db cangzhou.db']);
  const list = regions
    .command('list')
    .description(t('regions.list.description'))
    .option('--json', t('import.opt.json'))
    .action((f: { json?: boolean }) => {
      const rows = listRegions(app.openDb());
      if (f.json) app.out.data(JSON.stringify(rows, null, 2));
      else
        app.out.data(
          textTable(
            [t('regions.col.code'), t('regions.col.name'), t('regions.col.parent'), t('regions.col.level')],
            rows.map((r) => [r.code, r.name, r.parent ?? '', t(`regions.level.${r.level}`)]),
          ),
        );
    });
  examples(list, ['sj regions list', 'sj regions list --json']);
  const imp = regions
    .command('import')
    .description(t('regions.import.description'))
    .argument('<file>', t('regions.arg.file'))
    .option('--json', t('import.opt.json'))
    .action(async (file: string, f: { json?: boolean }) => {
      const list = await readRegionFile(file);
      const r = applyRegions(app.openDb(), list);
      if (f.json) app.out.data(JSON.stringify({ replaced: r.replaced, added: r.added, updated: r.updated, regions: r.regions.length }, null, 2));
      if (r.replaced) app.out.ok(t('regions.replaced', { n: r.regions.length, city: `${r.regions[0]!.name} ${r.regions[0]!.code}` }));
      else app.out.ok(t('regions.merged', { added: r.added, updated: r.updated }));
    });
  examples(imp, ['sj regions import fixtures/hengshui/regions-other.csv --db cangzhou.db', 'sj regions import 区划.xlsx']);
}
