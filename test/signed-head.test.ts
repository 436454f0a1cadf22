/**
 * Signed ledger heads, end to end through bin/sj.js on real SQLite files: `sj keys generate`,
 * `sj ledger head --sign`, `sj verify --head FILE --pubkey PUB` — a good head, forged ones, a
 * stale head that still holds (the ledger grew), and heads that no longer hold (trailing entries
 * deleted, history rewritten, by restoring an older copy of the database) although the shortened
 * or rewritten chain is consistent in itself.
 */
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkHeadAgainstLedger, checkSignedHeadShape, headStatement, signedText } from '../src/core/signed-head.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiDb } from './fixture-db.js';

const SIGNED_AT = '2023-04-03T10:00:00+08:00';
const ZERO = '0'.repeat(64);

/** A database with the Q2 city and county draws (ledger entries 1 and 2), and a key pair; built once. */
let base: { dir: string; path: string };
let keys: { key: string; pub: string };

beforeAll(async () => {
  base = await hengshuiDb();
  const d = (await sj(['--db', base.path, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4', '--yes']));
  expect(d.status).toBe(0);
  const g = (await sj(['keys', 'generate', '--out', join(base.dir, 'keys'), '--json']));
  expect(g.status).toBe(0);
  const out = JSON.parse(g.stdout) as { privateKey: string; publicKey: string };
  keys = { key: out.privateKey, pub: out.publicKey };
});

/** A fresh copy of the base database. */
function copyDb(): { dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'sj.db');
  copyFileSync(base.path, path);
  if (existsSync(`${base.path}-wal`)) copyFileSync(`${base.path}-wal`, `${path}-wal`);
  return { dir, path };
}

/** `sj ledger head --sign`, written to a file as a bureau would publish it. */
async function signHead(path: string, dir: string, key = keys.key, name = 'head.json'): Promise<{ file: string; doc: { statement: { format: string; seq: number; hash: string; at: string }; signature: string; publicKey: string } }> {
  const r = (await sj(['--db', path, 'ledger', 'head', '--sign', key], { env: { SJ_NOW: SIGNED_AT } }));
  expect(r.status).toBe(0);
  const file = join(dir, name);
  writeFileSync(file, r.stdout);
  return { file, doc: JSON.parse(r.stdout) };
}

const verifyHead = async (path: string, file: string, pub = keys.pub, extra: string[] = []) => (await sj(['--db', path, 'verify', '--head', file, '--pubkey', pub, ...extra]));

/** Put an older copy of the database in place, as someone restoring a backup to undo entries would. */
function restoreOlder(older: string, path: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(older, path);
}

const voidCounty = async (path: string, reason: string, now: string) =>
  (await sj(['--db', path, 'draw', 'void', '2023Q2-county-01', '--reason', reason], { env: { SJ_NOW: now } }));

describe('sj keys generate', () => {
  it('writes an Ed25519 pair, the private key readable by its owner only, and never overwrites it', async () => {
    expect(statSync(keys.key).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys.key, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(keys.pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const before = readFileSync(keys.key, 'utf8');
    const again = (await sj(['keys', 'generate', '--out', join(base.dir, 'keys')]));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('已存在');
    expect(readFileSync(keys.key, 'utf8')).toBe(before);
  });
});

describe('sj ledger head --sign', () => {
  it('prints a signed sj-head/1 statement of the current head, and keeps the key out of the database', async () => {
    const { dir, path } = copyDb();
    const { doc } = (await signHead(path, dir));
    const head = JSON.parse((await sj(['--db', path, 'ledger', 'head', '--json'])).stdout) as { seq: number; hash: string };
    expect(doc.statement).toEqual({ format: 'sj-head/1', seq: 2, hash: head.hash, at: SIGNED_AT });
    expect(Buffer.from(doc.signature, 'base64')).toHaveLength(64); // Ed25519
    expect(doc.publicKey).toBe(readFileSync(keys.pub, 'utf8'));
    // the private key's body appears nowhere in the database file
    const body = readFileSync(keys.key, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    expect(readFileSync(path).includes(Buffer.from(body))).toBe(false);
    expect(readFileSync(path).includes(Buffer.from(body, 'base64'))).toBe(false);
  });

  it('refuses a file that is not a private key', async () => {
    const { path } = copyDb();
    const r = (await sj(['--db', path, 'ledger', 'head', '--sign', keys.pub]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('不是私钥文件');
  });
});

describe('sj verify --head STATEMENT --pubkey PUB', () => {
  it('a good head holds', async () => {
    const { dir, path } = copyDb();
    const { file, doc } = (await signHead(path, dir));
    const r = (await verifyHead(path, file));
    expect(r.stderr).toContain('签名台账头成立');
    expect(r.stderr).toContain('此后新增 0 条');
    expect(r.status).toBe(0);
    const j = (await verifyHead(path, file, keys.pub, ['--json']));
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout).signedHead).toMatchObject({ seq: 2, hash: doc.statement.hash, at: SIGNED_AT, holds: true });
  });

  it('a forged head fails, whatever was forged, before the database is even opened', async () => {
    const { dir, path } = copyDb();
    const { doc } = (await signHead(path, dir));
    const other = (await sj(['keys', 'generate', '--out', join(dir, 'other')]));
    expect(other.status).toBe(0);
    const forgeries: Record<string, unknown> = {
      // the statement changed after signing: an older seq, so later entries could be dropped
      seq: { ...doc, statement: { ...doc.statement, seq: 1 } },
      // a hash of a rewritten history with the genuine signature
      hash: { ...doc, statement: { ...doc.statement, hash: 'f'.repeat(64) } },
      // a bit flipped in the signature
      signature: { ...doc, signature: Buffer.from(Buffer.from(doc.signature, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64') },
    };
    for (const [what, forged] of Object.entries(forgeries)) {
      const f = join(dir, `forged-${what}.json`);
      writeFileSync(f, JSON.stringify(forged));
      const r = (await verifyHead(path, f));
      expect({ what, status: r.status }).toEqual({ what, status: 1 });
      expect(r.stderr).toContain('签名不成立');
    }
    // signed with another key, quoting that key: the auditor's key decides, not the file's
    const { file: theirs } = (await signHead(path, dir, join(dir, 'other', 'sj-ed25519.key'), 'theirs.json'));
    const r = (await verifyHead(path, theirs));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('签名不成立');
    expect((await verifyHead(path, theirs, join(dir, 'other', 'sj-ed25519.pub'))).status).toBe(0);
    // the signature is checked first: no database is needed (nor created) to refuse a forgery
    const nodb = join(dir, 'none.db');
    expect((await sj(['--db', nodb, 'verify', '--head', join(dir, 'forged-seq.json'), '--pubkey', keys.pub])).stderr).toContain('签名不成立');
    expect(existsSync(nodb)).toBe(false);
  });

  it('a stale head still holds when the ledger has only grown since', async () => {
    const { dir, path } = copyDb();
    const { file } = (await signHead(path, dir));
    const v = (await voidCounty(path, '名录库导入错误', '2023-04-04T09:00:00+08:00'));
    expect(v.status).toBe(0);
    const r = (await verifyHead(path, file, keys.pub));
    expect(r.stderr).toContain('此后新增 1 条');
    expect(r.status).toBe(0);
    const en = (await sj(['--db', path, '--lang', 'en', 'verify', '--head', file, '--pubkey', keys.pub]));
    expect(en.stderr).toContain('entry 2 (signed 2023-04-03T10:00:00+08:00) is still in the chain, 1 entries added since');
  });

  it('fails when trailing entries were deleted, though the shortened chain is consistent', async () => {
    const { dir, path } = copyDb();
    const older = join(dir, 'before-void.db');
    copyFileSync(path, older);
    expect((await voidCounty(path, '名录库导入错误', '2023-04-04T09:00:00+08:00')).status).toBe(0);
    const { file, doc } = (await signHead(path, dir));
    expect(doc.statement.seq).toBe(3);
    // the void undone by restoring the database from before it: a history that is whole in itself
    restoreOlder(older, path);
    expect((await sj(['--db', path, 'verify'])).status).toBe(0); // nothing in the database shows it …
    const r = (await verifyHead(path, file));
    expect(r.status).toBe(1); // … the signed head does
    expect(r.stderr).toContain('签名台账头指向第 3 条记录，而台账现在只到第 2 条：其后的记录被删除了');
    const j = (await verifyHead(path, file, keys.pub, ['--json']));
    expect(JSON.parse(j.stdout).error.signedHead).toMatchObject({ seq: 3, holds: false });
  });

  it('fails when history was rewritten: the signed seq holds another hash', async () => {
    const { dir, path } = copyDb();
    const older = join(dir, 'before-void.db');
    copyFileSync(path, older);
    expect((await voidCounty(path, '名录库导入错误', '2023-04-04T09:00:00+08:00')).status).toBe(0);
    const { file, doc } = (await signHead(path, dir));
    // back to before the void, and the void made again with another reason: a new, consistent entry 3
    restoreOlder(older, path);
    expect((await voidCounty(path, '另一个理由', '2023-04-05T09:00:00+08:00')).status).toBe(0);
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
    const r = (await verifyHead(path, file));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`第 3 条台账记录已不是签署时的哈希 ${doc.statement.hash}`);
    expect(r.stderr).toContain('历史被改写');
  });

  it('keeps --head HASH working, and tells a statement file from a hash', async () => {
    const { dir, path } = copyDb();
    const head = (await sj(['--db', path, 'ledger', 'head'])).stdout.trim();
    expect((await sj(['--db', path, 'verify', '--head', head])).status).toBe(0);
    expect((await sj(['--db', path, 'verify', '--head', head.toUpperCase()])).status).toBe(0);
    const unknown = (await sj(['--db', path, 'verify', '--head', 'e'.repeat(64)]));
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('e'.repeat(64));
    // a statement needs the signer's key; a key alone means nothing
    const { file } = (await signHead(path, dir));
    expect((await sj(['--db', path, 'verify', '--head', file])).status).toBe(2);
    expect((await sj(['--db', path, 'verify', '--head', head, '--pubkey', keys.pub])).status).toBe(2);
    const missing = (await sj(['--db', path, 'verify', '--head', join(dir, 'nope.json'), '--pubkey', keys.pub]));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('无法读取签名声明');
  });
});

describe('checkHeadAgainstLedger (pure)', () => {
  const entries = [{ seq: 1, hash: 'a'.repeat(64) }, { seq: 2, hash: 'b'.repeat(64) }, { seq: 3, hash: 'c'.repeat(64) }];
  const at = SIGNED_AT;

  it('holds for any entry still in the ledger, counting the growth since', () => {
    expect(checkHeadAgainstLedger(headStatement(entries[0]!, at), entries)).toMatchObject({ ok: true, grown: 2 });
    expect(checkHeadAgainstLedger(headStatement(entries[2]!, at), entries)).toMatchObject({ ok: true, grown: 0 });
    // the empty ledger's head (seq 0, 64 zeros) is a prefix of every ledger
    expect(checkHeadAgainstLedger(headStatement({ seq: 0, hash: ZERO }, at), entries)).toMatchObject({ ok: true, grown: 3 });
    expect(checkHeadAgainstLedger(headStatement({ seq: 0, hash: ZERO }, at), [])).toMatchObject({ ok: true, grown: 0 });
  });

  it('tells deleted trailing entries from a rewritten history', () => {
    expect(checkHeadAgainstLedger(headStatement({ seq: 4, hash: 'd'.repeat(64) }, at), entries)).toMatchObject({ ok: false, reason: 'truncated', current: { seq: 3 } });
    expect(checkHeadAgainstLedger(headStatement({ seq: 2, hash: 'd'.repeat(64) }, at), entries)).toMatchObject({ ok: false, reason: 'rewritten', found: 'b'.repeat(64) });
    expect(checkHeadAgainstLedger(headStatement({ seq: 1, hash: 'a'.repeat(64) }, at), [])).toMatchObject({ ok: false, reason: 'truncated', current: { seq: 0, hash: ZERO } });
  });

  it('signs the canonical JSON of the statement, and checks the shape of a document', () => {
    expect(signedText(headStatement({ seq: 2, hash: 'b'.repeat(64) }, at))).toBe(`{"at":"${at}","format":"sj-head/1","hash":"${'b'.repeat(64)}","seq":2}`);
    expect(checkSignedHeadShape({ statement: headStatement({ seq: 2, hash: 'b'.repeat(64) }, at), signature: 'x' })).toEqual([]);
    expect(checkSignedHeadShape({ statement: { ...headStatement({ seq: 2, hash: 'B'.repeat(64) }, at), note: 'x' }, signature: '' })).toEqual([
      'statement.hash: 64 lowercase hex digits', 'statement: unexpected members note', 'signature: a base64 string',
    ]);
  });
});
