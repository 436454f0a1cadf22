import { describe, expect, it } from 'vitest';
import { canonical } from '../src/core/canonical.js';
import { sameCanonical, sameJson } from '../src/core/verify.js';

/** The walk that replaces serialising in verify's comparisons says what canonical() equality says. */
describe('sameJson / sameCanonical', () => {
  const pairs: [string, unknown, unknown][] = [
    ['key order does not matter', { a: 1, b: [1, 'x', null, true] }, { b: [1, 'x', null, true], a: 1 }],
    ['a changed value', { a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } }],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }],
    ['an extra key', { a: 1 }, { a: 1, c: null }],
    ['null against a missing value', { a: null }, { b: null }],
    ['array length', [1, 2], [1, 2, 3]],
    ['array order', [1, 2], [2, 1]],
    ['array against object', [1], { 0: 1 }],
    ['number against string', { a: 1 }, { a: '1' }],
    ['integer-like keys', { 10: 'a', 2: 'b' }, { 2: 'b', 10: 'a' }],
    ['non-BMP strings', { s: '𠀀a' }, { s: '𠀀a' }],
    ['an undefined member (canonical drops it)', { a: 1, u: undefined }, { a: 1 }],
  ];
  for (const [what, a, b] of pairs) {
    it(what, () => {
      const equal = canonical(a) === canonical(b);
      expect(sameCanonical(a, b)).toBe(equal);
      expect(sameCanonical(b, a)).toBe(equal);
      // the walk alone never claims an equality canonical() denies
      if (sameJson(a, b)) expect(equal).toBe(true);
    });
  }
});
