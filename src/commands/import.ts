/** sj import objects|inspectors|experts|items|avoidance FILE */
import { Option, type Command } from 'commander';
import { examples, collect, type App } from './app.js';
import { IMPORT_KINDS, type ImportKind } from '../core/roster-fields.js';
import { importRoster, parseMap, type ImportSummary } from '../io/roster-write.js';
import type { Encoding } from '../io/tabular.js';
import { Regions } from '../io/regions.js';
import { currentCount } from '../io/roster-query.js';
import { progress } from '../ui/progress.js';
import { t } from '../messages/index.js';
import { CLASSES } from '../core/types.js';

const EXAMPLES: Record<ImportKind, string[]> = {
  objects: [
    'sj import objects fixtures/hengshui/objects.xlsx',
    'sj import objects 名录库.csv --encoding gb18030 --dry-run',
    'sj import objects 2023Q3.xlsx --sheet 检查对象名录库 --map region=区县名称',
    'sj import objects 新增企业.xlsx --mode partial --json',
  ],
  inspectors: [
    'sj import inspectors fixtures/hengshui/inspectors.xlsx',
    'sj import inspectors 人员.xlsx --map certExpiry=证件到期日 --dry-run',
  ],
  experts: ['sj import experts fixtures/hengshui/experts.xlsx', 'sj import experts 专家库.csv --json'],
  items: ['sj import items fixtures/hengshui/items.xlsx', 'sj import items 事项清单.xlsx --sheet 2023 --dry-run'],
  avoidance: ['sj import avoidance fixtures/hengshui/avoidance.csv', 'sj import avoidance 回避.csv --mode partial'],
};

export interface ImportFlags {
  sheet?: string;
  encoding: Encoding;
  /** field=表头 pairs (--map, repeatable) */
  map?: string[];
  mode: 'full' | 'partial';
  dryRun?: boolean;
  json?: boolean;
}

export interface ImportOpts extends ImportFlags {
  kind: ImportKind;
  file: string;
}

/** `sj import KIND FILE`: import a roster file, print its summary, warn when a full import empties most of the roster. */
export async function importRosterFile(app: App, opts: ImportOpts): Promise<void> {
  const { kind, file, ...flags } = opts;
  // rows of that roster in force before the import
  const before = flags.mode === 'full' ? currentCount(app.openDb(), kind) : 0;
  const summary = await runImport(app, kind, file, flags);
  printSummary(app, summary, flags.json ?? false);
  warnFullMode(app, summary, before);
}

export function register(program: Command, app: App): void {
  const imp = program.command('import').description(t('import.description'));
  examples(imp, [
    'sj import objects fixtures/hengshui/objects.xlsx',
    'sj import inspectors 执法人员名录库.xlsx --dry-run',
    'sj import avoidance 回避-专家.csv --mode partial',
    'sj import objects 名录库.csv --encoding gb18030 --json',
  ]);
  for (const kind of IMPORT_KINDS) {
    const cmd = imp
      .command(kind)
      .description(t(`import.kind.${kind}`))
      .argument('<file>', t('import.arg.file'))
      .option('--sheet <name>', t('import.opt.sheet'))
      .addOption(new Option('--encoding <enc>', t('import.opt.encoding')).choices(['auto', 'utf8', 'gb18030']).default('auto'))
      .option('--map <field=表头>', t('import.opt.map'), collect)
      .addOption(new Option('--mode <mode>', t('import.opt.mode')).choices(['full', 'partial']).default('full'))
      .option('--dry-run', t('import.opt.dryRun'))
      .option('--json', t('import.opt.json'))
      .action((file: string, flags: ImportFlags) => importRosterFile(app, { ...flags, kind, file }));
    examples(cmd, EXAMPLES[kind]);
  }
}

/**
 * A full import takes every row missing from the file out of the roster: a second file (the
 * experts' recusals after the inspectors') would silently empty the first. Say so when more
 * than half of the roster goes; the import itself is unchanged.
 */
function warnFullMode(app: App, s: ImportSummary, before: number): void {
  if (s.mode !== 'full' || before === 0 || s.deactivated * 2 <= before) return;
  app.out.warn(t('import.fullModeWarn', { n: s.deactivated, total: before, kind: t(`import.kindName.${s.kind}`) }));
}

export async function runImport(app: App, kind: ImportKind, file: string, flags: ImportFlags): Promise<ImportSummary> {
  const map = parseMap(kind, flags.map);
  const db = app.openDb();
  const bar = progress(t('import.progress'));
  try {
    return await importRoster(db, {
      kind,
      path: file,
      sheet: flags.sheet,
      encoding: flags.encoding,
      map,
      mode: flags.mode,
      dryRun: flags.dryRun ?? false,
      onProgress: (n) => bar.update(n),
    });
  } finally {
    bar.done();
  }
}

/** The JSON document of --json (the brief's shape, plus headerRow/encoding/extraColumns). */
export function summaryJson(s: ImportSummary): Record<string, unknown> {
  return {
    kind: s.kind,
    file: s.file,
    sheet: s.sheet,
    mode: s.mode,
    dryRun: s.dryRun,
    added: s.added,
    updated: s.updated,
    unchanged: s.unchanged,
    deactivated: s.deactivated,
    byRegion: s.byRegion,
    byPrecedence: s.byPrecedence,
    rows: s.rows,
    headerRow: s.headerRow,
    encoding: s.encoding,
    extraColumns: s.extraColumns,
  };
}

function printSummary(app: App, s: ImportSummary, json: boolean): void {
  if (json) app.out.data(JSON.stringify(summaryJson(s), null, 2));
  const out = app.out;
  const kindName = t(`import.kindName.${s.kind}`);
  out.ok(t(s.dryRun ? 'import.dryDone' : 'import.done', { kind: kindName, file: s.file }));
  out.info(
    '  ' +
      (s.sheet !== null ? t('import.where', { sheet: s.sheet, row: s.headerRow }) : t('import.whereCsv', { encoding: s.encoding ?? '', row: s.headerRow })),
  );
  out.info('  ' + t('import.counts', s as unknown as Record<string, number>));
  if (s.extraColumns.length) out.info('  ' + t('import.extraCols', { cols: s.extraColumns.join('、') }));
  const regions = Regions.load(app.openDb());
  const entries = Object.entries(s.byRegion);
  if (entries.length) {
    out.info('  ' + t('import.byRegionTitle'));
    for (const [code, v] of entries) {
      const name = regions.name(code);
      if (typeof v === 'number') out.info('    ' + t('import.regionCount', { name, code, n: v }));
      else {
        const parts = CLASSES.map((c) => `${t(`roster.class.${c}`)} ${v[c] ?? 0}`);
        const total = CLASSES.reduce((a, c) => a + (v[c] ?? 0), 0);
        out.info('    ' + t('import.regionClasses', { name, code, parts: parts.join(t('import.listSep')), total }));
      }
    }
  }
  if (s.byPrecedence) out.info('  ' + t('import.byPrecedence', { n: s.byPrecedence }));
}
