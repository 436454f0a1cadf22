/**
 * The shared integer arithmetic (src/core/arith.ts): ceilDiv, T, the tier quota, J, exact share
 * comparison and the shown percentage. Expected values are worked out by hand in the comments, or
 * checked against an independent characterisation (the smallest q with q·b ≥ a; the interval a
 * half-up rounding must fall in), never by calling the code under test for the answer.
 */
import { describe, expect, it } from 'vitest';
import {
  ArithmeticRangeError, bpPercent, bpText, ceilDiv, classMinimum, jointCount, mulSafe, neededForShare,
  percentText, shareBp, shareMet, tierQuota,
} from '../src/core/arith.js';

const MAX = Number.MAX_SAFE_INTEGER; // 2^53 − 1 = 9007199254740991

describe('ceilDiv', () => {
  it('small operands: the smallest q with q·b ≥ a', () => {
    expect(ceilDiv(0, 1)).toBe(0);
    expect(ceilDiv(1, 1)).toBe(1);
    expect(ceilDiv(25000, 10000)).toBe(3); // 2.5 → 3
    expect(ceilDiv(20000, 10000)).toBe(2); // exact: no rounding up
    expect(ceilDiv(20001, 10000)).toBe(3);
    const wrong: string[] = [];
    for (let a = 0; a <= 300; a++) {
      for (let b = 1; b <= 25; b++) {
        let q = 0;
        while (q * b < a) q++;
        if (ceilDiv(a, b) !== q) wrong.push(`${a}/${b}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('exact near 2^53, where (a + b − 1) / b in doubles would round', () => {
    expect(ceilDiv(MAX, 1)).toBe(MAX);
    expect(ceilDiv(MAX, MAX)).toBe(1);
    expect(ceilDiv(MAX - 1, MAX)).toBe(1);
    expect(ceilDiv(0, MAX)).toBe(0);
    // 2^53 − 1 = 2 × 2^52 − 1 → 2^52
    expect(ceilDiv(MAX, 2)).toBe(4503599627370496);
    // 3 × 3002399751580330 = 9007199254740990 < 2^53 − 1 ≤ 3 × 3002399751580331; in doubles
    // a + b − 1 = 2^53 + 1 rounds down to 2^53 and the quotient floors to …330
    expect(ceilDiv(MAX, 3)).toBe(3002399751580331);
    // 900719925474 × 10000 = 9007199254740000 < 9007199254740991
    expect(ceilDiv(MAX, 10000)).toBe(900719925475);
    expect(ceilDiv(9007199254740000, 10000)).toBe(900719925474);
  });

  it('refuses operands out of the safe integer range with ArithmeticRangeError', () => {
    for (const [a, b] of [
      [2 ** 53, 1], // not a safe integer
      [MAX + 2, 3],
      [-1, 2],
      [1.5, 1],
      [Number.NaN, 1],
      [Number.POSITIVE_INFINITY, 1],
      [1, 0], // divisor must be ≥ 1
      [1, -1],
      [1, 2 ** 53],
      [1, 0.5],
    ] as const) {
      expect(() => ceilDiv(a, b), `${a}/${b}`).toThrow(ArithmeticRangeError);
    }
    // a RangeError that names the value refused
    expect(() => ceilDiv(2 ** 53, 1)).toThrow(RangeError);
    expect(() => ceilDiv(2 ** 53, 1)).toThrow(/9007199254740992/);
  });

  it('mulSafe: exact products, refused beyond 2^53 − 1', () => {
    expect(mulSafe(94906265, 94906265)).toBe(9007199136250225); // 94906265² < 2^53
    expect(mulSafe(0, MAX)).toBe(0);
    expect(() => mulSafe(94906267, 94906267)).toThrow(ArithmeticRangeError); // 9007199515875289 > 2^53 − 1
    expect(() => mulSafe(-2, 3)).toThrow(ArithmeticRangeError);
  });
});

describe('classMinimum: T = min(N, ceilDiv(N × rate, 10000))', () => {
  it('the plan rates, by hand', () => {
    expect(classMinimum(0, 2500)).toBe(0);
    expect(classMinimum(1, 2500)).toBe(1); // 0.25 → 1
    expect(classMinimum(4, 2500)).toBe(1); // exactly 1
    expect(classMinimum(5, 2500)).toBe(2); // 1.25 → 2
    expect(classMinimum(8, 2500)).toBe(2);
    expect(classMinimum(7, 5000)).toBe(4); // 3.5 → 4
    expect(classMinimum(14, 1000)).toBe(2); // city key: 1.4 → 2
    expect(classMinimum(10, 1000)).toBe(1);
    expect(classMinimum(20, 300)).toBe(1); // general 3%: 0.6 → 1
    expect(classMinimum(34, 300)).toBe(2); // 1.02 → 2
    expect(classMinimum(3, 10000)).toBe(3); // the positive list: a census
  });
  it('never above N; a rate of 0 (or below) requires nothing', () => {
    expect(classMinimum(3, 15000)).toBe(3); // ceil(4.5) = 5, capped at 3
    expect(classMinimum(3, 0)).toBe(0);
    expect(classMinimum(3, -100)).toBe(0);
  });
  it('refuses a population whose product with the rate leaves the safe range', () => {
    expect(() => classMinimum(2 ** 50, 2500)).toThrow(ArithmeticRangeError); // 2^50 × 2500 > 2^53
  });
});

describe('tierQuota: n_t = min(N_t, ceilDiv(N_t × rate × pct, 1000000))', () => {
  it('by hand', () => {
    expect(tierQuota(0, 2500, 100)).toBe(0);
    expect(tierQuota(4, 2500, 100)).toBe(1); // 4 × 25% × 100% = 1
    expect(tierQuota(10, 2500, 50)).toBe(2); // 10 × 25% × 50% = 1.25 → 2
    expect(tierQuota(10, 2500, 300)).toBe(8); // 7.5 → 8
    expect(tierQuota(10, 2500, 200)).toBe(5); // exactly 5
    expect(tierQuota(2, 5000, 300)).toBe(2); // 3, capped at N_t = 2
    expect(tierQuota(1, 300, 50)).toBe(1); // 0.015 → 1
  });
  it('refuses an overflowing product', () => {
    expect(() => tierQuota(1_000_000, 10000, 1_000_000)).toThrow(ArithmeticRangeError); // 10^16 > 2^53
  });
});

describe('jointCount: J = min(n, ceilDiv(n × share, 10000))', () => {
  it('by hand', () => {
    expect(jointCount(0, 3000)).toBe(0);
    expect(jointCount(1, 3000)).toBe(1); // 0.3 → 1
    expect(jointCount(3, 3000)).toBe(1); // 0.9 → 1
    expect(jointCount(4, 3000)).toBe(2); // 1.2 → 2
    expect(jointCount(10, 3000)).toBe(3); // exactly 3
    expect(jointCount(11, 3000)).toBe(4); // 3.3 → 4
    expect(jointCount(5, 10000)).toBe(5);
    expect(jointCount(5, 12000)).toBe(5); // capped at n
    expect(jointCount(5, 0)).toBe(0);
  });
  it('J/n always meets the share it was made for', () => {
    for (let n = 1; n <= 200; n++) {
      for (const s of [1, 2999, 3000, 3001, 3333, 5000, 9999]) {
        const j = jointCount(n, s);
        expect(j * 10000 >= s * n, `${j}/${n} at ${s}`).toBe(true); // meets
        expect((j - 1) * 10000 < s * n, `${j - 1}/${n} at ${s}`).toBe(true); // and is the least that does
      }
    }
  });
  it('refuses an overflowing product', () => {
    expect(() => jointCount(2 ** 52, 3000)).toThrow(ArithmeticRangeError);
  });
});

describe('shares: exact comparison, floored basis points', () => {
  it('shareMet compares num × 10000 with threshold × den, no rounding', () => {
    expect(shareMet(3, 10, 3000)).toBe(true); // exactly 30%
    expect(shareMet(2999, 10000, 3000)).toBe(false); // 29.99%
    expect(shareMet(1, 3, 3333)).toBe(true); // 33.33…% ≥ 33.33%
    expect(shareMet(1, 3, 3334)).toBe(false);
    expect(shareMet(4, 5, 8000)).toBe(true);
    expect(shareMet(799, 1000, 8000)).toBe(false);
    expect(shareMet(0, 0, 3000)).toBe(true); // vacuous: the checks decide what no tasks means
  });
  it('shareBp floors; null without a denominator', () => {
    expect(shareBp(1, 3)).toBe(3333);
    expect(shareBp(2, 3)).toBe(6666); // floored, not 6667
    expect(shareBp(19, 56)).toBe(3392); // 3392.857…
    expect(shareBp(5, 5)).toBe(10000);
    expect(shareBp(0, 7)).toBe(0);
    expect(shareBp(0, 0)).toBeNull();
  });
});

/** "33.9%" → 339 (tenths of a percent) */
const tenths = (s: string): number => {
  const m = /^(\d+)\.(\d)%$/.exec(s);
  if (!m) throw new Error(`not a one-decimal percentage: ${s}`);
  return Number(m[1]) * 10 + Number(m[2]);
};

/** v tenths of a percent is num/den rounded half up iff (2v − 1)·den ≤ 2000·num < (2v + 1)·den */
const isHalfUp = (v: number, num: number, den: number): boolean => (2 * v - 1) * den <= 2000 * num && 2000 * num < (2 * v + 1) * den;

describe('percentText: one decimal, rounded half up', () => {
  it('the cases of the issue, by hand', () => {
    expect(percentText(19, 56)).toBe('33.9%'); // 33.928…% (it used to show as 33.92%)
    expect(percentText(19, 56, 2)).toBe('33.93%'); // rounded, not truncated
    expect(percentText(1, 8)).toBe('12.5%'); // exact
    expect(percentText(1, 3)).toBe('33.3%');
    expect(percentText(2, 3)).toBe('66.7%'); // 66.66…% rounds up
    expect(percentText(1, 3, 2)).toBe('33.33%');
    expect(percentText(2, 3, 2)).toBe('66.67%');
    expect(percentText(0, 5)).toBe('0.0%');
    expect(percentText(5, 5)).toBe('100.0%');
    expect(percentText(0, 0)).toBe('—');
    expect(percentText(3, 0)).toBe('—');
  });
  it('a half rounds up', () => {
    expect(percentText(1, 16)).toBe('6.3%'); // 6.25%
    expect(percentText(1, 80)).toBe('1.3%'); // 1.25%
    expect(percentText(1, 8, 0)).toBe('13%'); // 12.5%
    expect(percentText(1, 3, 0)).toBe('33%');
    expect(percentText(1, 400, 1)).toBe('0.3%'); // 0.25%
  });
  it('every fraction up to 1 with den ≤ 300 lands in its half-up interval', () => {
    const wrong: string[] = [];
    for (let den = 1; den <= 300; den++) {
      for (let num = 0; num <= den; num++) if (!isHalfUp(tenths(percentText(num, den)), num, den)) wrong.push(`${num}/${den}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('bpText: floored basis points, one decimal half up', () => {
  it('by hand', () => {
    expect(bpText(3333)).toBe('33.3%');
    expect(bpText(3392)).toBe('33.9%');
    expect(bpText(3394)).toBe('33.9%');
    expect(bpText(3395)).toBe('34.0%'); // 33.95% rounds up
    expect(bpText(10000)).toBe('100.0%');
    expect(bpText(0)).toBe('0.0%');
    expect(bpText(5)).toBe('0.1%'); // 0.05%
    expect(bpText(4)).toBe('0.0%');
    expect(bpText(null)).toBe('—');
  });
  it('flooring to basis points first loses nothing: the true share, rounded half up', () => {
    // the half-way points (x.x5%) lie on the basis-point grid, so the floor never crosses one
    const wrong: string[] = [];
    for (let den = 1; den <= 300; den++) {
      for (let num = 0; num <= den; num++) {
        const bp = Math.floor((num * 10000) / den); // the floor, by hand
        if (!isHalfUp(tenths(bpText(bp)), num, den)) wrong.push(`${num}/${den}`);
      }
    }
    expect(wrong).toEqual([]);
  });
  it('bpPercent: a threshold as people write it', () => {
    expect(bpPercent(3000)).toBe('30%');
    expect(bpPercent(8000)).toBe('80%');
    expect(bpPercent(10000)).toBe('100%');
    expect(bpPercent(1250)).toBe('12.5%');
    expect(bpPercent(3333)).toBe('33.33%');
  });
});

describe('neededForShare: smallest k with (part + k)/(total + k) ≥ threshold', () => {
  it('by hand', () => {
    expect(neededForShare(0, 0, 3000)).toBe(0);
    expect(neededForShare(3, 10, 3000)).toBe(0);
    expect(neededForShare(2, 10, 3000)).toBe(2); // (2+1)/11 = 27.3%, (2+2)/12 = 33.3%
    expect(neededForShare(0, 100, 3000)).toBe(43); // 43/143 = 30.07%, 42/142 = 29.58%
    expect(neededForShare(10, 100, 8000)).toBe(350); // 360/450 = 80%
    expect(neededForShare(4, 6, 8000)).toBe(4); // 8/10 = 80%; 7/9 = 77.8%
    expect(neededForShare(1, 1, 10000)).toBe(0);
    expect(neededForShare(1, 2, 10000)).toBeNull(); // 100% can never be reached by adding
  });
  it('brute force agrees', () => {
    for (let n = 0; n < 40; n++) {
      for (let j = 0; j <= n; j++) {
        for (const thr of [3000, 8000, 3333, 1]) {
          let k = 0;
          while ((j + k) * 10000 < thr * (n + k)) k++;
          expect(neededForShare(j, n, thr)).toBe(k);
        }
      }
    }
  });
});
