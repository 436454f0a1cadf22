/**
 * The text and JSON views of the fairness figures: `sj fairness`, `sj plan --fairness`, and the
 * fairness section of `sj report --year`, which loads this module alone (not the command's
 * evidence reading and workbook modules).
 */
import { tierRatios, type FairnessReport, type GroupRow, type QuarterFairness, type TierRatio } from '../core/fairness.js';
import { decimalText, fracText, percentText, toNumber, type Frac } from '../core/fraction.js';
import type { ObjClass } from '../core/types.js';
import { t } from '../messages/index.js';
import { textTable } from '../ui/table.js';

export const FAIRNESS_FORMAT = 'sj-fairness/1';

export type Namer = (code: string) => string;

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
  return quarterText(q.quarter, groups, tierRatios(groups, q.tiers, (g) => g.probability), q.tiered, name);
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

/** fracJson with each value's figures made once (a year's section holds some 5,000 figures of about 1,000 values): the same object for equal values. */
function fracJsonOnce(): typeof fracJson {
  const seen = new Map<string, NonNullable<ReturnType<typeof fracJson>>>();
  return (f) => {
    if (!f) return null;
    const fraction = fracText(f);
    let j = seen.get(fraction);
    if (!j) seen.set(fraction, (j = { fraction, percent: percentText(f, 2), value: toNumber(f) }));
    return j;
  };
}

/** The stable --json document (also the `sj report --year` fairness section). */
export function fairnessJson(r: FairnessReport, name: Namer) {
  const fracJson = fracJsonOnce();
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

