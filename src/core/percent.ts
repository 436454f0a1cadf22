/**
 * Shares as people write them on a command line (30%, 30, 12.5%) → basis points, the unit the
 * rules files and the draw use (3000 = 30%). Pure.
 *
 * - `30%`, `30 %`, `30％` and a bare `30` are percent; up to two decimals (`12.5%`, `12.25%`),
 *   since a basis point is a hundredth of a percent.
 * - Basis points only with an explicit suffix: `3000bp`. A bare 3000 would otherwise be read as
 *   3000 % and refused, rather than silently meaning 30 %.
 * - A bare number between 0 and 1 (`0.3`) is refused as ambiguous: 0.3 % or the fraction 30 %?
 * - Above 100 % is refused.
 */
export type PercentParse =
  | { ok: true; bp: number }
  | { ok: false; reason: 'format' | 'range' }
  /** `0.3`: the basis points it would be as a fraction (3000), for the message */
  | { ok: false; reason: 'ambiguous'; fractionBp: number };

export const MAX_BP = 10_000;

const PERCENT = /^(\d+(?:\.\d{1,2})?)\s*([%％])?$/u;
const BASIS_POINTS = /^(\d+)\s*bp$/iu;

/** Full-width digits and point (３０％, as a Chinese input method types them) → ASCII. */
const halfWidth = (s: string): string => s.replace(/[０-９．]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

export function parsePercent(text: string): PercentParse {
  const s = halfWidth(text.trim());
  const bpMatch = BASIS_POINTS.exec(s);
  if (bpMatch) {
    const bp = Number(bpMatch[1]);
    return bp > MAX_BP ? { ok: false, reason: 'range' } : { ok: true, bp };
  }
  const m = PERCENT.exec(s);
  if (!m) return { ok: false, reason: 'format' };
  const [whole, frac = ''] = m[1]!.split('.');
  // exact: integer arithmetic on the digits, never 12.35 * 100 in floating point
  const bp = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!m[2] && bp > 0 && bp < 100) return { ok: false, reason: 'ambiguous', fractionBp: bp * 100 };
  return bp > MAX_BP ? { ok: false, reason: 'range' } : { ok: true, bp };
}
