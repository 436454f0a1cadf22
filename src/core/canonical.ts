/**
 * canonical(x) of sj-draw §1: JSON with members sorted by key in Unicode code point order,
 * no whitespace, integers only, non-ASCII written as itself. Equal to Python's
 * json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
 *
 * Two paths give the same bytes:
 * - the fast path builds key-sorted copies (only where an object's keys are not already in
 *   order, or it is not a plain object) and lets JSON.stringify write strings, arrays and
 *   member lists. JSON.stringify keeps insertion order for string keys, except that it writes
 *   integer-like keys ("2023", "131102") first and in numeric order, so an object with a key
 *   starting with a digit (or an own "__proto__", which a plain copy cannot hold) is not
 *   copied: it, and every object or array around it, is written by the general path.
 * - the general path writes piece by piece (canonicalGeneral: the reference, kept for tests).
 * canonical() streams: objects member by member, arrays longer than BATCH in batches, each
 * batch (and every shorter array) prepared and written by one JSON.stringify. That keeps the
 * copies short-lived (a whole-value copy of a 1M-object evidence cost more in GC than it saved).
 *
 * Strings go through JSON.stringify on both paths: it escapes exactly `"`, `\` and C0
 * controls (short forms for \b\f\n\r\t, lowercase \u00xx otherwise), like Python. A lone
 * surrogate, which §1 forbids in the data, comes out escaped as `\udxxx` (lowercase).
 */

/** Marks a value the fast path cannot hand to JSON.stringify as it is or as a copy. */
const GENERAL: unique symbol = Symbol('general');
type Prepared = unknown;

export function canonical(x: unknown): string {
  let s = '';
  canonicalChunks(x, (c) => (s = c), Infinity); // one chunk: the whole text
  return s;
}

/** The general path alone: piece by piece, no JSON.stringify of containers. */
export function canonicalGeneral(x: unknown): string {
  const out: string[] = [];
  writeGeneral(x, out);
  return out.join('');
}

/**
 * canonical(x) as a sequence of pieces, so a huge value can be hashed or written without one
 * string holding all of it. Each piece but the last holds at least chunkSize UTF-16 units
 * (a batch of BATCH array elements can make one larger) and never splits a character.
 */
export function canonicalChunks(x: unknown, write: (s: string) => void, chunkSize = 1 << 16): void {
  const sink = new ChunkSink(write, chunkSize);
  emit(x, sink);
  sink.flush();
}

const BATCH = 2048;

// ---- fast path: prepare a value JSON.stringify writes canonically ---------------------------

/**
 * x itself when JSON.stringify already writes it canonically, a key-sorted copy when only
 * order (or the prototype) is wrong, GENERAL when the general path must write it. Throws on
 * what canonical JSON cannot hold (non-integers, functions, symbols, bigints).
 */
function prep(x: unknown): Prepared {
  switch (typeof x) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return x;
    case 'number':
      return checkInteger(x);
    case 'object':
      if (x === null) return null;
      return Array.isArray(x) ? prepArray(x) : prepObject(x as Record<string, unknown>);
    default:
      return unsupported(x);
  }
}

function prepArray(a: unknown[]): Prepared {
  let copy: unknown[] | null = Object.getPrototypeOf(a) === Array.prototype ? null : [];
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const p = typeof v === 'object' && v !== null ? prep(v) : prepLeaf(v);
    if (p === GENERAL) return GENERAL;
    if (copy === null && p !== v) copy = a.slice(0, i);
    if (copy !== null) copy.push(p);
  }
  return copy ?? a;
}

function prepObject(o: Record<string, unknown>): Prepared {
  const shape = shapeOf(Object.keys(o));
  if (shape.general) return GENERAL;
  if (!shape.inOrder || Object.getPrototypeOf(o) !== Object.prototype) return sortedCopy(o, shape.sorted);
  // keys in order: keep o unless a member must change (then copy from that member on)
  const keys = shape.sorted;
  let copy: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    const p = typeof v === 'object' && v !== null ? prep(v) : prepLeaf(v);
    if (p === GENERAL) return GENERAL;
    if (copy === null && p !== v) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]] = o[keys[j]];
    }
    if (copy !== null) copy[keys[i]] = p;
  }
  return copy ?? o;
}

function sortedCopy(o: Record<string, unknown>, sorted: readonly string[]): Prepared {
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < sorted.length; i++) {
    const v = o[sorted[i]];
    const p = typeof v === 'object' && v !== null ? prep(v) : prepLeaf(v);
    if (p === GENERAL) return GENERAL;
    if (p !== undefined) copy[sorted[i]] = p;
  }
  return copy;
}

/** An object's key list, sorted once per shape: the lists an evidence holds repeat by the million. */
interface Shape {
  keys: readonly string[];
  sorted: readonly string[];
  inOrder: boolean;
  general: boolean;
}
const shapes: Shape[] = [];
const SHAPES = 16;
let nextShape = 0;

function shapeOf(keys: string[]): Shape {
  for (let s = 0; s < shapes.length; s++) if (sameKeys(shapes[s].keys, keys)) return shapes[s];
  const sorted = keys.slice().sort(compareCodePoints);
  const shape: Shape = {
    keys,
    sorted,
    inOrder: sorted.every((k, i) => k === keys[i]),
    general: keys.some(needsGeneral),
  };
  shapes[nextShape] = shape; // a small round-robin cache
  nextShape = (nextShape + 1) % SHAPES;
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A value that is not an object or array: itself, or a throw. */
function prepLeaf(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return v;
    case 'number':
      return checkInteger(v);
    default:
      return v === null ? v : unsupported(v);
  }
}

/** Keys JSON.stringify would not keep in insertion order (or a copy could not hold). */
function needsGeneral(k: string): boolean {
  const c = k.charCodeAt(0);
  return (c >= 48 && c <= 57) || k === '__proto__';
}

function checkInteger(x: number): number {
  if (!Number.isSafeInteger(x)) throw new TypeError(`canonical: not an integer: ${x}`);
  return x;
}

function unsupported(x: unknown): never {
  throw new TypeError(`canonical: unsupported value of type ${typeof x}`);
}

// ---- writers ---------------------------------------------------------------------------------

interface Out {
  push(s: string): unknown;
}

/** Fast where it can be, general around the objects that need it. */
function writeMixed(x: unknown, out: Out): void {
  const p = prep(x);
  if (p !== GENERAL) out.push(p === undefined ? 'null' : JSON.stringify(p));
  else writeContainer(x as object, out, writeMixed);
}

/** The reference writer: every token by hand, strings by JSON.stringify. */
function writeGeneral(x: unknown, out: Out): void {
  if (x === null || x === undefined) out.push('null');
  else if (typeof x === 'object') writeContainer(x, out, writeGeneral);
  else out.push(JSON.stringify(prepLeaf(x)));
}

/** An array or object, member by member; `child` writes each member's value. */
function writeContainer(x: object, out: Out, child: (v: unknown, out: Out) => void): void {
  if (Array.isArray(x)) {
    out.push('[');
    for (let i = 0; i < x.length; i++) {
      if (i) out.push(',');
      child(x[i], out);
    }
    out.push(']');
    return;
  }
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  keys.sort(compareCodePoints);
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    out.push(i ? `,${JSON.stringify(keys[i])}:` : `${JSON.stringify(keys[i])}:`);
    child(o[keys[i]], out);
  }
  out.push('}');
}

/** The streaming writer: long arrays in batches, objects member by member, the rest fast. */
function emit(x: unknown, out: ChunkSink): void {
  if (typeof x !== 'object' || x === null) {
    writeMixed(x, out);
  } else if (Array.isArray(x) && x.length > BATCH) {
    out.push('[');
    for (let i = 0; i < x.length; i += BATCH) {
      if (i) out.push(',');
      const batch = x.slice(i, i + BATCH);
      const p = prep(batch);
      if (p !== GENERAL) {
        out.push(JSON.stringify(p).slice(1, -1)); // the batch's elements without its brackets
        continue;
      }
      for (let j = 0; j < batch.length; j++) {
        if (j) out.push(',');
        emit(batch[j], out);
      }
    }
    out.push(']');
  } else if (Array.isArray(x)) {
    writeMixed(x, out);
  } else {
    writeContainer(x, out, (v) => emit(v, out));
  }
}

/** Gathers pieces into chunks of about `size` UTF-16 units before handing them on. */
class ChunkSink implements Out {
  private buf = '';
  constructor(
    private readonly write: (s: string) => void,
    private readonly size: number,
  ) {}
  push(s: string): void {
    this.buf += s;
    if (this.buf.length >= this.size) this.flush();
  }
  flush(): void {
    if (this.buf) this.write(this.buf);
    this.buf = '';
  }
}

// ---- orders ------------------------------------------------------------------------------------

/** Compare strings by Unicode code point (JS's default sort compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1; // a surrogate (astral code point) sorts after any BMP char
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Bytewise (UTF-8) comparison; for ASCII ids it equals plain code unit order. */
export function compareBytes(a: string, b: string): number {
  return compareCodePoints(a, b);
}
