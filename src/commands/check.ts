/** sj check --quarter Q | --year Y [--json]: the targets of the rules; exit 3 when any is missed. */
import type { Command } from 'commander';
import type { TargetLine } from '../core/checks.js';
import { bpText } from '../core/arith.js';
import { t } from '../messages/index.js';
import { checkReport, gatherReport, periodId, periodYear } from '../io/report-data.js';
import { EXIT } from '../errors.js';
import { textTable } from '../ui/table.js';
import { examples, type App } from './app.js';
import { requirePeriod } from './period.js';

const pct = (bp: number) => bpText(bp);

export function figureText(l: TargetLine): string {
  if (l.unit === 'date') return String(l.figure);
  if (l.unit === 'bp') return l.denominator ? `${bpText(l.figure as number | null)} (${l.numerator}/${l.denominator})` : `— ${t('check.noInspections')}`;
  return String(l.figure);
}

export function thresholdText(l: TargetLine): string {
  if (l.unit === 'date') return '';
  if (l.id === 'publication') return '0';
  if (l.unit === 'bp') return `≥ ${pct(l.threshold as number)}`;
  return `≥ ${l.threshold}`;
}

/** What is still needed, as a sentence; "" when nothing is. */
export function neededText(l: TargetLine, yearInProgress: boolean): string {
  switch (l.id) {
    case 'statisticsTable':
    case 'quarterlySummary':
      return l.passed ? t('check.due.passed', { date: String(l.figure) }) : t('check.due.upcoming', { date: String(l.figure) });
    case 'classMinimum':
    case 'positiveCoverage':
      return l.needed ? causeText(l) : '';
    case 'jointInternalShare':
    case 'creditBasedShare': {
      if (!l.denominator) return t('check.noInspections');
      if (l.needed === null) return t('check.needed.shareImpossible');
      if (!l.needed) return '';
      const kind = t(l.id === 'jointInternalShare' ? 'check.kind.joint' : 'check.kind.credit');
      const text = t(yearInProgress ? 'check.needed.shareYear' : 'check.needed.share', { region: l.regionName, n: l.needed, kind, pct: pct(l.threshold as number) });
      // tasks outside the numerator of the credit-based share are those of unrated objects: the rating lags
      return l.id === 'creditBasedShare' ? `${text}${t('check.cause.unrated', { n: (l.denominator ?? 0) - (l.numerator ?? 0) })}` : text;
    }
    case 'jointDepartment':
      return l.needed ? t('check.needed.department', { n: l.needed }) : '';
    case 'publication':
      return l.met ? '' : t('check.needed.publish', { overdue: l.parts?.overdue ?? l.needed ?? 0, late: l.parts?.publishedLate ?? 0 });
  }
}

/** Why a class minimum or coverage is short: not drawn (work left undone), a short pool (with the exclusions), or simply n more to draw. */
export function causeText(l: TargetLine): string {
  const c = l.cause;
  if (c?.kind === 'not-drawn') return t('check.cause.notDrawn', { n: l.needed ?? 0 });
  if (c?.kind === 'pool-short') {
    // objects already drawn this quarter are credited, not missing: the other reasons shrank the pool
    const reasons = Object.entries(c.excluded).filter(([r, n]) => n > 0 && r !== 'same-quarter').map(([r, n]) => t('check.cause.reason', { reason: t(`plan.reason.${r}`), n }));
    return t('check.cause.poolShort', { n: c.short, draw: c.drawId, reasons: reasons.join(t('plan.problemSep')) || '—' });
  }
  return t('check.needed.draw', { n: l.needed ?? 0 });
}

export function targetName(l: TargetLine): string {
  return t(`check.target.${l.id}`, { cls: l.class ? t(`report.classShort.${l.class}`) : '' });
}

export interface CheckOpts {
  quarter?: string;
  year?: string;
  json?: boolean;
  missed?: boolean;
}

/** The targets as a table (misses in bold red) and the summary line under it. */
function checkText(c: App['out']['color'], lines: TargetLine[], all: TargetLine[], period: string, yearInProgress: boolean): string {
  const rows = lines.map((l) => [
    targetName(l),
    l.region === 'all' ? t('check.all') : l.regionName,
    l.scope,
    figureText(l),
    thresholdText(l),
    l.informational ? t('check.info') : l.met ? t('check.met') : t('check.missed'),
    neededText(l, yearInProgress),
  ]);
  const headers = ['target', 'region', 'scope', 'figure', 'threshold', 'met', 'needed'].map((k) => t(`check.col.${k}`));
  // the figure and the threshold are numbers in words (≥ 13, 31.0% (26/84), a date): aligned right
  const table = textTable(headers, rows, { align: [undefined, undefined, undefined, 'right', 'right'] }).trimEnd().split('\n');
  const body = table.map((s, i) => (i >= 2 && !lines[i - 2]!.met ? c.red.bold(s) : s));
  const missed = all.filter((l) => !l.met).length;
  const summary = missed
    ? c.red.bold(t('check.summaryMissed', { period, missed, n: all.length }))
    : c.green(t('check.summaryMet', { period, n: all.length }));
  return [...(lines.length ? body : []), '', summary].join('\n');
}

/** `sj check`: each target of the rules, met or not and what is still needed; exit 3 when any is missed. */
export function check(app: App, opts: CheckOpts): void {
  const period = requirePeriod(opts);
  const db = app.openDb({ create: false });
  const ctx = gatherReport(db, period);
  const rep = checkReport(ctx);
  const yearInProgress = ctx.today <= `${periodYear(period)}-12-31`;
  const lines = opts.missed ? rep.targets.filter((l) => !l.met) : rep.targets;
  if (opts.json) {
    app.out.data(JSON.stringify({
      period: periodId(period),
      today: ctx.today,
      annualScope: rep.annualScope,
      met: rep.met,
      rules: { id: ctx.rules.id, hash: ctx.rules.hash },
      targets: lines.map((l) => ({ ...l, note: neededText(l, yearInProgress) || null })),
    }, null, 2));
  } else {
    app.out.data(checkText(app.out.color, lines, rep.targets, periodId(period), yearInProgress));
  }
  if (!rep.met) app.exitCode = EXIT.targetsMissed;
}

export function register(program: Command, app: App): void {
  const cmd = program
    .command('check')
    .description(t('check.description'))
    .option('-q, --quarter <quarter>', t('check.opt.quarter'))
    .option('-y, --year <year>', t('check.opt.year'))
    .option('--missed', t('check.opt.missed'))
    .option('--json', t('check.opt.json'))
    .action((opts: CheckOpts) => check(app, opts));
  examples(cmd, [
    'sj check --quarter 2023Q2',
    'sj check --year 2023 --missed',
    'sj check --quarter 2023Q2 --json | jq ".targets[] | select(.met == false)"',
    'sj report --quarter 2023Q2 --out stats.xlsx && sj check --quarter 2023Q2',
  ]);
}
