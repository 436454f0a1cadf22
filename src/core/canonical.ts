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
 * canonical() streams: objects member by member, arrays longer than LONG in batches of BATCH,
 * each batch (and every shorter array) prepared and written by one JSON.stringify. That keeps
 * the copies short-lived (a whole-value copy of a 1M-object evidence cost more in GC than it
 * saved), and a batch's text below V8's large-object size: a string of that size or more gets
 * memory of its own, fresh from the system each time (a page fault per 4 KB, 14 µs each on
 * the machines measured), which cost 2.4 times the writing itself.
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
  canonicalChunks(x, (c) => (s += c), Infinity); // one chunk, or one per long array and text around it
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
 * string holding all of it. A piece holds about chunkSize UTF-16 units or more, or is one batch
 * of BATCH array elements of half that or more, on its own; shorter pieces come where a long
 * array starts or ends. A piece never splits a character.
 */
export function canonicalChunks(x: unknown, write: (s: string) => void, chunkSize = 1 << 15): void {
  canonicalParts(x, (s) => write(s), chunkSize);
}

/**
 * canonical(x) in pieces, as canonicalChunks, each tagged with where it lies, so that a reader
 * can rebuild x from the pieces one at a time (io/evidence-store.ts):
 * - `items` pieces hold whole elements of a long array (more than LONG elements) reached from
 *   x through object members only; `path` names those members, e.g. ["snapshot","objects"].
 *   The first piece of an array starts with its first element, every later one with the comma
 *   before its first element: `[` + the piece without that comma + `]` is JSON of its elements.
 * - `text` pieces hold everything else. Their concatenation is canonical(x) with every such
 *   long array written empty (`[]`): a small JSON document to put the elements back into.
 * The concatenation of all pieces, in order, is canonical(x).
 */
export type CanonicalPart = { kind: 'text'; path?: undefined } | { kind: 'items'; path: readonly string[] };

export function canonicalParts(x: unknown, write: (s: string, part: CanonicalPart) => void, chunkSize = 1 << 15): void {
  const sink = new ChunkSink(write, chunkSize);
  emit(x, sink, []);
  sink.flush();
}

/** Arrays longer than this are written in batches (and, reached through members, as `items` pieces). */
const LONG = 2048;
/** Elements per JSON.stringify: the text of 256 roster objects with Chinese names is about 60 KB, below 128 KB. */
const BATCH = 256;

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
function writeContainer(x: object, out: Out, child: (v: unknown, out: Out, key?: string) => void): void {
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
    child(o[keys[i]], out, keys[i]);
  }
  out.push('}');
}

/**
 * The streaming writer: long arrays in batches, objects member by member, the rest fast.
 * `path`: the members that lead from the top to x, or null below an array (where a long array
 * is written as text: its elements could not be put back by path).
 */
function emit(x: unknown, out: ChunkSink, path: string[] | null): void {
  if (typeof x !== 'object' || x === null) {
    writeMixed(x, out);
  } else if (Array.isArray(x) && x.length > LONG) {
    out.push('[');
    if (path) out.tag({ kind: 'items', path: path.slice() });
    for (let i = 0; i < x.length; i += BATCH) {
      // a batch and the comma before it are one push: a piece never ends inside or after a comma.
      // After the first batch, the element before it is written too and cut off again: the
      // piece is then one slice of JSON.stringify's text, not "," + a slice, a new string
      // that hashing and encoding would copy once more (about 10% of a 100k-object draw)
      const from = i ? i - 1 : 0;
      const batch = x.slice(from, i + BATCH);
      const p = prep(batch);
      if (p !== GENERAL) {
        const text = JSON.stringify(p);
        const head = i ? 1 + jsonElement((p as unknown[])[0]).length : 1; // "[" and the element before
        out.push(text.slice(head, -1)); // the batch's elements without its brackets, after a comma
        continue;
      }
      for (let j = i - from; j < batch.length; j++) {
        const one: string[] = []; // an element is small: written whole, then pushed with its comma
        writeMixed(batch[j], one);
        out.push((i || j ? ',' : '') + one.join(''));
      }
    }
    if (path) out.tag(TEXT);
    out.push(']');
  } else if (Array.isArray(x)) {
    writeMixed(x, out);
  } else {
    writeContainer(x, out, (v, _o, key) => emit(v, out, path && key !== undefined ? [...path, key] : null));
  }
}

/** A prepared element as JSON.stringify writes it inside an array (undefined as null). */
function jsonElement(v: unknown): string {
  return v === undefined ? 'null' : JSON.stringify(v);
}

const TEXT: CanonicalPart = { kind: 'text' };

/**
 * Gathers pieces into chunks of about `size` UTF-16 units before handing them on; a new tag
 * starts a new chunk.
 */
class ChunkSink implements Out {
  private buf = '';
  private part: CanonicalPart = TEXT;
  constructor(
    private readonly write: (s: string, part: CanonicalPart) => void,
    private readonly size: number,
  ) {}
  push(s: string): void {
    if (2 * s.length >= this.size) {
      // a batch of half a chunk or more goes on as it is: appended, it would be copied once
      // more, and the piece, two strings joined, flattened into a new string where it is read
      // (hashed, encoded). A batch of 256 roster objects is about 0.9 of a draw's chunk.
      this.flush();
      this.write(s, this.part);
      return;
    }
    this.buf += s;
    if (this.buf.length >= this.size) this.flush();
  }
  tag(part: CanonicalPart): void {
    this.flush();
    this.part = part;
  }
  flush(): void {
    if (this.buf) this.write(this.buf, this.part);
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

// ---- records: many objects with the same keys ----------------------------------------------------

// a string JSON.stringify would change: it needs escapes (or is a surrogate, paired or not)
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * canonical() for a run of objects that all have the same keys (roster rows): the keys are
 * sorted once, and each call writes the members from the values given in `keys` order. The
 * same text as canonical() of the object, for any values: strings without escapes are quoted
 * in place, lists of strings by one JSON.stringify, an empty plain object as `{}`, anything
 * else by canonical(); an undefined value leaves its member out, as canonical() does.
 * The values of the keys in `opts.json` come as JSON text that is already canonical (a value
 * another canonical() call wrote), and are written as they are.
 */
export function canonicalRecord(keys: readonly string[], opts: { json?: readonly string[] } = {}): (values: readonly unknown[]) => string {
  const order = keys.map((k, i) => ({ k, i })).sort((a, b) => compareCodePoints(a.k, b.k));
  const at = order.map((o) => o.i);
  const prefix = order.map((o) => JSON.stringify(o.k) + ':');
  const verbatim = order.map((o) => opts.json?.includes(o.k) ?? false);
  return (values) => {
    let s = '{';
    for (let j = 0; j < at.length; j++) {
      const v = values[at[j]];
      if (v === undefined) continue;
      s += (s.length > 1 ? ',' : '') + prefix[j] + (verbatim[j] ? (v as string) : recordValue(v));
    }
    return s + '}';
  };
}

function recordValue(v: unknown): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype && v.every((x) => typeof x === 'string')) return JSON.stringify(v);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && isEmptyObject(v)) return '{}';
  return canonical(v);
}

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
