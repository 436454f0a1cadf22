/**
 * The guided menu through a real pseudo-terminal (tmux): a full guided draw for 2023Q3 on a
 * database holding the rosters only (the screen shows the plan, the result and the equivalent
 * command line; the draw is in the database and verifies), and Ctrl-C at a prompt (exit 130,
 * the database untouched). Skipped only when tmux is not installed.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSha, sj, tempDir } from './db-helpers.js';
import { BIN, FIXTURES, ROOT } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const SOCKET = `sj-menu-test-${process.pid}`;
const NOW = '2023-07-03T09:00:00+08:00';
const DICE = '6 2 4 1 3 5 5 2 1 6 3 4 2 6 1 5 4 3 2 1';

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start `sj ARGS` in a 200×50 terminal; its exit status goes to rcFile. */
function start(session: string, args: string[], rcFile: string, env: Record<string, string> = {}): void {
  const envs = Object.entries({ SJ_NOW: NOW, SJ_LANG: 'zh', ...env }).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
  const cmd = `cd ${sh(ROOT)} && env -u NO_COLOR -u FORCE_COLOR -u CI ${envs} ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}; echo EXIT=$? > ${sh(rcFile)}; sleep 60`;
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
    await waitText(S, '见证人掷骰子读出的数字');
    type(S, DICE);
    keys(S, 'Enter');
    await waitText(S, '任务清单保存为');
    keys(S, 'Enter'); // no task list file
    const planned = await waitText(S, '抽签结果写入台账后不能更改');
    // the plan is on the screen before the question, and nothing is drawn yet
    expect(planned).toContain('2023Q3 抽查计划（尚未抽签）');
    expect(planned).toContain('桃城区');
    expect(planned).toContain(`随机数：${DICE}`);
    expect(planned).not.toContain('完成：');
    type(S, 'y');
    keys(S, 'Enter');
    const done = await waitText(S, '下次可直接运行：', 120_000);
    expect(done).toMatch(/抽签 2023Q3-city-01 完成：\d+ 项任务/);
    expect(done).toMatch(/抽签 2023Q3-county-01 完成：\d+ 项任务/);
    expect(done).toMatch(/台账头哈希（请公布）：[0-9a-f]{64}/);
    expect(done).toContain(`下次可直接运行：sj --db ${db} draw --quarter 2023Q3 --seed "${DICE}" --yes`);
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
    await waitText(S, "Witnesses' dice digits");
    type(S, '1 2 3');
    keys(S, 'C-c');
    expect(await waitRc(rc)).toBe(130);
    expect(screen(S)).toContain('cancelled (Ctrl-C); this step changed nothing');
    expect(fileSha(db)).toBe(before);
  });
});
