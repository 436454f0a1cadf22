/**
 * The `sj draw` actions called directly as functions (app, opts), without commander or a
 * process, on real SQLite files built from the Hengshui fixtures: what each writes is read back
 * from the database file itself.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/commands/app.js';
import { drawExport, drawList, drawVoid } from '../src/commands/draw.js';
import { drawCommit, drawReveal } from '../src/commands/draw-commit.js';
import { drawRun } from '../src/commands/draw-run.js';
import type { DrawOpts } from '../src/commands/draw-scope.js';
import { UsageError } from '../src/errors.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { appOn } from './cli.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
/** the options commander would hand `sj draw --quarter 2023Q2 --date 2023-04-03` (its defaults included) */
const SCOPE: DrawOpts = { quarter: '2023Q2', date: '2023-04-03', level: 'all', region: [], industry: [], tag: [], method: 'auto' };


interface LedgerRow { seq: number; type: string; ref: string; hash: string }
const ledgerOf = (path: string): LedgerRow[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT seq, type, ref, hash FROM ledger ORDER BY seq').all() as LedgerRow[];
  } finally {
    db.close();
  }
};

let opened: App[] = [];
afterEach(() => {
  for (const a of opened) a.close();
  opened = [];
});
const open = (path: string) => {
  const { app, seen } = appOn(path);
  opened.push(app);
  return { app, data: seen.stdout, messages: seen.stderr };
};

beforeAll(async () => {
  await hengshuiTemplate();
}, 240_000);

describe('sj draw actions, called as functions', () => {
  it('drawRun draws city then county in the file; drawVoid voids one and drawList says so', async () => {
    const { path } = await hengshuiDb();
    const { app, data } = open(path);
    await drawRun(app, { ...SCOPE, seed: SEED, yes: true, json: true });
    expect(app.exitCode).toBe(0);
    const doc = JSON.parse(data[0]!) as { draws: { id: string; tasks: number; ledger: { seq: number; hash: string } }[]; ledgerHead: { seq: number; hash: string } };
    expect(doc.draws.map((d) => d.id)).toEqual(['2023Q2-city-01', '2023Q2-county-01']);
    expect(doc.draws.every((d) => d.tasks > 0)).toBe(true);
    // what it printed is what the file holds: two draw entries, the head the last of them
    let ledger = ledgerOf(path);
    expect(ledger.map((e) => [e.type, e.ref])).toEqual([['draw', '2023Q2-city-01'], ['draw', '2023Q2-county-01']]);
    expect(doc.ledgerHead).toEqual({ seq: ledger[1]!.seq, hash: ledger[1]!.hash });
    expect(doc.draws[1]!.ledger).toEqual(doc.ledgerHead);

    // a void without a reason is a usage error and writes nothing
    expect(() => drawVoid(app, { id: '2023Q2-county-01', reason: '  ' })).toThrow(UsageError);
    expect(ledgerOf(path)).toHaveLength(2);
    data.length = 0;
    drawVoid(app, { id: '2023Q2-county-01', reason: '名录库导入错误', json: true });
    ledger = ledgerOf(path);
    expect(ledger.at(-1)).toMatchObject({ type: 'void', ref: '2023Q2-county-01' });
    expect(JSON.parse(data[0]!)).toEqual({ voided: '2023Q2-county-01', ledger: { seq: ledger.at(-1)!.seq, hash: ledger.at(-1)!.hash } });

    data.length = 0;
    drawList(app, { quarter: '2023Q2', json: true });
    const listed = (JSON.parse(data[0]!) as { draws: { id: string; voided: { reason: string } | null }[] }).draws;
    expect(listed.map((d) => [d.id, d.voided?.reason ?? null])).toEqual([['2023Q2-city-01', null], ['2023Q2-county-01', '名录库导入错误']]);
  }, 120_000);

  it('a dry run through drawRun draws the same as the real draw, and the file is left as it was', async () => {
    const { path } = await hengshuiDb();
    const { app, data } = open(path);
    await drawRun(app, { ...SCOPE, level: 'county', dryRun: true, json: true });
    const dry = JSON.parse(data[0]!) as { draws: { dryRun: boolean; entropy: string; resultHash: string }[]; ledgerHead: unknown };
    expect(dry.ledgerHead).toBeNull();
    expect(dry.draws[0]!.dryRun).toBe(true);
    expect(ledgerOf(path)).toEqual([]);
    // the generated entropy of the rehearsal, given as the seed, draws exactly that
    data.length = 0;
    await drawRun(app, { ...SCOPE, level: 'county', seed: dry.draws[0]!.entropy, yes: true, json: true });
    const real = JSON.parse(data[0]!) as { draws: { dryRun: boolean; resultHash: string }[] };
    expect(real.draws[0]!.dryRun).toBe(false);
    expect(real.draws[0]!.resultHash).toBe(dry.draws[0]!.resultHash);
    expect(ledgerOf(path).map((e) => e.type)).toEqual(['draw']);
  }, 120_000);

  it('drawCommit then drawReveal: the committed ids are drawn under the commit; drawExport shows it', async () => {
    const { path } = await hengshuiDb();
    const { app, data } = open(path);
    drawCommit(app, { ...SCOPE, level: 'county', entropySource: '现场掷骰，见证人：纪检组', json: true });
    const c = JSON.parse(data[0]!) as { commit: string; ledger: { seq: number; hash: string }; payload: { draws: { id: string }[] } };
    expect(c.commit).toBe('2023Q2-commit-01');
    expect(ledgerOf(path)).toEqual([{ seq: c.ledger.seq, type: 'commit', ref: c.commit, hash: c.ledger.hash }]);

    data.length = 0;
    await drawReveal(app, { id: c.commit, entropy: SEED, json: true });
    const r = JSON.parse(data[0]!) as { commit: string; rostersChanged: boolean; draws: { id: string }[]; ledgerHead: { hash: string } };
    expect(r.rostersChanged).toBe(false);
    expect(r.draws.map((d) => d.id)).toEqual(c.payload.draws.map((d) => d.id));
    const ledger = ledgerOf(path);
    expect(ledger.map((e) => [e.type, e.ref])).toEqual([['commit', c.commit], ['draw', '2023Q2-county-01']]);
    expect(r.ledgerHead.hash).toBe(ledger[1]!.hash);
    // the evidence the draw exports carries the commitment it was made under
    data.length = 0;
    drawExport(app, { id: '2023Q2-county-01' });
    const ev = JSON.parse(data.join('')) as { draw: { entropy: string; commitment: { seq: number; hash: string; entropySource: string } } };
    expect(ev.draw.entropy).toBe(SEED);
    expect(ev.draw.commitment).toMatchObject({ seq: c.ledger.seq, hash: c.ledger.hash, entropySource: '现场掷骰，见证人：纪检组' });
    // a commit is revealed once: the second reveal is refused and writes nothing
    await expect(drawReveal(app, { id: c.commit, entropy: SEED })).rejects.toThrow();
    expect(ledgerOf(path)).toHaveLength(2);
  }, 120_000);
});
