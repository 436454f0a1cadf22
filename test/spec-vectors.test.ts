import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { H } from '../src/core/hash.js';
import { objectKey, runDraw, seedOf } from '../src/core/draw.js';
import { SPEC_VECTORS_DIR } from './helpers.js';

const files = readdirSync(SPEC_VECTORS_DIR).filter((f) => f.endsWith('.json')).sort();

describe('sj-draw/1 spec vectors', () => {
  it('finds the three vectors', () => {
    expect(files).toEqual(['city-T-2.json', 'county-T-1.json', 'county-T-3.json']);
  });

  it('reproduces the two starting values of spec §9', () => {
    const seed = seedOf('T-1', '12345678901234567890');
    expect(seed).toBe('c2c556f4d1a9e093c88ef7beaed7781fac04e9d14644818fca203bca063e7f43');
    expect(objectKey(seed, 'T02024')).toBe('0cfb702438a001a3fe2a949b81832204bc2b6ffb54daa126918489d44b9d5ea7');
  });

  for (const f of files) {
    it(`reproduces ${f} bit for bit`, () => {
      const v = JSON.parse(readFileSync(join(SPEC_VECTORS_DIR, f), 'utf8'));
      const { seed: _s, ...draw } = v.draw;
      const out = runDraw({ draw, snapshot: v.snapshot }).evidence;
      expect(out.draw.seed).toBe(v.draw.seed);
      expect(H(canonical(v.snapshot))).toBe(v.snapshotHash);
      expect(out.snapshotHash).toBe(v.snapshotHash);
      expect(out.strata).toEqual(v.strata);
      expect(out.tasks).toEqual(v.tasks);
      expect(out.resultHash).toBe(v.resultHash);
      expect(H(canonical(v.tasks))).toBe(v.resultHash);
    });

    it(`is independent of the order of the lists in ${f}`, () => {
      const v = JSON.parse(readFileSync(join(SPEC_VECTORS_DIR, f), 'utf8'));
      const { seed: _s, ...draw } = v.draw;
      const snap = structuredClone(v.snapshot);
      snap.objects.reverse();
      snap.inspectors.reverse();
      snap.experts.reverse();
      snap.avoidance.reverse();
      const out = runDraw({ draw, snapshot: snap }).evidence;
      expect(out.tasks).toEqual(v.tasks);
      expect(out.strata).toEqual(v.strata);
    });
  }
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
