#!/usr/bin/env node
/**
 * Bench (issue 13, item 4): `sj report` and `sj check` on a year of 100k live tasks with results,
 * each a whole process (`node bin/sj.js …`, start-up included) against the 0.6 s target; the
 * phases in process (compiled dist/) to show where the time goes.
 *
 *   npx tsc -p . && node bench/report.mjs [--tasks 100000] [--repeat 5] [--fresh] [--no-year]
 *
 * The database is built with SQL as `sj draw` would leave it, reduced to what report and check
 * read: a 100k-object roster; per quarter one city draw and one county draw per county (sharing
 * no object, as under the same-quarter exclusion), each with its draw_facts, draw_strata,
 * draw_task_counts, draw_exclusions and draw_scope rows (evidence reduced to the draw header); a result for every
 * task, some object substitutions, two voided draws. It is built once into bench/out/
 * (report-<tasks>-<objects>-v<schema>.db; --fresh builds it again) and only read.
 *
 * The year report (`sj report --year`) also writes the fairness figures, which read what every
 * draw stored of its snapshot (draw_members): they are timed on real draws, the county draws of 2023Q1–Q3 made
 * by `sj draw` on bench/cli.mjs's 100k-object database (bench/out/cli-100000.db, which `npm run
 * bench` builds first), once, into bench/out/report-year-100000.db; skipped when that database is
 * missing, or with --no-year.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(join(ROOT, 'dist', p));
const { openDb } = await dist('io/db.js');
const { gatherReport, reportRows, reportJson, checkReport } = await dist('io/report-data.js');
const { quarterOf } = await dist('core/quarter.js');
const { Regions } = await dist('io/regions.js');
const { rulesForYear } = await dist('io/rules-store.js');
const { mulberry32 } = await dist('core/prng.js');
const { SCHEMA_VERSION } = await dist('io/schema.js');

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('--tasks', '100000'));
const OBJECTS = Number(arg('--objects', '100000'));
const REPEAT = Number(arg('--repeat', '5'));
const TARGET_S = 0.6;
const OUT = join(ROOT, 'bench', 'out');
mkdirSync(OUT, { recursive: true });
/**
 * the prepared database, built once per schema version (read only by the runs; a migration may
 * need what `sj draw` stores and this build leaves out); its outputs go to a temporary folder
 */
const dbPath = join(OUT, `report-${N}-${OBJECTS}-v${SCHEMA_VERSION}.db`);
const fresh = process.argv.includes('--fresh') || !existsSync(dbPath);
const dir = mkdtempSync(join(tmpdir(), 'sj-bench-report-'));
// after the year: every quarter is over, the rosters are read as they stood at its end
const SJ_NOW = '2024-01-15T02:00:00Z';
process.env.SJ_NOW = SJ_NOW;

const rnd = mulberry32(42);
const CLASSES = ['special', 'key', 'positive', 'general'];
const OUTCOMES = ['未发现问题', '未发现问题', '未发现问题', '发现问题', '责令整改', '立案处罚', '移送', '移送公安', '无法检查'];
const TIERS = ['A', 'B', 'B', 'C', 'D', 'E', null];
const EXCLUDED = ['suspended', 'same-quarter', 'season'];

const t0 = performance.now();
// built under another name and renamed when complete: an interrupted build leaves no database to reuse
const building = `${dbPath}.building`;
for (const ext of ['', '-wal', '-shm']) rmSync(building + ext, { force: true });
const db = openDb(fresh ? building : dbPath);
const regions = Regions.load(db);
const city = regions.city.code;
const counties = regions.counties().map((r) => r.code);
const rates = rulesForYear(db, 2023).rules.rates;

function buildRoster() {
  const imp = db.prepare("INSERT INTO imports(kind, file, file_sha256, mode, at) VALUES ('objects', 'bench', 'x', 'full', '2023-01-01T00:00:00.000Z')").run().lastInsertRowid;
  const insO = db.prepare(`INSERT INTO objects(id, valid_from, import_id, hash, name, region, class, tier, industry, address, status)
    VALUES (?, '2023-01-01T00:00:00.000Z', ?, 'h', ?, ?, ?, ?, '化工', ?, ?)`);
  /** object ids by `${region}|${class}`, for the draws to pick from */
  const pool = new Map();
  for (let i = 0; i < OBJECTS; i++) {
    const region = counties[i % counties.length];
    const u = rnd();
    const cls = u < 0.04 ? 'special' : u < 0.22 ? 'key' : u < 0.45 ? 'positive' : 'general';
    const id = `91131${String(i).padStart(13, '0')}`;
    insO.run(id, imp, `衡水市测试${i}号有限公司`, region, cls, TIERS[Math.floor(rnd() * TIERS.length)], `河北省衡水市测试路${i}号`, rnd() < 0.02 ? 'suspended' : 'active');
    const k = `${region}|${cls}`;
    if (!pool.has(k)) pool.set(k, []);
    pool.get(k).push(id);
  }
  const insI = db.prepare(`INSERT INTO inspectors(id, valid_from, import_id, hash, name, region, line, cert_expiry) VALUES (?, '2023-01-01T00:00:00.000Z', ?, 'h', ?, ?, ?, '2028-12-31')`);
  for (let i = 0; i < 600; i++) insI.run(`I${String(i).padStart(5, '0')}`, imp, `人员${i}`, i < 40 ? city : counties[i % counties.length], i % 2 ? '执法' : '监测');
  return pool;
}

function buildDraws(pool) {
  const batch = db.prepare("INSERT INTO result_batches(seq, file, file_sha256, at, rows) VALUES (1000000, 'bench.csv', 'x', '2024-01-10T00:00:00.000Z', 0)").run().lastInsertRowid;
  const insD = db.prepare('INSERT INTO draws(id, seq, quarter, level, kind, regions, rules_id, recorded_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  // the rules the draws were made under (with the same-quarter exclusion, as by default: a quarter's
  // live draws share no object, which report and check count on)
  const rulesId = rulesForYear(db, 2023).id;
  /** per quarter, how many objects of each (county, class) pool its draws took (the first ones) */
  const taken = new Map();
  const insF = db.prepare("INSERT INTO draw_facts(draw_id, algorithm, joint, draw_date, rates, tiered) VALUES (?, 'sj-draw/2', ?, ?, ?, '[\"special\",\"key\",\"general\"]')");
  const insS = db.prepare('INSERT INTO draw_strata(draw_id, ord, region, class, tier, population, quota, credited, pool, selected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insE = db.prepare('INSERT INTO draw_exclusions(draw_id, region, class, reason, n) VALUES (?, ?, ?, ?, ?)');
  const insC = db.prepare('INSERT INTO draw_scope(quarter, level, region, draw_id) VALUES (?, ?, ?, ?)');
  const insT = db.prepare(`INSERT INTO draw_tasks(task_no, draw_id, ord, object_id, region, object_region, class, tier, rank, key, method, joint, inspectors, expert)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'k', ?, ?, '["I00001","I00002"]', NULL)`);
  const insR = db.prepare(`INSERT INTO results(task_no, batch_id, date, method, outcome, fine_fen, rectified, confidential, published_on)
    VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)`);
  const insSub = db.prepare(`INSERT INTO substitutions(seq, draw_id, task_no, kind, original, replacement, reason, at, payload) VALUES (?, ?, ?, 'object', ?, ?, 'bench', ?, ?)`);
  const insV = db.prepare("INSERT INTO voids(draw_id, seq, reason, at) VALUES (?, ?, 'bench', '2023-04-05T00:00:00.000Z')");
  const perDraw = Math.ceil(N / (4 * (counties.length + 1)));
  let seq = 0;
  let made = 0;
  const draw = (Q, level, region, n, voided) => {
    const id = `${Q.id}-${level}-${String(++seq).padStart(2, '0')}`;
    const at = `${Q.start}T01:00:00.000Z`;
    const joint = rnd() < 0.3 ? 'department' : 'none';
    insD.run(id, seq, Q.id, level, 'routine', JSON.stringify([region]), rulesId, at, JSON.stringify({ draw: { id, quarter: Q.id, level, regions: [region], kind: 'routine', joint, createdAt: at } }));
    insF.run(id, joint, Q.start, JSON.stringify(rates[level]));
    if (voided) return insV.run(id, ++seq);
    if (!taken.has(Q.id)) taken.set(Q.id, new Map());
    const inQuarter = taken.get(Q.id);
    insC.run(Q.id, level, region, id);
    const classes = Object.keys(rates[level]);
    for (let k = 1; k <= n; k++) {
      const tn = `${id}-${String(k).padStart(4, '0')}`;
      const oc = level === 'city' ? counties[k % counties.length] : region;
      // the next object of the quarter not picked yet, of this class or, its pool used up, the next one's
      let cls;
      let obj;
      for (let c = 0; c < classes.length && obj === undefined; c++) {
        cls = classes[(k + c) % classes.length];
        const key = `${oc}|${cls}`;
        const objs = pool.get(key) ?? [];
        const i = inQuarter.get(key) ?? 0;
        if (i < objs.length) {
          obj = objs[i];
          inQuarter.set(key, i + 1);
        }
      }
      if (obj === undefined) throw new Error(`bench: no object left for ${oc} in ${Q.id}`);
      const objs = pool.get(`${oc}|${cls}`);
      insT.run(tn, id, k, obj, region, oc, cls, cls === 'positive' ? null : TIERS[k % TIERS.length], k, cls === 'positive' ? 'offsite' : 'onsite', rnd() < 0.32 ? 1 : 0);
      if (k % 2000 === 7) insSub.run(++seq, id, tn, obj, objs[(k * 11) % objs.length], at, JSON.stringify({ objectRegion: oc, method: 'onsite' }));
      const month = (Q.q - 1) * 3 + 1 + (k % 3);
      const date = `2023-${String(month).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}`;
      const outcome = OUTCOMES[Math.floor(rnd() * OUTCOMES.length)];
      const fine = outcome === '立案处罚' ? Math.floor(rnd() * 10000000) : 0;
      insR.run(tn, batch, date, outcome, fine, rnd() < 0.5 ? 1 : 0, rnd() < 0.05 ? 1 : 0, rnd() < 0.8 ? date : null);
      made++;
    }
    // the tasks counted per (region, class, tier), as recordDraw stores them
    db.prepare(`INSERT INTO draw_task_counts(draw_id, region, class, tier, tasks, onsite, joint)
      SELECT draw_id, region, class, tier, COUNT(*), COUNT(CASE WHEN method = 'onsite' THEN 1 END), COUNT(CASE WHEN joint = 1 THEN 1 END)
      FROM draw_tasks WHERE draw_id = ? GROUP BY region, class, tier`).run(id);
    // strata as a draw leaves them: a task's region, class and tier are its stratum's (selected =
    // its tasks); the class's population and quota on its first stratum (required reads their sums)
    const population = (cls) => (level === 'city' ? counties : [region]).reduce((k, c) => k + (pool.get(`${c}|${cls}`)?.length ?? 0), 0);
    const seen = new Set();
    let ord = 0;
    for (const g of db.prepare('SELECT region, class, tier, COUNT(*) AS n FROM draw_tasks WHERE draw_id = ? GROUP BY 1, 2, 3').all(id)) {
      const first = !seen.has(g.class);
      const pop = first ? population(g.class) : 0;
      seen.add(g.class);
      insS.run(id, ++ord, g.region, g.class, g.tier, pop, Math.ceil((pop * rates[level][g.class]) / 10000), 0, g.n, g.n);
      if (first) for (const reason of EXCLUDED) insE.run(id, g.region, g.class, reason, 1 + Math.floor(rnd() * 20));
    }
  };
  for (let q = 1; q <= 4; q++) {
    const Q = quarterOf(2023, q);
    for (const [level, region] of [['city', city], ...counties.map((c) => ['county', c])]) draw(Q, level, region, Math.min(perDraw, N - made), false);
    if (q === 2 || q === 3) draw(Q, 'county', counties[0], 0, true); // a voided draw: left out of every figure
  }
  return { made, seq };
}

let made;
let seq;
if (fresh) {
  db.exec('BEGIN');
  const pool = buildRoster();
  ({ made, seq } = buildDraws(pool));
  db.exec('COMMIT');
  db.pragma('wal_checkpoint(TRUNCATE)');
} else {
  made = db.prepare('SELECT COUNT(*) FROM draw_tasks').pluck().get();
  seq = db.prepare('SELECT MAX(n) FROM (SELECT MAX(seq) AS n FROM draws UNION ALL SELECT MAX(seq) FROM substitutions UNION ALL SELECT MAX(seq) FROM voids)').pluck().get();
}
const tSetup = performance.now() - t0;

/** wall and CPU milliseconds of fn, in this process */
const time = (fn) => {
  const c = process.cpuUsage();
  const a = performance.now();
  const v = fn();
  const u = process.cpuUsage(c);
  return { ms: performance.now() - a, cpu: (u.user + u.system) / 1000, v };
};

const rowsOut = [];
const year = { kind: 'year', year: 2023 };
const q4 = { kind: 'quarter', quarter: quarterOf(2023, 4) };
for (const [label, period] of [['2023Q4', q4], ['2023', year]]) {
  const g = time(() => gatherReport(db, period));
  rowsOut.push([`in process: gather ${label}`, g.ms, g.cpu]);
  const s = time(() => JSON.stringify(reportJson(g.v, reportRows(g.v))));
  rowsOut.push([`in process: statistics table ${label}`, s.ms, s.cpu]);
  const c = time(() => checkReport(g.v));
  rowsOut.push([`in process: targets ${label}`, c.ms, c.cpu]);
}
db.close();
if (fresh) {
  for (const ext of ['', '-wal', '-shm']) rmSync(dbPath + ext, { force: true });
  renameSync(building, dbPath);
}

const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;
/** one whole `sj` process: wall and CPU (user + system) milliseconds */
const once = (args, db = dbPath) => {
  const full = [join(ROOT, 'bin', 'sj.js'), '--db', db, ...args];
  const a = performance.now();
  const r = GNU_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...full], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, full, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  const ms = performance.now() - a;
  if (r.status !== 0 && r.status !== 3) throw new Error(`sj ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const cpu = GNU_TIME ? r.stderr.trimEnd().split('\n').pop().split(' ').reduce((s, x) => s + Number(x) * 1000, 0) : NaN;
  return { ms, cpu };
};
/** the median of REPEAT runs, by wall time (runs interleaved with the others would be fairer; the CPU column is the steadier figure) */
const cli = (args, db = dbPath, repeat = REPEAT) => {
  const runs = Array.from({ length: repeat }, () => once(args, db)).sort((a, b) => a.ms - b.ms);
  const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b);
  return { ms: runs[(repeat - 1) >> 1].ms, cpu: cpus[(repeat - 1) >> 1] };
};
const whole = [
  ['sj --version (start-up, baseline)', ['--version'], false],
  ['sj report --quarter 2023Q4 --json', ['report', '--quarter', '2023Q4', '--json'], true],
  ['sj report --quarter 2023Q4 --out q4.xlsx', ['report', '--quarter', '2023Q4', '--out', join(dir, 'q4.xlsx')], true],
  ['sj check --quarter 2023Q4', ['check', '--quarter', '2023Q4'], true],
  ['sj check --year 2023', ['check', '--year', '2023'], true],
  ['sj check --year 2023 --json', ['check', '--year', '2023', '--json'], true],
];
const verdict = (ms) => (ms <= TARGET_S * 1000 ? 'met' : 'MISSED');
for (const [name, args, target] of whole) {
  const r = cli(args);
  rowsOut.push([name, r.ms, r.cpu, target ? verdict(r.ms) : '']);
}

/**
 * The year report on real draws: bench/cli.mjs's 100k-object roster, the county draws of
 * 2023Q1–Q3 made by `sj draw` (about 36k tasks each), built once; medians like the others.
 */
function realYear() {
  const base = join(OUT, 'cli-100000.db');
  const path = join(OUT, 'report-year-100000.db');
  if (!existsSync(path)) {
    if (!existsSync(base)) return `(no ${base}: run node bench/cli.mjs first for the year report on real draws)`;
    const building = `${path}.building`;
    for (const ext of ['', '-wal', '-shm']) rmSync(building + ext, { force: true });
    copyFileSync(base, building);
    const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
    for (const [q, date] of [['2023Q1', '2023-01-04'], ['2023Q2', '2023-04-03'], ['2023Q3', '2023-07-03']]) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'sj.js'), '--db', building, 'draw', '--quarter', q, '--level', 'county', '--seed', SEED, '--date', date, '--yes'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`sj draw ${q}: exit ${r.status}\n${r.stderr}`);
    }
    const w = openDb(building);
    w.pragma('wal_checkpoint(TRUNCATE)'); // all in the main file before it is renamed
    w.close();
    renameSync(building, path);
  }
  // opened writable: a migration since it was built runs here, not in the first timed run
  const rw = openDb(path);
  const tasks = rw.prepare('SELECT COUNT(*) FROM draw_tasks').pluck().get();
  rw.pragma('wal_checkpoint(TRUNCATE)');
  rw.close();
  for (const [name, args] of [
    ['sj check --year 2023 (real draws)', ['check', '--year', '2023']],
    ['sj report --year 2023 --json (real draws)', ['report', '--year', '2023', '--json']],
    ['sj report --year 2023 --out y.xlsx (real draws)', ['report', '--year', '2023', '--out', join(dir, 'y.xlsx')]],
  ]) {
    const r = cli(args, path, REPEAT);
    rowsOut.push([name, r.ms, r.cpu, verdict(r.ms)]);
  }
  return `real draws: ${tasks} tasks of 3 county draws, no results (${path})`;
}
const yearNote = process.argv.includes('--no-year') ? '(year report on real draws: skipped, --no-year)' : realYear();

const w = Math.max(...rowsOut.map((r) => r[0].length));
console.log(`setup: ${made} live tasks with results, ${OBJECTS} objects, ${seq} ledger seqs, ${fresh ? 'built' : 'opened'} in ${(tSetup / 1000).toFixed(1)} s (${dbPath})`);
console.log(`whole processes: medians of ${REPEAT}; target ≤ ${TARGET_S} s each (wall)\n`);
console.log(`| ${'step'.padEnd(w)} | wall ms | cpu ms | target |`);
console.log(`| ${'-'.repeat(w)} | ------: | -----: | ------ |`);
for (const [name, ms, cpu, verdict = ''] of rowsOut) {
  console.log(`| ${name.padEnd(w)} | ${ms.toFixed(0).padStart(7)} | ${Number.isFinite(cpu) ? cpu.toFixed(0).padStart(6) : '     –'} | ${verdict} |`);
}
console.log(`\n${yearNote}`);
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPU(s)`);
rmSync(dir, { recursive: true, force: true });
