/**
 * eachSnapshotObject (the raw, few-column read a draw's snapshot uses) gives the same objects,
 * fields and order as readRoster, on the real Hengshui roster: current, as of an earlier
 * instant after a re-import, with removed rows, with a WHERE clause.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withClock } from '../src/io/clock.js';
import { openDb, type DB } from '../src/io/db.js';
import { readRoster, type ObjectRow, type ReadOptions, type SnapshotObjectRow } from '../src/io/roster-read.js';
import { importRoster } from '../src/io/roster-write.js';
import { snapshotObjectRows, tempDir } from './db-helpers.js';
import { FIXTURES } from './helpers.js';

const HS = join(FIXTURES, 'hengshui');
let db: DB;

beforeAll(async () => {
  db = openDb(join(tempDir(), 'sj.db'));
  await withClock('2023-04-01T02:00:00.000Z', () => importRoster(db, { kind: 'objects', path: join(HS, 'objects.xlsx') }));
  await withClock('2023-07-01T02:00:00.000Z', () => importRoster(db, { kind: 'objects', path: join(HS, 'objects-2023Q3.xlsx') }));
});

function fromReadRoster(opts: ReadOptions): SnapshotObjectRow[] {
  const numOf = db.prepare('SELECT num FROM objects WHERE vid = ?').pluck();
  return readRoster(db, 'objects', opts).map((o: ObjectRow) => ({
    id: o.id, name: o.name, region: o.region, class: o.class, tier: o.tier, industry: o.industry,
    offsite: o.offsite, status: o.status, months: o.months, tags: o.tags, num: numOf.get(o.vid) as number,
  }));
}

describe('eachSnapshotObject', () => {
  const cases: [string, ReadOptions][] = [
    ['current', {}],
    ['current, active only', { where: "status = 'active'" }],
    ['as of Q2 (before the re-import)', { asOf: '2023-05-01T00:00:00.000Z' }],
    ['with removed rows', { includeRemoved: true }],
    ['a WHERE with parameters', { where: 'region = @r', params: { r: '131102' } }],
  ];
  it.each(cases)('equals readRoster: %s', (_name, opts) => {
    const want = fromReadRoster(opts);
    expect(want.length).toBeGreaterThan(100);
    expect(snapshotObjectRows(db, opts)).toEqual(want);
  });

  it("numbers each object by its first version's vid, kept by the re-import's versions", () => {
    const q2 = new Map(snapshotObjectRows(db, { asOf: '2023-05-01T00:00:00.000Z' }).map((o) => [o.id, o.num]));
    const now = snapshotObjectRows(db, { includeRemoved: true });
    // numbers are the objects' own: one per id, distinct
    expect(new Set(now.map((o) => o.num)).size).toBe(now.length);
    const first = db.prepare('SELECT MIN(vid) FROM objects WHERE id = ?').pluck();
    for (const o of now) expect(o.num).toBe(first.get(o.id));
    // the re-import wrote new versions of some objects (and removed others): their numbers are the old ones
    const versions = db.prepare('SELECT id FROM objects GROUP BY id HAVING COUNT(*) > 1').pluck().all() as string[];
    expect(versions.length).toBeGreaterThan(10);
    const kept = now.filter((o) => versions.includes(o.id) && q2.has(o.id));
    expect(kept.length).toBeGreaterThan(10);
    for (const o of kept) expect(o.num).toBe(q2.get(o.id));
    // the roster's readers do not show the number
    expect(Object.keys(readRoster(db, 'objects')[0]!)).not.toContain('num');
  });

  it('sees the re-import: rows differ between Q2 and now, and the fields are decoded', () => {
    const q2 = snapshotObjectRows(db, { asOf: '2023-05-01T00:00:00.000Z' });
    const now = snapshotObjectRows(db);
    expect(q2.map((o) => o.id)).not.toEqual(now.map((o) => o.id));
    expect(now.some((o) => o.offsite === true) && now.some((o) => o.offsite === false)).toBe(true);
    expect(now.some((o) => o.tags.length > 0)).toBe(true);
    expect(now.some((o) => o.tier === null)).toBe(true);
  });
});
