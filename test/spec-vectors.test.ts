/**
 * The spec vectors: sj-draw/2 (new draws) and sj-draw/1 (draws already made) reproduced bit for
 * bit, also with every snapshot list reversed, and verified as evidence files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { H } from '../src/core/hash.js';
import { objectKey, runDraw, seedOf } from '../src/core/draw.js';
import type { Algorithm } from '../src/core/types.js';
import { verifyEvidence } from '../src/core/verify.js';
import { SPEC_VECTORS_DIR, SPEC_VECTORS_V2_DIR } from './helpers.js';

/** A vector as an evidence file (the v1 vectors carry no format/algorithm members: add them). */
function load(dir: string, f: string) {
  const v = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  if (dir === SPEC_VECTORS_DIR) return { format: 'sj-evidence/1', algorithm: 'sj-draw/1', ...v };
  return v;
}

function vectorSuite(algorithm: Algorithm, dir: string, expected: string[]) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  it('finds the three vectors', () => {
    expect(files).toEqual(expected);
  });
  for (const f of files) {
    it(`reproduces ${f} bit for bit`, () => {
      const v = load(dir, f);
      expect(v.algorithm).toBe(algorithm);
      const { seed: _s, ...draw } = v.draw;
      const out = runDraw({ algorithm, draw, snapshot: v.snapshot }).evidence;
      expect(out.format).toBe(v.format);
      expect(out.draw.seed).toBe(v.draw.seed);
      expect(H(canonical(v.snapshot))).toBe(v.snapshotHash);
      expect(out.snapshotHash).toBe(v.snapshotHash);
      expect(out.strata).toEqual(v.strata);
      expect(out.tasks).toEqual(v.tasks);
      expect(out.resultHash).toBe(v.resultHash);
      expect(H(canonical(v.tasks))).toBe(v.resultHash);
    });

    it(`selects independently of the order of the lists in ${f}`, () => {
      const v = load(dir, f);
      const { seed: _s, ...draw } = v.draw;
      const snap = structuredClone(v.snapshot);
      snap.objects.reverse();
      snap.inspectors.reverse();
      snap.experts.reverse();
      snap.avoidance.reverse();
      const out = runDraw({ algorithm, draw, snapshot: snap }).evidence;
      expect(out.tasks).toEqual(v.tasks);
      expect(out.strata).toEqual(v.strata);
      expect(out.resultHash).toBe(v.resultHash);
    });

    it(`verifies ${f} as an evidence file, and names a tampered task`, () => {
      const v = load(dir, f);
      expect(verifyEvidence(v)).toEqual([]);
      const bad = structuredClone(v);
      bad.tasks[0].inspectors.reverse();
      const p = verifyEvidence(bad);
      expect(p.some((x) => x.startsWith('tasks[0]'))).toBe(true);
    });
  }
}

describe('sj-draw/2 spec vectors', () => {
  vectorSuite('sj-draw/2', SPEC_VECTORS_V2_DIR, ['city-V2-2.json', 'county-V2-1.json', 'county-V2-3.json']);

  it('reproduces the two starting values of spec §9', () => {
    const seed = seedOf('V2-1', '12345678901234567890', 'sj-draw/2');
    expect(seed).toBe('70878d9ccb10066b6abfc5d16889997f925bd96ae6ee445994e0bbfd921f7775');
    expect(objectKey(seed, 'T03020', 'sj-draw/2')).toBe('010d0fa000f6ab966dfaaf0934f266c7d0c70cde609c927f8163200aa1962f19');
  });

  it('refuses v2 evidence that breaks §3 and §7', () => {
    const v = load(SPEC_VECTORS_V2_DIR, 'county-V2-1.json');
    const census = structuredClone(v);
    const pos = census.snapshot.objects.find((o: { class: string }) => o.class === 'positive');
    pos.excluded = 'season';
    expect(verifyEvidence(census).join('\n')).toMatch(/census class/);
    const byCounty = structuredClone(v);
    byCounty.snapshot.objects[0].excluded = 'drawn-by-county';
    expect(verifyEvidence(byCounty).join('\n')).toMatch(/city-level draws only/);
    const stray = structuredClone(v);
    stray.snapshot.avoidance.push(['ZZ-nobody', stray.snapshot.objects[0].id]);
    expect(verifyEvidence(stray).join('\n')).toMatch(/outside the snapshot/);
    const v1strata = structuredClone(v);
    for (const s of v1strata.strata) delete s.credited;
    expect(verifyEvidence(v1strata).join('\n')).toMatch(/strata: entries must have exactly/);
    const mixed = structuredClone(v);
    mixed.format = 'sj-evidence/1';
    expect(verifyEvidence(mixed).join('\n')).toMatch(/format\/algorithm/);
  });

  it('refuses an evidence value that integer arithmetic cannot hold', () => {
    const v = load(SPEC_VECTORS_V2_DIR, 'county-V2-1.json');
    v.draw.jointShare = 1e300;
    expect(verifyEvidence(v).join('\n')).toMatch(/jointShare/);
    const w = load(SPEC_VECTORS_V2_DIR, 'county-V2-1.json');
    w.snapshot.rules.tiers[4].pct = 2 ** 52;
    expect(verifyEvidence(w).join('\n')).toMatch(/cannot be recomputed|safe range/);
  });
});

describe('sj-draw/1 spec vectors (draws already made keep verifying)', () => {
  vectorSuite('sj-draw/1', SPEC_VECTORS_DIR, ['city-T-2.json', 'county-T-1.json', 'county-T-3.json']);

  it('reproduces the two starting values of spec §9', () => {
    const seed = seedOf('T-1', '12345678901234567890', 'sj-draw/1');
    expect(seed).toBe('c2c556f4d1a9e093c88ef7beaed7781fac04e9d14644818fca203bca063e7f43');
    expect(objectKey(seed, 'T02024', 'sj-draw/1')).toBe('0cfb702438a001a3fe2a949b81832204bc2b6ffb54daa126918489d44b9d5ea7');
  });
});

describe('canonical', () => {
  it('matches Python json.dumps(sort_keys, separators, ensure_ascii=False)', () => {
    expect(canonical({ b: 1, a: [true, null, '衡水'], '2023': 'x', '131102': { z: 'q"\\\n\t\u0001' } })).toBe(
      '{"131102":{"z":"q\\"\\\\\\n\\t\\u0001"},"2023":"x","a":[true,null,"衡水"],"b":1}',
    );
  });
  it('orders keys by code point, not UTF-16 unit', () => {
    expect(canonical({ '\u{1F600}': 1, '\uFF01': 2 })).toBe('{"！":2,"😀":1}');
  });
  it('refuses non-integers', () => {
    expect(() => canonical({ a: 1.5 })).toThrow();
  });
});
