/**
 * sj fairness --quarter Q | --year Y [--region R] [--since 2021Q1] [--simulate N] [--evidence FILE...] [--json | --out x.xlsx]
 *
 * The exact chance each enterprise had of inspection, the ratios between credit tiers, the
 * enterprises never inspected (and how unlikely that was), the inspectors' load, and on request
 * an in-memory simulation that checks the exact figures. Its text and JSON views are
 * fairness-views.ts (also `sj report --year`'s and `sj plan --fairness`'s).
 */
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { fairnessReport, quarterSpan, tierRatios } from '../core/fairness.js';
import { parseQuarter, type Quarter } from '../core/quarter.js';
import { SjError, UsageError } from '../errors.js';
import { t } from '../messages/index.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { drawsFromDb, drawsFromFiles, planFairness, type FairnessSource } from '../io/fairness-data.js';
import type { DB } from '../io/db.js';
import { fairnessChartPath, fairnessWorkbook } from '../io/fairness-xlsx.js';
import { Regions } from '../io/regions.js';
import { examples, intOption, type App } from './app.js';
import { fairnessJson, fairnessText, fracJson, planFairnessText, ratioLine } from './fairness-views.js';
import { requirePeriod } from './period.js';

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
  const ratios = tierRatios(q.groups, q.tiers, (g) => g.probability);
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
