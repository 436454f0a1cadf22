/**
 * The guided menu through a real pseudo-terminal (tmux): a full guided draw for 2023Q3 on a
 * database holding the rosters only (the screen shows the plan, the result and the equivalent
 * command line; the draw is in the database and verifies); a draw that would fail, for a quarter
 * that has ended, with a short seed (the date defaults to the quarter's first working day, the
 * problems are repeated right above a confirmation that defaults to no); the statistics table
 * on screen for an empty answer, and an existing file kept unless the user says to overwrite it;
 * and Ctrl-C at a prompt (exit 130, the database untouched). Skipped only when tmux is not installed.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSha, sj, tempDir } from '../db-helpers.js';
import { BIN, FIXTURES, ROOT } from '../helpers.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const SOCKET = `sj-menu-test-${process.pid}`;
const NOW = '2023-07-03T09:00:00+08:00';
const DICE = '6 2 4 1 3 5 5 2 1 6 3 4 2 6 1 5 4 3 2 1';

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start `sj ARGS` in a 200×50 terminal (in folder `cwd`); its exit status goes to rcFile. */
function start(session: string, args: string[], rcFile: string, env: Record<string, string> = {}, cwd = ROOT): void {
  const envs = Object.entries({ SJ_NOW: NOW, SJ_LANG: 'zh', ...env }).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
  const cmd = `cd ${sh(cwd)} && env -u NO_COLOR -u FORCE_COLOR -u CI ${envs} ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}; echo EXIT=$? > ${sh(rcFile)}; sleep 60`;
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', cmd);
}

/** The whole screen, scrollback included, with wrapped lines joined. */
const screen = (session: string): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);

async function waitFor(session: string, test: (s: string) => boolean, what: string, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen(session);
    if (test(s)) return s;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}
const waitText = (session: string, text: string, ms?: number) => waitFor(session, (s) => s.includes(text), JSON.stringify(text), ms);
/** wait until `text` appears at least n times */
const waitCount = (session: string, text: string, n: number) => waitFor(session, (s) => s.split(text).length - 1 >= n, `${n}× ${JSON.stringify(text)}`);

async function waitRc(rcFile: string, ms = 30_000): Promise<number> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(rcFile)) {
      const m = /EXIT=(\d+)/.exec(readFileSync(rcFile, 'utf8'));
      if (m) return Number(m[1]);
    }
    await sleep(100);
  }
  throw new Error('the process did not exit');
}

/** The screen from the last "before the draw" heading to the end: what stands right above the question. */
const lastBlock = (s: string): string => s.slice(s.lastIndexOf('抽签前请确认：'));

const keys = (session: string, ...k: string[]) => tmux('send-keys', '-t', session, ...k);
const type = (session: string, text: string) => tmux('send-keys', '-t', session, '-l', text);

describe.skipIf(!hasTmux)('the menu in a real terminal (tmux)', () => {
  let dir: string;
  let base: string;

  beforeAll(() => {
    dir = tempDir('sj-menu-pty-');
    base = join(dir, 'base.db');
    for (const [kind, file] of [['objects', 'objects.xlsx'], ['inspectors', 'inspectors.xlsx'], ['experts', 'experts.xlsx'], ['items', 'items.xlsx'], ['avoidance', 'avoidance.csv']]) {
      const r = sj(['--db', base, 'import', kind!, join(FIXTURES, 'hengshui', file!)], { env: { SJ_NOW: '2023-06-20T09:00:00+08:00' } });
      expect(r.status, r.stderr).toBe(0);
    }
    // checkpoint the WAL, so the copies below are whole
    const d = new Database(base);
    d.pragma('wal_checkpoint(TRUNCATE)');
    d.close();
  });

  afterAll(() => {
    if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  const copy = (name: string): string => {
    const p = join(dir, name);
    copyFileSync(base, p);
    return p;
  };

  it('holds a guided draw for 2023Q3: plan, confirmation, result, the command line for next time', async () => {
    const db = copy('draw.db');
    const rc = join(dir, 'draw.rc');
    const S = 'draw';
    start(S, ['--db', db], rc);
    await waitText(S, '要做什么？');
    keys(S, 'Down', 'Down'); // 导入名录库 → 查看抽查计划 → 抽签
    await waitFor(S, (s) => /❯ 抽签/.test(s), 'the cursor on 抽签');
    keys(S, 'Enter');
    await waitText(S, '抽签季度');
    type(S, '2023Q3');
    keys(S, 'Enter');
    await waitText(S, '? 层级');
    keys(S, 'Enter'); // 全部（先市级，后县级）
    // the draw date: today, the quarter has not ended
    await waitText(S, '抽签日期（执法证是否有效、对象状态按此日判断） (2023-07-03)');
    keys(S, 'Enter');
    await waitText(S, '见证人掷骰子读出的数字');
    type(S, DICE);
    keys(S, 'Enter');
    await waitText(S, '任务清单保存为');
    keys(S, 'Enter'); // no task list file
    const planned = await waitText(S, '抽签结果写入台账后不能更改');
    // the plan is on the screen before the question, and nothing is drawn yet
    expect(planned).toContain('2023Q3 抽查计划（尚未抽签）');
    expect(planned).toContain('$ sj --db ' + db + ' plan --quarter 2023Q3 --date 2023-07-03');
    expect(planned).toContain('桃城区');
    // right above the question: the date, the dice, what the plan warned of (a shortfall: the draw goes ahead)
    const block = lastBlock(planned);
    expect(block).toContain('抽签日期：2023-07-03');
    expect(block).toContain(`随机数：${DICE}`);
    expect(block).toMatch(/⚠ 县级：预计缺口 \d+ 个/);
    expect(block).not.toMatch(/随机种子只有|抽签将失败/);
    expect(planned).not.toContain('完成：');
    type(S, 'y');
    keys(S, 'Enter');
    const done = await waitText(S, '下次可直接运行：', 120_000);
    expect(done).toMatch(/抽签 2023Q3-city-01 完成：\d+ 项任务/);
    expect(done).toMatch(/抽签 2023Q3-county-01 完成：\d+ 项任务/);
    expect(done).toMatch(/台账头哈希（请公布）：[0-9a-f]{64}/);
    expect(done).toContain(`下次可直接运行：sj --db ${db} draw --quarter 2023Q3 --date 2023-07-03 --seed "${DICE}" --yes`);
    // back at the menu: quit (the list wraps: Up from the first item is 退出)
    await waitCount(S, '要做什么？', 2);
    keys(S, 'Up');
    await waitFor(S, (s) => /❯ 退出/.test(s), 'the cursor on 退出');
    keys(S, 'Enter');
    expect(await waitRc(rc)).toBe(0);

    const d = new Database(db, { readonly: true });
    const draws = d.prepare("SELECT id FROM draws WHERE quarter = '2023Q3' ORDER BY id").all() as { id: string }[];
    const entropy = d.prepare("SELECT COUNT(*) AS n FROM ledger").get() as { n: number };
    d.close();
    expect(draws.map((x) => x.id)).toEqual(['2023Q3-city-01', '2023Q3-county-01']);
    expect(entropy.n).toBeGreaterThanOrEqual(2);
    const ev = sj(['--db', db, 'draw', 'export', '2023Q3-county-01']);
    expect(ev.status, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout).draw).toMatchObject({ entropy: DICE, entropySource: 'user', quarter: '2023Q3' });
    const v = sj(['--db', db, 'verify']);
    expect(v.status, v.stderr).toBe(0);
  });

  it('a draw that would fail, for an ended quarter, with a short seed: date, problems and seed warned of above a "no" default', async () => {
    // 饶阳县 without inspectors: its teams cannot be staffed (the roster re-imported, as an office would)
    const db = copy('fail.db');
    const listed = sj(['--db', db, 'roster', 'list', 'inspectors', '--csv']);
    expect(listed.status, listed.stderr).toBe(0);
    const rows = listed.stdout.split('\r\n').filter((l, i) => i === 0 || (l && l.split(',')[2] !== '饶阳县' && !l.includes(',不在岗,')));
    writeFileSync(join(dir, 'inspectors-no-raoyang.csv'), rows.join('\r\n'));
    const imp = sj(['--db', db, 'import', 'inspectors', join(dir, 'inspectors-no-raoyang.csv')], { env: { SJ_NOW: '2023-06-25T09:00:00+08:00' } });
    expect(imp.status, imp.stderr).toBe(0);
    const rc = join(dir, 'fail.rc');
    const S = 'fail';
    start(S, ['--db', db], rc, { SJ_NOW: '2026-01-12T10:00:00+08:00' });
    await waitText(S, '要做什么？');
    keys(S, 'Down', 'Down');
    await waitFor(S, (s) => /❯ 抽签/.test(s), 'the cursor on 抽签');
    keys(S, 'Enter');
    await waitText(S, '抽签季度');
    type(S, '2023Q3');
    keys(S, 'Enter');
    await waitText(S, '? 层级');
    keys(S, 'Enter');
    // 2023Q3 has ended: the default is its first working day, never 2026's today
    const asked = await waitText(S, '抽签日期（执法证是否有效、对象状态按此日判断） (2023-07-03)');
    expect(asked).toContain('2023Q3 已于 2023-09-30 结束：默认按该季度第一个工作日（2023-07-03）判断');
    type(S, '2023-10-09'); // after the quarter: refused on the spot
    keys(S, 'Enter');
    await waitText(S, '2023-10-09 晚于 2023Q3 的最后一天（2023-09-30）');
    keys(S, 'C-u');
    keys(S, 'Enter'); // the default
    await waitText(S, '见证人掷骰子读出的数字');
    type(S, '1 2 3');
    keys(S, 'Enter');
    await waitText(S, '任务清单保存为');
    keys(S, 'Enter');
    const planned = await waitText(S, '仍要尝试抽签？');
    expect(planned).toContain('2023Q3 抽查计划（日期 2023-07-03');
    // the question's own line, and right above it the problems that scrolled away with the plan
    const block = lastBlock(planned);
    expect(block).toContain('抽签日期：2023-07-03');
    expect(block).toContain('随机数：1 2 3');
    expect(block).toMatch(/⚠ 随机种子只有 3 个字符（不计空格），少于 20 个.*掷骰子.*彩票号码/);
    expect(block).toMatch(/⚠ 县级：以下区县无法配齐检查组，抽签将失败：饶阳县（可派人员少于检查组人数/);
    expect(block).toMatch(/\? 按以上计划，2023Q3 市级和县级抽签将失败（见上方提示）。仍要尝试抽签？ \(y\/N\)/);
    expect(block.split('\n').length).toBeLessThan(12); // all on one screen with the question
    keys(S, 'Enter'); // the default: no
    await waitText(S, '已取消，未做任何修改');
    await waitCount(S, '要做什么？', 2);
    keys(S, 'Up');
    await waitFor(S, (s) => /❯ 退出/.test(s), 'the cursor on 退出');
    keys(S, 'Enter');
    expect(await waitRc(rc)).toBe(0);
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT COUNT(*) FROM draws').pluck().get()).toBe(0);
    expect(d.prepare('SELECT COUNT(*) FROM ledger').pluck().get()).toBe(0);
    d.close();
    // the command line the menu would have run fails naming the county, the class and the reason
    const r = sj(['--db', db, 'draw', '--quarter', '2023Q3', '--date', '2023-07-03', '--seed', '1 2 3', '--yes'], { env: { SJ_NOW: '2026-01-12T10:00:00+08:00' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/饶阳县（(特殊|重点|一般)[^）]*）：可派执法人员只有 0 名，检查组需要 \d+ 名/);
  });

  it('the statistics table: an empty answer shows it on screen; an existing file is kept unless the user says so', async () => {
    const db = copy('report.db');
    const work = tempDir('sj-menu-report-');
    const existing = join(work, 'existing.xlsx');
    writeFileSync(existing, 'keep me');
    const fresh = join(work, 'new.xlsx');
    const rc = join(dir, 'report.rc');
    const S = 'report';
    start(S, ['--db', db], rc, {}, work);
    const pickReport = async (n: number) => {
      await waitCount(S, '要做什么？', n);
      keys(S, 'Down', 'Down', 'Down', 'Down'); // 导入 → 计划 → 抽签 → 结果 → 统计表
      await waitFor(S, (s) => /❯ 生成统计表/.test(s), 'the cursor on 生成统计表');
      keys(S, 'Enter');
      // an answered question stays on the screen (✔ …): count the question's text
      await waitCount(S, '统计范围', n);
      keys(S, 'Enter'); // 一个季度
      await waitCount(S, '季度（如 2023Q2', n);
      type(S, '2023Q2');
      keys(S, 'Enter');
      await waitCount(S, '留空则显示在屏幕上', n);
    };
    await pickReport(1);
    expect(screen(S)).toContain('统计表保存为（.xlsx / .csv / .json，如 统计表-2023Q2.xlsx；留空则显示在屏幕上）');
    keys(S, 'Enter'); // empty
    const shown = await waitText(S, '下次可直接运行：');
    expect(shown).toContain(`下次可直接运行：sj --db ${db} report --quarter 2023Q2\n`);
    expect(shown).toContain('衡水市生态环境局2023年第二季度“双随机、一公开”监管工作统计表');
    expect(shown).toMatch(/桃城区 +\d+/);
    expect(existsSync(join(work, '统计表-2023Q2.xlsx'))).toBe(false);
    // an existing file: asked, no by default, then another name
    await pickReport(2);
    type(S, existing);
    keys(S, 'Enter');
    await waitText(S, `${existing} 已存在。覆盖它？ (y/N)`);
    keys(S, 'Enter');
    await waitCount(S, '留空则显示在屏幕上', 3);
    type(S, fresh);
    keys(S, 'Enter');
    await waitText(S, `下次可直接运行：sj --db ${db} report --quarter 2023Q2 --out ${fresh}`);
    await waitCount(S, '要做什么？', 3);
    keys(S, 'Up');
    await waitFor(S, (s) => /❯ 退出/.test(s), 'the cursor on 退出');
    keys(S, 'Enter');
    expect(await waitRc(rc)).toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(fresh);
    expect(wb.worksheets.length).toBeGreaterThan(0);
    expect(String(wb.worksheets[0]!.getCell('A1').value)).toContain('统计表');
  });

  it('Ctrl-C at the first prompt exits 130 with one line and leaves the database unchanged', async () => {
    const db = copy('ctrlc.db');
    const before = fileSha(db);
    const rc = join(dir, 'ctrlc.rc');
    const S = 'ctrlc';
    start(S, ['--db', db], rc);
    await waitText(S, '要做什么？');
    keys(S, 'C-c');
    expect(await waitRc(rc)).toBe(130);
    const s = screen(S);
    expect(s).toContain('已取消（Ctrl-C），这一步未做任何修改');
    expect(s).not.toMatch(/错误|Error|at .*\.js/);
    expect(fileSha(db)).toBe(before);
    expect(existsSync(db + '-wal')).toBe(false);
  });

  it('Ctrl-C in the middle of the draw questions exits 130 and draws nothing (English menu)', async () => {
    const db = copy('ctrlc2.db');
    const before = fileSha(db);
    const rc = join(dir, 'ctrlc2.rc');
    const S = 'ctrlc2';
    start(S, ['--db', db, '--lang', 'en'], rc);
    await waitText(S, 'What would you like to do?');
    keys(S, 'Down', 'Down');
    await waitFor(S, (s) => /❯ Hold a draw/.test(s), 'the cursor on Hold a draw');
    keys(S, 'Enter');
    await waitText(S, 'Quarter to draw');
    type(S, '2023Q3');
    keys(S, 'Enter');
    await waitText(S, '? Level');
    keys(S, 'Enter');
    await waitText(S, 'Draw date');
    keys(S, 'Enter');
    await waitText(S, "Witnesses' dice digits");
    type(S, '1 2 3');
    keys(S, 'C-c');
    expect(await waitRc(rc)).toBe(130);
    expect(screen(S)).toContain('cancelled (Ctrl-C); this step changed nothing');
    expect(fileSha(db)).toBe(before);
  });
});
