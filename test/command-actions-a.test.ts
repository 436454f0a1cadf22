/**
 * The command actions called directly, as register() wires them: an App on a real SQLite file
 * (the Hengshui rosters imported by the real importer), its output captured, each result checked
 * against the database read with plain SQL, not through the code under test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rosterList, rosterShow } from '../src/commands/roster.js';
import { regionsImport, regionsList } from '../src/commands/regions.js';
import { plan } from '../src/commands/plan.js';
import { keysGenerate } from '../src/commands/keys.js';
import { ledgerHead, verify } from '../src/commands/verify.js';
import { SjError, UsageError } from '../src/errors.js';
import { setLang } from '../src/messages/index.js';
import { hengshuiDb } from './fixture-db.js';
import { tempDir } from './db-helpers.js';
import { appOn } from './cli.js';
import { FIXTURES } from './helpers.js';

const HS = join(FIXTURES, 'hengshui');
const have = existsSync(join(HS, 'objects.xlsx'));


/** The database read directly, for the expected values. */
function sql<T>(path: string, query: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

beforeAll(() => setLang('zh'));

describe.skipIf(!have)('roster actions', () => {
  let path: string;
  beforeAll(async () => {
    path = (await hengshuiDb()).path;
  });

  it('rosterList: --region by name and --class give exactly the rows in force of that region and class', () => {
    const { app, seen: { stdout } } = appOn(path);
    rosterList(app, { kind: 'objects', region: '桃城区', class: '重点', json: true });
    app.close();
    const rows = JSON.parse(stdout.join('')) as { id: string; region: string; class: string }[];
    const expected = sql<{ id: string }>(path, "SELECT id FROM objects WHERE valid_to IS NULL AND in_roster = 1 AND region = '131102' AND class = 'key'").map((r) => r.id);
    expect(expected.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.id).sort()).toEqual(expected.sort());
    expect(new Set(rows.map((r) => `${r.region}/${r.class}`))).toEqual(new Set(['131102/key']));
  });

  it('rosterList --csv: a BOM, the Chinese headings of the roster files, one line per row; the table counts them on stderr', () => {
    const { app, seen: { stdout, stderr } } = appOn(path);
    rosterList(app, { kind: 'inspectors', region: '131100', csv: true });
    rosterList(app, { kind: 'inspectors', region: '131100' });
    app.close();
    const n = sql<{ n: number }>(path, "SELECT count(*) AS n FROM inspectors WHERE valid_to IS NULL AND in_roster = 1 AND region = '131100'")[0]!.n;
    expect(n).toBeGreaterThan(0);
    const lines = stdout[0]!.split('\r\n').filter(Boolean);
    expect(lines[0]!.startsWith('\ufeff')).toBe(true);
    expect(lines[0]).toContain('姓名');
    expect(lines).toHaveLength(n + 1);
    expect(stderr.join('')).toContain(String(n));
  });

  it('rosterShow: the object in force with every version; an unknown id is an SjError with a hint', () => {
    const [{ id }] = sql<{ id: string }>(path, 'SELECT id FROM objects WHERE valid_to IS NULL AND in_roster = 1 ORDER BY id LIMIT 1') as [{ id: string }];
    const versions = sql<{ vid: number }>(path, 'SELECT vid FROM objects WHERE id = ? ORDER BY valid_from, vid', id).map((v) => v.vid);
    const { app, seen: { stdout } } = appOn(path);
    rosterShow(app, { id: `  ${id} `, json: true });
    const doc = JSON.parse(stdout.join('')) as { id: string; current: { id: string }; history: { vid: number }[]; inspections: unknown[]; credit: unknown[] };
    expect(doc.id).toBe(id);
    expect(doc.current.id).toBe(id);
    expect(doc.history.map((h) => h.vid)).toEqual(versions);
    // the sections of object-sections.ts: nothing drawn yet
    expect(doc.inspections).toEqual([]);
    expect(doc.credit).toEqual([]);
    expect(() => rosterShow(app, { id: 'NO-SUCH-OBJECT' })).toThrow(SjError);
    app.close();
  });
});

describe('regions actions', () => {
  let path: string;
  beforeEach(() => {
    path = join(tempDir(), 'sj.db');
  });

  it('regionsImport replaces the region list of a database without rosters; regionsList reads it back', async () => {
    const { app, seen: { stdout, stderr } } = appOn(path);
    await regionsImport(app, { file: join(HS, 'regions-other.csv'), json: true });
    const summary = JSON.parse(stdout.join('')) as { replaced: boolean; regions: number };
    const stored = sql<{ code: string; name: string; parent: string | null; level: string }>(path, 'SELECT code, name, parent, level FROM regions ORDER BY sort, code');
    const fileRows = readFileSync(join(HS, 'regions-other.csv'), 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/).slice(1);
    expect(summary).toMatchObject({ replaced: true, regions: fileRows.length });
    expect(stored.map((r) => r.code).sort()).toEqual(fileRows.map((l) => l.split(',')[0]).sort());
    expect(stored[0]).toMatchObject({ code: '130900', name: '沧州市', parent: null, level: 'city' });
    expect(stderr.join('')).toContain('沧州市 130900');
    stdout.length = 0;
    regionsList(app, { json: true });
    app.close();
    expect(JSON.parse(stdout.join(''))).toEqual(stored);
  });

  it('regionsImport of a file with bad rows names each row and changes nothing', async () => {
    const bad = join(tempDir(), 'bad.csv');
    writeFileSync(bad, '代码,名称,上级\n130900,沧州市,\n新华,新华区,130900\n130903,,130900\n');
    const { app } = appOn(path);
    app.openDb(); // the database as created, with the bundled regions
    const before = sql(path, 'SELECT * FROM regions ORDER BY code');
    expect(before.length).toBeGreaterThan(1);
    const e = await regionsImport(app, { file: bad }).catch((x: unknown) => x);
    app.close();
    expect(e).toBeInstanceOf(SjError);
    expect((e as SjError).problems?.map((p) => p.row)).toEqual([3, 4]);
    expect(sql(path, 'SELECT * FROM regions ORDER BY code')).toEqual(before);
  });
});

describe.skipIf(!have)('plan action', () => {
  let path: string;
  beforeAll(async () => {
    path = (await hengshuiDb()).path;
  });

  it('--json for one county: its strata, population as in the roster, on the given date; --csv gives the same strata', async () => {
    const { app, seen: { stdout } } = appOn(path);
    await plan(app, { quarter: '2023Q2', level: 'county', region: ['桃城区'], date: '2023-04-03', json: true });
    const doc = JSON.parse(stdout.join('')) as {
      format: string; quarter: string; date: string; dateBasis: string;
      levels: { level: string; regions: string[]; totals: { population: number; quota: number }; strata: { region: string; class: string; population: number; quota: number }[] }[];
    };
    expect(doc).toMatchObject({ format: 'sj-plan/1', quarter: '2023Q2', date: '2023-04-03', dateBasis: 'given' });
    expect(doc.levels).toHaveLength(1);
    const [county] = doc.levels as [(typeof doc.levels)[number]];
    expect(county.level).toBe('county');
    expect(county.regions).toEqual(['131102']);
    expect(new Set(county.strata.map((s) => s.region))).toEqual(new Set(['131102']));
    // every class has a county rate in the 2023 rules: the strata cover the county's whole roster of active objects
    const byClass = sql<{ class: string; n: number }>(path, "SELECT class, count(*) AS n FROM objects WHERE valid_to IS NULL AND in_roster = 1 AND status = 'active' AND region = '131102' GROUP BY class");
    const population = (cls: string) => county.strata.filter((s) => s.class === cls).reduce((a, s) => a + s.population, 0);
    for (const { class: cls, n } of byClass) expect(population(cls)).toBe(n);
    expect(county.totals.population).toBe(byClass.reduce((a, r) => a + r.n, 0));
    expect(county.totals.quota).toBeGreaterThan(0);

    stdout.length = 0;
    await plan(app, { quarter: '2023Q2', level: 'county', region: ['桃城区'], date: '2023-04-03', csv: true });
    app.close();
    const lines = stdout.join('').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(county.strata.length + 1);
    // the population column of each CSV line is that stratum's
    const popCol = lines[0]!.split(',').indexOf('对象数');
    expect(popCol).toBeGreaterThan(0);
    expect(lines.slice(1).map((l) => Number(l.split(',')[popCol]))).toEqual(county.strata.map((s) => s.population));
  });

  it('a bad --level or a city given as --region is a usage error, before anything is computed', async () => {
    const { app, seen: { stdout } } = appOn(path);
    await expect(plan(app, { quarter: '2023Q2', level: 'province' })).rejects.toThrow(UsageError);
    await expect(plan(app, { quarter: '2023Q2', region: ['市局'] })).rejects.toThrow(UsageError);
    app.close();
    expect(stdout).toEqual([]);
  });
});

describe('keys, ledger head and verify actions: a signed head round trip', () => {
  it('generates a key pair, signs the head, and verifies the database against the signed statement', async () => {
    const dir = tempDir();
    const path = join(dir, 'sj.db');
    const { app, seen: { stdout, stderr } } = appOn(path);
    app.openDb(); // a fresh database: the ledger has its genesis head
    keysGenerate(app, { out: join(dir, 'keys'), json: true });
    const keys = JSON.parse(stdout.join('')) as { privateKey: string; publicKey: string; fingerprint: string };
    expect(statSync(keys.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys.publicKey, 'utf8')).toContain('BEGIN PUBLIC KEY');
    // a second key pair into the same folder would overwrite the first: refused
    expect(() => keysGenerate(app, { out: join(dir, 'keys') })).toThrow(SjError);

    stdout.length = 0;
    ledgerHead(app, { sign: keys.privateKey });
    const signed = JSON.parse(stdout.join('')) as { statement: { seq: number; hash: string } };
    const head = sql<{ seq: number; hash: string }>(path, 'SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1')[0];
    expect(signed.statement).toMatchObject(head ? { seq: head.seq, hash: head.hash } : { seq: 0 });
    const file = join(dir, 'head.json');
    writeFileSync(file, stdout.join(''));

    stderr.length = 0;
    await verify(app, { head: file, pubkey: keys.publicKey });
    expect(stderr.join('')).toContain(keys.fingerprint);
    // a statement file needs the auditor's public key; a public key needs a statement file
    await expect(verify(app, { head: file })).rejects.toThrow(UsageError);
    await expect(verify(app, { pubkey: keys.publicKey })).rejects.toThrow(UsageError);
    // a statement whose hash was changed no longer carries a valid signature
    writeFileSync(file, stdout.join('').replace(signed.statement.hash, 'f'.repeat(64)));
    await expect(verify(app, { head: file, pubkey: keys.publicKey })).rejects.toThrow(SjError);
    app.close();
  });
});
