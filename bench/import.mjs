#!/usr/bin/env node
/**
 * Import benchmark (uses the compiled code in dist/: run `npx tsc -p .` first).
 *
 *   node bench/import.mjs            # 100k CSV, 100k xlsx, 1M CSV
 *   node bench/import.mjs --quick    # 100k CSV and 100k xlsx only
 *
 * Generates object rosters in bench/out/ (gitignored), imports each into a fresh database in
 * its own process (so peak RSS is that run's), and compares with a bare csv-parse pass over
 * the same file, `sqlite3 .import` (when the sqlite3 CLI exists) and, for xlsx, a bare
 * exceljs streaming read. Targets: CSV ≤ 1.5× csv-parse, xlsx ≤ 1.5× exceljs streaming,
 * 1M CSV peak RSS ≤ 300 MB. Each 100k measurement is repeated (BENCH_REPEAT, default 3),
 * alternating with its baseline, and the medians are printed. Ids are random-looking
 * 18-character credit codes, so index inserts are as scattered as with a real roster.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const ROOT = join(HERE, '..');

const REGIONS = ['桃城区', '冀州区', '枣强县', '武邑县', '武强县', '饶阳县', '安平县', '故城县', '景县', '阜城县', '深州市', '131171', '131172'];
const CATS = ['特殊监管对象', '重点监管对象', '一般监管对象', '一般监管对象', '一般监管对象'];
const INDUSTRIES = ['化工', '丝网', '铸造', '加油站', '汽车维修', '医疗废物', '印染', '塑料制品'];
const HEADER = '统一社会信用代码,单位名称,所属区县,监管类别,正面清单,信用等级,行业,标签,具备非现场监管条件,状态,生产月份,排污许可管理类别,地址,联系人,联系电话';

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** an 18-character 统一社会信用代码-like id, unique per i, in no particular order (as a real roster's are) */
function creditCode(i) {
  let x = BigInt(i) * 0x9e3779b97f4a7c15n % (1n << 64n);
  let s = '';
  for (let k = 0; k < 13; k++) {
    s += CODE_CHARS[Number(x % 31n)];
    x /= 31n;
  }
  return '91131' + s;
}

function row(i) {
  const id = creditCode(i);
  const r = REGIONS[i % REGIONS.length];
  return [
    id,
    `衡水市测试${i}号有限公司`,
    r,
    CATS[i % CATS.length],
    i % 3 === 0 ? '是' : '否',
    'ABCDE'[i % 5],
    INDUSTRIES[i % INDUSTRIES.length],
    i % 2 ? '涉气、涉水' : 'VOCs',
    i % 4 === 0 ? '是' : '否',
    i % 50 === 0 ? '停产' : '在产',
    i % 7 === 0 ? '1-3,11-12' : '',
    '简化管理',
    `河北省衡水市${r}工业路${i % 997}号`,
    '张三',
    String(13000000000 + i),
  ];
}

async function writeCsv(path, n) {
  if (existsSync(path)) return;
  const ws = createWriteStream(path);
  const write = (s) => (ws.write(s) ? Promise.resolve() : new Promise((r) => ws.once('drain', r)));
  await write('\ufeff' + HEADER + '\r\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += row(i).map((c) => (c.includes(',') ? `"${c}"` : c)).join(',') + '\r\n';
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise((r) => ws.end(r));
}

async function writeXlsx(path, n) {
  if (existsSync(path)) return;
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('检查对象名录库');
  ws.addRow(HEADER.split(',')).commit();
  for (let i = 0; i < n; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
}

// ---- child runs ------------------------------------------------------------------------------

async function child(mode, file, db) {
  const t0 = process.hrtime.bigint();
  let rows = 0;
  if (mode === 'import') {
    const { openDb } = await import(join(ROOT, 'dist/io/db.js'));
    const { importRoster } = await import(join(ROOT, 'dist/io/roster-write.js'));
    const d = openDb(db);
    const s = await importRoster(d, { kind: 'objects', path: file });
    rows = s.added;
    d.close();
  } else if (mode === 'csv-parse') {
    const { parse } = await import('csv-parse');
    const p = createReadStream(file).pipe(parse({ relax_column_count: true, bom: true }));
    for await (const _ of p) rows++;
    rows--; // header
  } else if (mode === 'exceljs-stream') {
    const ExcelJS = (await import('exceljs')).default;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
    for await (const ws of reader) for await (const _ of ws) rows++;
    rows--;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(); // all threads of the process, since it started
  process.stdout.write(JSON.stringify({ rows, secs, cpuSecs: (cpu.user + cpu.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

function run(mode, file) {
  const db = join(OUT, `bench-${process.pid}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file, db], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  if (r.status !== 0) throw new Error(`${mode} ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function sqliteImport(file) {
  const which = spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const db = join(OUT, 'sqlite3-import.db');
  rmSync(db, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sqlite3', [db, '.mode csv', `.import ${file} t`], { encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(db, { force: true });
  return r.status === 0 ? secs : null;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], process.argv[5]);
  const quick = process.argv.includes('--quick');
  mkdirSync(OUT, { recursive: true });
  const jobs = [
    { label: 'CSV 100k', file: join(OUT, 'objects-100k.csv'), n: 100_000, kind: 'csv' },
    { label: 'XLSX 100k', file: join(OUT, 'objects-100k.xlsx'), n: 100_000, kind: 'xlsx' },
    ...(quick ? [] : [{ label: 'CSV 1M', file: join(OUT, 'objects-1m.csv'), n: 1_000_000, kind: 'csv' }]),
  ];
  const rows = [];
  for (const j of jobs) {
    process.stderr.write(`generating ${j.label} …\n`);
    if (j.kind === 'csv') await writeCsv(j.file, j.n);
    else await writeXlsx(j.file, j.n);
    // this machine's speed drifts by ±30 % from one minute to the next: the import and its
    // baseline run alternately, REPEAT times, and the medians (and the median of the paired
    // ratios) are reported
    const reps = j.n >= 1_000_000 ? 1 : REPEAT;
    const imps = [];
    const bases = [];
    for (let k = 0; k < reps; k++) {
      process.stderr.write(`importing ${j.label} (${k + 1}/${reps}) …\n`);
      imps.push(run('import', j.file));
      bases.push(run(j.kind === 'csv' ? 'csv-parse' : 'exceljs-stream', j.file));
    }
    const imp = { ...imps[0], secs: median(imps.map((r) => r.secs)), rssMB: Math.max(...imps.map((r) => r.rssMB)) };
    const base = { secs: median(bases.map((r) => r.secs)) };
    const ratio = median(imps.map((r, k) => r.secs / bases[k].secs));
    const sq = j.kind === 'csv' ? sqliteImport(j.file) : null;
    rows.push({
      file: j.label,
      MB: (statSync(j.file).size / 1e6).toFixed(1),
      rows: imp.rows,
      seconds: imp.secs.toFixed(2),
      'rows/s': Math.round(imp.rows / imp.secs),
      'peak RSS MB': Math.round(imp.rssMB),
      baseline: j.kind === 'csv' ? 'csv-parse' : 'exceljs stream',
      'baseline s': base.secs.toFixed(2),
      ratio: ratio.toFixed(2),
      // every paired ratio (the spread shows how much the machine drifted), and the CPU time
      // of the import (both threads) against the baseline's
      ratios: imps.map((r, k) => (r.secs / bases[k].secs).toFixed(2)).join(' '),
      'CPU s': median(imps.map((r) => r.cpuSecs)).toFixed(2),
      'baseline CPU s': median(bases.map((r) => r.cpuSecs)).toFixed(2),
      target: j.n >= 1_000_000 ? `RSS ≤ 300 MB: ${imp.rssMB <= 300 ? 'met' : 'MISSED'}` : `≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'MISSED'}`,
      'sqlite3 .import s': sq === null ? '—' : sq.toFixed(2),
      'ratio sqlite3': sq === null ? '—' : (imp.secs / sq).toFixed(2),
    });
  }
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padStart(w[i])).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

await main();
