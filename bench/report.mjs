#!/usr/bin/env node
/**
 * Bench: a year of 100k tasks with results; time `sj report` (json, xlsx) and `sj check`,
 * in process (compiled dist/) and through the CLI. Target: each under 2 s.
 *
 *   npx tsc -p . && node bench/report.mjs [--tasks 100000] [--keep]
 *
 * Synthetic data goes straight into a temp database with SQL (draws/draw_tasks are append-only,
 * INSERT is allowed): per quarter one city draw and one county draw per county, evidence reduced
 * to what report/check read (draw header, rules.tiered, strata).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(ROOT, 'dist', p));
const { openDb } = await dist('io/db.js');
const { gatherReport, reportRows, reportJson, checkReport } = await dist('io/report-data.js');
const { reportWorkbook, reportCsv } = await dist('io/report-xlsx.js');
const { quarterOf } = await dist('core/quarter.js');
const { Regions } = await dist('io/regions.js');

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('--tasks', '100000'));
const keep = process.argv.includes('--keep');
const dir = mkdtempSync(join(tmpdir(), 'sj-bench-report-'));
const dbPath = join(dir, 'bench.db');
process.env.SJ_NOW = '2024-01-15T02:00:00Z';

// deterministic pseudo-random numbers
let s = 42;
const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

const t0 = performance.now();
const db = openDb(dbPath);
const regions = Regions.load(db);
const city = regions.city.code;
const counties = regions.counties().map((r) => r.code);
const CLASSES = ['special', 'key', 'positive', 'general'];
const OUTCOMES = ['未发现问题', '未发现问题', '未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查'];

db.exec('BEGIN');
const imp = db.prepare("INSERT INTO imports(kind, file, file_sha256, mode, at) VALUES ('objects', 'bench', 'x', 'full', '2023-01-01T00:00:00.000Z')").run().lastInsertRowid;
const insO = db.prepare(`INSERT INTO objects(id, valid_from, import_id, hash, name, region, class, tier, industry) VALUES (?, '2023-01-01T00:00:00.000Z', ?, 'h', ?, ?, ?, 'B', '化工')`);
for (let i = 0; i < 30000; i++) {
  const c = counties[i % counties.length];
  insO.run(`O${String(i).padStart(7, '0')}`, imp, `对象${i}`, c, CLASSES[[0, 1, 1, 2, 3, 3, 3, 3, 3, 3][i % 10]]);
}
const insI = db.prepare(`INSERT INTO inspectors(id, valid_from, import_id, hash, name, region, line) VALUES (?, '2023-01-01T00:00:00.000Z', ?, 'h', ?, ?, ?)`);
for (let i = 0; i < 600; i++) insI.run(`I${String(i).padStart(5, '0')}`, imp, `人员${i}`, i < 40 ? city : counties[i % counties.length], i % 2 ? '执法' : '监测');

const batch = db.prepare("INSERT INTO result_batches(seq, file, file_sha256, at, rows) VALUES (1000000, 'bench.csv', 'x', '2024-01-10T00:00:00.000Z', 0)").run().lastInsertRowid;
const insD = db.prepare('INSERT INTO draws(id, seq, quarter, level, kind, regions, rules_id, recorded_at, evidence) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)');
const insT = db.prepare(`INSERT INTO draw_tasks(task_no, draw_id, ord, object_id, region, object_region, class, tier, rank, key, method, joint, inspectors, expert)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'B', ?, 'k', ?, ?, '["I00001","I00002"]', NULL)`);
const insR = db.prepare(`INSERT INTO results(task_no, batch_id, date, method, outcome, fine_fen, rectified, confidential, published_on)
  VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)`);
const insV = db.prepare("INSERT INTO voids(draw_id, seq, reason, at) VALUES (?, ?, 'bench', '2023-04-05T00:00:00.000Z')");

const perDraw = Math.ceil(N / (4 * (counties.length + 1)));
let seq = 0;
let made = 0;
for (let q = 1; q <= 4 && made < N; q++) {
  const Q = quarterOf(2023, q);
  const scopes = [['city', city], ...counties.map((c) => ['county', c])];
  for (const [level, region] of scopes) {
    if (made >= N) break;
    const id = `${Q.id}-${level}-${String(++seq).padStart(2, '0')}`;
    const joint = rnd() < 0.3 ? 'department' : 'none';
    const n = Math.min(perDraw, N - made);
    const classes = level === 'city' ? ['special', 'key'] : CLASSES;
    const strata = classes.map((c) => ({ region, class: c, tier: 'B', population: n * 3, quota: Math.floor(n / classes.length), pool: n * 3, selected: Math.floor(n / classes.length) }));
    const evidence = JSON.stringify({
      draw: { id, quarter: Q.id, level, regions: [region], kind: 'routine', joint, createdAt: `${Q.start}T01:00:00.000Z` },
      snapshot: { rules: { tiered: ['special', 'key', 'general'] } },
      strata,
    });
    insD.run(id, seq, Q.id, level, 'routine', JSON.stringify([region]), `${Q.start}T01:00:00.000Z`, evidence);
    for (let k = 1; k <= n; k++) {
      const tn = `${id}-${String(k).padStart(4, '0')}`;
      const cls = classes[k % classes.length];
      const oc = level === 'city' ? counties[k % counties.length] : region;
      insT.run(tn, id, k, `O${k}`, region, oc, cls, k, cls === 'positive' ? 'offsite' : 'onsite', rnd() < 0.32 ? 1 : 0);
      const day = String(1 + (k % 28)).padStart(2, '0');
      const date = `2023-${String((q - 1) * 3 + 1 + (k % 3)).padStart(2, '0')}-${day}`;
      const outcome = OUTCOMES[Math.floor(rnd() * OUTCOMES.length)];
      const fine = outcome === '立案处罚' ? Math.floor(rnd() * 10000000) : 0;
      insR.run(tn, batch, date, outcome, fine, rnd() < 0.5 ? 1 : 0, rnd() < 0.05 ? 1 : 0, rnd() < 0.8 ? date : null);
      made++;
    }
  }
}
// two voided draws (left out of every figure)
for (const q of [2, 3]) {
  const Q = quarterOf(2023, q);
  const id = `${Q.id}-county-99`;
  insD.run(id, ++seq, Q.id, 'county', 'routine', JSON.stringify([counties[0]]), `${Q.start}T00:00:00.000Z`,
    JSON.stringify({ draw: { id, joint: 'none', createdAt: `${Q.start}T00:00:00.000Z` }, snapshot: { rules: { tiered: [] } }, strata: [] }));
  insV.run(id, ++seq);
}
db.exec('COMMIT');
db.pragma('wal_checkpoint(TRUNCATE)');
const tSetup = performance.now() - t0;

// wall time, and this process's CPU time (the machine may be shared: CPU time is the steadier figure)
let lastCpu = 0;
const time = (fn) => {
  const c = process.cpuUsage();
  const a = performance.now();
  const v = fn();
  const u = process.cpuUsage(c);
  lastCpu = (u.user + u.system) / 1000;
  return [performance.now() - a, v];
};
const timeAsync = async (fn) => {
  const c = process.cpuUsage();
  const a = performance.now();
  const v = await fn();
  const u = process.cpuUsage(c);
  lastCpu = (u.user + u.system) / 1000;
  return [performance.now() - a, v];
};

const rowsOut = [];
const year = { kind: 'year', year: 2023 };
const q4 = { kind: 'quarter', quarter: quarterOf(2023, 4) };

const [tGatherY, ctxY] = time(() => gatherReport(db, year));
const cGather = lastCpu;
const [tRowsY, rowsY] = time(() => reportRows(ctxY));
const cRows = lastCpu;
rowsOut.push(['report --year 2023 (gather)', ctxY.tasks.length, tGatherY, cGather]);
rowsOut.push(['report --year 2023 (stats)', ctxY.tasks.length, tRowsY, cRows]);
const [tJson] = time(() => JSON.stringify(reportJson(ctxY, rowsY)));
rowsOut.push(['report --year 2023 json', ctxY.tasks.length, tGatherY + tRowsY + tJson, cGather + cRows + lastCpu]);
const [tCsv] = time(() => reportCsv(ctxY, rowsY));
rowsOut.push(['report --year 2023 csv', ctxY.tasks.length, tGatherY + tRowsY + tCsv, cGather + cRows + lastCpu]);
const [tXlsx] = await timeAsync(() => reportWorkbook(ctxY, rowsY).xlsx.writeBuffer());
rowsOut.push(['report --year 2023 xlsx', ctxY.tasks.length, tGatherY + tRowsY + tXlsx, cGather + cRows + lastCpu]);
const [tCheckY, chkY] = time(() => checkReport(gatherReport(db, year)));
rowsOut.push([`check --year 2023 (${chkY.targets.length} targets)`, ctxY.tasks.length, tCheckY, lastCpu]);
const [tCheckQ, chkQ] = time(() => checkReport(gatherReport(db, q4)));
rowsOut.push([`check --quarter 2023Q4 (${chkQ.targets.length} targets, YTD)`, ctxY.yearTasks.length, tCheckQ, lastCpu]);
db.close();

const cli = (args) => {
  const a = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'sj.js'), '--db', dbPath, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - a;
  if (r.status !== 0 && r.status !== 3) throw new Error(`sj ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return ms;
};
const cliBase = cli(['--version']);
rowsOut.push(['CLI: node startup (sj --version)', 0, cliBase]);
rowsOut.push(['CLI: sj report --year 2023 --out y.xlsx', ctxY.tasks.length, cli(['report', '--year', '2023', '--out', join(dir, 'y.xlsx')])]);
rowsOut.push(['CLI: sj report --quarter 2023Q4 --json', 0, cli(['report', '--quarter', '2023Q4', '--json'])]);
rowsOut.push(['CLI: sj check --year 2023 --json', 0, cli(['check', '--year', '2023', '--json'])]);

const w = Math.max(...rowsOut.map((r) => r[0].length));
console.log(`setup: ${made} tasks with results, ${seq} ledger seqs, in ${(tSetup / 1000).toFixed(1)} s (${dbPath})`);
console.log(`${'step'.padEnd(w)}  ${'tasks'.padStart(7)}  ${'wall ms'.padStart(8)}  ${'cpu ms'.padStart(7)}  target`);
for (const [name, n, ms, cpu] of rowsOut) {
  const target = name.startsWith('CLI: node') ? '(baseline)' : ms < 2000 ? 'ok (< 2 s)' : 'SLOW (>= 2 s)';
  console.log(`${name.padEnd(w)}  ${String(n || '').padStart(7)}  ${ms.toFixed(0).padStart(8)}  ${cpu === undefined ? '       ' : cpu.toFixed(0).padStart(7)}  ${target}`);
}
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')} on ${(await import('node:os')).cpus().length} CPU(s)`);
if (!keep) rmSync(dir, { recursive: true, force: true });
