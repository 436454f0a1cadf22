/**
 * A draw's evidence in the database: the canonical JSON its ledger entry hashed (§8), stored in
 * brotli-compressed parts (table draw_evidence, migration 5), written and read a part at a time
 * so that no step holds the whole text as one string (issue 13: at 2M objects it would not fit
 * in one). Every reader of a draw's stored evidence comes through here.
 *
 * A part is a piece of the canonical text as core/canonical.ts canonicalParts cuts it: `text`
 * (the document with its long arrays left empty) or `items` (elements of the long array at
 * `path`). Their concatenation is the text the ledger hashed; the document is rebuilt by
 * parsing the text parts as one small JSON document and each items part on its own.
 * Before migration 5 the text was one TEXT value in draws.evidence (now ''); a database opened
 * read-only without that migration is still read from there.
 */
import { createHash } from 'node:crypto';
import { canonicalParts, compareCodePoints, type CanonicalPart } from '../core/canonical.js';
import { PIECE_CHARS, takeCanonicalText } from '../core/hash.js';
import { buildJson, scanJson } from '../core/json-scan.js';
import type { Evidence } from '../core/types.js';
import { decompressText, partCompressor } from './compress.js';
import type { DB } from './db.js';

export { compressText, decompressText } from './compress.js';

/** The stored body: the evidence without its `ledger` member (the ledger entry holds that). */
export type EvidenceBody = Omit<Evidence, 'ledger'>;

/** Bytes (about) of canonical text per part: big enough to compress well, small enough to be cheap. */
const PART_CHARS = 1 << 18;

/**
 * Store canonical(body) for draw `drawId` (inside the caller's transaction), serialised once:
 * each part is hashed and compressed as it is made, and the text of the snapshot and the tasks
 * is the one runDraw kept when it hashed them (core/hash.ts takeCanonicalText), when it did. Returns
 * H(canonical(body)), the ledger's payloadHash (§8).
 */
export function storeEvidence(db: DB, drawId: string, body: EvidenceBody): string {
  const stored = beginEvidence(db, drawId, body, { thread: false });
  stored.finish();
  return stored.payloadHash;
}

/**
 * storeEvidence in two steps: the payload hash at once, the parts written by finish() (in the
 * same transaction). A big evidence is compressed on a second thread meanwhile (io/compress.ts),
 * so the caller writes its other rows between the two (a draw: its tasks).
 */
export function beginEvidence(db: DB, drawId: string, body: EvidenceBody, opts: { thread?: boolean } = {}): { payloadHash: string; finish(): void; abandon(): void } {
  const h = createHash('sha256');
  const compressor = partCompressor(opts);
  const parts: { kind: string; path: string | null }[] = [];
  const out = new PartWriter((bytes, part, shared) => {
    h.update(bytes);
    if (shared) compressor.addShared(bytes);
    else compressor.add(bytes);
    parts.push({ kind: part.kind, path: part.kind === 'items' ? JSON.stringify(part.path) : null });
  });
  // canonical(body) member by member, as canonical() writes a plain object's members
  const b = body as unknown as Record<string, unknown>;
  const keys = Object.keys(b).filter((k) => b[k] !== undefined).sort(compareCodePoints);
  out.text('{');
  keys.forEach((k, i) => {
    out.text(`${i ? ',' : ''}${JSON.stringify(k)}:`);
    const v = b[k];
    const kept = typeof v === 'object' && v !== null ? takeCanonicalText(v) : undefined;
    if (kept) for (const p of kept) out.addBytes(p.bytes, under(k, p.part));
    else canonicalParts(v, (s, part) => out.add(s, under(k, part)), PIECE_CHARS);
  });
  out.text('}');
  out.flush();
  return {
    payloadHash: h.digest('hex'),
    finish() {
      const data = compressor.finish();
      const ins = db.prepare('INSERT INTO draw_evidence(draw_id, part, kind, path, data) VALUES (?, ?, ?, ?, ?)');
      parts.forEach((p, n) => ins.run(drawId, n, p.kind, p.path, data[n]));
    },
    abandon: () => compressor.abandon(),
  };
}

/** A part of member k's text as a part of the body's. */
const under = (k: string, part: CanonicalPart): CanonicalPart => (part.kind === 'items' ? { kind: 'items', path: [k, ...part.path] } : part);

const encoder = new TextEncoder();

/**
 * Gathers consecutive pieces of one kind (and path) into parts of PART_CHARS bytes or more,
 * cut where a piece ends. Text is encoded into one buffer reused for every part: a fresh UTF-8
 * buffer per piece (Buffer.from, TextEncoder.encode), then a concatenation, cost several times
 * the encoding. Pieces already encoded (the text runDraw kept, core/hash.ts) that follow one
 * another in memory are not copied: the part is a view of them, and `write` is told so
 * (`shared`: those bytes do not change). A part in the reused buffer is handed to `write`
 * only until the next piece comes.
 */
class PartWriter {
  private buf = Buffer.allocUnsafe(2 * PART_CHARS);
  private size = 0;
  /** the part so far as a view of kept bytes (then size is 0) */
  private view: Uint8Array | null = null;
  private part: CanonicalPart = { kind: 'text' };
  constructor(private readonly write: (bytes: Uint8Array, part: CanonicalPart, shared: boolean) => void) {}
  text(s: string): void {
    this.add(s, { kind: 'text' });
  }
  add(s: string, part: CanonicalPart): void {
    this.start(part);
    this.unview();
    this.reserve(3 * s.length); // a UTF-16 unit is at most 3 UTF-8 bytes
    this.size += encoder.encodeInto(s, this.buf.subarray(this.size)).written;
    if (this.size >= PART_CHARS) this.flush();
  }
  /** A piece already encoded: the part goes on as a view of it when it follows the view so far, or starts one. */
  addBytes(bytes: Uint8Array, part: CanonicalPart): void {
    this.start(part);
    const v = this.view;
    if (this.size === 0 && v === null) this.view = bytes;
    else if (v !== null && v.buffer === bytes.buffer && v.byteOffset + v.length === bytes.byteOffset) {
      this.view = new Uint8Array(v.buffer, v.byteOffset, v.length + bytes.length);
    } else {
      this.unview();
      this.reserve(bytes.length);
      this.buf.set(bytes, this.size);
      this.size += bytes.length;
    }
    if (this.size + (this.view?.length ?? 0) >= PART_CHARS) this.flush();
  }
  private start(part: CanonicalPart): void {
    if (samePart(part, this.part)) return;
    this.flush();
    this.part = part;
  }
  /** the view so far copied into the buffer, where what comes next is added */
  private unview(): void {
    if (this.view === null) return;
    const v = this.view;
    this.view = null;
    this.reserve(v.length);
    this.buf.set(v, this.size);
    this.size += v.length;
  }
  flush(): void {
    if (this.view !== null) this.write(this.view, this.part, true);
    else if (this.size) this.write(this.buf.subarray(0, this.size), this.part, false);
    this.view = null;
    this.size = 0;
  }
  private reserve(n: number): void {
    if (this.size + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.size + n));
    this.buf.copy(grown, 0, 0, this.size);
    this.buf = grown;
  }
}

function samePart(a: CanonicalPart, b: CanonicalPart): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'text') return true;
  const p = b.path!;
  return a.path.length === p.length && a.path.every((k, i) => k === p[i]);
}

/** A stored part, decompressed: its place and its UTF-8 bytes. */
export interface StoredPart {
  part: CanonicalPart;
  bytes: Buffer;
}

/** The stored parts of a draw's evidence, in order (none: no evidence stored). */
export function* evidenceParts(db: DB, drawId: string): Generator<StoredPart> {
  if (hasPartsTable(db)) {
    const rows = db.prepare('SELECT kind, path, data FROM draw_evidence WHERE draw_id = ? ORDER BY part').raw(true).iterate(drawId) as IterableIterator<[string, string | null, Buffer]>;
    let any = false;
    for (const [kind, path, data] of rows) {
      any = true;
      yield { part: kind === 'items' ? { kind: 'items', path: JSON.parse(path ?? '[]') as string[] } : { kind: 'text' }, bytes: decompressText(data) };
    }
    if (any) return;
  }
  // before migration 5 (a database opened read-only): the whole text in draws.evidence
  const legacy = db.prepare('SELECT evidence FROM draws WHERE id = ?').pluck().get(drawId) as string | Buffer | undefined;
  if (legacy !== undefined && legacy.length > 0) yield { part: { kind: 'text' }, bytes: Buffer.isBuffer(legacy) ? legacy : Buffer.from(legacy, 'utf8') };
}

/**
 * A draw's stored evidence body, rebuilt part by part, and the SHA-256 of its stored text (which
 * the ledger's payloadHash must equal). undefined when the draw has none. Throws SyntaxError
 * when the stored text is not JSON, Error when its parts do not fit together.
 */
export function readEvidence(db: DB, drawId: string): { body: EvidenceBody; textHash: string; snapshotTextHash?: string } | undefined {
  const h = createHash('sha256');
  const snapshot = new MemberHasher('snapshot');
  let skeleton = '';
  let any = false;
  const items = new Map<string, { path: readonly string[]; lists: unknown[][] }>();
  for (const { part, bytes } of evidenceParts(db, drawId)) {
    any = true;
    h.update(bytes);
    snapshot.add(bytes, part.kind === 'text');
    if (part.kind === 'text') {
      skeleton += bytes.toString('utf8');
      continue;
    }
    const key = JSON.stringify(part.path);
    let l = items.get(key);
    if (!l) items.set(key, (l = { path: part.path, lists: [] }));
    l.lists.push(parseItems(bytes));
  }
  if (!any) return undefined;
  const body = JSON.parse(skeleton) as EvidenceBody;
  for (const { path, lists } of items.values()) {
    const target = path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), body);
    if (!Array.isArray(target) || target.length) throw new Error(`evidence parts: no empty list at ${path.join('.')} for its elements`);
    for (const l of lists) for (const x of l) target.push(x);
  }
  return { body, textHash: h.digest('hex'), snapshotTextHash: snapshot.digest() };
}

const OPEN_BRACKET = Buffer.from('[');
const CLOSE_BRACKET = Buffer.from(']');

/**
 * An items part's elements: `[` + the part without the comma before its first element + `]`,
 * parsed a byte range at a time (core/json-scan.ts: the same values as JSON.parse, in half its
 * time for a 256 KB part of a 100k-object snapshot, and no string of the whole part).
 */
function parseItems(bytes: Buffer): unknown[] {
  const list = Buffer.concat([OPEN_BRACKET, bytes[0] === COMMA ? bytes.subarray(1) : bytes, CLOSE_BRACKET]);
  return buildJson(list, scanJson(list)) as unknown[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * The SHA-256 of one top-level member's value as the stored text writes it: for the snapshot,
 * the hash its snapshotHash must equal when the text is canonical, as the text the ledger
 * hashed is (sj verify then needs no second serialisation of the snapshot: issue 13). The text
 * parts are followed byte by byte (strings, escapes, nesting: they are the small skeleton);
 * the items parts, whole elements of long arrays, change no nesting and are hashed whole when
 * inside the member. undefined when the member is not there exactly once at the top level, or
 * a key is written with escapes: the caller then serialises.
 */
export class MemberHasher {
  private readonly key: Buffer;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** the bytes of the top-level key being read, or null */
  private keyBytes: number[] | null = null;
  private keyEscaped = false;
  private lastKey: number[] | null = null;
  private state: 'before' | 'in' | 'done' | 'unclear' = 'before';
  private readonly h = createHash('sha256');

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  add(bytes: Uint8Array, text: boolean): void {
    if (this.state === 'unclear') return;
    if (!text) {
      if (this.state === 'in') this.h.update(bytes);
      return;
    }
    let from = this.state === 'in' ? 0 : -1;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) {
          this.escaped = true;
          if (this.keyBytes) this.keyEscaped = true;
        } else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes) {
            this.lastKey = this.keyEscaped ? null : this.keyBytes;
            this.keyBytes = null;
          }
        } else this.keyBytes?.push(c);
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        // a string at the top level right after { or , is a member's key
        if (this.depth === 1 && this.state !== 'in') {
          this.keyBytes = [];
          this.keyEscaped = false;
        }
      } else if (OPENERS.has(c)) this.depth++;
      else if (CLOSERS.has(c)) {
        if (this.depth === 1 && this.state === 'in') this.end(bytes, from, i);
        this.depth--;
      } else if (c === COMMA && this.depth === 1 && this.state === 'in') this.end(bytes, from, i);
      else if (c === COLON && this.depth === 1 && this.state !== 'in' && this.lastKey) {
        if (this.isKey(this.lastKey)) {
          if (this.state === 'done') return this.unclear(); // the member twice
          this.state = 'in';
          from = i + 1;
        }
        this.lastKey = null;
      }
    }
    if (this.state === 'in' && from >= 0) this.h.update(bytes.subarray(from));
  }

  digest(): string | undefined {
    return this.state === 'done' ? this.h.digest('hex') : undefined;
  }

  private end(bytes: Uint8Array, from: number, i: number): void {
    this.h.update(bytes.subarray(from, i));
    this.state = 'done';
  }

  private unclear(): void {
    this.state = 'unclear';
  }

  private isKey(k: number[]): boolean {
    return k.length === this.key.length && k.every((b, j) => b === this.key[j]);
  }
}

function hasPartsTable(db: DB): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'draw_evidence'").pluck().get() !== undefined;
}
