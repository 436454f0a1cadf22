/**
 * What `sj draw` and `sj draw commit` share: the options that say what a draw covers and how,
 * their validation (the quarter, the levels in drawing order, the request without its entropy),
 * and how the draws made are shown (and their task list written). Its own module, so the ceremony
 * (draw-commit.ts) and the draw itself (draw-run.ts) both use it without importing each other.
 */
import type { Command } from 'commander';
import { shortfallOf } from '../core/draw.js';
import { quarterEnded, type Quarter } from '../core/quarter.js';
import type { DrawFilter, DrawMethod, Evidence, Level } from '../core/types.js';
import { UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { requireQuarter } from './period.js';
import { today } from '../io/clock.js';
import type { DB } from '../io/db.js';
import type { DrawRun } from '../io/draw-service.js';
import { effectiveTasks } from '../io/draw-store.js';
import { Regions } from '../io/regions.js';
import { parseBy, writeTaskList } from '../io/task-list.js';
import { textTable } from '../ui/table.js';
import { collect, dateOption, percentOption, type App } from './app.js';

/** The scope and method options of a draw, in the order `--help` shows them. */
export function withScopeOptions(cmd: Command): Command {
  return cmd
    .option('-q, --quarter <Q>', t('draw.opt.quarter'))
    .option('--level <level>', t('draw.opt.level'), 'all')
    .option('--region <code>', t('draw.opt.region'), collect, [])
    .option('--directional', t('draw.opt.directional'))
    .option('--industry <name>', t('draw.opt.industry'), collect, [])
    .option('--tag <tag>', t('draw.opt.tag'), collect, [])
    .option('--method <m>', t('draw.opt.method'), 'auto')
    .option('--joint-share <percent>', t('draw.opt.jointShare'))
    .option('--department-joint', t('draw.opt.departmentJoint'))
    .option('--partners <list>', t('draw.opt.partners'))
    .option('--with-experts', t('draw.opt.withExperts'))
    .option('--date <YYYY-MM-DD>', t('draw.opt.date'));
}

export function resolveCounties(regions: Regions, values: string[]): string[] {
  return values.map((v) => {
    const r = regions.find(v);
    if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
    if (r.level !== 'county') throw new UsageError(t('draw.countyOnly', { value: v }));
    return r.code;
  });
}

const splitList = (vs: string[]): string[] => vs.flatMap((v) => v.split(/[,，、;；]/u)).map((s) => s.trim()).filter(Boolean);

export interface DrawOpts {
  quarter?: string;
  level: string;
  region: string[];
  seed?: string;
  directional?: boolean;
  industry: string[];
  tag: string[];
  method: string;
  jointShare?: string;
  departmentJoint?: boolean;
  partners?: string;
  withExperts?: boolean;
  date?: string;
  dryRun?: boolean;
  out?: string;
  by?: string;
  json?: boolean;
  yes?: boolean;
}

/** The per-region, per-class summary of a draw. */
export function drawSummary(ev: Evidence, regions: Regions) {
  const rows = new Map<string, { region: string; class: string; quota: number; credited: number; drawn: number; shortfall: number; population: number }>();
  for (const s of ev.strata) {
    const k = `${s.region}|${s.class}`;
    const r = rows.get(k) ?? { region: s.region, class: s.class, quota: 0, credited: 0, drawn: 0, shortfall: 0, population: 0 };
    r.quota += s.quota;
    r.credited += s.credited ?? 0;
    r.drawn += s.selected;
    r.shortfall += shortfallOf(s);
    r.population += s.population;
    rows.set(k, r);
  }
  const teams = new Map<string, number>();
  for (const tk of ev.tasks) teams.set(`${tk.region}|${tk.class}`, (teams.get(`${tk.region}|${tk.class}`) ?? 0) + 1);
  return [...rows.values()].map((r) => ({ ...r, regionName: regions.name(r.region), teams: teams.get(`${r.region}|${r.class}`) ?? 0 }));
}

export function printRun(app: App, run: DrawRun, regions: Regions): void {
  const ev = run.evidence;
  const sum = drawSummary(ev, regions);
  app.out.info(app.out.color.bold(t('draw.runTitle', { id: ev.draw.id, level: t(`draw.level.${ev.draw.level}`), quarter: ev.draw.quarter, seed: ev.draw.seed })));
  app.out.info(t('draw.algorithm', { algorithm: ev.algorithm, date: ev.draw.createdAt.slice(0, 10) }));
  if (ev.draw.entropySource === 'generated' && !run.dryRun) app.out.info(t('draw.seedGenerated', { entropy: ev.draw.entropy }));
  app.out.data(textTable(
    ['region', 'class', 'objects', 'quota', 'credited', 'drawn', 'shortfall', 'teams'].map((h) => t(`draw.h.${h}`)),
    sum.map((r) => [r.regionName, t(`rules.class.${r.class}`), r.population, r.quota, r.credited, r.drawn, r.shortfall, r.teams]),
  ));
  const short = sum.reduce((n, r) => n + r.shortfall, 0);
  if (short > 0) app.out.warn(t('draw.shortfall', { n: short }));
  app.out.ok(t('draw.done', { id: ev.draw.id, tasks: ev.tasks.length }));
}

/** The task list of the draws just made (`sj draw --out`, `sj draw reveal --out`), written and said. */
export async function writeRunsTaskList(app: App, db: DB, runs: DrawRun[], out: string, by: { byTeam: boolean }): Promise<void> {
  const tasks = runs.flatMap((r) => effectiveTasks(db, { drawId: r.evidence.draw.id }));
  await writeTaskList(db, out, tasks, by);
  app.out.info(t('draw.written', { file: out }));
}

export function runJson(run: DrawRun, regions: Regions) {
  const ev = run.evidence;
  return {
    id: ev.draw.id, algorithm: ev.algorithm, quarter: ev.draw.quarter, level: ev.draw.level, kind: ev.draw.kind, regions: ev.draw.regions,
    date: ev.draw.createdAt.slice(0, 10), seed: ev.draw.seed, entropy: ev.draw.entropy, entropySource: ev.draw.entropySource, dryRun: run.dryRun,
    tasks: ev.tasks.length, shortfall: ev.strata.reduce((n, s) => n + shortfallOf(s), 0),
    summary: drawSummary(ev, regions), strata: ev.strata, snapshotHash: ev.snapshotHash, resultHash: ev.resultHash,
    ledger: run.ledger ?? null,
  };
}

/**
 * The draw date: --date, or today while the quarter has not ended. A draw for a quarter that has
 * ended needs --date (its certificates are judged on that day, never on today's); a date after
 * the quarter's end is refused.
 */
export function drawDate(quarter: Quarter, given: string | undefined): string | undefined {
  if (given && given > quarter.end) throw new UsageError(t('draw.dateAfterQuarter', { date: given, quarter: quarter.id, end: quarter.end }));
  if (!given && quarterEnded(quarter, today())) {
    throw new UsageError(t('usage.missingFlag', { flag: '--date' }), t('draw.dateNeeded', { quarter: quarter.id, end: quarter.end }));
  }
  return given;
}

/**
 * What a draw will draw, from its options, validated (shared by `sj draw` and `sj draw commit`):
 * the quarter, the levels in drawing order, and the request without its entropy.
 */
export function drawScope(app: App, o: DrawOpts) {
  const quarter = requireQuarter(o.quarter);
  const by = parseBy(o.by);
  if (!['city', 'county', 'all'].includes(o.level)) throw new UsageError(t('draw.badLevel'));
  if (!['auto', 'onsite', 'offsite'].includes(o.method)) throw new UsageError(t('usage.badValue', { flag: '--method', value: o.method }), 'auto | onsite | offsite');
  const jointShare = percentOption('--joint-share', o.jointShare);
  const date = drawDate(quarter, dateOption('--date', o.date));
  const industries = splitList(o.industry);
  const tags = splitList(o.tag);
  if (!o.directional && (industries.length || tags.length)) throw new UsageError(t('draw.filterWithoutDirectional'));
  const partners = splitList(o.partners ? [o.partners] : []);
  if (partners.length && !o.departmentJoint) throw new UsageError(t('draw.partnersWithoutJoint'));
  if (o.departmentJoint && !partners.length) throw new UsageError(t('draw.jointNeedsPartners'));

  const db = app.openDb();
  const regions = Regions.load(db);
  const regionCodes = resolveCounties(regions, splitList(o.region));
  let filter: DrawFilter | null = null;
  if (o.directional) {
    if (!industries.length && !tags.length && !regionCodes.length) throw new UsageError(t('draw.directionalNeedsFilter'));
    filter = { industries, tags, regions: regionCodes };
  }
  const levels: Level[] = o.level === 'all' ? ['city', 'county'] : [o.level as Level];
  if (!o.directional && regionCodes.length && levels.includes('city')) {
    if (o.level === 'city') throw new UsageError(t('draw.cityRegion'));
    levels.splice(levels.indexOf('city'), 1); // --region narrows --level all to the county draw
  }
  const request = {
    quarter, regions: regionCodes, directional: Boolean(o.directional), filter,
    method: o.method as DrawMethod, jointShare, departmentJoint: Boolean(o.departmentJoint), partners,
    withExperts: Boolean(o.withExperts), date,
  };
  return { quarter, by, db, regions, levels, request };
}

