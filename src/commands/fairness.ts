/**
 * sj fairness --quarter Q | --year Y [--region R] [--since 2021Q1] [--simulate N] [--evidence FILE...] [--json | --out x.xlsx]
 *
 * The exact chance each enterprise had of inspection, the ratios between credit tiers, the
 * enterprises never inspected (and how unlikely that was), the inspectors' load, and on request
 * an in-memory simulation that checks the exact figures. The text and JSON views are exported
 * for `sj report --year` and `sj plan --fairness`.
 */
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import {
  fairnessReport, quarterSpan, tierRatios, type FairnessReport, type GroupRow, type QuarterFairness, type TierRatio,
} from '../core/fairness.js';
import { decimalText, fracText, percentText, toNumber, type Frac } from '../core/fraction.js';
import { parseQuarter, type Quarter } from '../core/quarter.js';
import type { ObjClass } from '../core/types.js';
import { SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { drawsFromDb, drawsFromFiles, planFairness, type FairnessSource } from '../io/fairness-data.js';
import type { DB } from '../io/db.js';
import { fairnessChartPath, fairnessWorkbook } from '../io/fairness-xlsx.js';
import { Regions } from '../io/regions.js';
import { textTable } from '../ui/table.js';
import { examples, intOption, type App } from './app.js';
import { requirePeriod } from './period.js';

export const FAIRNESS_FORMAT = 'sj-fairness/1';

type Namer = (code: string) => string;

// ---------------------------------------------------------------------------------------------
// shared view helpers

/** A fraction short enough to read ("3/8"), else an ellipsis: the exact value is in --json. */
export const shortFrac = (f: Frac | null): string => (!f ? '—' : String(f.d).length <= 6 ? fracText(f) : '…');
const pctOf = (f: Frac | null, decimals = 1): string => (f ? percentText(f, decimals) : '—');
export const tierLabel = (tier: string | null, cls: ObjClass, tiered: readonly ObjClass[]): string =>
  tier ?? (tiered.includes(cls) ? t('fairness.unrated') : t('fairness.allTiers'));
const className = (c: ObjClass) => t(`rules.class.${c}`);

export function ratioLine(r: TierRatio, name: Namer): string {
  return t('fairness.ratio', { region: name(r.region), class: className(r.class), top: r.top!.tier, base: r.base, ratio: decimalText(r.top!.ratio, 1) });
}

function chanceRows(groups: GroupRow[], tiered: readonly ObjClass[], name: Namer): (string | number)[][] {
  return groups.map((g) => [
    name(g.region), className(g.class), tierLabel(g.tier, g.class, tiered), g.population, g.eligible,
    shortFrac(g.probability), pctOf(g.probability), decimalText(g.expected, 1), g.selected,
  ]);
}

const chanceHeaders = () => [
  t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.population'), t('fairness.h.pool'),
  t('fairness.h.fraction'), t('fairness.h.percent'), t('fairness.h.expected'), t('fairness.h.selected'),
];

/** One quarter's chance table and ratio lines (also `sj plan --fairness`). */
export function quarterText(quarter: string, groups: GroupRow[], ratios: TierRatio[], tiered: readonly ObjClass[], name: Namer): string {
  const out = [t('fairness.title.chance', { quarter })];
  out.push(groups.length ? textTable(chanceHeaders(), chanceRows(groups, tiered, name)) : t('fairness.noRows') + '\n');
  out.push(t('fairness.exactNote') + '\n');
  if (ratios.length) out.push(`${t('fairness.title.ratios')}\n${ratios.map((r) => `  ${ratioLine(r, name)}`).join('\n')}\n`);
  return out.join('\n');
}

/** `sj plan --fairness`: the quarter before drawing (region filter optional). */
export function planFairnessText(q: QuarterFairness, name: Namer, region?: string): string {
  const groups = region ? q.groups.filter((g) => g.region === region) : q.groups;
  return quarterText(q.quarter, groups, tierRatios(groups.map((g) => ({ ...g, value: g.probability })), q.tiers), q.tiered, name);
}

const minMedMax = (a: number, m: Frac, b: number) => `${a} / ${decimalText(m, m.d === 1n ? 0 : 1)} / ${b}`;

/** The whole report as text (stdout). */
export function fairnessText(r: FairnessReport, name: Namer): string {
  const out: string[] = [];
  if (r.period.kind === 'quarter') {
    const q = r.byQuarter[0]!;
    out.push(quarterText(q.quarter, q.groups, q.ratios, r.tiered, name));
  } else {
    out.push(t('fairness.title.year', { year: r.period.year }));
    const rows = r.year!.rows.map((y) => [
      name(y.region), className(y.class), tierLabel(y.tier, y.class, r.tiered), y.population,
      ...y.quarters.map((p) => pctOf(p)), decimalText(y.expectedPerEnterprise, 2), decimalText(y.actualPerEnterprise, 2),
    ]);
    out.push(rows.length
      ? textTable([t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.population'), ...r.quarters, t('fairness.h.expectedPer'), t('fairness.h.actualPer')], rows)
      : t('fairness.noRows') + '\n');
    if (r.year!.ratios.length) out.push(`${t('fairness.title.ratios')}\n${r.year!.ratios.map((x) => `  ${ratioLine(x, name)}`).join('\n')}\n`);
  }

  out.push(t('fairness.title.never', { from: r.span[0]!, to: r.span[r.span.length - 1]! }));
  out.push(r.never.summary.length
    ? textTable(
        [t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.population'), t('fairness.h.never'), t('fairness.h.expectedNever'), t('fairness.h.flagged')],
        r.never.summary.map((s) => [name(s.region), className(s.class), s.population, s.never, decimalText(s.expectedNever, 1), s.flagged]),
      )
    : t('fairness.noRows') + '\n');
  const flagged = (r.never.rows ?? []).filter((x) => x.flagged);
  if (flagged.length) {
    out.push(t('fairness.title.flagged'));
    out.push(textTable(
      [t('fairness.h.id'), t('fairness.h.name'), t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.quarters'), t('fairness.h.chance')],
      flagged.map((x) => [x.id, x.name, name(x.region), className(x.class), tierLabel(x.tier, x.class, r.tiered), x.quarters, percentText(x.chance, 3)]),
    ));
  }

  if (r.load) out.push(loadText(r, r.load, name));
  if (r.simulation) out.push(simulationText(r, r.simulation, name));
  return out.join('\n');
}

function loadText(r: FairnessReport, load: NonNullable<FairnessReport['load']>, name: Namer): string {
  const out: string[] = [];
  const period = r.period.kind === 'quarter' ? r.period.quarter : 'year';
  out.push(t('fairness.title.load', { period: r.period.kind === 'quarter' ? r.period.quarter : String(r.period.year) }));
  const stats = load.stats.filter((s) => s.period === period);
  out.push(stats.length
    ? textTable(
        [t('fairness.h.region'), t('fairness.h.inspectors'), t('fairness.h.own'), t('fairness.h.city'), t('fairness.h.idle')],
        stats.map((s) => [name(s.region), s.inspectors, minMedMax(s.min, s.median, s.max), minMedMax(s.cityMin, s.cityMedian, s.cityMax), s.idle]),
      )
    : t('fairness.noRows') + '\n');
  if (load.idle.length) {
    out.push(t('fairness.title.idle', { n: load.idle.length, list: load.idle.map((i) => `${i.name}（${name(i.region)}）`).join('、') }) + '\n');
  }
  return out.join('\n');
}

function simulationText(r: FairnessReport, sim: NonNullable<FairnessReport['simulation']>, name: Namer): string {
  const table = textTable(
    [t('fairness.h.quarter'), t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.exact'), t('fairness.h.observed'), t('fairness.h.interval'), t('fairness.h.inside')],
    sim.rows.map((s) => [
      s.quarter, name(s.region), className(s.class), tierLabel(s.tier, s.class, r.tiered), percentText(s.exact, 2),
      `${(s.observed * 100).toFixed(2)}%`, `${(s.low * 100).toFixed(2)}% – ${(s.high * 100).toFixed(2)}%`, s.inside ? '✓' : '✗',
    ]),
  );
  return [t('fairness.title.sim', { runs: sim.runs, conf: sim.confidence }), table].join('\n');
}

/** An exact figure in JSON: the fraction (as text: it may exceed 2^53), a percentage and a double. */
export const fracJson = (f: Frac | null) => (f ? { fraction: fracText(f), percent: percentText(f, 2), value: toNumber(f) } : null);

/** The stable --json document (also the `sj report --year` fairness section). */
export function fairnessJson(r: FairnessReport, name: Namer) {
  const ratioJson = (x: TierRatio) => ({
    region: x.region, regionName: name(x.region), class: x.class, base: x.base,
    tiers: x.tiers.map((v) => ({ tier: v.tier, value: fracJson(v.value), ratio: fracJson(v.ratio) })),
    top: x.top ? { tier: x.top.tier, ratio: fracJson(x.top.ratio), text: ratioLine(x, name) } : null,
  });
  return {
    format: FAIRNESS_FORMAT,
    period: r.period,
    quarters: r.quarters,
    region: r.region,
    tiers: r.tiers,
    draws: r.draws,
    chance: r.byQuarter.map((q) => ({
      quarter: q.quarter,
      groups: q.groups.map((g) => ({
        region: g.region, regionName: name(g.region), class: g.class, tier: g.tier, population: g.population, eligible: g.eligible,
        probability: fracJson(g.probability), uniform: g.uniform, expected: fracJson(g.expected), selected: g.selected,
      })),
      ratios: q.ratios.map(ratioJson),
      draws: q.perDraw.map((s) => ({ ...s, probability: fracJson(s.probability) })),
    })),
    year: r.year && {
      rows: r.year.rows.map((y) => ({
        region: y.region, regionName: name(y.region), class: y.class, tier: y.tier, population: y.population,
        quarters: y.quarters.map(fracJson), expectedPerEnterprise: fracJson(y.expectedPerEnterprise),
        actualPerEnterprise: fracJson(y.actualPerEnterprise), expected: fracJson(y.expected), selected: y.selected,
      })),
      ratios: r.year.ratios.map(ratioJson),
    },
    neverInspected: {
      from: r.span[0], to: r.span[r.span.length - 1], reviewBelow: '1/100',
      summary: r.never.summary.map((s) => ({ ...s, regionName: name(s.region), expectedNever: fracJson(s.expectedNever) })),
      ...(r.never.rows ? { enterprises: r.never.rows.map((x) => ({ ...x, regionName: name(x.region), chance: fracJson(x.chance) })) } : {}),
    },
    ...(r.load ? {
      inspectorLoad: {
        stats: r.load.stats.map((s) => ({ ...s, regionName: name(s.region), median: fracJson(s.median), cityMedian: fracJson(s.cityMedian) })),
        inspectors: r.load.inspectors.map((i) => ({ ...i, regionName: name(i.region) })),
        idle: r.load.idle.map((i) => i.id),
      },
    } : {}),
    simulation: r.simulation && {
      note: 'in memory only: nothing stored',
      runs: r.simulation.runs, confidence: r.simulation.confidence,
      rows: r.simulation.rows.map((s) => ({ ...s, regionName: name(s.region), exact: fracJson(s.exact) })),
    },
  };
}

/**
 * `sj plan --fairness`: the quarter's exact chances before drawing (text, or JSON with --json).
 * Wiring in plan.ts: `.option('--fairness', t('fairness.opt.plan'))`, and in its action, once
 * quarter, date and county codes are known: `if (o.fairness) return showPlanFairness(app, db, { quarter, date, counties: codes, json: o.json });`
 */
export function showPlanFairness(app: App, db: DB, req: { quarter: Quarter; date: string; counties: string[]; json?: boolean }): void {
  const q = planFairness(db, req);
  const regions = Regions.load(db);
  const name = (c: string) => regions.name(c);
  if (!req.json) {
    app.out.data(planFairnessText(q, name));
    return;
  }
  const ratios = tierRatios(q.groups.map((g) => ({ ...g, value: g.probability })), q.tiers);
  app.out.data(JSON.stringify({
    format: 'sj-plan-fairness/1', quarter: q.quarter, date: req.date,
    groups: q.groups.map((g) => ({
      region: g.region, regionName: name(g.region), class: g.class, tier: g.tier, population: g.population, eligible: g.eligible,
      probability: fracJson(g.probability), uniform: g.uniform, expected: fracJson(g.expected),
    })),
    ratios: ratios.map((x) => ({ region: x.region, class: x.class, base: x.base, top: x.top && { tier: x.top.tier, ratio: fracJson(x.top.ratio), text: ratioLine(x, name) } })),
  }, null, 2));
}

// ---------------------------------------------------------------------------------------------
// the command

export interface FairnessOpts {
  quarter?: string;
  year?: string;
  region?: string;
  since?: string;
  simulate?: string;
  simSeed?: string;
  /** the simulation's confidence level (commander's default: 95) */
  confidence?: '90' | '95' | '99';
  evidence?: string[];
  json?: boolean;
  out?: string;
}

function resolveRegion(regions: Regions, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const r = regions.find(v);
  if (!r || r.level !== 'county') throw new UsageError(t('fairness.unknownRegion', { value: v }));
  return r.code;
}

/** `sj fairness`: the figures of a quarter or a year, from the database or from evidence files, as text, JSON or xlsx (+ SVG chart). */
export async function fairness(app: App, o: FairnessOpts): Promise<void> {
  const period = requirePeriod(o);
  const quarters = period.kind === 'quarter' ? [period.quarter.id] : [1, 2, 3, 4].map((k) => `${period.year}Q${k}`);
  const end = quarters[quarters.length - 1]!;
  let since: string | undefined;
  if (o.since !== undefined) {
    const q = parseQuarter(o.since);
    if (!q || q.id > end) throw new UsageError(t('fairness.badSince', { value: o.since }));
    since = q.id;
  }
  if (o.out !== undefined && extname(o.out).toLowerCase() !== '.xlsx') throw new UsageError(t('fairness.outXlsx', { file: o.out }));
  const runs = intOption('--simulate', o.simulate, 1, 1_000_000);
  const span = quarterSpan(since && since < quarters[0]! ? since : quarters[0]!, end);

  const src: FairnessSource = o.evidence?.length ? drawsFromFiles(o.evidence) : drawsFromDb(app.openDb({ create: false }), span);
  const region = resolveRegion(src.regions, o.region);
  const periodText = period.kind === 'quarter' ? period.quarter.id : String(period.year);
  const inPeriod = src.draws.filter((d) => quarters.includes(d.quarter));
  if (!inPeriod.length) throw new SjError(t('fairness.noDraws', { period: periodText }), { hint: t('fairness.noDrawsHint') });
  app.out.info(t(o.evidence?.length ? 'fairness.source.files' : 'fairness.source.db', { n: inPeriod.length, ids: inPeriod.map((d) => d.id).join(', ') }));
  if (src.substitutions > 0) app.out.warn(t('fairness.substitutions', { n: src.substitutions }));

  const report = fairnessReport({
    period: period.kind === 'quarter' ? { kind: 'quarter', quarter: period.quarter.id } : { kind: 'year', year: period.year },
    since, region, draws: src.draws,
    simulate: runs ? { runs, entropy: o.simSeed ?? randomBytes(16).toString('hex'), confidence: o.confidence ?? '95' } : undefined,
  });
  const name = (c: string) => src.regions.name(c);
  if (o.out) {
    const { wb, svg } = await fairnessWorkbook(report, name);
    const chart = fairnessChartPath(o.out);
    writeFileAtomic(o.out, Buffer.from(await wb.xlsx.writeBuffer()));
    writeFileAtomic(chart, svg);
    app.out.ok(t('fairness.written', { file: o.out, chart }));
  } else if (o.json) {
    app.out.data(JSON.stringify(fairnessJson(report, name), null, 2));
  } else {
    app.out.data(fairnessText(report, name));
  }
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('fairness')
    .description(t('fairness.description'))
    .option('-q, --quarter <quarter>', t('fairness.opt.quarter'))
    .option('-y, --year <year>', t('fairness.opt.year'))
    .option('--region <region>', t('fairness.opt.region'))
    .option('--since <quarter>', t('fairness.opt.since'))
    .option('--simulate <N>', t('fairness.opt.simulate'))
    .option('--sim-seed <text>', t('fairness.opt.simSeed'))
    .addOption(new Option('--confidence <pct>', t('fairness.opt.confidence')).choices(['90', '95', '99']).default('95'))
    .option('--evidence <files...>', t('fairness.opt.evidence'))
    .addOption(new Option('--json', t('fairness.opt.json')).conflicts('out'))
    .option('-o, --out <file>', t('fairness.opt.out'))
    .action((o: FairnessOpts) => fairness(app, o));
  examples(cmd, [
    'sj fairness --quarter 2023Q2',
    'sj fairness --year 2023 --region 桃城区 --since 2021Q1',
    'sj fairness --quarter 2023Q2 --simulate 1000',
    'sj fairness --quarter 2023Q2 --json --evidence 2023Q2-city-01.evidence.json 2023Q2-county-01.evidence.json',
    'sj fairness --year 2023 --out 2023公平性分析.xlsx',
  ]);
}
