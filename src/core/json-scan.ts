/**
 * JSON read from its UTF-8 bytes without ever holding the whole text as one string (issue 13:
 * a 2M-object evidence file is 688 MB, more than V8's longest string, ~512 MB).
 *
 * scanJson() walks the bytes once and returns a skeleton: the large containers (more than
 * `chunk` bytes of text) with their members and elements, and everything smaller as byte
 * ranges: one value, or a run of consecutive array elements. Each range is later decoded and
 * handed to JSON.parse on its own, so JSON.parse still checks every byte of every small value,
 * and the scan itself checks the punctuation between them. Only the skeleton's few large
 * containers are walked by hand; the scan finds where a small value ends by counting brackets
 * outside strings (a malformed value then fails in JSON.parse).
 *
 * What comes out is what JSON.parse(new TextDecoder().decode(bytes)) gives: the same values,
 * the same key order (a repeated key keeps its first place and its last value), a leading
 * byte order mark skipped, malformed UTF-8 read as U+FFFD. Ranges start and end at ASCII
 * bytes, where UTF-8 decoding resynchronises, so decoding them one by one reads every byte
 * as decoding the whole would.
 */
import { canonical, canonicalChunks, compareCodePoints } from './canonical.js';

/** A scanned JSON value: a small one as its byte range, a large container by its parts. */
export type JsonNode = JsonText | JsonObject | JsonArray;
/** One value: bytes [start, end). */
export interface JsonText {
  kind: 'text';
  start: number;
  end: number;
}
/** A large object: its members in the order written (a key may repeat, as in the text). */
export interface JsonObject {
  kind: 'object';
  members: [key: string, value: JsonNode][];
}
/** A large array: runs of small elements and, between them, large elements. */
export interface JsonArray {
  kind: 'array';
  parts: (JsonItems | JsonNode)[];
}
/** `count` consecutive array elements, commas and blanks between them included: bytes [start, end). */
export interface JsonItems {
  kind: 'items';
  start: number;
  end: number;
  count: number;
}

/** Malformed JSON found by the scan itself (JSON.parse reports what it finds in a range). */
export class JsonScanError extends SyntaxError {
  constructor(what: string, at: number) {
    super(`${what} at byte ${at}`);
    this.name = 'JsonScanError';
  }
}

/**
 * Text of a small value or run of elements (up to this many bytes) goes to JSON.parse whole.
 * Small on purpose: JSON.parse of 32 KB pieces (strings below V8's large-object size, 128 KB
 * even when two bytes a character) took half the time of one parse of the whole text, and
 * pieces of 128 KB or more took longer than it (100k-object evidence, Node 20).
 */
export const SCAN_CHUNK = 1 << 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** bytes a scalar (number, true, false, null) cannot run past */
const endsScalar = (c: number) => c === COMMA || c === RBRACKET || c === RBRACE || c === COLON || isBlank(c);
/** a value starts with `{ [ " -`, a digit, or the first letter of true, false, null */
const startsValue = (c: number) =>
  c === LBRACE || c === LBRACKET || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;

// ignoreBOM: a range never starts with one (a value cannot), and the file's own is skipped by the scan
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const decode = (b: Uint8Array, start: number, end: number) => decoder.decode(b.subarray(start, end));

/** The skeleton of the JSON text in `bytes` (UTF-8, an optional byte order mark first); throws on what is not JSON. */
export function scanJson(bytes: Uint8Array, chunk = SCAN_CHUNK): JsonNode {
  return new Scanner(bytes, chunk).document();
}

class Scanner {
  private readonly n: number;
  /** where the last value scanned ended */
  private end = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly chunk: number,
  ) {
    this.n = b.length;
  }

  document(): JsonNode {
    const b = this.b;
    const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    const node = this.value(this.blanks(bom));
    const after = this.blanks(this.end);
    if (after < this.n) throw this.unexpected(after);
    return node;
  }

  /** The value starting at i (no blanks before it); this.end is set to where it ends. */
  private value(i: number): JsonNode {
    const c = this.b[i];
    if (c === LBRACE || c === LBRACKET) {
      const end = this.skipContainer(i, i + this.chunk);
      if (end < 0) return c === LBRACE ? this.object(i) : this.array(i);
      this.end = end;
    } else if (c === QUOTE) {
      this.end = this.skipString(i);
    } else if (startsValue(c)) {
      this.end = this.skipScalar(i);
    } else {
      throw this.unexpected(i);
    }
    return { kind: 'text', start: i, end: this.end };
  }

  /** A large object, member by member. */
  private object(open: number): JsonObject {
    const members: [string, JsonNode][] = [];
    let i = this.blanks(open + 1);
    if (this.b[i] === RBRACE) {
      this.end = i + 1;
      return { kind: 'object', members };
    }
    for (;;) {
      if (this.b[i] !== QUOTE) throw this.unexpected(i);
      const keyEnd = this.skipString(i);
      const key = JSON.parse(decode(this.b, i, keyEnd)) as string;
      i = this.blanks(keyEnd);
      if (this.b[i] !== COLON) throw this.unexpected(i);
      members.push([key, this.value(this.blanks(i + 1))]);
      i = this.blanks(this.end);
      if (this.b[i] === RBRACE) break;
      if (this.b[i] !== COMMA) throw this.unexpected(i);
      i = this.blanks(i + 1);
    }
    this.end = i + 1;
    return { kind: 'object', members };
  }

  /** A large array: small elements gathered into runs of about `chunk` bytes, large ones scanned on their own. */
  private array(open: number): JsonArray {
    const parts: (JsonItems | JsonNode)[] = [];
    let run: JsonItems | null = null;
    let i = this.blanks(open + 1);
    if (this.b[i] === RBRACKET) {
      this.end = i + 1;
      return { kind: 'array', parts };
    }
    for (;;) {
      const c = this.b[i];
      if (!startsValue(c)) throw this.unexpected(i);
      const small = c === LBRACE || c === LBRACKET ? this.skipContainer(i, i + this.chunk) : c === QUOTE ? this.skipString(i) : this.skipScalar(i);
      if (small < 0) {
        run = null;
        parts.push(this.value(i));
      } else {
        this.end = small;
        if (run && small - run.start <= this.chunk) {
          run.end = small;
          run.count++;
        } else {
          run = { kind: 'items', start: i, end: small, count: 1 };
          parts.push(run);
        }
      }
      i = this.blanks(this.end);
      if (this.b[i] === RBRACKET) break;
      if (this.b[i] !== COMMA) throw this.unexpected(i);
      i = this.blanks(i + 1);
    }
    this.end = i + 1;
    return { kind: 'array', parts };
  }

  /**
   * The end of the container opening at i, found by counting brackets outside strings, or -1
   * when it runs past `limit` (a large container, to be scanned member by member). Brackets
   * are not matched by kind: a malformed small value fails in JSON.parse.
   */
  private skipContainer(i: number, limit: number): number {
    const b = this.b;
    const stop = Math.min(limit, this.n);
    let depth = 0;
    while (i < stop) {
      const c = b[i];
      if (c === QUOTE) {
        i = this.skipString(i);
        continue;
      }
      if (c === LBRACE || c === LBRACKET) depth++;
      else if ((c === RBRACE || c === RBRACKET) && --depth === 0) return i + 1;
      i++;
    }
    if (i >= this.n) throw this.unexpected(this.n); // never closed
    return -1;
  }

  /**
   * The end of the string whose opening quote is at i. A plain loop: evidence strings are short,
   * and a call to indexOf per string cost more than it saved.
   */
  private skipString(i: number): number {
    const b = this.b;
    const n = this.n;
    for (let j = i + 1; j < n;) {
      const c = b[j];
      if (c === QUOTE) return j + 1;
      j += c === BACKSLASH ? 2 : 1;
    }
    throw this.unexpected(n);
  }

  /** The end of a number or literal (JSON.parse checks its text). */
  private skipScalar(i: number): number {
    const b = this.b;
    while (i < this.n && !endsScalar(b[i])) i++;
    return i;
  }

  private blanks(i: number): number {
    while (i < this.n && isBlank(this.b[i])) i++;
    return i;
  }

  private unexpected(i: number): JsonScanError {
    return i >= this.n ? new JsonScanError('Unexpected end of JSON input', i) : new JsonScanError(`Unexpected token ${JSON.stringify(String.fromCharCode(this.b[i]))}`, i);
  }
}

// ---- reading the skeleton -----------------------------------------------------------------------

/** The value of a scanned text: JSON.parse's, built a range at a time. */
export function buildJson(bytes: Uint8Array, node: JsonNode): unknown {
  switch (node.kind) {
    case 'text':
      return JSON.parse(decode(bytes, node.start, node.end));
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of node.members) put(o, k, buildJson(bytes, v));
      return o;
    }
    case 'array': {
      const a: unknown[] = [];
      for (const part of node.parts) {
        if (part.kind !== 'items') a.push(buildJson(bytes, part));
        else for (const v of parseItems(bytes, part)) a.push(v);
      }
      return a;
    }
  }
}

/** A run of array elements, parsed as the array of them. */
function parseItems(bytes: Uint8Array, items: JsonItems): unknown[] {
  const a = JSON.parse('[' + decode(bytes, items.start, items.end) + ']') as unknown[];
  // the scan and JSON.parse agree on where elements end in valid JSON; this guards the scan
  if (a.length !== items.count) throw new JsonScanError(`Expected ${items.count} array elements, found ${a.length}`, items.start);
  return a;
}

/** o[k] = v as JSON.parse sets it: an own "__proto__" member, not the prototype. */
export function put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** A large object's members as JSON.parse would leave them: each key once (where first written), with its last value. */
export function lastMembers(node: JsonObject): Map<string, JsonNode> {
  const m = new Map<string, JsonNode>();
  for (const [k, v] of node.members) m.set(k, v);
  return m;
}

/**
 * canonical(buildJson(bytes, node)) (core/canonical.ts), in pieces, without building the
 * value: a large container's members and runs of elements are parsed and written one at a time.
 */
export function canonicalOfScan(bytes: Uint8Array, node: JsonNode, write: (s: string) => void): void {
  switch (node.kind) {
    case 'text':
      canonicalChunks(JSON.parse(decode(bytes, node.start, node.end)), write);
      return;
    case 'object': {
      const members = lastMembers(node);
      const keys = [...members.keys()].sort(compareCodePoints);
      write('{');
      keys.forEach((k, i) => {
        write(`${i ? ',' : ''}${JSON.stringify(k)}:`);
        canonicalOfScan(bytes, members.get(k)!, write);
      });
      write('}');
      return;
    }
    case 'array':
      write('[');
      node.parts.forEach((part, i) => {
        if (i) write(',');
        if (part.kind !== 'items') canonicalOfScan(bytes, part, write);
        else write(canonical(parseItems(bytes, part)).slice(1, -1)); // the run's elements, without the brackets
      });
      write(']');
  }
}
