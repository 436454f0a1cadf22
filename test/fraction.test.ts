import { describe, expect, it } from 'vitest';
import { add, cmp, countedSum, div, divBy, frac, fracText, mul, ONE, sub, toNumber, ZERO } from '../src/core/fraction.js';

/** gcd by BigInt alone, the reference for the reduced forms */
const gcdRef = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcdRef(b, a % b));

describe('exact fractions: always reduced, the denominator positive', () => {
  it('small numbers (Euclid on doubles)', () => {
    expect(fracText(frac(6, 4))).toBe('3/2');
    expect(fracText(frac(0, 7))).toBe('0');
    expect(frac(0, 7)).toEqual({ n: 0n, d: 1n });
    expect(fracText(frac(3, -6))).toBe('-1/2');
    expect(fracText(frac(-4, -2))).toBe('2');
    expect(() => frac(1, 0)).toThrow(RangeError);
    expect(fracText(add(frac(1, 6), frac(1, 3)))).toBe('1/2');
    expect(fracText(sub(frac(1), frac(1, 3)))).toBe('2/3');
    expect(fracText(div(frac(2, 9), frac(4, 3)))).toBe('1/6');
  });

  it('around and beyond 2^53 (Euclid on BigInt), the same as a BigInt-only reduction', () => {
    const big = 2n ** 53n;
    const cases: [bigint, bigint][] = [
      [big - 1n, (big - 1n) * 3n], [big, big * 6n], [big + 2n, 4n], [3n ** 40n * 10n, 3n ** 38n * 4n],
      [123456789012345678901234567890n, 987654321098765432109876543210n], [-(big * 9n), big * 12n],
    ];
    for (const [n, d] of cases) {
      const g = gcdRef(n, d);
      const want = d / g < 0n ? { n: -n / g, d: -d / g } : { n: n / g, d: d / g };
      expect(frac(n, d), `${n}/${d}`).toEqual(want);
    }
    // a product of many quarter chances: numerators and denominators far past 2^53
    let p = frac(1);
    for (let k = 0; k < 12; k++) p = mul(p, frac(97 + k, 1000 + 7 * k));
    expect(gcdRef(p.n, p.d)).toBe(1n);
    expect(cmp(p, frac(0))).toBe(1);
    expect(toNumber(frac(1, 3))).toBeCloseTo(1 / 3, 15);
  });

  it('zeros and ones, a fraction by itself, a count, a counted sum: the same values as the general rule', () => {
    const x = frac(7, 12);
    expect(add(ZERO, x)).toEqual(x);
    expect(add(x, ZERO)).toEqual(x);
    expect(sub(x, ZERO)).toEqual(x);
    expect(fracText(sub(ZERO, x))).toBe('-7/12');
    expect(mul(ONE, x)).toEqual(x);
    expect(mul(x, ONE)).toEqual(x);
    expect(mul(ZERO, x)).toEqual(ZERO);
    expect(mul(x, frac(0, 5))).toEqual(ZERO);
    expect(div(x, x)).toEqual(ONE);
    expect(div(x, frac(7, 12))).toEqual(ONE);
    expect(() => div(ZERO, ZERO)).toThrow(RangeError);
    expect(fracText(divBy(x, 14))).toBe('1/24');
    expect(divBy(x, 1)).toEqual(x);
    expect(() => divBy(x, 0)).toThrow(RangeError);
    // Σ value × count: 7/12 × 3 + 1/3 × 1 + 0 × 5 = 25/12
    expect(fracText(countedSum(new Map([[x, 3], [frac(1, 3), 1], [ZERO, 5]])))).toBe('25/12');
    expect(countedSum(new Map())).toEqual(ZERO);
  });
});
