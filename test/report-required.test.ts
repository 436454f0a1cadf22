/**
 * 应抽 (required) in the statistics table and the class-minimum target is the plan's minimum
 * T = min(N, ceil(N × rate)) — not the sum of the per-tier quotas, which round up above it.
 */
import { describe, expect, it } from 'vitest';
import { parseQuarter } from '../src/core/quarter.js';
import { ceilDiv } from '../src/core/arith.js';
import { makeDraw } from '../src/io/draw-service.js';
import { checkReport, gatherReport, reportRows } from '../src/io/report-data.js';
import { freshDb, seedRostersFromSnapshot, tempDir, vector } from './db-helpers.js';

describe('required numbers', () => {
  it('are the class minimum, and met is drawn ≥ that minimum', () => {
    const v = vector('county-T-1.json');
    const { db } = freshDb(tempDir());
    const snap = { ...v.snapshot, objects: v.snapshot.objects.map((o) => ({ ...o, excluded: null })) };
    seedRostersFromSnapshot(db, snap);
    const q = parseQuarter('2023Q2')!;
    const run = makeDraw(db, {
      quarter: q, level: 'county', regions: ['131102', '131103'], directional: false, filter: null, method: 'auto',
      departmentJoint: false, partners: [], withExperts: false, date: '2023-04-03', entropy: '1', entropySource: 'user',
    }, { dryRun: false });
    const ctx = gatherReport(db, { kind: 'quarter', quarter: q }, { today: '2023-06-30' });
    const rows = reportRows(ctx);
    for (const region of ['131102', '131103']) {
      const row = rows.find((r) => r.region === region)!;
      for (const cls of ['special', 'key', 'general'] as const) {
        const strata = run.evidence.strata.filter((s) => s.region === region && s.class === cls);
        const N = strata.reduce((n, s) => n + s.population, 0);
        const rate = { special: 5000, key: 2500, general: 300 }[cls];
        expect(row.required[cls]).toBe(Math.min(N, ceilDiv(N * rate, 10000)));
        expect(row.drawn[cls]).toBe(strata.reduce((n, s) => n + s.selected, 0));
      }
    }
    // the per-tier rounding puts the quotas above the minimum somewhere here: the test means something
    const quotaSum = run.evidence.strata.filter((s) => s.class !== 'positive').reduce((n, s) => n + s.quota, 0);
    const requiredSum = rows.filter((r) => r.region === '131102' || r.region === '131103')
      .reduce((n, r) => n + r.required.special + r.required.key + r.required.general, 0);
    expect(quotaSum).toBeGreaterThan(requiredSum);
    // (no city draw was made: the city's minimums are missed, rightly)
    const all = checkReport(ctx).targets.filter((l) => l.id === 'classMinimum');
    expect(all.filter((l) => l.region === '131100').every((l) => !l.met)).toBe(true);
    const classLines = all.filter((l) => l.region !== '131100');
    expect(classLines.length).toBeGreaterThan(0);
    expect(classLines.filter((l) => !l.met)).toEqual([]);
    db.close();
  });
});
