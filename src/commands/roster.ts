/** sj roster list | stats | show: reading the rosters. */
import { Argument, Option, type Command } from 'commander';
import { dateOption, examples, type App } from './app.js';
import type { DB } from '../io/db.js';
import { ROSTER_KINDS, type RosterKind, type RowOf, type ObjectRow } from '../io/roster-read.js';
import { objectVersions, type ObjectVersion } from '../io/object-versions.js';
import { Regions } from '../io/regions.js';
import { today } from '../io/clock.js';
import { toCsv } from '../io/csv.js';
import { SjError, UsageError } from '../errors.js';
import { getLang, t } from '../messages/index.js';
import { FIELDS } from '../core/roster-fields.js';
import { CLASSES, type ObjClass } from '../core/types.js';
import { category } from '../core/normalize.js';
import { textTable, type Cell } from '../ui/table.js';
import { OBJECT_SECTIONS, type SectionBuilder, type ShowSection } from './object-sections.js';
import { listRoster } from '../io/roster-query.js';
import { EXPIRY_DAYS, rosterStats as gatherRosterStats, type RosterStats } from '../io/roster-stats.js';
import { addDays } from '../core/workdays.js';

// ---- helpers -----------------------------------------------------------------------------

/** A text table (ui/table.ts) without its final newline: the stats join their parts with blank lines. */
const table = (header: string[], rows: Cell[][]): string => textTable(header, rows).trimEnd();

export function parseClassFlag(v: string | undefined): ObjClass | undefined {
  if (v === undefined) return undefined;
  const c = category(v);
  if (c === null || typeof c !== 'string') throw new UsageError(t('roster.badClass', { value: v }));
  return c;
}

export function parseRegionFlag(regions: Regions, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const r = regions.find(v);
  if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
  return r.code;
}

const yes = (b: boolean) => t(b ? 'roster.yes' : 'roster.no');
const classLabel = (c: string) => t(`roster.class.${c}`);
/** a stored status or level in words (在产, 在岗, 市县两级 …) */
const word = (kind: 'object' | 'person' | 'level', v: string) => t(`roster.${kind}.${v}`);

/**
 * A list column's heading: in Chinese the heading the roster files use for that field (the
 * first one import recognises), in English the field's name.
 */
function heading(kind: RosterKind, field: string): string {
  if (getLang() !== 'zh') return field;
  if (field === 'class' || field === 'extra' || field === 'inRoster') return t(`roster.h.${field}`);
  if (kind === 'avoidance' && field === 'person') return t('roster.h.person');
  return FIELDS[kind].find((f) => f.field === field)?.headers[0] ?? field;
}

/** The columns shown by `roster list` (table and CSV): header → value. */
function listColumns(kind: RosterKind, regions: Regions): [string, (r: never) => unknown][] {
  const reg = (code: string) => (code ? regions.name(code) : '');
  switch (kind) {
    case 'objects':
      return [
        ['id', (r: ObjectRow) => r.id],
        ['name', (r: ObjectRow) => r.name],
        ['region', (r: ObjectRow) => reg(r.region)],
        ['class', (r: ObjectRow) => classLabel(r.class)],
        ['tier', (r: ObjectRow) => r.tier ?? ''],
        ['industry', (r: ObjectRow) => r.industry],
        ['status', (r: ObjectRow) => word('object', r.status)],
        ['offsite', (r: ObjectRow) => yes(r.offsite)],
        ['months', (r: ObjectRow) => r.months],
      ] as [string, (r: never) => unknown][];
    case 'inspectors':
      return [
        ['id', (r: RowOf['inspectors']) => r.id],
        ['name', (r: RowOf['inspectors']) => r.name],
        ['region', (r: RowOf['inspectors']) => reg(r.region)],
        ['line', (r: RowOf['inspectors']) => r.line],
        ['certified', (r: RowOf['inspectors']) => yes(r.certified)],
        ['certExpiry', (r: RowOf['inspectors']) => r.certExpiry],
        ['status', (r: RowOf['inspectors']) => word('person', r.status)],
        ['specialties', (r: RowOf['inspectors']) => r.specialties.join('、')],
      ] as [string, (r: never) => unknown][];
    case 'experts':
      return [
        ['id', (r: RowOf['experts']) => r.id],
        ['name', (r: RowOf['experts']) => r.name],
        ['org', (r: RowOf['experts']) => r.org],
        ['region', (r: RowOf['experts']) => reg(r.region)],
        ['industries', (r: RowOf['experts']) => r.industries.join('、')],
        ['status', (r: RowOf['experts']) => word('person', r.status)],
      ] as [string, (r: never) => unknown][];
    case 'items':
      return [
        ['id', (r: RowOf['items']) => r.id],
        ['name', (r: RowOf['items']) => r.name],
        ['line', (r: RowOf['items']) => r.line],
        ['classes', (r: RowOf['items']) => r.classes.map(classLabel).join('、')],
        ['method', (r: RowOf['items']) => r.method],
        ['level', (r: RowOf['items']) => word('level', r.level)],
      ] as [string, (r: never) => unknown][];
    case 'avoidance':
      return [
        ['person', (r: RowOf['avoidance']) => r.person],
        ['object', (r: RowOf['avoidance']) => r.object],
        ['reason', (r: RowOf['avoidance']) => r.reason],
      ] as [string, (r: never) => unknown][];
  }
}

// ---- stats ---------------------------------------------------------------------------------

function printStats(app: App, s: RosterStats, regions: Regions): void {
  const out: string[] = [];
  out.push(t('roster.stats.objects'));
  const hdr = [t('roster.col.region'), ...CLASSES.map(classLabel), t('roster.col.total')];
  const rows: Cell[][] = Object.entries(s.objects.byRegion).map(([code, v]) => [regions.name(code), ...CLASSES.map((c) => v[c]), v.total]);
  rows.push([t('roster.col.total'), ...CLASSES.map((c) => s.objects.byClass[c]), s.objects.total]);
  out.push(table(hdr, rows), '');
  out.push(t('roster.stats.tiers'));
  const tiers = Object.entries(s.objects.byTier).sort(([a], [b]) => (a === 'unrated' ? 1 : b === 'unrated' ? -1 : a < b ? -1 : 1));
  out.push(table(tiers.map(([k]) => (k === 'unrated' ? t('roster.col.unrated') : k)), [tiers.map(([, n]) => n)]));
  out.push(t('roster.stats.positive', { n: s.objects.positive }), '');
  out.push(t('roster.stats.inspectors'));
  const lines = [...new Set(Object.values(s.inspectors.byRegion).flatMap((v) => Object.keys(v)))].sort();
  const irows = Object.entries(s.inspectors.byRegion).map(([code, v]) => {
    const total = Object.values(v).reduce((a, b) => a + b, 0);
    return [regions.name(code), ...lines.map((l) => v[l] ?? 0), total, s.inspectors.eligibleByRegion[code] ?? 0];
  });
  out.push(table([t('roster.col.region'), ...lines, t('roster.col.total'), t('roster.col.eligible')], irows), '');
  out.push(t('roster.stats.expiring', { days: EXPIRY_DAYS, from: s.date, to: addDays(s.date, EXPIRY_DAYS) }));
  const certRows = (l: RosterStats['expiring']) => l.map((e) => [e.id, e.name, regions.name(e.region), e.certExpiry]);
  const certHeader = [t('roster.col.id'), t('roster.col.name'), t('roster.col.region'), t('roster.col.certExpiry')];
  out.push(s.expiring.length ? table(certHeader, certRows(s.expiring)) : t('roster.stats.none'));
  if (s.expired.length) out.push('', t('roster.stats.expired'), table(certHeader, certRows(s.expired)));
  out.push('', t('roster.stats.fewEligible', { size: s.teamSize }));
  out.push(s.fewEligible.length ? s.fewEligible.map((r) => `⚠ ${r.name} (${r.region}): ${r.eligible}`).join('\n') : t('roster.stats.none'));
  app.out.data(out.join('\n'));
}

// ---- show ----------------------------------------------------------------------------------

export interface ObjectReport {
  id: string;
  current: ObjectRow | null;
  history: ObjectVersion[];
  sections: ShowSection[];
}

/** An object's data, version history (io/object-versions.ts) and the given sections (object-sections.ts by default). */
export function objectReport(db: DB, id: string, sections: readonly SectionBuilder[] = OBJECT_SECTIONS): ObjectReport | null {
  const v = objectVersions(db, id);
  if (!v) return null;
  const shown = sections.map((f) => f(db, id)).filter((s): s is ShowSection => s !== null);
  return { id, current: v.current, history: v.history, sections: shown };
}

function printObject(app: App, r: ObjectReport, regions: Regions): void {
  const out: string[] = [];
  const c = r.current!;
  out.push(`${c.id}  ${c.name}${c.inRoster ? '' : ' ' + t('roster.show.removed')}`, '', t('roster.show.current'));
  const fields = ([
    ['region', `${regions.name(c.region)} (${c.region})`],
    ['class', `${classLabel(c.class)} (${c.class}, ${c.classBy})`],
    ['tier', c.tier ?? t('roster.col.unrated')],
    ['industry', c.industry],
    ['tags', c.tags.join('、')],
    ['offsite', yes(c.offsite)],
    ['status', word('object', c.status)],
    ['months', c.months],
    ['permit', c.permit],
    ['address', c.address],
    ['contact', c.contact],
    ['phone', c.phone],
  ] as [string, string][]).map(([k, v]): [string, string] => [heading('objects', k), v]);
  // columns of the file sj does not know, under the file's own headings
  fields.push(...Object.entries(c.extra));
  for (const [k, v] of fields) if (v !== '') out.push(`  ${k}: ${v}`);
  out.push('', t('roster.show.history'));
  for (const v of r.history) {
    out.push(
      `  ${t('roster.show.version', {
        from: v.validFrom,
        to: v.validTo ? t('roster.show.until', { to: v.validTo }) : '',
        import: v.importId,
        file: v.file ? ` ${v.file}` : '',
        removed: v.inRoster ? '' : ' ' + t('roster.show.removed'),
      })}`,
    );
    if (v.changed.length) out.push(`    ${t('roster.show.changed', { fields: v.changed.map((f) => heading('objects', f)).join(t('word.listSep')) })}`);
  }
  for (const s of r.sections) out.push('', s.title, ...s.lines.map((l) => `  ${l}`));
  app.out.data(out.join('\n'));
}

// ---- commands ------------------------------------------------------------------------------

export interface RosterListOpts {
  kind: RosterKind;
  region?: string;
  class?: string;
  asOf?: string;
  all?: boolean;
  json?: boolean;
  csv?: boolean;
}

/** `sj roster list KIND`: a roster (in force, or --as-of a date; --all with the removed) as a table, CSV or JSON. */
export function rosterList(app: App, opts: RosterListOpts): void {
  const { kind } = opts;
  const db = app.openDb();
  const regions = Regions.load(db);
  const asOf = dateOption('--as-of', opts.asOf);
  const rows = listRoster(db, kind, { region: parseRegionFlag(regions, opts.region), cls: parseClassFlag(opts.class), asOf, includeRemoved: opts.all });
  if (opts.json) return app.out.data(JSON.stringify(rows, null, 2));
  const cols = listColumns(kind, regions) as [string, (r: unknown) => unknown][];
  const header = cols.map(([h]) => heading(kind, h));
  if (opts.csv) {
    // with a BOM, so Excel on a Chinese Windows reads it as UTF-8 rather than GBK (as the other CSV files sj writes)
    return app.out.data(toCsv(header, rows.map((r) => cols.map(([, g]) => g(r))), { bom: true }));
  }
  if (rows.length === 0) return app.out.info(t('roster.empty'));
  app.out.data(table(header, rows.map((r) => cols.map(([, g]) => g(r) as Cell))));
  app.out.info(t('roster.count', { n: rows.length }));
}

export interface RosterStatsOpts {
  date?: string;
  json?: boolean;
}

/** `sj roster stats`: the rosters counted as of a date (today by default). */
export function rosterStats(app: App, opts: RosterStatsOpts): void {
  const db = app.openDb();
  const date = dateOption('--date', opts.date) ?? today();
  const s = gatherRosterStats(db, date);
  if (opts.json) app.out.data(JSON.stringify(s, null, 2));
  else printStats(app, s, Regions.load(db));
}

export interface RosterShowOpts {
  id: string;
  json?: boolean;
}

/** `sj roster show ID`: one object's data, history, inspections and credit record. */
export function rosterShow(app: App, opts: RosterShowOpts): void {
  const db = app.openDb();
  const r = objectReport(db, opts.id.trim());
  if (!r || !r.current) throw new SjError(t('roster.notFound', { id: opts.id }), { hint: t('roster.notFoundHint') });
  if (!opts.json) return printObject(app, r, Regions.load(db));
  const doc: Record<string, unknown> = { id: r.id, current: r.current, history: r.history.map(({ data, ...v }) => ({ ...v, data })) };
  for (const s of r.sections) doc[s.key] = s.json;
  app.out.data(JSON.stringify(doc, null, 2));
}

export function register(program: Command, app: App): void {
  const roster = program.command('roster').description(t('roster.description'));
  examples(roster, [
    'sj roster stats',
    'sj roster list objects --region 桃城区 --as-of 2023-03-31',
    'sj roster list inspectors --csv > 执法人员.csv',
    'sj roster show 91131102507147431A',
  ]);

  const list = roster
    .command('list')
    .description(t('roster.list.description'))
    .addArgument(new Argument('<kind>', ROSTER_KINDS.join('|')).choices(ROSTER_KINDS as string[]))
    .option('--region <region>', t('roster.opt.region'))
    .option('--class <class>', t('roster.opt.class'))
    .option('--as-of <date>', t('roster.opt.asOf'))
    .option('--all', t('roster.opt.all'))
    .addOption(new Option('--json', t('import.opt.json')).conflicts('csv'))
    .option('--csv', t('roster.opt.csv'))
    .action((kind: RosterKind, f: Omit<RosterListOpts, 'kind'>) => rosterList(app, { ...f, kind }));
  examples(list, [
    'sj roster list objects --region 桃城区 --class key',
    'sj roster list inspectors --json',
    'sj roster list objects --as-of 2023-06-30 --csv > 名录-0630.csv',
  ]);

  const stats = roster
    .command('stats')
    .description(t('roster.stats.description'))
    .option('--date <date>', t('roster.opt.date'))
    .option('--json', t('import.opt.json'))
    .action((f: RosterStatsOpts) => rosterStats(app, f));
  examples(stats, ['sj roster stats', 'sj roster stats --date 2023-04-01 --json']);

  const show = roster
    .command('show')
    .description(t('roster.show.description'))
    .argument('<object-id>')
    .option('--json', t('import.opt.json'))
    .action((id: string, f: { json?: boolean }) => rosterShow(app, { ...f, id }));
  examples(show, ['sj roster show 91131102507147431A', 'sj roster show 91131102507147431A --json']);
}
