/**
 * draw_exclusions (migration 4): the excluded objects of each draw's snapshot counted by region,
 * class and reason, written at draw time, backfilled for draws made before it, held equal to the
 * evidence by `sj verify`, and what `sj check` reads for a short stratum (never the evidence).
 */
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvidence } from '../src/io/evidence-store.js';
import { SCHEMA_VERSION } from '../src/io/schema.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { toLegacyEvidence } from './legacy-evidence.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';

beforeAll(async () => {
  await hengshuiTemplate();
});

type Row = { draw_id: string; region: string; class: string; reason: string; n: number };

/** Counted here from the stored evidence, independently of the code under test. */
function fromEvidence(db: Database.Database): Row[] {
  const out = new Map<string, Row>();
  for (const d of db.prepare('SELECT id FROM draws').all() as { id: string }[]) {
    for (const o of readEvidence(db, d.id)!.body.snapshot.objects as { region: string; class: string; excluded: string | null }[]) {
      if (o.excluded === null) continue;
      const k = [d.id, o.region, o.class, o.excluded].join('|');
      const r = out.get(k) ?? { draw_id: d.id, region: o.region, class: o.class, reason: o.excluded, n: 0 };
      r.n++;
      out.set(k, r);
    }
  }
  return [...out.values()].sort((a, b) => [a.draw_id, a.region, a.class, a.reason].join('|').localeCompare([b.draw_id, b.region, b.class, b.reason].join('|')));
}

const stored = (db: Database.Database): Row[] =>
  (db.prepare('SELECT draw_id, region, class, reason, n FROM draw_exclusions').all() as Row[])
    .sort((a, b) => [a.draw_id, a.region, a.class, a.reason].join('|').localeCompare([b.draw_id, b.region, b.class, b.reason].join('|')));

describe('draw_exclusions', () => {
  it('are written at draw time, backfilled by the migration, and held equal to the evidence by sj verify', async () => {
    const { path } = await hengshuiDb();
    expect((await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', SEED, '--yes'])).status).toBe(0);
    let db = new Database(path);
    const want = fromEvidence(db);
    // the county draw excludes the city's picks (same-quarter), at least
    expect(want.some((r) => r.reason === 'same-quarter')).toBe(true);
    expect(stored(db)).toEqual(want);
    // a database from before migration 4 (so before 5: the evidence in draws.evidence): the table is rebuilt from the evidence on opening
    toLegacyEvidence(db);
    db.exec('DROP TABLE draw_exclusions; PRAGMA user_version = 3;');
    db.close();
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
    db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(stored(db)).toEqual(want);
    // edited behind sj's back: caught
    db.exec('DROP TRIGGER draw_exclusions_no_update');
    db.prepare('UPDATE draw_exclusions SET n = n + 1 WHERE draw_id = ? AND region = ? AND class = ? AND reason = ?').run(want[0]!.draw_id, want[0]!.region, want[0]!.class, want[0]!.reason);
    db.close();
    const r = (await sj(['--db', path, 'verify']));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/draw_exclusions/);
  });
});
