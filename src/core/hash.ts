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
 * string holding all of its canonical JSON. With `keep`, the pieces hashed are kept, as UTF-8
 * bytes, for takeCanonicalText(x) (a draw's snapshot: hashed by runDraw, then stored by the
 * caller).
 */
export function hashCanonical(x: unknown, opts: KeepOptions = {}): string {
  const h = crypto.createHash('sha256');
  if (!opts.keep || typeof x !== 'object' || x === null) {
    canonicalChunks(x, (s) => h.update(s, 'utf8'));
    return h.digest('hex');
  }
  const arena = opts.arena ?? new TextArena();
  let pieces: CanonicalPiece[] | null = [];
  let size = 0;
  canonicalParts(x, (s, part) => {
    if (pieces === null) {
      h.update(s, 'utf8');
      return;
    }
    // encoded once: hashed from there, and the store writes and compresses those bytes as they
    // are (kept as strings, each piece was encoded three times: to hash it, to store it, and to
    // hand it to the compressing thread; and a JS string holds a Chinese name in two bytes a
    // character, twice its UTF-8)
    const bytes = arena.encode(s);
    h.update(bytes);
    size += bytes.length;
    if (size > KEEP_BYTES) pieces = null; // too large to keep: let go of what was kept so far at once
    else pieces.push({ bytes, part });
  }, PIECE_CHARS);
  if (pieces) kept.set(x, pieces);
  return h.digest('hex');
}

/**
 * The size of the pieces kept (UTF-16 units; core/canonical.ts canonicalParts): a batch of
 * roster objects is a piece of its own, never two joined (a joined piece is copied whole again
 * where it is read). The evidence store cuts the text it makes itself the same way.
 */
export const PIECE_CHARS = 1 << 15;

export interface KeepOptions {
  /** keep the text hashed (takeCanonicalText) */
  keep?: boolean;
  /** where the kept text is encoded (default: an arena of plain memory) */
  arena?: TextArena;
}

const encoder = new TextEncoder();

/**
 * UTF-8 text encoded into large blocks, a piece after another: no block of its own per piece
 * (a zeroed allocation each), no measuring of a piece before encoding it (room is made for
 * the most it can take, 3 bytes a UTF-16 unit, and what it did not take is used by the next).
 * A draw's store gives blocks of shared memory, which its compressing thread reads without a
 * copy (io/compress.ts sharedBlock).
 */
export class TextArena {
  private block: Uint8Array = new Uint8Array(0);
  private used = 0;
  constructor(
    private readonly newBlock: (bytes: number) => Uint8Array = (n) => new Uint8Array(n),
    private readonly blockBytes = ARENA_BLOCK,
  ) {}
  /** s as UTF-8, in bytes of this arena's that nothing else will write */
  encode(s: string): Uint8Array {
    const most = 3 * s.length;
    if (this.used + most > this.block.length) {
      this.block = this.newBlock(Math.max(this.blockBytes, most));
      this.used = 0;
    }
    const { written } = encoder.encodeInto(s, this.block.subarray(this.used));
    const bytes = this.block.subarray(this.used, this.used + written);
    this.used += written;
    return bytes;
  }
}
const ARENA_BLOCK = 8 << 20;

/** canonical(x) as canonicalParts cut it, as UTF-8 bytes. */
export interface CanonicalPiece {
  bytes: Uint8Array;
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
 * Kept text above this many UTF-8 bytes (a snapshot of some 800k objects; runDraw keeps none
 * above KEEP_TEXT_OBJECTS) is hashed and dropped: at 1M objects the peak memory mattered more
 * than a second serialisation.
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
