/**
 * Issue 17, the draw ceremony, end to end through the CLI on the Hengshui rosters (real
 * SQLite, real xlsx): commit (no selection made, the head and the announcement printed),
 * reveal (the same draws a direct draw with that entropy makes), verify with the database and
 * from the files alone; a reveal after a roster change draws from the committed snapshot; a
 * second reveal is refused; a draw recorded since the commit makes it stale; a tampered
 * commitment is caught by `sj verify` and by `sj verify --evidence`; a voided commit.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { commitPayloadHash } from '../src/core/commitment.js';
import { H } from '../src/core/hash.js';
import { ledgerHash } from '../src/core/ledger.js';
import type { Evidence } from '../src/core/types.js';
import { withClock } from '../src/io/clock.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiTemplate } from './fixture-db.js';
import { FIXTURES } from './helpers.js';

const COMMIT_DAY = { SJ_NOW: '2023-04-03T09:00:00+08:00' };
const REVEAL_DAY = { SJ_NOW: '2023-04-03T15:00:00+08:00' };
const SOURCE = '福彩3D 2023年第095期开奖号码';
const ENTROPY = '3 8 2';
const TAOCHENG = ['--level', 'county', '--region', '桃城区'];

let rosters: string;

function copy(): { db: string; dir: string } {
  const dir = tempDir('sj-ceremony-');
  const db = join(dir, 'sj.db');
  copyFileSync(rosters, db);
  return { db, dir };
}

async function run(db: string, args: string[], env: Record<string, string> = COMMIT_DAY) {
  return (await sj(['--db', db, ...args], { env }));
}

interface CommitJson {
  commit: string;
  ledger: { seq: number; hash: string };
  payload: { draws: { id: string; snapshotHash: string; level: string }[]; entropySource: string; at: string };
  announcement: string;
}

async function commit(db: string, extra: string[] = TAOCHENG): Promise<CommitJson> {
  const r = (await run(db, ['draw', 'commit', '-q', '2023Q2', ...extra, '--entropy-source', SOURCE, '--json']));
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CommitJson;
}

async function exportEvidence(db: string, dir: string, id: string): Promise<{ file: string; ev: Evidence }> {
  const file = join(dir, `${id}.evidence.json`);
  expect((await run(db, ['draw', 'export', id, '--out', file])).status).toBe(0);
  return { file, ev: JSON.parse(readFileSync(file, 'utf8')) as Evidence };
}

const ledgerHeadOf = async (db: string) => JSON.parse((await run(db, ['ledger', 'head', '--json'])).stdout) as { seq: number; hash: string };

beforeAll(async () => {
  // the rosters imported before the commit, as in a bureau (a draw reads them as of its time)
  rosters = await withClock('2023-03-20T09:00:00+08:00', hengshuiTemplate);
}, 240_000);

describe('commit, reveal, verify', () => {
  let db: string;
  let dir: string;
  let c: CommitJson;
  let revealOut: { status: number; stderr: string };

  beforeAll(async () => {
    ({ db, dir } = copy());
    c = (await commit(db, [])); // --level all: the city, then the counties
    revealOut = (await run(db, ['draw', 'reveal', c.commit, '--entropy', ENTROPY, '--out', join(dir, 'tasks.xlsx')], REVEAL_DAY));
  }, 240_000);

  it('the commit fixes both draws, selects nothing, and prints the head and the announcement', async () => {
    expect(c.commit).toBe('2023Q2-commit-01');
    expect(c.payload.draws.map((d) => d.id)).toEqual(['2023Q2-city-01', '2023Q2-county-01']);
    expect(c.announcement).toContain(SOURCE);
    expect(c.announcement).toContain(c.ledger.hash);
    expect(c.announcement).toContain(c.payload.draws[1]!.snapshotHash);
    // right after the commit, in a copy taken then: no draw, no task, and the head is the commit
    const { db: fresh } = copy();
    const c2 = (await commit(fresh, []));
    expect(c2.ledger).toEqual((await ledgerHeadOf(fresh)));
    expect(JSON.parse((await run(fresh, ['draw', 'list', '--json'])).stdout).draws).toEqual([]);
    const tasks = new Database(fresh, { readonly: true });
    expect(tasks.prepare('SELECT COUNT(*) FROM draw_tasks').pluck().get()).toBe(0);
    tasks.close();
    // the human output: announcement on stdout, the head to publish
    const { db: third } = copy();
    const h = (await run(third, ['draw', 'commit', '-q', '2023Q2', ...TAOCHENG, '--entropy-source', SOURCE]));
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toContain('随机数来源：' + SOURCE);
    expect(h.stderr).toContain((await ledgerHeadOf(third)).hash);
  }, 120_000);

  it('reveals the same draws a direct draw with that entropy makes, and verify passes', async () => {
    expect(revealOut.status, revealOut.stderr).toBe(0);
    expect(revealOut.stderr).not.toContain('名录库在承诺之后有变动');
    const { db: direct } = copy();
    const d = (await run(direct, ['draw', '-q', '2023Q2', '--seed', ENTROPY, '--yes', '--json'], REVEAL_DAY));
    expect(d.status, d.stderr).toBe(0);
    const directDraws = (JSON.parse(d.stdout) as { draws: { id: string; resultHash: string; snapshotHash: string }[] }).draws;
    for (const dd of directDraws) {
      const { file, ev } = (await exportEvidence(db, dir, dd.id));
      expect(ev.resultHash).toBe(dd.resultHash);
      expect(ev.snapshotHash).toBe(dd.snapshotHash);
      expect(ev.draw.commitment!.seq).toBeLessThan(ev.ledger!.seq);
      expect(ev.draw.commitment!.hash).toBe(c.ledger.hash);
      expect(ev.draw.commitment!.entropySource).toBe(SOURCE);
      const v = (await sj(['verify', '--evidence', file]));
      expect(v.status, v.stderr).toBe(0);
    }
    // the city's picks were credited to the counties: the county snapshot is the committed one with them undone
    const county = (await exportEvidence(db, dir, '2023Q2-county-01')).ev;
    expect(county.draw.commitment!.pickedBefore.length).toBeGreaterThan(0);
    expect(county.snapshotHash).not.toBe(c.payload.draws[1]!.snapshotHash);
    const city = (await exportEvidence(db, dir, '2023Q2-city-01')).ev;
    expect(city.snapshotHash).toBe(c.payload.draws[0]!.snapshotHash);
    const v = (await run(db, ['verify']));
    expect(v.status, v.stderr).toBe(0);
  }, 240_000);

  it('draw show and the task list say when it was committed; a direct draw is marked uncommitted', async () => {
    const show = (await run(db, ['draw', 'show', '2023Q2-county-01']));
    expect(show.stderr).toContain(`承诺于 ${c.payload.at}`);
    expect(show.stderr).toContain('随机数产生之前');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'tasks.xlsx'));
    const texts: string[] = [];
    wb.worksheets[0]!.eachRow((row) => texts.push(String(row.getCell(1).value ?? '')));
    const notes = texts.filter((s) => s.includes('随机数产生之前'));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain(`2023Q2-city-01 承诺于 ${c.payload.at}`);
    const { db: direct } = copy();
    expect((await run(direct, ['draw', '-q', '2023Q2', ...TAOCHENG, '--seed', ENTROPY, '--yes'])).status).toBe(0);
    expect((await run(direct, ['draw', 'show', '2023Q2-county-01'])).stderr).toContain('未经承诺');
  }, 120_000);

  it('refuses a second reveal, changing nothing', async () => {
    const head = (await ledgerHeadOf(db));
    const r = (await run(db, ['draw', 'reveal', c.commit, '--entropy', '9 9 9'], REVEAL_DAY));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('不能再揭晓一次');
    expect((await ledgerHeadOf(db))).toEqual(head);
  });
});

describe('a reveal after the rosters changed', () => {
  it('draws from the committed snapshot, says so, and verifies', async () => {
    const { db, dir } = copy();
    const c = (await commit(db));
    const imp = (await run(db, ['import', 'objects', join(FIXTURES, 'hengshui', 'objects-2023Q3.xlsx')], { SJ_NOW: '2023-04-03T11:00:00+08:00' }));
    expect(imp.status, imp.stderr).toBe(0);
    // a commit made now would fix another snapshot: the rosters did change
    const { db: other } = copy();
    expect((await run(other, ['import', 'objects', join(FIXTURES, 'hengshui', 'objects-2023Q3.xlsx')])).status).toBe(0);
    expect((await commit(other)).payload.draws[0]!.snapshotHash).not.toBe(c.payload.draws[0]!.snapshotHash);

    const r = (await run(db, ['draw', 'reveal', c.commit, '--entropy', ENTROPY], REVEAL_DAY));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('名录库在承诺之后有变动');
    const { file, ev } = (await exportEvidence(db, dir, '2023Q2-county-01'));
    expect(ev.snapshotHash).toBe(c.payload.draws[0]!.snapshotHash);
    expect((await sj(['verify', '--evidence', file])).status).toBe(0);
    const v = (await run(db, ['verify']));
    expect(v.status, v.stderr).toBe(0);
  }, 120_000);
});

describe('a commit made stale, and a voided commit', () => {
  it('refuses to reveal when a draw recorded since the commit changed who may be drawn', async () => {
    const { db } = copy();
    const c = (await commit(db));
    expect((await run(db, ['draw', '-q', '2023Q2', '--level', 'city', '--seed', '1 2 3', '--yes'])).status).toBe(0);
    const r = (await run(db, ['draw', 'reveal', c.commit, '--entropy', ENTROPY], REVEAL_DAY));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('改变了 2023Q2-county-01 的可抽对象');
    expect(JSON.parse((await run(db, ['draw', 'list', '--json'])).stdout).draws.map((d: { id: string }) => d.id)).toEqual(['2023Q2-city-01']);
  }, 120_000);

  it('voids a commit: no reveal after it, its ids stay unused, verify passes', async () => {
    const { db } = copy();
    const c = (await commit(db));
    expect(c.payload.draws[0]!.id).toBe('2023Q2-county-01');
    const v = (await run(db, ['draw', 'void', c.commit, '--reason', '开奖延期']));
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toContain('承诺 2023Q2-commit-01 已作废');
    const r = (await run(db, ['draw', 'reveal', c.commit, '--entropy', ENTROPY], REVEAL_DAY));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('已作废（开奖延期）');
    expect((await run(db, ['draw', 'void', c.commit, '--reason', '再来一次'])).status).toBe(1);
    // the next commit and a direct draw take new ids
    expect((await commit(db)).payload.draws[0]!.id).toBe('2023Q2-county-02');
    const ver = (await run(db, ['verify', '--json']));
    expect(ver.status, ver.stdout + ver.stderr).toBe(0);
  }, 120_000);
});

describe('a tampered commitment', () => {
  let db: string;
  let dir: string;
  let c: CommitJson;

  beforeAll(async () => {
    ({ db, dir } = copy());
    c = (await commit(db));
    expect((await run(db, ['draw', 'reveal', c.commit, '--entropy', ENTROPY], REVEAL_DAY)).status).toBe(0);
  }, 120_000);

  /** A copy of the database with one SQL edit made behind sj's back (the append-only triggers dropped). */
  function tampered(sql: string): string {
    const d = tempDir('sj-ceremony-t-');
    const p = join(d, 'sj.db');
    const src = new Database(db);
    src.pragma('wal_checkpoint(TRUNCATE)');
    src.close();
    copyFileSync(db, p);
    const x = new Database(p);
    for (const tr of ['commitments_no_update', 'ledger_no_update']) x.exec(`DROP TRIGGER IF EXISTS ${tr}`);
    x.exec(sql);
    x.close();
    return p;
  }

  it('sj verify catches an edited commitments row (another announced source, a swapped snapshot)', async () => {
    const src = tampered(`UPDATE commitments SET payload = replace(payload, '${SOURCE}', '现场掷骰')`);
    const r = (await sj(['--db', src, 'verify', '--json']));
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('commit 2023Q2-commit-01');
    const snap = tampered(`UPDATE commitments SET snapshots = replace(snapshots, '"excluded":null', '"excluded":"season"')`);
    const r2 = (await sj(['--db', snap, 'verify', '--json']));
    expect(r2.status).toBe(1);
    expect(r2.stdout + r2.stderr).toContain('stored snapshots differ');
  });

  it('sj verify catches a rewritten commit entry, even with its hash recomputed', async () => {
    // a commit "made" with other parameters: payload and payload hash rewritten, the chain broken after it
    const row = new Database(db, { readonly: true }).prepare('SELECT payload FROM ledger WHERE seq = 1').pluck().get() as string;
    const forged = row.replace('"method":"auto"', '"method":"onsite"');
    expect(forged).not.toBe(row);
    const p = tampered(`UPDATE ledger SET payload = '${forged}', payload_hash = '${H(forged)}' WHERE seq = 1;
      UPDATE commitments SET payload = '${forged}'`);
    const r = (await sj(['--db', p, 'verify', '--json']));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ledger #1');
    expect(r.stdout).toContain('draw.commitment differs');
  });

  it('sj verify --evidence catches an edited draw.commitment', async () => {
    const { ev } = (await exportEvidence(db, dir, '2023Q2-county-01'));
    const write = async (name: string, e: Evidence) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(e));
      return (await sj(['verify', '--evidence', f, '--json']));
    };
    // the announced source changed after the fact
    const e1 = structuredClone(ev);
    e1.draw.commitment!.entropySource = '现场掷骰';
    e1.draw.commitment!.payload.entropySource = '现场掷骰';
    const r1 = (await write('t1.json', e1));
    expect(r1.status).toBe(1);
    expect(r1.stdout + r1.stderr).toContain('draw.commitment.hash');
    // a commitment forged to match a later snapshot: hash recomputed, but placed after the draw
    const e2 = structuredClone(ev);
    const cm = e2.draw.commitment!;
    cm.payload.draws[0]!.snapshotHash = H(canonical({ other: true }));
    cm.seq = ev.ledger!.seq + 1;
    cm.hash = ledgerHash(cm.seq, 'commit', cm.prevHash, commitPayloadHash(cm.payload));
    const r2 = (await write('t2.json', e2));
    expect(r2.status).toBe(1);
    expect(r2.stdout + r2.stderr).toContain('does not precede');
    expect(r2.stdout + r2.stderr).toContain('snapshot differs from the committed one');
    // the untouched file still verifies
    expect((await write('ok.json', ev)).status).toBe(0);
  });
});

describe('migration 3', () => {
  it('rebuilds the ledger of a version-2 database with every entry and hash kept, still append-only, now taking commits', async () => {
    const { MIGRATIONS, runMigration } = await import('../src/io/schema.js');
    const { openDb } = await import('../src/io/db.js');
    const { checkChain } = await import('../src/core/ledger.js');
    const { readLedger } = await import('../src/io/ledger.js');
    const p = join(tempDir('sj-mig3-'), 'sj.db');
    const old = new Database(p);
    runMigration(old, 0);
    runMigration(old, 1);
    old.pragma('user_version = 2');
    // a chain of two entries as an older sj wrote them
    let prev = '0'.repeat(64);
    const rows: { seq: number; hash: string }[] = [];
    for (const [seq, type, payload] of [[1, 'draw', '{"draw":"2023Q2-city-01"}'], [2, 'void', '{"at":"x","draw":"2023Q2-city-01","reason":"r"}']] as const) {
      const hash = ledgerHash(seq, type, prev, H(payload));
      old.prepare('INSERT INTO ledger(seq, type, ref, at, prev_hash, payload_hash, hash, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(seq, type, '2023Q2-city-01', '2023-04-03T01:00:00.000Z', prev, H(payload), hash, payload);
      rows.push({ seq, hash });
      prev = hash;
    }
    expect(() => old.prepare("INSERT INTO ledger(seq, type, ref, at, prev_hash, payload_hash, hash, payload) VALUES (3, 'commit', 'c', 'x', 'p', 'h', 'hh', '{}')").run()).toThrow(/CHECK/);
    old.close();
    const db = openDb(p);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const entries = readLedger(db);
    expect(entries.map((e) => ({ seq: e.seq, hash: e.hash }))).toEqual(rows);
    expect(checkChain(entries)).toEqual([]);
    expect(() => db.prepare("UPDATE ledger SET ref = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO ledger(seq, type, ref, at, prev_hash, payload_hash, hash, payload) VALUES (3, 'commit', 'c', 'x', 'p', 'h', ?, '{}')").run(rows[0]!.hash)).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO ledger(seq, type, ref, at, prev_hash, payload_hash, hash, payload) VALUES (3, 'commit', 'c', 'x', 'p', 'h', 'hh', '{}')").run();
    db.close();
  });
});
