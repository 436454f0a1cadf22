/**
 * Exact non-negative fractions (BigInt numerator / denominator, always reduced), for the
 * fairness figures: a probability is computed exactly and only rounded when shown.
 * Pure, no floating point except toNumber (for the simulation's comparison and charts).
 */

export interface Frac {
  readonly n: bigint;
  readonly d: bigint;
}

/** 2^53: integers below it are exact as doubles, and so is % between them */
const EXACT = 2n ** 53n;

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  if (x < EXACT && y < EXACT) {
    // the usual case (counts of a roster and their products): Euclid on doubles, where each
    // step is arithmetic and not a new BigInt
    let p = Number(x);
    let q = Number(y);
    while (q) {
      const r = p % q;
      p = q;
      q = r;
    }
    return BigInt(p);
  }
  while (y) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
};

export function frac(n: bigint | number, d: bigint | number = 1n): Frac {
  let nn = typeof n === 'bigint' ? n : BigInt(n);
  let dd = typeof d === 'bigint' ? d : BigInt(d);
  if (dd === 0n) throw new RangeError('fraction with denominator 0');
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  const g = gcd(nn, dd);
  // (dd ≠ 0, so g ≥ 1)
  return g === 1n ? { n: nn, d: dd } : { n: nn / g, d: dd / g };
}

export const ZERO: Frac = { n: 0n, d: 1n };
export const ONE: Frac = { n: 1n, d: 1n };
// (a zero or a one is given back as the other operand: already reduced, so the same value)
export const add = (a: Frac, b: Frac): Frac => (a.n === 0n ? b : b.n === 0n ? a : frac(a.n * b.d + b.n * a.d, a.d * b.d));
export const sub = (a: Frac, b: Frac): Frac => (b.n === 0n ? a : frac(a.n * b.d - b.n * a.d, a.d * b.d));
export const mul = (a: Frac, b: Frac): Frac => (a.n === a.d ? b : b.n === b.d ? a : a.n === 0n || b.n === 0n ? ZERO : frac(a.n * b.n, a.d * b.d));
export const div = (a: Frac, b: Frac): Frac => (a === b && b.n !== 0n ? ONE : frac(a.n * b.d, a.d * b.n));
/** f / k for a count k (one reduction, not two) */
export const divBy = (f: Frac, k: number): Frac => frac(f.n, f.d * BigInt(k));
export const cmp = (a: Frac, b: Frac): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const eq = (a: Frac, b: Frac): boolean => a.n === b.n && a.d === b.d;
export const sum = (xs: Iterable<Frac>): Frac => {
  let s = ZERO;
  for (const x of xs) s = add(s, x);
  return s;
};

/** "n/d" (or "n" when d = 1). */
export const fracText = (f: Frac): string => (f.d === 1n ? String(f.n) : `${f.n}/${f.d}`);

/** f as a decimal number with `decimals` decimals, rounded half up, exactly (e.g. 6.0, 12.50). */
export function decimalText(f: Frac, decimals = 1): string {
  const scale = 10n ** BigInt(decimals);
  const units = (2n * f.n * scale + f.d) / (2n * f.d);
  const whole = units / scale;
  const part = units % scale;
  return decimals > 0 ? `${whole}.${String(part).padStart(decimals, '0')}` : String(whole);
}

/** f as a percentage ("12.5%"), rounded half up, exactly. */
export const percentText = (f: Frac, decimals = 1): string => `${decimalText({ n: f.n * 100n, d: f.d }, decimals)}%`; // rounded by value: no need to reduce

const E18 = 10n ** 18n;

/** f as a double (for the simulation's intervals and the chart's bar lengths only). */
export function toNumber(f: Frac): number {
  if (f.n === 0n) return 0;
  return Number((f.n * E18) / f.d) / 1e18;
}

/** Σ of values counted by identity (Σ value × count): a sum over many objects with few distinct values. */
export function countedSum(counts: ReadonlyMap<Frac, number>): Frac {
  let s = ZERO;
  for (const [f, k] of counts) s = add(s, k === 1 ? f : frac(f.n * BigInt(k), f.d));
  return s;
}

