/**
 * The integer arithmetic every rule of sj shares — one home for each: ceilDiv, the class
 * minimum T, the joint count J, exact share comparison and the shown percentage.
 * Pure, integers only (no floating point decides anything).
 */

/** A value read from an evidence file or a rules file that integer arithmetic cannot hold exactly. */
export class ArithmeticRangeError extends RangeError {
  constructor(what: string, value: unknown) {
    super(`${what}: ${String(value)} is not an integer in the safe range (0 … ${Number.MAX_SAFE_INTEGER})`);
  }
}

const checkInt = (what: string, x: number, min: number): void => {
  if (!Number.isSafeInteger(x) || x < min) throw new ArithmeticRangeError(what, x);
};

/**
 * ceilDiv(a, b) = floor((a + b − 1) / b) for a ≥ 0, b ≥ 1, both safe integers (spec §1).
 * Computed exactly (BigInt), so a product near 2^53 cannot round; an operand out of range —
 * e.g. a product of evidence values that overflowed — is refused, never silently rounded.
 */
export function ceilDiv(a: number, b: number): number {
  checkInt('ceilDiv numerator', a, 0);
  checkInt('ceilDiv divisor', b, 1);
  if (a <= 0x7fffffff && b <= 0x7fffffff) return Math.floor((a + b - 1) / b); // exact in doubles
  return Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b));
}

/** a × b, refused when the product leaves the safe integer range. */
export function mulSafe(a: number, b: number): number {
  checkInt('factor', a, 0);
  checkInt('factor', b, 0);
  const p = a * b;
  if (!Number.isSafeInteger(p)) throw new ArithmeticRangeError(`product ${a} × ${b}`, p);
  return p;
}

/** The plan's minimum of a (region, class): T = min(N, ceilDiv(N × rate, 10000)), rate in basis points. */
export function classMinimum(population: number, rateBp: number): number {
  if (rateBp <= 0) return 0;
  return Math.min(population, ceilDiv(mulSafe(population, rateBp), 10000));
}

/** A tier's quota n_t = min(N_t, ceilDiv(N_t × rate × pct, 1000000)) (spec §4). */
export function tierQuota(population: number, rateBp: number, pct: number): number {
  return Math.min(population, ceilDiv(mulSafe(mulSafe(population, rateBp), pct), 1000000));
}

/** Internal joint tasks among n tasks at a joint share in basis points: J = min(n, ceilDiv(n × share, 10000)). */
export function jointCount(tasks: number, shareBp: number): number {
  return Math.min(tasks, ceilDiv(mulSafe(tasks, shareBp), 10000));
}

/** num/den ≥ threshold (basis points), decided exactly: num × 10000 ≥ threshold × den. */
export const shareMet = (num: number, den: number, thresholdBp: number): boolean => num * 10000 >= thresholdBp * den;

/** num/den in basis points, floored (an exact lower bound, for JSON); null when den = 0. */
export function shareBp(num: number, den: number): number | null {
  if (den <= 0) return null;
  return Math.floor((num * 10000) / den);
}

/**
 * num/den as shown to people: a percentage with `decimals` decimals, rounded half up
 * (19/56 = 33.928…% → "33.9%"; with 2 decimals "33.93%"), "—" when den = 0. Exact: integers only.
 */
export function percentText(num: number, den: number, decimals = 1): string {
  if (den <= 0) return '—';
  const scale = 10 ** decimals;
  // round half up of num × 100 × scale / den
  const units = Math.floor((2 * num * 100 * scale + den) / (2 * den));
  const whole = Math.floor(units / scale);
  const frac = units % scale;
  return decimals > 0 ? `${whole}.${String(frac).padStart(decimals, '0')}%` : `${whole}%`;
}

/**
 * A share stored as floored basis points, shown with one decimal rounded half up. Exact: flooring
 * to 1/100 % and then rounding half up to 1/10 % equals rounding the true share half up.
 */
export const bpText = (bp: number | null): string => (bp === null ? '—' : percentText(bp, 10000, 1));

/** A threshold in basis points as a percentage ("30%", "12.5%"). */
export function bpPercent(bp: number): string {
  return bp % 100 === 0 ? `${bp / 100}%` : percentText(bp, 10000, bp % 10 === 0 ? 1 : 2);
}

/**
 * Smallest k ≥ 0 such that (part + k) / (total + k) ≥ threshold: how many more inspections of
 * the kind, added to the total, reach the share. null when none can (threshold ≥ 100% and short).
 */
export function neededForShare(part: number, total: number, thresholdBp: number): number | null {
  const gap = thresholdBp * total - 10000 * part;
  if (gap <= 0) return 0;
  if (thresholdBp >= 10000) return null;
  return ceilDiv(gap, 10000 - thresholdBp);
}
