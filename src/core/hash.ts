import * as crypto from 'node:crypto';
import { canonicalChunks, canonicalParts, compareCodePoints, type CanonicalPart } from './canonical.js';

type OneShot = (algorithm: string, data: string, outputEncoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** H(s) of sj-draw/1: SHA-256 of the UTF-8 bytes of s, 64 lowercase hex digits. */
export const H: (s: string) => string = oneShot
  ? (s) => oneShot('sha256', s, 'hex')
  : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

export const ZERO_HASH = '0'.repeat(64);

/**
 * H(canonical(x)) fed to SHA-256 in chunks, so evidence of any size is hashed without one
 * string holding all of its canonical JSON. With `keep`, the pieces hashed are kept (as strings) for
 * takeCanonicalText(x) (a draw's snapshot: hashed by runDraw, then stored by the caller).
 */
export function hashCanonical(x: unknown, opts: { keep?: boolean } = {}): string {
  const h = crypto.createHash('sha256');
  if (!opts.keep || typeof x !== 'object' || x === null) {
    canonicalChunks(x, (s) => h.update(s, 'utf8'));
    return h.digest('hex');
  }
  let pieces: CanonicalPiece[] | null = [];
  let size = 0;
  canonicalParts(x, (s, part) => {
    // hashed as a string and kept as one: a UTF-8 copy per piece (a fresh allocation each) cost
    // more than the hashing itself; the store encodes the pieces into one reused buffer
    h.update(s, 'utf8');
    size += 2 * s.length;
    if (size > KEEP_BYTES) pieces = null; // too large to keep: let go of what was kept so far at once
    else pieces?.push({ text: s, part });
  }, 1 << 18);
  if (pieces) kept.set(x, pieces);
  return h.digest('hex');
}

/** canonical(x) as canonicalParts cut it. */
export interface CanonicalPiece {
  text: string;
  part: CanonicalPart;
}

/**
 * The pieces hashCanonical(x, { keep: true }) hashed, handed over once (and forgotten), or
 * undefined. A draw serialises its snapshot and tasks to hash them; the evidence store writes
 * those same bytes instead of serialising them a second time (issue 13). The value must not
 * have changed since: a draw's do not.
 */
export function takeCanonicalText(x: object): CanonicalPiece[] | undefined {
  const pieces = kept.get(x);
  kept.delete(x);
  return pieces;
}

/**
 * Kept text above this size (bytes of JS string, two per UTF-16 unit: a snapshot of some 350k
 * objects) is hashed and dropped: at 1M objects the peak memory mattered more than a second
 * serialisation.
 */
const KEEP_BYTES = 192 * 1024 * 1024;
const kept = new WeakMap<object, CanonicalPiece[]>();

/**
 * H(canonical(o)) and H(canonical(o[key])) in one pass: o[key]'s canonical text, usually most of
 * o's, is made once and fed to both (verify: an evidence's payload hash and its snapshot hash).
 * o's members are written as canonical() writes an object's: sorted by code point, undefined
 * ones left out.
 */
export function hashCanonicalWithMember(o: Record<string, unknown>, key: string): { whole: string; member: string } {
  const whole = crypto.createHash('sha256');
  const member = crypto.createHash('sha256');
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(compareCodePoints);
  whole.update('{');
  keys.forEach((k, i) => {
    whole.update(`${i ? ',' : ''}${JSON.stringify(k)}:`, 'utf8');
    canonicalChunks(o[k], k === key ? (s) => {
      whole.update(s, 'utf8');
      member.update(s, 'utf8');
    } : (s) => whole.update(s, 'utf8'));
  });
  whole.update('}');
  return { whole: whole.digest('hex'), member: member.digest('hex') };
}
