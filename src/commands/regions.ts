/** sj regions list | import: the jurisdiction's regions. */
import type { Command } from 'commander';
import { examples, type App } from './app.js';
import { applyRegions } from '../io/regions-store.js';
import { listRegions } from '../io/regions.js';
import { readRegionFile } from '../io/region-file.js';
import { t } from '../messages/index.js';
import { textTable } from '../ui/table.js';

/** The reader lives in io/region-file.ts; re-exported for the callers that know it here. */
export { readRegionFile };

export interface RegionsListOpts {
  json?: boolean;
}

/** `sj regions list`: the regions as a table, or --json. */
export function regionsList(app: App, opts: RegionsListOpts): void {
  const rows = listRegions(app.openDb());
  if (opts.json) return app.out.data(JSON.stringify(rows, null, 2));
  app.out.data(
    textTable(
      [t('regions.col.code'), t('regions.col.name'), t('regions.col.parent'), t('regions.col.level')],
      rows.map((r) => [r.code, r.name, r.parent ?? '', t(`regions.level.${r.level}`)]),
    ),
  );
}

export interface RegionsImportOpts {
  file: string;
  json?: boolean;
}

/** `sj regions import FILE`: replaces the list while no roster row exists, else merges into it. */
export async function regionsImport(app: App, opts: RegionsImportOpts): Promise<void> {
  const list = await readRegionFile(opts.file);
  const r = applyRegions(app.openDb(), list);
  if (opts.json) app.out.data(JSON.stringify({ replaced: r.replaced, added: r.added, updated: r.updated, regions: r.regions.length }, null, 2));
  if (r.replaced) app.out.ok(t('regions.replaced', { n: r.regions.length, city: `${r.regions[0]!.name} ${r.regions[0]!.code}` }));
  else app.out.ok(t('regions.merged', { added: r.added, updated: r.updated }));
}

export function register(program: Command, app: App): void {
  const regions = program.command('regions').description(t('regions.description'));
  examples(regions, ['sj regions list', 'sj regions list --json', 'sj regions import 区划.xlsx --db cangzhou.db']);
  const list = regions
    .command('list')
    .description(t('regions.list.description'))
    .option('--json', t('import.opt.json'))
    .action((f: RegionsListOpts) => regionsList(app, f));
  examples(list, ['sj regions list', 'sj regions list --json']);
  const imp = regions
    .command('import')
    .description(t('regions.import.description'))
    .argument('<file>', t('regions.arg.file'))
    .option('--json', t('import.opt.json'))
    .action((file: string, f: { json?: boolean }) => regionsImport(app, { ...f, file }));
  examples(imp, ['sj regions import fixtures/hengshui/regions-other.csv --db cangzhou.db', 'sj regions import 区划.xlsx']);
}
