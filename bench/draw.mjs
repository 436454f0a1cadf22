// Draw and verify speed (in process) against the bare SHA-256 work the draw algorithm requires (issue 4).
// Usage: node bench/draw.mjs [--objects 1000000] [--inspectors 2000]   (after npm run build)
import { hash, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runDraw } from '../dist/core/draw.js';
import { verifyEvidence } from '../dist/core/verify.js';
import { canonical } from '../dist/core/canonical.js';
import { mulberry32 } from '../dist/core/prng.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('objects', 1_000_000);
const NI = arg('inspectors', 2000);
const COUNTIES = ['131102', '131103', '131121', '131122', '131123', '131124', '131125', '131126', '131127', '131128', '131182', '131171', '131172'];
const LINES = ['执法', '监测', '固废', '大气', '水', '环评'];
const INDUSTRIES = ['化工', '制药', '印染', '钢铁', '焦化', '电镀', '危险废物', '造纸', '铸造', '建材', ''];

const prng = mulberry32;
const r = prng(20230403);
const pick = (l) => l[Math.floor(r() * l.length)];
const rules = {
  rates: { city: { special: 1000, key: 1000 }, county: { special: 5000, key: 2500, positive: 10000, general: 300 } },
  tiers: [{ code: 'A', pct: 50 }, { code: 'B', pct: 100 }, { code: 'C', pct: 150 }, { code: 'D', pct: 200 }, { code: 'E', pct: 300 }],
  tiered: ['special', 'key', 'general'],
  team: { size: 2, matchSpecialty: true, crossRegionAtCity: true, maxTasksPerInspector: 0 },
  method: { preferOffsite: true },
  experts: { industries: ['危险废物'] },
};
function snapshot() {
  const objects = [];
  for (let k = 0; k < N; k++) {
    const u = r();
    const cls = u < 0.04 ? 'special' : u < 0.22 ? 'key' : u < 0.5 ? 'positive' : 'general';
    objects.push({
      id: `91131${String(k).padStart(13, '0')}`, name: `企业${k}`, region: pick(COUNTIES),
      class: cls,
      tier: pick(['A', 'B', 'B', 'C', 'D', 'E', null]), industry: pick(INDUSTRIES), offsite: r() < 0.3,
      // sj-draw/2 §3: a census class (positive at county level) is never excluded for season
      excluded: r() < 0.02 && cls !== 'positive' ? 'season' : null,
    });
  }
  const inspectors = [];
  for (let k = 0; k < NI; k++) {
    const region = k < 150 ? '131100' : COUNTIES[k % COUNTIES.length];
    inspectors.push({ id: `1311${String(k).padStart(7, '0')}`, name: `执法${k}`, region, line: LINES[k % LINES.length], specialties: [pick(INDUSTRIES.slice(0, 10))] });
  }
  inspectors.sort((a, b) => (a.id < b.id ? -1 : 1));
  const experts = Array.from({ length: 30 }, (_, k) => ({ id: `ZJ${String(k).padStart(3, '0')}`, name: `专家${k}`, industries: [pick(INDUSTRIES.slice(0, 10))] }));
  return { rules, objects, inspectors, experts, avoidance: [] };
}

const time = (f) => {
  const t0 = performance.now();
  const v = f();
  return [v, (performance.now() - t0) / 1000];
};
const H = typeof hash === 'function' ? (s) => hash('sha256', s, 'hex') : (s) => createHash('sha256').update(s).digest('hex');

/** the bare SHA-256 work of a draw: the same number of hashes of inputs of the same shape */
function bareHashes(counts, seed) {
  const [, s] = time(() => {
    let x = '';
    for (let k = 0; k < counts.object; k++) x = H(`sj-draw/1|obj|${seed}|91131${String(k).padStart(13, '0')}`);
    for (let k = 0; k < counts.joint; k++) x = H(`sj-draw/1|joint|${seed}|91131${String(k).padStart(13, '0')}`);
    for (let k = 0; k < counts.inspector; k++) x = H(`sj-draw/1|insp|${seed}|91131${String(k % 99991).padStart(13, '0')}|1311${String(k % NI).padStart(7, '0')}`);
    return x;
  });
  return s;
}

const rows = [];
let algorithm = 'sj-draw/1';
/** the process's peak resident memory so far, MB (memoryUsage().rss is only the current one) */
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
const [snap, tGen] = time(snapshot);
console.error(`generated ${N} objects, ${NI} inspectors in ${tGen.toFixed(1)} s`);
for (const level of ['county', 'city']) {
  const header = {
    id: `BENCH-${level}`, quarter: '2023Q2', level, regions: level === 'city' ? ['131100'] : COUNTIES, kind: 'routine', filter: null,
    method: 'auto', joint: 'none', partners: [], jointShare: 3000, withExperts: false, createdAt: '2023-04-03T09:00:00+08:00',
    entropy: '12345678901234567890', entropySource: 'user',
  };
  const s = level === 'city' ? snap : { ...snap, inspectors: snap.inspectors.filter((i) => i.region !== '131100') };
  const [out, tDraw] = time(() => runDraw({ draw: header, snapshot: s }));
  const ev = out.evidence;
  const total = out.hashes.object + out.hashes.joint + out.hashes.inspector;
  const tBare = bareHashes(out.hashes, ev.draw.seed);
  const [problems, tVerify] = time(() => verifyEvidence(ev));
  if (problems.length) throw new Error(`verify failed: ${problems[0]}`);
  const [, tCanon] = time(() => canonical(ev).length);
  algorithm = ev.algorithm ?? algorithm;
  rows.push({ level, tasks: ev.tasks.length, hashes: total, bare: tBare, draw: tDraw, verify: tVerify, canon: tCanon });
}

// the realistic Hengshui fixture, through the database, as `sj draw` runs it
const { openDb } = await import('../dist/io/db.js');
const { importRoster } = await import('../dist/io/roster-write.js');
const { makeDraw } = await import('../dist/io/draw-service.js');
const { parseQuarter } = await import('../dist/core/quarter.js');
const dir = mkdtempSync(join(tmpdir(), 'sj-bench-'));
const db = openDb(join(dir, 'b.db'));
for (const [kind, f] of [['objects', 'objects.xlsx'], ['inspectors', 'inspectors.xlsx'], ['experts', 'experts.xlsx'], ['avoidance', 'avoidance.csv']]) {
  await importRoster(db, { kind, path: join('fixtures', 'hengshui', f), mode: 'full' });
}
const q = parseQuarter('2023Q2');
const realistic = [];
for (const level of ['city', 'county']) {
  const [run, t] = time(() => makeDraw(db, { quarter: q, level, regions: [], directional: false, filter: null, method: 'auto', departmentJoint: false, partners: [], withExperts: false, date: '2023-04-03', entropy: 'bench', entropySource: 'user' }, { dryRun: false }));
  realistic.push({ level, tasks: run.evidence.tasks.length, t });
}
db.close();
rmSync(dir, { recursive: true, force: true });

const f = (x) => x.toFixed(2);
console.log(`\n${algorithm} on ${N.toLocaleString()} objects over 13 counties, ${NI} inspectors (peak RSS ${rss()} MB)\n`);
console.log('| level | tasks | SHA-256 needed | bare SHA-256 s | draw s | draw/bare | verify s | verify/bare | target |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const x of rows) {
  const ok = x.draw <= 3 * x.bare && x.verify <= 3 * x.bare ? 'met (≤ 3×)' : 'MISSED (> 3×)';
  console.log(`| ${x.level} | ${x.tasks} | ${x.hashes.toLocaleString()} | ${f(x.bare)} | ${f(x.draw)} | ${f(x.draw / x.bare)}× | ${f(x.verify)} | ${f(x.verify / x.bare)}× | ${ok} |`);
}
console.log('\nRealistic Hengshui fixture (3,230 objects, 150 inspectors), a recorded draw through SQLite:\n');
console.log('| level | tasks | seconds | target < 1 s |');
console.log('| --- | ---: | ---: | --- |');
for (const x of realistic) console.log(`| ${x.level} | ${x.tasks} | ${f(x.t)} | ${x.t < 1 ? 'met' : 'MISSED'} |`);
