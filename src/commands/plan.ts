/**
 * `sj plan`: what a quarter's draws would demand, before drawing. Nothing is drawn or written
 * (except the rules row stored on first use).
 */
import { Option, type Command } from 'commander';
import type { LevelPlan } from '../core/plan.js';
import { parseQuarter, QUARTER_FORMS, type JudgeDate, type Quarter } from '../core/quarter.js';
import type { Level } from '../core/types.js';
import { UsageError, SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { toCsv } from '../io/csv.js';
import { computePlan, planDate, type PlanResult } from '../io/plan-data.js';
import { Regions } from '../io/regions.js';
import { currentCount } from '../io/roster-query.js';
import { textTable } from '../ui/table.js';
import { collect, dateOption, examples, type App } from './app.js';
import { showPlanFairness } from './fairness.js';
import { bpPercent, percentText } from '../core/arith.js';
import { EXCLUSION_REASONS } from '../core/plan.js';

export const PLAN_FORMAT = 'sj-plan/1';

export function parseQuarterArg(v: string | undefined): Quarter {
  if (!v) throw new UsageError(t('plan.needQuarter'), QUARTER_FORMS.join(', '));
  const q = parseQuarter(v);
  if (!q) throw new UsageError(t('quarter.bad', { value: v }), QUARTER_FORMS.join(', '));
  return q;
}

export interface PlanOpts {
  quarter?: string;
  /** city | county | all (default all) */
  level?: string;
  /** counties, repeatable or comma-separated (default: every county) */
  region?: string[];
  date?: string;
  json?: boolean;
  csv?: boolean;
  fairness?: boolean;
}

/** The stable --json document. */
export function planJson(quarter: Quarter, date: JudgeDate, res: PlanResult) {
  const name = (c: string) => res.regions.name(c);
  return {
    format: PLAN_FORMAT,
    quarter: quarter.id,
    date: date.date,
    dateBasis: date.basis,
    drawsMade: res.drawsMade,
    rules: { id: res.rules.id, year: res.rules.year, hash: res.rules.hash, source: res.rules.source },
    levels: res.levels.map(({ plan, ineligibleInspectors, done }) => ({
      level: plan.level,
      done: done.map((d) => ({ ...d, regionNames: d.regions.map(name) })),
      regions: plan.drawRegions,
      totals: plan.totals,
      strata: plan.strata.map((s) => ({ ...s, regionName: name(s.region) })),
      positive: plan.positive.map((p) => ({ ...p, regionName: name(p.region), method: 'offsite' })),
      staffing: {
        ...plan.staffing,
        regions: plan.staffing.regions.map((r) => ({ ...r, regionName: name(r.region) })),
      },
      ineligibleInspectors,
    })),
  };
}

const tierLabel = (tier: string | null, tiered: boolean): string => (tier ?? (tiered ? t('plan.unrated') : '—'));

function stratumRows(res: PlanResult, plan: LevelPlan): (string | number)[][] {
  const tiered = new Set(res.rules.rules.tiered);
  return plan.strata.map((s) => [
    res.regions.name(s.region),
    t(`rules.class.${s.class}`),
    tierLabel(s.tier, tiered.has(s.class)),
    s.population,
    s.classMinimum,
    s.quota,
    s.credited,
    s.due,
    s.pool,
    s.excludedTotal,
    s.expected,
    s.shortfall,
  ]);
}

const HEADERS = (): string[] => [
  t('plan.h.region'), t('plan.h.class'), t('plan.h.tier'), t('plan.h.population'), t('plan.h.minimum'),
  t('plan.h.quota'), t('plan.h.credited'), t('plan.h.due'), t('plan.h.pool'), t('plan.h.excluded'), t('plan.h.expected'), t('plan.h.shortfall'),
];

/**
 * The plan's warnings, level by level: a shortfall (the draw goes ahead, short of its quota), and
 * regions that cannot be staffed or a load cap too low (`fails`: the draw would fail). Each
 * region is named with its reason, so the warning stands on its own (the menu repeats it at the
 * confirmation, far below the tables).
 */
export function planWarnings(res: PlanResult): { text: string; fails: boolean }[] {
  const out: { text: string; fails: boolean }[] = [];
  for (const { plan } of res.levels) {
    const level = t(`rules.level.${plan.level}`);
    const st = plan.staffing;
    const why = (code: string) => st.regions.find((r) => r.region === code)?.problems.map((p) => t(`plan.problem.${p}`)).join(t('plan.problemSep')) ?? '';
    const regions = st.unstaffable.map((c) => t('plan.regionWhy', { region: res.regions.name(c), why: why(c) })).join('、');
    if (plan.totals.shortfall > 0) out.push({ text: t('plan.shortfallWarn', { level, n: plan.totals.shortfall }), fails: false });
    if (st.unstaffable.length) out.push({ text: t('plan.unstaffableWarn', { level, regions }), fails: true });
    if (st.problems.includes('load-cap')) out.push({ text: t('plan.loadCapWarn', { level }), fails: true });
  }
  return out;
}

function printText(app: App, quarter: Quarter, date: JudgeDate, res: PlanResult): void {
  const name = (c: string) => res.regions.name(c);
  app.out.info(t('plan.header', { quarter: quarter.id, date: date.date, id: res.rules.id, hash: res.rules.hash.slice(0, 16), source: res.rules.source }));
  app.out.info(t(`plan.date.${date.basis}`, { date: date.date }));
  if (res.drawsMade.length) app.out.info(t('plan.drawsMade', { list: res.drawsMade.join('、') }));
  const out: string[] = [];
  for (const { plan, ineligibleInspectors, done } of res.levels) {
    for (const d of done) out.push(t('plan.levelDone', { level: t(`rules.level.${plan.level}`), ids: d.drawId, regions: d.regions.map(name).join('、') }) + '\n');
    if (!plan.drawRegions.length) continue;
    out.push(t('plan.levelTitle', { level: t(`rules.level.${plan.level}`), regions: plan.drawRegions.map(name).join('、') }));
    if (!plan.strata.length) {
      out.push(t('plan.empty') + '\n');
    } else {
      out.push(textTable(HEADERS(), [
        ...stratumRows(res, plan),
        [t('plan.total'), '', '', plan.totals.population, '', plan.totals.quota, plan.totals.credited, plan.totals.due, plan.totals.pool, plan.totals.excluded, plan.totals.expected, plan.totals.shortfall],
      ]));
      if (plan.level === 'county' || plan.totals.credited > 0) out.push(t('plan.creditNote') + '\n');
    }
    // exclusions, by reason
    const ex = plan.strata.filter((s) => s.excludedTotal > 0);
    if (ex.length) {
      out.push(t('plan.exclusionsTitle'));
      out.push(textTable(
        [t('plan.h.region'), t('plan.h.class'), t('plan.h.tier'), ...EXCLUSION_REASONS.map((r) => t(`plan.reason.${r}`))],
        ex.map((s) => [name(s.region), t(`rules.class.${s.class}`), tierLabel(s.tier, res.rules.rules.tiered.includes(s.class)), ...EXCLUSION_REASONS.map((r) => s.excluded[r])]),
      ));
    }
    if (plan.positive.length) {
      out.push(t('plan.positiveTitle'));
      out.push(textTable(
        [t('plan.h.region'), t('plan.h.population'), t('plan.h.quota'), t('plan.h.credited'), t('plan.h.pool'), t('plan.h.expected'), t('plan.h.coverage'), t('plan.h.target')],
        plan.positive.map((p) => [name(p.region), p.population, p.quota, p.credited, p.pool, p.expected, percentText(p.covered, p.population), `${bpPercent(p.target)} ${p.met ? '✓' : '✗'}`]),
      ));
    }
    const st = plan.staffing;
    out.push(t('plan.staffingTitle', {
      size: st.teamSize, cap: st.loadCap > 0 ? st.loadCap : t('rules.noLimit'), tasks: st.tasks, joint: st.jointTasks,
      cross: t(plan.level === 'city' && st.crossRegion ? 'plan.crossOn' : 'plan.crossOff'),
    }));
    out.push(textTable(
      plan.level === 'county'
        ? [t('plan.h.region'), t('plan.h.eligible'), t('plan.h.lines'), t('plan.h.tasks'), t('plan.h.joint'), t('plan.h.load'), t('plan.h.staffing')]
        : [t('plan.h.region'), t('plan.h.eligible'), t('plan.h.candidates'), t('plan.h.lines'), t('plan.h.poolObjects'), t('plan.h.staffing')],
      st.regions.map((r) => {
        const status = r.problems.length ? r.problems.map((p) => t(`plan.problem.${p}`)).join(t('plan.problemSep')) : t('plan.staffingOk');
        return plan.level === 'county'
          ? [name(r.region), r.eligible, r.lines, r.tasks ?? '', r.jointTasks ?? '', r.averageLoad ?? '—', status]
          : [name(r.region), r.eligible, r.candidates, r.lines, r.pool, status];
      }),
    ));
    if (ineligibleInspectors.length) {
      const by = new Map<string, number>();
      for (const i of ineligibleInspectors) by.set(i.reason, (by.get(i.reason) ?? 0) + 1);
      out.push(t('plan.ineligible', { n: ineligibleInspectors.length, detail: [...by].map(([k, n]) => `${t(`plan.inel.${k}`)} ${n}`).join('，') }) + '\n');
    }
  }
  for (const w of planWarnings(res)) app.out.warn(w.text);
  app.out.data(out.join('\n'));
}

function planCsv(res: PlanResult): string {
  const rows: unknown[][] = [];
  for (const { plan } of res.levels) {
    for (const r of stratumRows(res, plan)) rows.push([t(`rules.level.${plan.level}`), ...r]);
  }
  return toCsv([t('plan.h.level'), ...HEADERS()], rows, { bom: true });
}

export function resolvePlanRegions(regions: Regions, values: string[]): string[] {
  const out = values
    .flatMap((v) => v.split(/[,，、;；]/u))
    .map((s) => s.trim())
    .filter(Boolean)
    .map((v) => {
      const r = regions.find(v);
      if (!r) throw new UsageError(t('region.unknown', { value: v }), t('region.unknownHint'));
      if (r.level !== 'county') throw new UsageError(t('plan.countyOnly', { value: v }));
      return r.code;
    });
  return [...new Set(out)];
}

/** `sj plan --quarter Q`: the plan as tables (warnings to stderr), --json, --csv, or --fairness. */
export async function plan(app: App, o: PlanOpts): Promise<void> {
  const quarter = parseQuarterArg(o.quarter);
  const level = o.level ?? 'all';
  if (!['city', 'county', 'all'].includes(level)) throw new UsageError(t('usage.badValue', { flag: '--level', value: level }), 'city | county | all');
  const given = dateOption('--date', o.date);
  const db = app.openDb();
  const date = planDate(db, quarter, given);
  const regions = Regions.load(db);
  const codes = resolvePlanRegions(regions, o.region ?? []);
  let levels: Level[] = level === 'all' ? ['city', 'county'] : [level as Level];
  if (codes.length && levels.includes('city')) {
    if (level === 'city') throw new UsageError(t('plan.cityRegion'));
    levels = ['county']; // --region narrows --level all to the county level, as `sj draw` does
  }
  // each enterprise's chance of inspection before drawing (issue 18), by the same snapshots
  if (o.fairness) return showPlanFairness(app, db, { quarter, date: date.date, counties: codes, json: o.json });
  const res = computePlan(db, { quarter, levels, regions: codes, date: date.date });
  if (res.levels.every((l) => l.plan.totals.population === 0)) {
    if (currentCount(db, 'objects', { includeRemoved: true }) === 0) throw new SjError(t('plan.noObjects'), { hint: t('db.missingHint') });
  }
  if (o.json) app.out.data(JSON.stringify(planJson(quarter, date, res), null, 2));
  else if (o.csv) app.out.data(planCsv(res));
  else printText(app, quarter, date, res);
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('plan')
    .description(t('plan.cmd'))
    .option('-q, --quarter <Q>', t('plan.opt.quarter'))
    .option('--level <level>', t('plan.opt.level'), 'all')
    .option('--region <code>', t('plan.opt.region'), collect, [])
    .option('--date <YYYY-MM-DD>', t('plan.opt.date'))
    .addOption(new Option('--json', t('rules.opt.json')).conflicts('csv'))
    .addOption(new Option('--csv', t('plan.opt.csv')))
    .option('--fairness', t('fairness.opt.plan'))
    .action((o: PlanOpts) => plan(app, o));
  examples(cmd, [
    'sj plan --quarter 2023Q2',
    'sj plan --quarter 2023年第二季度 --level county --region 桃城区',
    'sj plan --quarter 2023-Q3 --date 2023-07-03 --json',
    'sj plan --quarter 2023Q2 --csv > plan-2023Q2.csv',
  ]);
}
