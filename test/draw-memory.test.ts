/**
 * What a large draw keeps in memory (issue 13: the 1M-object draw's peak), held to what it must
 * give: a stratum keeps only its drawn objects and orders its pool again when it is read; a
 * draw of more than 250k objects is hashed without keeping its text, stored the same; the
 * snapshot's rows are read with the connection's memory mapping off and the mapping put back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { KEEP_TEXT_OBJECTS, objectKey, runDraw } from '../src/core/draw.js';
import { H, takeCanonicalText } from '../src/core/hash.js';
import type { DrawHeader, DrawRules, SnapObject, Snapshot } from '../src/core/types.js';
import { openDb, forScan, writeTx } from '../src/io/db.js';
import { storeEvidence } from '../src/io/evidence-store.js';
import { eachSnapshotObject, readRoster } from '../src/io/roster-read.js';
import { seedRostersFromSnapshot, snapshotObjectRows, tempDir } from './db-helpers.js';
import { SPEC_VECTORS_V2_DIR } from './helpers.js';

const vector = (name: string) => JSON.parse(readFileSync(join(SPEC_VECTORS_V2_DIR, name), 'utf8'));

const RULES: DrawRules = {
  rates: { city: { special: 1000, key: 1000 }, county: { special: 5000, key: 2500, positive: 10000, general: 300 } },
  tiers: [{ code: 'A', pct: 50 }, { code: 'B', pct: 100 }, { code: 'C', pct: 150 }, { code: 'D', pct: 200 }, { code: 'E', pct: 300 }],
  tiered: ['special', 'key', 'general'],
  team: { size: 2, matchSpecialty: true, crossRegionAtCity: true, maxTasksPerInspector: 0 },
  method: { preferOffsite: true },
  experts: { industries: ['化工'] },
};

const header = (id: string, regions: string[]): Omit<DrawHeader, 'seed'> => ({
  id, quarter: '2023Q2', level: 'county', regions, kind: 'routine', filter: null, method: 'auto', joint: 'none', partners: [],
  jointShare: 3000, withExperts: false, createdAt: '2023-04-03T09:00:00+08:00', entropy: '3 1 4 1 5 9', entropySource: 'user',
});

/** n objects of two counties, every class and tier, a few excluded; four inspectors a county. */
function snapshotOf(n: number, rules: DrawRules = RULES): Snapshot {
  const classes = ['special', 'key', 'positive', 'general'] as const;
  const tiers = ['A', 'B', 'C', 'D', 'E', null];
  const objects: SnapObject[] = Array.from({ length: n }, (_, k) => ({
    class: classes[k % 4]!, excluded: k % 211 === 0 ? 'same-quarter' : k % 17 === 0 && k % 4 !== 2 ? 'season' : null, id: `O${String(k).padStart(7, '0')}`,
    industry: k % 3 ? '化工' : '', name: `衡水市测试${k}号有限公司`, offsite: k % 2 === 0, region: k % 2 ? '131103' : '131102', tier: tiers[k % 6]!,
  }));
  const inspectors = ['131102', '131103'].flatMap((r) => [0, 1, 2, 3].map((j) => ({ id: `I${r}-${j}`, name: `人员${j}`, region: r, line: j % 2 ? '监测' : '执法', specialties: j ? ['化工'] : [] })));
  return { rules, objects, inspectors, experts: [{ id: 'E1', name: '专家', industries: ['化工'] }], avoidance: [['I131102-0', 'O0000002']] };
}

describe('a drawn stratum', () => {
  it('keeps its drawn objects, the prefix of its pool; the pool is ordered again when read, in key order', () => {
    const v = vector('county-V2-1.json');
    const { seed, ...draw } = v.draw;
    const out = runDraw({ draw, snapshot: v.snapshot });
    expect(out.strata.map((s) => s.stratum)).toEqual(v.strata);
    for (const s of out.strata) {
      expect(s.drawn.length).toBe(s.stratum.selected);
      const pool = s.pool;
      expect(pool.length).toBe(s.stratum.pool);
      expect(s.pool).toBe(pool); // ordered once, then kept
      expect(pool.slice(0, s.drawn.length).map((x) => [x.o.id, x.h])).toEqual(s.drawn.map((x) => [x.o.id, x.h]));
      // the pool: the stratum's objects not excluded, by key then id, each with its key
      const mine = v.snapshot.objects.filter((o: SnapObject) => o.region === s.stratum.region && o.class === s.stratum.class
        && (o.tier === s.stratum.tier || !v.snapshot.rules.tiered.includes(o.class)) && o.excluded === null);
      const want = mine.map((o: SnapObject) => ({ id: o.id, h: objectKey(seed, o.id) }))
        .sort((a: { h: string; id: string }, b: { h: string; id: string }) => (a.h < b.h ? -1 : a.h > b.h ? 1 : a.id < b.id ? -1 : 1));
      expect(pool.map((x) => ({ id: x.o.id, h: x.h }))).toEqual(want);
    }
    // every task is a drawn object of its stratum, at its rank
    for (const t of out.evidence.tasks) {
      const s = out.strata.find((x) => x.stratum.region === t.region && x.stratum.class === t.class && x.stratum.tier === t.tier)!;
      expect(s.drawn[t.rank - 1]!.o.id).toBe(t.objectId);
      expect(s.drawn[t.rank - 1]!.h).toBe(t.key);
    }
  });
});

describe('the text a draw keeps for the evidence store', () => {
  const storedHash = (body: Record<string, unknown>) => {
    const db = openDb(':memory:');
    try {
      return writeTx(db, () => storeEvidence(db, String((body.draw as { id: string }).id), body as never));
    } finally {
      db.close();
    }
  };
  const bodyOf = (ev: Record<string, unknown>) => {
    const { ledger: _l, ...body } = ev;
    return body;
  };

  it('keeps a small snapshot\'s text and its tasks\', which are canonical(); stored kept or not, the evidence is H(canonical(body))', () => {
    const snap = snapshotOf(2000);
    const ev = runDraw({ draw: header('M-1', ['131102', '131103']), snapshot: snap }).evidence;
    expect(ev.tasks.length).toBeGreaterThan(300);
    const kept = takeCanonicalText(ev.snapshot);
    expect(Buffer.concat(kept?.map((p) => p.bytes) ?? []).toString('utf8')).toBe(canonical(snap)); // as UTF-8 bytes
    expect(takeCanonicalText(ev.snapshot)).toBeUndefined(); // handed over once
    for (const keepText of [true, false]) {
      const again = runDraw({ draw: header('M-2', ['131102', '131103']), snapshot: snapshotOf(2000), keepText }).evidence;
      expect(takeCanonicalText(again.tasks) !== undefined).toBe(keepText);
      const body = bodyOf(again as never);
      expect(storedHash(body)).toBe(H(canonical(body)));
    }
  });

  it(`does not keep the text of a snapshot above ${KEEP_TEXT_OBJECTS} objects, nor of its tasks`, () => {
    // a rate of 1%: a quarter of a million objects, a thousand or so tasks
    const rules: DrawRules = { ...RULES, rates: { city: {}, county: { special: 100, key: 100, positive: 100, general: 100 } } };
    const big = snapshotOf(KEEP_TEXT_OBJECTS + 1, rules);
    const ev = runDraw({ draw: header('M-3', ['131102', '131103']), snapshot: big }).evidence;
    expect(ev.tasks.length).toBeGreaterThan(100);
    expect(takeCanonicalText(ev.snapshot)).toBeUndefined();
    expect(takeCanonicalText(ev.tasks)).toBeUndefined();
    expect(ev.snapshotHash).toBe(H(canonical(big)));
  }, 60_000);
});

describe('reading the snapshot rows as a scan (forScan: no memory mapping, a small page cache)', () => {
  it('turns the mapping off and shrinks the cache for the scan only, inside a write transaction too, and puts them back when fn throws', () => {
    const path = join(tempDir(), 'sj.db');
    const db = openDb(path);
    try {
      const mapped = db.pragma('mmap_size', { simple: true });
      const cache = db.pragma('cache_size', { simple: true });
      expect(mapped).toBe(268435456);
      expect(cache).toBe(-16000); // better-sqlite3's default
      const scanState = () => [db.pragma('mmap_size', { simple: true }), db.pragma('cache_size', { simple: true })];
      seedRostersFromSnapshot(db, snapshotOf(3000));
      expect(forScan(db, scanState)).toEqual([0, -2000]);
      expect(scanState()).toEqual([mapped, cache]);
      writeTx(db, () => {
        expect(forScan(db, scanState)).toEqual([0, -2000]);
        const rows: string[] = [];
        eachSnapshotObject(db, {}, (o) => rows.push(o.id));
        expect(rows).toEqual(readRoster(db, 'objects').map((o) => o.id));
        expect(rows.length).toBe(3000);
        expect(scanState()).toEqual([mapped, cache]);
      });
      expect(() => forScan(db, () => {
        throw new Error('scan failed');
      })).toThrow('scan failed');
      expect(scanState()).toEqual([mapped, cache]);
    } finally {
      db.close();
    }
  });

  it('gives each row its fields, the repeated ones equal across rows', () => {
    const path = join(tempDir(), 'sj.db');
    const db = openDb(path);
    try {
      const snap = snapshotOf(600);
      seedRostersFromSnapshot(db, snap);
      const rows = snapshotObjectRows(db);
      expect(rows.map((o) => [o.id, o.name, o.region, o.class, o.tier, o.industry, o.offsite])).toEqual(
        snap.objects.map((o) => [o.id, o.name, o.region, o.class, o.tier, o.industry, o.offsite]),
      );
    } finally {
      db.close();
    }
  });
});
