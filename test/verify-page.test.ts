/**
 * The verification page (`sj verify page`): its algorithm (src/verify-page/draw.js, plain JS
 * from the spec pages) run in Node against every spec vector, tampered copies and real evidence
 * exported from a Hengshui draw, agreeing with `sj verify --evidence`; then the written page in
 * headless Chromium, a file chosen in its file input as a person would, its verdict read from
 * the DOM. One screenshot is kept in test-results/.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { catalogue } from '../src/messages/index.js';
import { H } from '../src/core/hash.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { Browser, findChromium } from './chromium.js';
import { ROOT, SPEC_VECTORS_DIR } from './helpers.js';

/** copies of ../shared/spec/draw-v2-vectors, so the suite runs without shared/ */
const V2_DIR = join(ROOT, 'fixtures', 'spec-vectors-v2');
const PAGE_DIR = join(ROOT, 'src', 'verify-page');
const ARTEFACTS = join(ROOT, 'test-results');

type Ev = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface PageResult {
  ok: boolean;
  resultHash?: string;
  problems: { code: string; index?: number; objectId?: string; fields?: string[] }[];
  firstDiff: { index: number; objectId: string; fields: string[] } | null;
  strata: Ev[];
  commitment: Ev | null;
}

/** The page's algorithm, loaded as the page loads it: a classic script defining SjDraw. */
function loadPageDraw(): { verify: (ev: Ev) => Promise<PageResult>; canonical: (x: unknown) => string } {
  const ctx = vm.createContext({ crypto: globalThis.crypto, TextEncoder });
  vm.runInContext(readFileSync(join(PAGE_DIR, 'draw.js'), 'utf8'), ctx, { filename: 'draw.js' });
  return ctx.SjDraw;
}
const SjDraw = loadPageDraw();

const readJson = (p: string): Ev => JSON.parse(readFileSync(p, 'utf8'));
/** A v1 vector as an evidence file (the vectors leave out format and algorithm). */
const v1Evidence = (f: string): Ev => ({ format: 'sj-evidence/1', algorithm: 'sj-draw/1', ...readJson(join(SPEC_VECTORS_DIR, f)) });
const v2Evidence = (f: string): Ev => readJson(join(V2_DIR, f));
const V1 = readdirSync(SPEC_VECTORS_DIR).filter((f) => f.endsWith('.json')).sort();
const V2 = readdirSync(V2_DIR).filter((f) => f.endsWith('.json')).sort();

/** A copy with one task's team changed: its last inspector swapped for another of the snapshot. */
function tamperInspector(ev: Ev, k: number): Ev {
  const bad = structuredClone(ev);
  const task = bad.tasks[k];
  const other = bad.snapshot.inspectors.find((i: { id: string }) => !task.inspectors.includes(i.id));
  task.inspectors[task.inspectors.length - 1] = other.id;
  return bad;
}

/** `sj verify --evidence FILE --json`: ok, and the index of the first task it reports. */
async function cliVerdict(file: string): Promise<{ ok: boolean; status: number; firstTask: number | null; resultHash: string | null }> {
  const r = (await sj(['verify', '--evidence', file, '--json']));
  // one JSON document either way: the report, or the error carrying the problems
  const out = JSON.parse(r.stdout) as { ok: boolean; resultHash?: string; error?: { resultHash: string; problems: { problem: string }[] } };
  const problems = out.error?.problems.map((p) => p.problem) ?? [];
  const m = problems.map((p) => /^tasks\[(\d+)\]/.exec(p)).find(Boolean);
  return { ok: out.ok, status: r.status, firstTask: m ? Number(m[1]) : null, resultHash: out.resultHash ?? out.error?.resultHash ?? null };
}

describe('the page\'s algorithm, in Node', () => {
  it('has all six spec vectors', () => {
    expect(V1).toEqual(['city-T-2.json', 'county-T-1.json', 'county-T-3.json']);
    expect(V2).toEqual(['city-V2-2.json', 'county-V2-1.json', 'county-V2-3.json']);
  });

  it('writes canonical JSON exactly as sj does (key order by code point, escapes, non-BMP)', () => {
    const x = { b: 1, a: [true, null, '衡水'], '2023': 'x', '131102': { z: 'q"\\\n\t\u0001' }, '\u{1F600}': 1, '\uFF01': 2 };
    expect(SjDraw.canonical(x)).toBe(canonical(x));
    const v = v2Evidence('county-V2-1.json');
    expect(SjDraw.canonical(v.snapshot)).toBe(canonical(v.snapshot));
  });

  for (const [label, files, load] of [['v1', V1, v1Evidence], ['v2', V2, v2Evidence]] as const) {
    for (const f of files) {
      it(`reproduces ${label} vector ${f}: seed, strata, tasks, result hash`, async () => {
        const ev = load(f);
        const r = await SjDraw.verify(ev);
        expect(r.problems).toEqual([]);
        expect(r.ok).toBe(true);
        expect(r.resultHash).toBe(ev.resultHash);
        expect(r.strata).toEqual(ev.strata);
        expect(r.commitment).toBeNull();
      });

      it(`reports the first differing task of a tampered ${label} ${f}`, async () => {
        const ev = load(f);
        const k = Math.floor(ev.tasks.length / 2);
        const r = await SjDraw.verify(tamperInspector(ev, k));
        expect(r.ok).toBe(false);
        expect(r.firstDiff).toMatchObject({ index: k, objectId: ev.tasks[k].objectId, fields: ['inspectors'] });
        // the file's resultHash is that of the untampered tasks: the recompute matches it, the tasks do not
        expect(r.problems.map((p) => p.code)).toEqual(['task']);
      });
    }
  }

  it('finds every text the page asks for in the message catalogue (page.*)', () => {
    const ui = readFileSync(join(PAGE_DIR, 'page.js'), 'utf8') + readFileSync(join(PAGE_DIR, 'page.html'), 'utf8');
    const asked = [...ui.matchAll(/(?:tr\('|data-i18n="|\[')(page\.[\w.]+)/g)].map((m) => m[1]!);
    // every problem code the algorithm reports has its text
    const codes = [...readFileSync(join(PAGE_DIR, 'draw.js'), 'utf8').matchAll(/code: '(\w+)'/g)].map((m) => `page.problem.${m[1]}`);
    expect(codes.length).toBeGreaterThan(10);
    const missing = [...asked, ...codes].filter((k) => (k.endsWith('.') ? !Object.keys(catalogue).some((c) => c.startsWith(k)) : !(k in catalogue)));
    expect(missing).toEqual([]);
    expect(asked.length).toBeGreaterThan(30);
  });

  it('tells v1 from v2: a v2 file labelled sj-draw/1 does not reproduce', async () => {
    const ev = { ...v2Evidence('county-V2-3.json'), format: 'sj-evidence/1', algorithm: 'sj-draw/1' };
    ev.strata = ev.strata.map(({ credited: _c, ...s }: Ev) => s);
    const r = await SjDraw.verify(ev);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ code: 'seed' });
  });

  it('refuses what is not an evidence file, without throwing', async () => {
    expect((await SjDraw.verify(readJson(join(SPEC_VECTORS_DIR, 'county-T-1.json')))).problems).toEqual([{ code: 'algorithm', found: 'undefined' }]);
    expect((await SjDraw.verify({ ...v2Evidence('city-V2-2.json'), format: 'sj-evidence/1' })).problems[0]).toMatchObject({ code: 'format' });
    expect((await SjDraw.verify([] as unknown as Ev)).ok).toBe(false);
  });

  it('checks a ledger member and shows a commitment', async () => {
    const ev = v2Evidence('county-V2-1.json');
    ev.draw.commitment = { seq: 3, hash: 'a'.repeat(64), at: '2023-04-01T10:00:00+08:00', entropySource: '福彩3D 2023年第095期' };
    const prevHash = 'b'.repeat(64);
    const hash = H(`sj-ledger/1|4|draw|${prevHash}|${H(canonical(ev))}`);
    const good = await SjDraw.verify({ ...ev, ledger: { seq: 4, prevHash, hash } });
    expect(good.ok).toBe(true);
    expect(good.commitment).toEqual(ev.draw.commitment);
    const bad = await SjDraw.verify({ ...ev, ledger: { seq: 5, prevHash, hash } });
    expect(bad.problems.map((p) => p.code)).toEqual(['ledger']);
  });
});

describe('the page agrees with sj verify --evidence', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('sj-page-agree-');
  });

  it('on the v1 and v2 vectors and tampered copies', async () => {
    const all = [...V1.map((f) => [f, v1Evidence(f)] as const), ...V2.map((f) => [f, v2Evidence(f)] as const)];
    for (const [f, good] of all) {
      for (const [name, ev] of [[f, good], [`tampered-${f}`, tamperInspector(good, 1)]] as const) {
        const file = join(dir, name);
        writeFileSync(file, JSON.stringify(ev));
        const page = await SjDraw.verify(ev);
        const cli = (await cliVerdict(file));
        expect({ file: name, ok: page.ok, first: page.firstDiff?.index ?? null }).toEqual({ file: name, ok: cli.ok, first: cli.firstTask });
        expect(cli.status).toBe(cli.ok ? 0 : 1);
      }
    }
  });

  it('on evidence exported from a real Hengshui draw (city and county)', async () => {
    await hengshuiTemplate();
    const { dir: d, path } = await hengshuiDb();
    const draw = (await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4', '--yes', '--json']));
    expect(draw.status).toBe(0);
    for (const id of ['2023Q2-city-01', '2023Q2-county-01']) {
      const file = join(d, `${id}.evidence.json`);
      expect((await sj(['--db', path, 'draw', 'export', id, '--out', file])).status).toBe(0);
      const ev = readJson(file);
      const page = await SjDraw.verify(ev);
      const cli = (await cliVerdict(file));
      expect(page.problems).toEqual([]);
      expect({ ok: page.ok, hash: page.resultHash }).toEqual({ ok: cli.ok, hash: cli.resultHash });
      expect(page.resultHash).toBe(ev.resultHash);
      const bad = join(d, `${id}.tampered.json`);
      const k = ev.tasks.length - 1;
      writeFileSync(bad, JSON.stringify(tamperInspector(ev, k)));
      const pageBad = await SjDraw.verify(readJson(bad));
      expect(pageBad.firstDiff?.index).toBe(k);
      expect((await cliVerdict(bad))).toMatchObject({ ok: false, firstTask: k });
    }
  });
});

const CHROMIUM = findChromium();
if (!CHROMIUM) console.warn('test/verify-page.test.ts: chromium not installed (apt-get install chromium): the in-browser tests are skipped');

describe.skipIf(!CHROMIUM)('the written page in headless Chromium', () => {
  let dir: string;
  let pageFile: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir('sj-page-');
    pageFile = join(dir, 'verify.html');
    const w = (await sj(['verify', 'page', '--out', pageFile]));
    expect(w.stderr).toContain(pageFile);
    expect(w.status).toBe(0);
    browser = await Browser.launch(CHROMIUM!, { width: 1100, height: 900 });
    return () => browser.close();
  });

  /** Open the page, choose the file, wait for the verdict; what #verdict says. */
  async function verdictFor(ev: Ev, name: string, query = '') {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(ev, null, 2));
    const page = await browser.newPage();
    await page.goto(`file://${pageFile}${query}`);
    await page.chooseFile('#file', file);
    const state = await page.waitFor<string>(`(s => s !== 'idle' && s !== 'working' && s)(document.getElementById('verdict').dataset.state)`);
    const info = await page.eval<Ev>(`(() => {
      const v = document.getElementById('verdict');
      const rows = [...document.querySelectorAll('#strata-table tbody tr')].map(tr => [...tr.cells].map(td => td.textContent));
      return { text: v.textContent, where: v.dataset.where, hash: v.dataset.resultHash ?? null, index: v.dataset.firstDiffIndex ?? null, object: v.dataset.firstDiffObject ?? null,
        headers: [...document.querySelectorAll('#strata-table th')].map(th => th.textContent), rows,
        commitment: document.getElementById('commitment').textContent, lang: document.documentElement.lang };
    })()`);
    return { state, page, ...info };
  }

  it('reproduces a good v2 evidence file: ✓, the result hash, the strata with credited and shortfall', async () => {
    const ev = v2Evidence('county-V2-1.json');
    const r = await verdictFor(ev, 'good-v2.json');
    expect(r.state).toBe('ok');
    expect(r.where).toBe('worker'); // recomputed off the page's thread
    expect(r.text).toContain('✓');
    expect(r.text).toContain('重算一致');
    expect(r.hash).toBe(ev.resultHash);
    expect(r.text).toContain(ev.resultHash);
    expect(r.headers).toEqual(['区域', '类别', '信用等级', '对象数', '名额', '已计入', '可抽', '抽中', '缺额']);
    // one row per stratum, as the file states them (due = quota - credited; shortfall = due - selected)
    expect(r.rows.length).toBe(ev.strata.length);
    r.rows.forEach((row: string[], i: number) => {
      const s = ev.strata[i];
      expect(row.slice(3).map(Number)).toEqual([s.population, s.quota, s.credited, s.pool, s.selected, Math.max(0, s.quota - s.credited) - s.selected]);
    });
    expect(r.rows.some((row: string[]) => Number(row[8]) > 0)).toBe(true); // the vector has a shortfall
    expect(r.commitment).toContain('未事先承诺');
    mkdirSync(ARTEFACTS, { recursive: true });
    writeFileSync(join(ARTEFACTS, 'verify-page.png'), await r.page.screenshot());
  });

  it('names the first differing task of a tampered file', async () => {
    const ev = v2Evidence('county-V2-1.json');
    const r = await verdictFor(tamperInspector(ev, 5), 'tampered-v2.json');
    expect(r.state).toBe('fail');
    expect(r.index).toBe('5');
    expect(r.object).toBe(ev.tasks[5].objectId);
    expect(r.text).toContain(`第 6 项任务（检查对象 ${ev.tasks[5].objectId}）`);
    expect(r.text).toContain('检查人员');
  });

  it('reproduces a v1 evidence file, in English when asked, with its commitment', async () => {
    const ev = v1Evidence('county-T-3.json');
    ev.draw.commitment = { seq: 1, hash: 'c'.repeat(64), at: '2023-04-01T10:00:00+08:00', entropySource: 'dice' };
    const r = await verdictFor(ev, 'v1.json', '?lang=en');
    expect(r.state).toBe('ok');
    expect(r.lang).toBe('en');
    expect(r.text).toContain('reproduced');
    expect(r.hash).toBe(ev.resultHash);
    expect(r.headers).toContain('shortfall');
    expect(r.rows.every((row: string[]) => row[5] === '—')).toBe(true); // no credit in sj-draw/1
    expect(r.commitment).toContain('committed at 2023-04-01T10:00:00+08:00 (ledger entry 1)');
    // and the switch back to Chinese re-renders the verdict
    await r.page.eval(`document.querySelector('button[data-lang=zh]').click()`);
    expect(await r.page.eval<string>(`document.getElementById('verdict').textContent`)).toContain('重算一致');
  });

  it('says plainly when the file is not evidence', async () => {
    const r = await verdictFor({ hello: 'world' }, 'not-evidence.json');
    expect(r.state).toBe('error');
    expect(r.text).toContain('不是可校验的抽签证据文件');
  });
});
