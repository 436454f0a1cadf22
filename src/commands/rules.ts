/**
 * `sj rules`: show, check and use the rules of a year; the working-day calendar.
 */
import type { Command } from 'commander';
import { CLASSES } from '../core/types.js';
import { creditBasedScopeOf, rulesHash, type SjRules } from '../core/rules.js';
import { compressDates } from '../core/workdays.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { calendarYears, importCalendar } from '../io/calendar-store.js';
import { today } from '../io/clock.js';
import { listRules, readRulesFile, rulesForYear, useRules, type StoredRules } from '../io/rules-store.js';
import { bpPercent } from '../core/arith.js';
import { textTable } from '../ui/table.js';
import { examples, intOption, type App } from './app.js';

/** n / 10^d as a decimal string without floats, trailing zeros dropped: (250, 2) → "2.5" (a tier's rate × multiplier). */
function decimal(n: number, d: number): string {
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(d + 1, '0');
  const whole = s.slice(0, s.length - d);
  const frac = s.slice(s.length - d).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}
/** basis points as percent: 250 → "2.5%" (core/arith.ts: one home for it) */
const pct = bpPercent;

const thisYear = (): number => Number(today().slice(0, 4));
const yearOption = (v: string | undefined): number | undefined => intOption('--year', v, 1900, 9999);

const className = (c: string): string => t(`rules.class.${c}`);
const yesNo = (b: boolean): string => t(b ? 'rules.yes' : 'rules.no');

/** The JSON document of `sj rules show`. */
export function rulesShowJson(asked: number, s: StoredRules, cal: ReturnType<typeof calendarYears>) {
  return {
    year: asked,
    rulesId: s.id,
    rulesYear: s.year,
    hash: s.hash,
    source: s.source,
    storedAt: s.at,
    rules: s.rules,
    calendar: {
      name: s.rules.calendar,
      years: cal.map((y) => y.year),
      covers: cal.some((y) => y.year === asked),
    },
  };
}

/** The human summary: every number of the rules, in tables. */
export function rulesShowText(asked: number, s: StoredRules, cal: ReturnType<typeof calendarYears>): string {
  const r: SjRules = s.rules;
  const out: string[] = [];
  const kv = (rows: [string, string | number][]) => textTable([t('rules.h.item'), t('rules.h.value')], rows.map(([k, v]) => [k, String(v)]));
  out.push(`${t('rules.title', { year: asked })}`);
  out.push(kv([
    [t('rules.f.name'), r.name],
    [t('rules.f.year'), s.year === asked ? String(s.year) : t('rules.f.carried', { year: s.year })],
    [t('rules.f.id'), s.id],
    [t('rules.f.hash'), s.hash],
    [t('rules.f.source'), s.source],
  ]));

  out.push(t('rules.sec.rates'));
  const rateRows: (string | number)[][] = [];
  for (const level of ['city', 'county'] as const) {
    for (const c of CLASSES) {
      const rate = r.rates[level]?.[c];
      if (rate === undefined) continue;
      rateRows.push([t(`rules.level.${level}`), className(c), rate > 0 ? pct(rate) : t('rules.notDrawn'), r.tiered.includes(c) ? yesNo(true) : yesNo(false)]);
    }
  }
  out.push(textTable([t('rules.h.level'), t('rules.h.class'), t('rules.h.rate'), t('rules.h.tiered')], rateRows));

  out.push(t('rules.sec.tiers'));
  const tieredCells: { level: 'city' | 'county'; c: (typeof CLASSES)[number]; rate: number }[] = [];
  for (const level of ['city', 'county'] as const) {
    for (const c of r.tiered) {
      const rate = r.rates[level]?.[c] ?? 0;
      if (rate > 0) tieredCells.push({ level, c, rate });
    }
  }
  const tierRows = [...r.tiers.map((x) => ({ code: x.code, pct: x.pct })), { code: t('rules.unrated'), pct: 100 }].map((x) => [
    x.code,
    `${x.pct}%`,
    ...tieredCells.map((cell) => `${decimal(cell.rate * x.pct, 4)}%`),
  ]);
  out.push(textTable(
    [t('rules.h.tier'), t('rules.h.multiplier'), ...tieredCells.map((cell) => `${t(`rules.level.${cell.level}`)}${className(cell.c)}`)],
    tierRows,
  ));
  out.push(t('rules.tierNote'));

  out.push(t('rules.sec.team'));
  out.push(kv([
    [t('rules.f.teamSize'), r.team.size],
    [t('rules.f.matchSpecialty'), yesNo(r.team.matchSpecialty)],
    [t('rules.f.crossRegion'), yesNo(r.team.crossRegionAtCity)],
    [t('rules.f.loadCap'), r.team.maxTasksPerInspector > 0 ? r.team.maxTasksPerInspector : t('rules.noLimit')],
    [t('rules.f.preferOffsite'), yesNo(r.method.preferOffsite)],
    [t('rules.f.experts'), r.experts.industries.length ? r.experts.industries.join('、') : t('rules.none')],
  ]));

  out.push(t('rules.sec.exclusions'));
  out.push(kv([
    [t('rules.f.sameQuarter'), yesNo(r.exclusions.sameQuarter)],
    [t('rules.f.annualCap'), r.exclusions.annualCap > 0 ? r.exclusions.annualCap : t('rules.noLimit')],
    [t('rules.f.season'), yesNo(r.exclusions.season)],
  ]));

  out.push(t('rules.sec.targets'));
  out.push(kv([
    [t('rules.f.jointInternalShare'), `≥ ${pct(r.targets.jointInternalShare)}`],
    [t('rules.f.jointDepartmentPerQuarter'), `≥ ${r.targets.jointDepartmentPerQuarter}`],
    [t('rules.f.creditBasedShare'), `≥ ${pct(r.targets.creditBasedShare)}`],
    [t('rules.f.creditBasedScope'), t(`rules.scope.${creditBasedScopeOf(r)}`)],
    [t('rules.f.positiveCoverage'), pct(r.targets.positiveCoverage)],
  ]));

  out.push(t('rules.sec.deadlines'));
  out.push(kv([
    [t('rules.f.publication'), t('rules.workingDays', { n: r.deadlines.publicationWorkingDays })],
    [t('rules.f.summary'), t('rules.workingDays', { n: r.deadlines.summaryWorkingDaysBeforeQuarterEnd })],
    [t('rules.f.statistics'), t('rules.workingDays', { n: r.deadlines.statisticsWorkingDaysAfterQuarterEnd })],
  ]));

  out.push(t('rules.sec.calendar'));
  out.push(kv([
    [t('rules.f.calendar'), r.calendar],
    [t('rules.f.calendarYears'), cal.map((y) => y.year).join('、') || t('rules.none')],
  ]));
  return out.join('\n');
}

export interface RulesShowOpts {
  year?: string;
  json?: boolean;
}

/** `sj rules show`: the rules in force for a year (this year by default) and its calendar's cover. */
export function rulesShow(app: App, opts: RulesShowOpts): void {
  const year = yearOption(opts.year) ?? thisYear();
  const db = app.openDb();
  const s = rulesForYear(db, year);
  const cal = calendarYears(db);
  if (opts.json) app.out.data(JSON.stringify(rulesShowJson(year, s, cal), null, 2));
  else app.out.data(rulesShowText(year, s, cal));
  if (s.year !== year) app.out.info(t('rules.carriedNote', { year, from: s.year }));
  if (!cal.some((y) => y.year === year)) app.out.warn(t('calendar.notCovered', { year }));
}

export interface JsonOpt {
  json?: boolean;
}

/** `sj rules list`: every stored rules version. */
export function rulesList(app: App, opts: JsonOpt): void {
  const db = app.openDb();
  rulesForYear(db, thisYear()); // the bundled default is stored on first use
  const rows = listRules(db);
  if (opts.json) return app.out.data(JSON.stringify(rows, null, 2));
  app.out.data(textTable(
    [t('rules.h.id'), t('rules.h.year'), t('rules.h.hash'), t('rules.h.source'), t('rules.h.at')],
    rows.map((r) => [r.id, r.year, r.hash.slice(0, 16), r.source, r.at]),
  ));
}

export interface RulesFileOpts {
  file: string;
  json?: boolean;
}

/** `sj rules check FILE`: validate a rules file without storing it. */
export function rulesCheck(app: App, opts: RulesFileOpts): void {
  const { rules: r, warnings } = readRulesFile(opts.file);
  if (opts.json) {
    app.out.data(JSON.stringify({ ok: true, file: opts.file, year: r.year, hash: rulesHash(r), problems: [], warnings }, null, 2));
    return;
  }
  for (const w of warnings) app.out.warn(`${t('rules.warning')}: ${w}`);
  app.out.data(t('rules.valid', { file: opts.file, year: r.year, hash: rulesHash(r) }));
}

export interface RulesUseOpts extends RulesFileOpts {
  year?: string;
}

/** `sj rules use FILE`: store a rules file as the rules of its year (or --year). */
export function rulesUse(app: App, opts: RulesUseOpts): void {
  const year = yearOption(opts.year);
  const res = useRules(app.openDb(), opts.file, year);
  if (opts.json) return app.out.data(JSON.stringify({ ok: true, ...res }, null, 2));
  for (const w of res.warnings) app.out.warn(`${t('rules.warning')}: ${w}`);
  app.out.data(`${res.id}\t${res.hash}`);
  app.out.ok(t(res.unchanged ? 'rules.unchanged' : 'rules.stored', { id: res.id, year: res.year, hash: res.hash }));
  if (!res.unchanged) app.out.info(t('rules.storedNote'));
}

export interface RulesCalendarOpts {
  year?: string;
  json?: boolean;
}

/** `sj rules calendar`: the stored working-day calendar, every year or one. */
export function rulesCalendar(app: App, opts: RulesCalendarOpts): void {
  const year = yearOption(opts.year);
  let years = calendarYears(app.openDb());
  if (year !== undefined) {
    years = years.filter((y) => y.year === year);
    if (!years.length) app.out.warn(t('calendar.notCovered', { year }));
  }
  if (opts.json) {
    return app.out.data(JSON.stringify({ format: 'sj-calendar/1', years: years.map((y) => ({ year: y.year, source: y.source, off: y.off, work: y.work })) }, null, 2));
  }
  const rows: (string | number)[][] = [];
  for (const y of years) {
    for (const d of compressDates(y.off)) rows.push([y.year, t('calendar.off'), d.replace('..', ' – ')]);
    for (const d of y.work) rows.push([y.year, t('calendar.work'), d]);
    rows.push([y.year, t('calendar.source'), y.source]);
  }
  app.out.data(textTable([t('calendar.h.year'), t('calendar.h.kind'), t('calendar.h.dates')], rows));
}

/** `sj rules calendar import FILE`: add or replace years of the working-day calendar. */
export function rulesCalendarImport(app: App, opts: RulesFileOpts): void {
  if (!opts.file) throw new UsageError(t('usage.missingArgument', { arg: 'FILE' }));
  const res = importCalendar(app.openDb(), opts.file);
  if (opts.json) return app.out.data(JSON.stringify({ ok: true, ...res }, null, 2));
  app.out.ok(t('calendar.imported', { added: res.added.join('、') || '—', replaced: res.replaced.join('、') || '—' }));
}

export function register(program: Command, app: App): void {
  const rules = program.command('rules').description(t('rules.cmd'));
  examples(rules, [
    'sj rules show --year 2023',
    'sj rules check my-rules-2024.json',
    'sj rules use my-rules-2024.json --year 2024',
    'sj rules calendar --year 2024',
  ]);

  const show = rules
    .command('show')
    .description(t('rules.cmd.show'))
    .option('--year <Y>', t('rules.opt.year'))
    .option('--json', t('rules.opt.json'))
    .action((o: RulesShowOpts) => rulesShow(app, o));
  examples(show, ['sj rules show', 'sj rules show --year 2023', 'sj rules show --year 2024 --json']);

  const list = rules
    .command('list')
    .description(t('rules.cmd.list'))
    .option('--json', t('rules.opt.json'))
    .action((o: JsonOpt) => rulesList(app, o));
  examples(list, ['sj rules list', 'sj rules list --json']);

  const check = rules
    .command('check <file>')
    .description(t('rules.cmd.check'))
    .option('--json', t('rules.opt.json'))
    .action((file: string, o: JsonOpt) => rulesCheck(app, { ...o, file }));
  examples(check, ['sj rules check rules/hengshui-2023.json', 'sj rules check my-rules-2024.json --json']);

  const use = rules
    .command('use <file>')
    .description(t('rules.cmd.use'))
    .option('--year <Y>', t('rules.opt.useYear'))
    .option('--json', t('rules.opt.json'))
    .action((file: string, o: Omit<RulesUseOpts, 'file'>) => rulesUse(app, { ...o, file }));
  examples(use, [
    'sj rules use my-rules-2024.json --year 2024',
    'sj rules use rules/hengshui-2023.json --year 2023 --json',
  ]);

  const calendar = rules
    .command('calendar')
    .description(t('calendar.cmd'))
    .option('--year <Y>', t('calendar.opt.year'))
    .option('--json', t('rules.opt.json'))
    .action((o: RulesCalendarOpts) => rulesCalendar(app, o));
  examples(calendar, ['sj rules calendar', 'sj rules calendar --year 2024', 'sj rules calendar --year 2023 --json']);

  const imp = calendar
    .command('import <file>')
    .description(t('calendar.cmd.import'))
    .option('--json', t('rules.opt.json'))
    // `--json` after the file is taken by the parent `calendar` command: honour it either way
    .action((file: string, o: JsonOpt) => rulesCalendarImport(app, { file, json: o.json || (calendar.opts() as JsonOpt).json }));
  examples(imp, ['sj rules calendar import calendar-2026.json', 'sj rules calendar import my-calendar.json --json']);
}
