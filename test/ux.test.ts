/**
 * Issue 15, the new analyst's second pass, through the real bin/sj.js on real files: a short seed
 * is warned about (not refused); --joint-share speaks percent; numbers align right in `roster
 * stats` and `check`; `roster list --csv` carries a BOM; the install policy covers esbuild; the
 * README tells how to put `sj` on the PATH; .gitignore covers the demo's outputs. (An unknown
 * command is in test/help.test.ts; the guided draw and report in test/e2e/menu-pty.test.ts.)
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../src/core/text-width.js';
import { columnAlign, textTable } from '../src/ui/table.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { BIN, ROOT } from './helpers.js';

const NOW = { SJ_NOW: '2023-07-03T09:00:00+08:00' };
const Q3 = ['--quarter', '2023Q3', '--date', '2023-07-03', '--level', 'city'];
const DICE = '6 2 4 1 3 5 5 2 1 6 3 4 2 6 1 5 4 3 2 1';

/**
 * The cells of a text table's body by column, as the screen shows them: the dashes line gives each
 * column's span in display columns (CJK characters take two).
 */
function columns(text: string, title: string): string[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => l.startsWith(title) && /^-+( +-+)*$/.test(lines[i + 1] ?? ''));
  expect(at, `a table headed ${title}`).toBeGreaterThanOrEqual(0);
  const spans = [...lines[at + 1]!.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length] as const);
  const body = lines.slice(at + 2, lines.slice(at + 2).findIndex((l) => l.trim() === '') + at + 2 || undefined);
  const screen = (l: string): string[] => [...l].flatMap((ch) => (displayWidth(ch) === 2 ? [ch, ''] : [ch]));
  return spans.map(([a, b]) => body.map((l) => screen(l).slice(a, b).join('').padEnd(b - a)));
}
const filled = (cells: string[]) => cells.filter((c) => c.trim() !== '');
/** every filled cell ends at the column's right edge, and at least one is padded on the left */
const rightAligned = (cells: string[]) => filled(cells).every((c) => !c.endsWith(' ')) && cells.some((c) => c.startsWith(' '));
const leftAligned = (cells: string[]) => filled(cells).every((c) => !c.startsWith(' ')) && cells.some((c) => c.endsWith(' '));

let demoDb: string;

beforeAll(async () => {
  await hengshuiTemplate();
  const dir = tempDir('sj-ux-demo-');
  demoDb = join(dir, 'demo.db');
  const r = (await sj(['--db', demoDb, 'demo', '--out-dir', join(dir, 'out')]));
  expect(r.status, r.stderr).toBe(0);
}, 300_000);

describe('a seed shorter than 20 characters (item 1)', () => {
  it('is warned about on stderr, suggesting dice or a lottery number; the draw goes ahead', async () => {
    const { path } = await hengshuiDb();
    const r = (await sj(['--db', path, 'draw', ...Q3, '--seed', '1 2 3', '--yes'], { env: NOW }));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('随机种子只有 3 个字符（不计空格），少于 20 个');
    expect(r.stderr).toMatch(/掷骰子.*彩票号码/);
    expect(r.stdout).not.toContain('随机种子只有');
    const db = new Database(path, { readonly: true });
    expect((db.prepare("SELECT COUNT(*) FROM draws WHERE quarter = '2023Q3'").pluck().get())).toBe(1);
    db.close();
  });

  it('counts characters without spaces: 19 dice are warned about (in English too), 20 are not', async () => {
    const a = await hengshuiDb();
    const r19 = (await sj(['--lang', 'en', '--db', a.path, 'draw', ...Q3, '--seed', DICE.slice(0, -2), '--yes'], { env: NOW }));
    expect(r19.status, r19.stderr).toBe(0);
    expect(r19.stderr).toMatch(/the seed has only 19 characters \(spaces not counted\), fewer than 20.*dice.*lottery number/);
    const b = await hengshuiDb();
    const r20 = (await sj(['--db', b.path, 'draw', ...Q3, '--seed', DICE, '--yes'], { env: NOW }));
    expect(r20.status, r20.stderr).toBe(0);
    expect(r20.stderr).not.toContain('随机种子只有');
  });
});

describe('--joint-share in percent (item 6)', () => {
  it('12.5% is recorded as 1250 basis points in the evidence', async () => {
    const { path } = await hengshuiDb();
    const r = (await sj(['--db', path, 'draw', ...Q3, '--seed', DICE, '--yes', '--joint-share', '12.5%'], { env: NOW }));
    expect(r.status, r.stderr).toBe(0);
    const ev = (await sj(['--db', path, 'draw', 'export', '2023Q3-city-01']));
    expect(ev.status, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout).draw.jointShare).toBe(1250);
  });

  it('a bare 3000, more than 100%, 0.3 and words are usage errors naming the accepted forms', async () => {
    const { path } = await hengshuiDb();
    const cases: [string, RegExp][] = [
      ['3000', /--joint-share 不能超过 100%：3000/],
      ['100.5%', /--joint-share 不能超过 100%：100\.5%/],
      ['10001bp', /--joint-share 不能超过 100%：10001bp/],
      ['0.3', /--joint-share 的值有歧义：0\.3.*请写 0\.3% 或 30%/],
      ['thirty', /--joint-share 的值无效：thirty/],
    ];
    for (const [value, message] of cases) {
      const r = (await sj(['--db', path, 'draw', ...Q3, '--seed', DICE, '--yes', '--joint-share', value], { env: NOW }));
      expect(r.status, value).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('3000bp');
    }
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM draws').pluck().get()).toBe(0);
    db.close();
    const help = (await sj(['draw', 'run', '--help']));
    expect(help.stdout).toMatch(/--joint-share <percent>\s+内部联合检查任务占比：30%、30（即 30%）或 12\.5%；万分比须加 bp，如 3000bp/);
  });
});

describe('numbers align right in every text table (item 7)', () => {
  it('roster stats: counts right, regions and codes left', async () => {
    const r = (await sj(['--db', demoDb, 'roster', 'stats', '--date', '2023-04-03']));
    expect(r.status, r.stderr).toBe(0);
    const objects = columns(r.stdout, '区域');
    expect(leftAligned(objects[0]!)).toBe(true);
    for (const col of objects.slice(1)) expect(rightAligned(col), col.join('|')).toBe(true);
    // one row of counts: the headings follow their numbers to the right
    expect(r.stdout).toMatch(/^ +A +B +C +D +E +未评级\n[- ]+\n *\d+ +\d+/m);
    // codes made of digits stay text: heading and codes at the left edge
    const [codes] = columns(r.stdout, '编码');
    expect(codes!.length).toBeGreaterThan(0);
    expect(codes!.every((c) => /^\d{11}$/.test(c))).toBe(true);
  });

  it('check: the figure and the threshold right, the names left', async () => {
    const r = (await sj(['--db', demoDb, 'check', '--quarter', '2023Q2']));
    expect([0, 3]).toContain(r.status);
    const [target, region, , figure, threshold] = columns(r.stdout, '目标');
    expect(leftAligned(target!)).toBe(true);
    expect(leftAligned(region!)).toBe(true);
    expect(rightAligned(figure!), figure!.join('|')).toBe(true);
    expect(rightAligned(threshold!)).toBe(true);
    expect(figure!.some((c) => /%\s\(\d+\/\d+\)$/.test(c))).toBe(true);
  });

  it('textTable: a column of numbers or percentages is right-aligned, digits given as text are not', () => {
    expect(columnAlign([[1], [22], [null]], 0)).toBe('right');
    expect(columnAlign([['31.0% (26/84)'], ['—'], ['100.0%']], 0)).toBe('right');
    expect(columnAlign([['13112281541'], ['13110382608']], 0)).toBe('left');
    expect(columnAlign([['≥ 13'], [5]], 0)).toBe('left');
    expect(columnAlign([['26 (31.0%)'], ['0 (—)']], 0)).toBe('right');
    expect(columnAlign([['42/148'], ['20/1/30000.00'], ['15,000.00']], 0)).toBe('right');
    expect(columnAlign([['131126177,131126178'], ['1,2']], 0)).toBe('left'); // a list of ids
    expect(columnAlign([['是/是/否'], ['2023-06-27'], ['2023Q2']].map((r) => r), 0)).toBe('left');
    expect(textTable(['区域', 'n'], [['桃城区', 5], ['景县', 120]]).split('\n')).toEqual(['区域      n', '------  ---', '桃城区    5', '景县    120', '']);
    expect(textTable(['a', 'b'], [['x', '≥ 1'], ['y', 10]], { align: [undefined, 'right'] })).toBe('a    b\n-  ---\nx  ≥ 1\ny   10\n');
  });
});

describe('roster list --csv (item 11)', () => {
  it('starts with a UTF-8 BOM on stdout; --json is plain JSON', async () => {
    const csv = (await sj(['--db', demoDb, 'roster', 'list', 'objects', '--region', '桃城区', '--csv']));
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(csv.stdout.slice(1).split('\r\n')[0]).toMatch(/^[^\ufeff].*,/);
    expect(csv.stdout.split('\r\n').filter(Boolean).length).toBeGreaterThan(100);
    const json = (await sj(['--db', demoDb, 'roster', 'list', 'objects', '--region', '桃城区', '--json']));
    expect(json.stdout[0]).toBe('[');
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(csv.stdout.split('\r\n').filter(Boolean).length - 1);
  });
});

describe('install and daily use (items 10 and 12, .gitignore)', () => {
  it('allowScripts reviews every dependency install script: better-sqlite3 builds, esbuild is denied', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts).toEqual({ 'better-sqlite3': true, esbuild: false });
    // npm ≥ 11.16 lists the install scripts not covered (what every install warned about)
    const r = spawnSync('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) expect(r.stdout + r.stderr).not.toMatch(/not yet covered/);
  });

  it('the README says how to put sj on the PATH; bin/sj.js runs as `sj` would from there', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npx sj demo');
    expect(readme).toContain('npm install && npm test');
    const daily = readme.slice(readme.indexOf('## Daily use'), readme.indexOf('## A tour'));
    expect(daily).toMatch(/npm link/);
    expect(daily).toMatch(/npm install -g \./);
    expect(daily).toMatch(/0\.9 s/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
    expect(join(ROOT, pkg.bin.sj!)).toBe(BIN);
    expect(statSync(BIN).mode & 0o111).not.toBe(0); // npm link and -g run it directly
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('.gitignore covers what `sj demo` writes', () => {
    const paths = ['sj-demo/统计表-2023Q2.xlsx', 'sj-demo.db', 'sj-demo.db-wal', 'sj-demo.db-shm'];
    const r = spawnSync('git', ['-c', 'core.quotePath=false', 'check-ignore', '--no-index', ...paths], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(paths);
  });
});
