/**
 * End to end: what only a real process shows. Everything else runs in-process (test/cli.ts);
 * these spawn bin/sj.js (dist/, built by the global setup) as a shell or a script would, and
 * look at the exit status the shell sees, the two pipes apart, stdin closed, a closed pipe
 * downstream, and two processes racing for one database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { sj, sjAsync, tempDir } from '../db-helpers.js';
import { hengshuiDb, hengshuiTemplate } from '../fixture-db.js';
import { run } from '../cli.js';
import { BIN, ROOT } from '../helpers.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
const Q = ['--quarter', '2023Q2', '--date', '2023-04-03'];
const STACK = /\bat .*\.(js|ts):\d+/;

let drawn: string;

beforeAll(async () => {
  await hengshuiTemplate();
  // one database with the quarter drawn, shared by the read-only tests below
  drawn = (await hengshuiDb()).path;
  const r = sj(['--db', drawn, 'draw', ...Q, '--seed', SEED, '--yes']);
  expect(r.status, r.stderr).toBe(0);
});

describe('exit statuses, as the shell sees them', () => {
  it('0 ok, 1 error, 2 usage, 3 targets missed; no stack trace on any of them', () => {
    const ok = sj(['--db', drawn, 'draw', 'list']);
    expect(ok.status).toBe(0);
    const error = sj(['--db', drawn, 'draw', 'show', '2023Q2-county-99']);
    expect(error.status).toBe(1);
    const usage = sj(['--db', drawn, 'draw', '--quarter', '2023Q5', '--yes']);
    expect(usage.status).toBe(2);
    // nothing recorded yet: the quarter's targets are not met
    const missed = sj(['--db', drawn, 'check', '--quarter', '2023Q2'], { env: { SJ_NOW: '2023-07-20T02:00:00Z' } });
    expect(missed.status).toBe(3);
    for (const r of [ok, error, usage, missed]) expect(r.stderr).not.toMatch(STACK);
  });

  it('a failed first run leaves no database file behind', () => {
    const dir = tempDir();
    const path = join(dir, 'never.db');
    expect(sj(['--db', path, 'import', 'objects', join(dir, 'missing.xlsx')]).status).toBe(1);
    expect(existsSync(path)).toBe(false);
  });
});

describe('stdout carries the data, stderr the messages', () => {
  it('--json: one JSON document on stdout, the notes on stderr', () => {
    const r = sj(['--db', drawn, 'draw', 'list', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).draws.map((d: { id: string }) => d.id)).toEqual(['2023Q2-city-01', '2023Q2-county-01']);
    const e = sj(['--db', drawn, 'draw', 'show', 'nope', '--json']);
    expect(e.status).toBe(1);
    expect(e.stderr.length).toBeGreaterThan(0);
  });

  it('`sj … | head -1` ends quietly with status 0 when the pipe closes', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" --db "${drawn}" draw tasks --draw 2023Q2-county-01 | head -1`], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('sj verify --evidence, as the built CLI runs it', () => {
  // a county's evidence (over 1 MB) is hashed on a worker thread while the draw is recomputed;
  // the city's (smaller) in one thread: both ways must find the same things
  it('passes the exported files, and names the snapshot or the ledger entry edited in them', () => {
    const dir = tempDir();
    for (const id of ['2023Q2-county-01', '2023Q2-city-01']) {
      const file = join(dir, `${id}.json`);
      expect(sj(['--db', drawn, 'draw', 'export', id, '--out', file]).status).toBe(0);
      const ok = sj(['verify', '--evidence', file, '--json']);
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, draw: id });
      const ev = JSON.parse(readFileSync(file, 'utf8'));
      ev.snapshot.objects[7].name += '（改）';
      writeFileSync(file, JSON.stringify(ev));
      const edited = sj(['verify', '--evidence', file]);
      expect(edited.status).toBe(1);
      expect(edited.stderr).toContain('snapshotHash');
      expect(edited.stderr).toContain('ledger.hash');
      ev.snapshot.objects[7].name = ev.snapshot.objects[7].name.replace('（改）', '');
      ev.ledger.prevHash = 'f'.repeat(64);
      writeFileSync(file, JSON.stringify(ev));
      const relinked = sj(['verify', '--evidence', file]);
      expect(relinked.status).toBe(1);
      expect(relinked.stderr).not.toContain('snapshotHash');
      expect(relinked.stderr).toContain('ledger.hash');
    }
  });
});

describe('a draw\'s evidence compressed on a second thread, as the built CLI draws', () => {
  // the county evidence (over 1 MB) is compressed on a worker thread by the built CLI
  // (io/compress.ts) and inline when the draw runs from the TypeScript source: the stored parts,
  // compressed bytes included, must be the same either way
  it('stores the same parts, byte for byte, as the same draw made on one thread', async () => {
    // one instant for both (the draw's createdAt holds its time of day), after the rosters' import
    const env = { SJ_NOW: '2030-01-02T03:04:05.000Z' };
    const args = (db: string) => ['--db', db, 'draw', ...Q, '--level', 'county', '--seed', SEED, '--yes'];
    const built = (await hengshuiDb()).path;
    const r = sj(args(built), { env });
    expect(r.status, r.stderr).toBe(0);
    const inline = (await hengshuiDb()).path;
    const r2 = await run(args(inline), { env });
    expect(r2.status, r2.stderr).toBe(0);
    const parts = (path: string) => {
      const db = new Database(path, { readonly: true });
      const rows = db.prepare('SELECT draw_id, part, kind, path, hex(data) AS data FROM draw_evidence ORDER BY draw_id, part').all() as { data: string }[];
      db.close();
      return rows;
    };
    const a = parts(built);
    expect(a.length).toBeGreaterThan(4); // more than 1 MB: the thread was used
    expect(a.reduce((n, p) => n + p.data.length / 2, 0)).toBeGreaterThan(100_000);
    expect(parts(inline)).toEqual(a);
    expect(sj(['--db', built, 'verify'], { env }).status).toBe(0);
  });

  it('compresses any parts as compressText does, on the thread or not, in their order', () => {
    const script = `
      import { compressText, decompressText, partCompressor } from ${JSON.stringify(join(ROOT, 'dist', 'io', 'compress.js'))};
      import { createHash } from 'node:crypto';
      const parts = Array.from({ length: 40 }, (_, i) => Buffer.from(('衡水' + i + ' ').repeat(1000 + 997 * i) + createHash('sha256').update(String(i)).digest('hex')));
      const reused = Buffer.alloc(1 << 21);
      const c = partCompressor({ thread: true });
      for (const p of parts) { p.copy(reused); c.add(reused.subarray(0, p.length)); reused.fill(0); }
      const got = c.finish();
      const same = got.length === parts.length && got.every((d, i) => d.equals(compressText(parts[i])) && decompressText(d).equals(parts[i]));
      process.stdout.write(JSON.stringify({ same, n: got.length, threaded: c.threaded, bytes: parts.reduce((n, p) => n + p.length, 0) }));
    `;
    const p = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: ROOT });
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as { same: boolean; n: number; threaded: number; bytes: number };
    expect(out.bytes).toBeGreaterThan(4 << 20);
    expect(out).toMatchObject({ same: true, n: 40 });
    expect(out.threaded).toBeGreaterThan(20); // those after the first 1 MB
  });
});

describe('a script never waits', () => {
  it('without a TTY and without --yes, a draw is a usage error naming --yes, at once, and draws nothing', async () => {
    const { path } = await hengshuiDb();
    // stdin left open: a prompt would hang until the timeout
    const p = spawn(process.execPath, [BIN, '--db', path, 'draw', ...Q, '--seed', SEED], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { p.kill('SIGKILL'); resolve(null); }, 30_000);
      p.on('close', (code) => { clearTimeout(timer); resolve(code); });
    });
    expect(status).toBe(2);
    expect(stderr).toContain('--yes');
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM draws').pluck().get()).toBe(0);
    db.close();
  });
});

describe('two processes, one database', () => {
  it('two draws started together: exactly one is made, the other names it', async () => {
    const { path } = await hengshuiDb();
    const args = ['--db', path, 'draw', ...Q, '--level', 'county', '--yes', '--json'];
    const [a, b] = await Promise.all([sjAsync([...args, '--seed', 'a']), sjAsync([...args, '--seed', 'b'])]);
    expect([a.status, b.status].sort()).toEqual([0, 1]);
    const loser = a.status === 1 ? a : b;
    expect(loser.stderr).toContain('2023Q2-county-01');
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM draws').pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM ledger').pluck().get()).toBe(1);
    db.close();
    expect(sj(['--db', path, 'verify']).status).toBe(0);
  });
});

describe('a signal', () => {
  it('a killed import leaves the database as it was', async () => {
    const dir = tempDir();
    const path = join(dir, 'sj.db');
    // a large CSV, so the import is still running when it is killed
    const rows = ['统一社会信用代码,单位名称,所属区县,监管类别,信用等级'];
    for (let k = 0; k < 60000; k++) rows.push(`91131102KILL${String(k).padStart(6, '0')},企业${k},桃城区,一般,B`);
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, rows.join('\n'));
    expect(sj(['--db', path, 'regions', 'list']).status).toBe(0);
    const p = spawn(process.execPath, [BIN, '--db', path, 'import', 'objects', csv], { cwd: ROOT, stdio: 'ignore' });
    // wait until the import has written into the WAL, then kill it mid-transaction
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        let size = 0;
        try {
          size = existsSync(path + '-wal') ? statSync(path + '-wal').size : 0;
        } catch { /* not yet */ }
        if (size > 200_000 || Date.now() - started > 60_000) resolve();
        else setTimeout(tick, 20);
      };
      tick();
    });
    const exited = p.exitCode !== null;
    p.kill('SIGKILL');
    await new Promise((r) => p.on('close', r));
    expect(exited).toBe(false); // it was killed mid-import, not finished
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT COUNT(*) n FROM objects').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT COUNT(*) n FROM imports').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
