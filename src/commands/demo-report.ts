/** The last step of `sj demo`: the quarter's statistics table (xlsx + on stdout) and the target check. */
import { join } from 'node:path';
import { parseQuarter } from '../core/quarter.js';
import type { DB } from '../io/db.js';
import { checkReport, gatherReport, reportRows } from '../io/report-data.js';
import { reportText, writeReportXlsx } from '../io/report-xlsx.js';
import { t } from '../messages/index.js';
import type { App } from './app.js';
import { neededText, targetName } from './check.js';

export async function demoReport(app: App, db: DB, outDir: string, quarter: string, json: boolean, dbPath: string): Promise<Record<string, unknown>> {
  const ctx = gatherReport(db, { kind: 'quarter', quarter: parseQuarter(quarter)! });
  const rows = reportRows(ctx);
  const file = join(outDir, `stats-${quarter}.xlsx`);
  await writeReportXlsx(file, ctx, rows);
  const check = checkReport(ctx);
  const missed = check.targets.filter((l) => !l.met);
  if (!json) {
    app.out.data(reportText(ctx, rows));
    app.out.info(`  ${file}`);
    app.out.info(t('demo.check', { total: check.targets.length, missed: missed.length }));
    // each remaining miss in one line, with its cause
    for (const l of missed) app.out.warn(t('demo.missLine', { target: targetName(l), region: l.regionName ?? l.region, scope: l.scope, why: neededText(l, false) }));
    app.out.info(t('demo.checkHint', { quarter, db: dbPath }));
  }
  return {
    report: file,
    check: { met: check.met, targets: check.targets.length, missed: missed.length, misses: missed.map((l) => ({ id: l.id, region: l.region, class: l.class ?? null, note: neededText(l, false), cause: l.cause ?? null })) },
  };
}
