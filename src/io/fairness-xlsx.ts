/**
 * The fairness analysis in xlsx (sj fairness --out, and the fairness sheets of sj report --year):
 * sheets of chances (with in-cell data bars), never-inspected enterprises, inspectors' load and
 * the simulation; and an SVG bar chart of the chance by tier per class, written beside the file
 * (exceljs cannot create native charts).
 */
import type ExcelJS from 'exceljs';
import type { FairnessReport } from '../core/fairness.js';
import { add, decimalText, div, frac, fracText, mul, percentText, toNumber, ZERO, type Frac } from '../core/fraction.js';
import { CLASSES, type ObjClass } from '../core/types.js';
import { t } from '../messages/index.js';
import { addTableSheet, newWorkbook, type CellValue } from './xlsx.js';

type Namer = (code: string) => string;

const tierText = (tier: string | null, cls: ObjClass, tiered: readonly ObjClass[]) =>
  tier ?? (tiered.includes(cls) ? t('fairness.unrated') : t('fairness.allTiers'));
const cls = (c: ObjClass) => t(`rules.class.${c}`);
const periodText = (r: FairnessReport) => (r.period.kind === 'quarter' ? r.period.quarter : String(r.period.year));
/** a fraction for a cell: exact when short, else blank (the percentage column has the value) */
const fracCell = (f: Frac | null): CellValue => (f && String(f.d).length <= 9 ? fracText(f) : '');
/** a probability as a number cell (for sorting, filters and the data bar) */
const num = (f: Frac | null, decimals = 6): CellValue => (f ? Number(decimalText(f, decimals)) : null);

/** Where the chart of `out` goes: x.xlsx → x.fairness.svg */
export const fairnessChartPath = (out: string): string => out.replace(/\.xlsx$/i, '') + '.fairness.svg';

/** A data bar over a column of numbers (rows first..last), as a chart inside the sheet. */
function dataBar(ws: ExcelJS.Worksheet, col: string, first: number, last: number): void {
  if (last < first) return;
  ws.addConditionalFormatting({
    ref: `${col}${first}:${col}${last}`,
    rules: [{ type: 'dataBar', priority: 1, gradient: false, cfvo: [{ type: 'num', value: 0 }, { type: 'max' }], color: { argb: 'FF5B9BD5' } } as unknown as ExcelJS.ConditionalFormattingRule],
  });
}

function chanceSheet(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): void {
  const title = t('fairness.sheet.title', { period: periodText(r) });
  if (r.period.kind === 'quarter') {
    const q = r.byQuarter[0]!;
    const { ws, layout } = addTableSheet(wb, {
      name: t('fairness.sheet.chance'), title,
      headers: [t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.population'), t('fairness.h.pool'),
        t('fairness.h.fraction'), t('fairness.h.percent'), t('fairness.h.expected'), t('fairness.h.selected')],
      rows: q.groups.map((g) => [name(g.region), cls(g.class), tierText(g.tier, g.class, r.tiered), g.population, g.eligible,
        fracCell(g.probability), num(g.probability), num(g.expected, 2), g.selected]),
      footer: [t('fairness.title.ratios'), ...q.ratios.map((x) => t('fairness.ratio', { region: name(x.region), class: cls(x.class), top: x.top!.tier, base: x.base, ratio: decimalText(x.top!.ratio, 1) })), t('fairness.exactNote')],
    });
    ws.getColumn(7).numFmt = '0.00%';
    dataBar(ws, 'G', layout.headerRow + 1, layout.lastRow);
    return;
  }
  const y = r.year!;
  const { ws, layout } = addTableSheet(wb, {
    name: t('fairness.sheet.chance'), title,
    headers: [t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.population'), ...r.quarters,
      t('fairness.h.expectedPer'), t('fairness.h.actualPer')],
    rows: y.rows.map((x) => [name(x.region), cls(x.class), tierText(x.tier, x.class, r.tiered), x.population,
      ...x.quarters.map((p) => num(p)), num(x.expectedPerEnterprise, 4), num(x.actualPerEnterprise, 4)]),
    footer: [t('fairness.title.ratios'), ...y.ratios.map((x) => t('fairness.ratio', { region: name(x.region), class: cls(x.class), top: x.top!.tier, base: x.base, ratio: decimalText(x.top!.ratio, 1) })), t('fairness.exactNote')],
  });
  for (let c = 5; c < 5 + r.quarters.length; c++) ws.getColumn(c).numFmt = '0.00%';
  ws.getColumn(5 + r.quarters.length).numFmt = '0.00';
  ws.getColumn(6 + r.quarters.length).numFmt = '0.00';
  dataBar(ws, String.fromCharCode(64 + 5 + r.quarters.length), layout.headerRow + 1, layout.lastRow);
}

function neverSheet(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): void {
  if (!r.never.rows) return neverSummarySheet(wb, r, name);
  const rows: CellValue[][] = r.never.rows.map((x) => [x.id, x.name, name(x.region), cls(x.class), tierText(x.tier, x.class, r.tiered), x.quarters, num(x.chance, 8), x.flagged ? '✓' : '']);
  const { ws } = addTableSheet(wb, {
    name: t('fairness.sheet.never'), title: t('fairness.title.never', { from: r.span[0]!, to: r.span[r.span.length - 1]! }),
    subtitle: r.never.summary.map((s) => `${name(s.region)} ${cls(s.class)}：${t('fairness.h.population')} ${s.population}，${t('fairness.h.never')} ${s.never}，${t('fairness.h.expectedNever')} ${decimalText(s.expectedNever, 1)}，${t('fairness.h.flagged')} ${s.flagged}`),
    headers: [t('fairness.h.id'), t('fairness.h.name'), t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.quarters'), t('fairness.h.chance'), t('fairness.h.flagged')],
    rows,
  });
  ws.getColumn(7).numFmt = '0.000%';
}

/** The annual report's never-inspected sheet: the counts by region and class (the list is sj fairness's). */
function neverSummarySheet(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): void {
  const { ws } = addTableSheet(wb, {
    name: t('fairness.sheet.never'), title: t('fairness.title.never', { from: r.span[0]!, to: r.span[r.span.length - 1]! }),
    headers: [t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.population'), t('fairness.h.never'), t('fairness.h.expectedNever'), t('fairness.h.flagged')],
    rows: r.never.summary.map((s) => [name(s.region), cls(s.class), s.population, s.never, num(s.expectedNever, 1), s.flagged]),
    // "从未抽中" on one line: at half its width it broke as 从未抽 / 中
    minWidths: [4, 4, 4, 10],
  });
  ws.getColumn(5).numFmt = '0.0';
}

function loadSheet(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): void {
  if (!r.load) return;
  const periods = [...r.quarters, ...(r.period.kind === 'year' ? ['year'] : [])];
  const z = { leader: 0, member: 0 };
  const rows: CellValue[][] = [];
  const load = r.load;
  for (const i of load.inspectors) {
    for (const p of periods) {
      const own = p === 'year' ? i.total.own : i.own[p] ?? z;
      const city = p === 'year' ? i.total.city : i.city[p] ?? z;
      rows.push([name(i.region), i.id, i.name, p === 'year' ? t('fairness.year') : p, own.leader, own.member, city.leader, city.member]);
    }
  }
  addTableSheet(wb, {
    name: t('fairness.sheet.load'), title: t('fairness.title.load', { period: periodText(r) }),
    subtitle: load.stats.filter((s) => s.period === (r.period.kind === 'quarter' ? r.period.quarter : 'year')).map((s) =>
      `${name(s.region)}：${t('fairness.h.inspectors')} ${s.inspectors}，${t('fairness.h.own')} ${s.min}/${decimalText(s.median, 1)}/${s.max}，${t('fairness.h.city')} ${s.cityMin}/${decimalText(s.cityMedian, 1)}/${s.cityMax}，${t('fairness.h.idle')} ${s.idle}`),
    headers: [t('fairness.h.region'), t('fairness.h.id'), t('fairness.h.inspector'), t('fairness.h.period'), t('fairness.h.leader'), t('fairness.h.member'), t('fairness.h.cityLeader'), t('fairness.h.cityMember')],
    rows,
  });
}

function simSheet(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): void {
  const s = r.simulation!;
  addTableSheet(wb, {
    name: t('fairness.sheet.sim'), title: t('fairness.title.sim', { runs: s.runs, conf: s.confidence }),
    headers: [t('fairness.h.quarter'), t('fairness.h.region'), t('fairness.h.class'), t('fairness.h.tier'), t('fairness.h.exact'), t('fairness.h.observed'), t('fairness.h.interval'), t('fairness.h.inside')],
    rows: s.rows.map((x) => [x.quarter, name(x.region), cls(x.class), tierText(x.tier, x.class, r.tiered), percentText(x.exact, 2),
      `${(x.observed * 100).toFixed(2)}%`, `${(x.low * 100).toFixed(2)}% – ${(x.high * 100).toFixed(2)}%`, x.inside ? '✓' : '✗']),
  });
}

/**
 * Add the fairness sheets to a workbook (for `sj report --year`: call it on the report's
 * workbook, then write the returned SVG to fairnessChartPath(out)).
 */
export function addFairnessSheets(wb: ExcelJS.Workbook, r: FairnessReport, name: Namer): { svg: string } {
  chanceSheet(wb, r, name);
  neverSheet(wb, r, name);
  loadSheet(wb, r, name);
  if (r.simulation) simSheet(wb, r, name);
  return { svg: fairnessSvg(r, name) };
}

export async function fairnessWorkbook(r: FairnessReport, name: Namer, fixedDate?: Date): Promise<{ wb: ExcelJS.Workbook; svg: string }> {
  const wb = await newWorkbook(fixedDate);
  const { svg } = addFairnessSheets(wb, r, name);
  return { wb, svg };
}

// ---------------------------------------------------------------------------------------------
// the chart

export interface ChartPanel {
  class: ObjClass;
  bars: { tier: string | null; value: Frac }[];
}

/**
 * Per class, per tier, over the regions in view: the chance of one eligible enterprise (a
 * quarter), or the expected inspections per enterprise (a year) — weighted by enterprises.
 */
export function chartPanels(r: FairnessReport): ChartPanel[] {
  const acc = new Map<string, { cls: ObjClass; tier: string | null; sum: Frac; n: number }>();
  const put = (c: ObjClass, tier: string | null, v: Frac | null, w: number) => {
    if (!v || w <= 0) return;
    const k = JSON.stringify([c, tier]);
    const a = acc.get(k) ?? { cls: c, tier, sum: ZERO, n: 0 };
    a.sum = add(a.sum, mul(v, frac(w)));
    a.n += w;
    acc.set(k, a);
  };
  if (r.year) for (const y of r.year.rows) put(y.class, y.tier, y.expectedPerEnterprise, y.population);
  else for (const g of r.byQuarter[0]?.groups ?? []) put(g.class, g.tier, g.probability, g.eligible);
  const order = (tier: string | null) => (tier === null ? r.tiers.length : r.tiers.indexOf(tier));
  return CLASSES.map((c) => ({
    class: c,
    bars: [...acc.values()].filter((a) => a.cls === c).sort((a, b) => order(a.tier) - order(b.tier)).map((a) => ({ tier: a.tier, value: div(a.sum, frac(a.n)) })),
  })).filter((p) => p.bars.length > 0);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A bar chart (SVG): one panel per class, one bar per tier, the value printed above each bar. */
export function fairnessSvg(r: FairnessReport, name: Namer): string {
  const panels = chartPanels(r);
  const perYear = r.year !== null;
  const max = Math.max(1e-9, ...panels.flatMap((p) => p.bars.map((b) => toNumber(b.value))));
  const barW = 34;
  const gap = 12;
  const plotH = 220;
  const top = 60;
  const widths = panels.map((p) => p.bars.length * (barW + gap) + gap);
  const W = Math.max(480, widths.reduce((a, b) => a + b + 40, 40));
  const H = top + plotH + 70;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${esc(t('fairness.chart.title', { region: r.region ? name(r.region) : r.city ? name(r.city) : '', period: periodText(r) }))}</text>`,
    `<text x="${W / 2}" y="42" text-anchor="middle" fill="#555">${esc(perYear ? t('fairness.h.expectedPer') : t('fairness.h.percent'))}</text>`,
  ];
  let x = 40;
  panels.forEach((p, i) => {
    const base = top + plotH;
    out.push(`<line x1="${x}" y1="${base}" x2="${x + widths[i]!}" y2="${base}" stroke="#333"/>`);
    p.bars.forEach((b, k) => {
      const v = toNumber(b.value);
      const h = Math.round((v / max) * (plotH - 20));
      const bx = x + gap + k * (barW + gap);
      out.push(`<rect x="${bx}" y="${base - h}" width="${barW}" height="${h}" fill="#5b9bd5"><title>${esc(`${cls(p.class)} ${tierText(b.tier, p.class, r.tiered)}: ${perYear ? decimalText(b.value, 2) : percentText(b.value, 2)}`)}</title></rect>`);
      out.push(`<text x="${bx + barW / 2}" y="${base - h - 4}" text-anchor="middle" font-size="10">${esc(perYear ? decimalText(b.value, 2) : percentText(b.value, 1))}</text>`);
      out.push(`<text x="${bx + barW / 2}" y="${base + 14}" text-anchor="middle">${esc(tierText(b.tier, p.class, r.tiered))}</text>`);
    });
    out.push(`<text x="${x + widths[i]! / 2}" y="${base + 36}" text-anchor="middle" font-size="13">${esc(cls(p.class))}</text>`);
    x += widths[i]! + 40;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
