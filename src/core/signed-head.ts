/**
 * Signed ledger heads (sj-head/1): the statement "the ledger stood at entry `seq` with hash
 * `hash` at time `at`", and checking such a statement against a ledger. Pure: the signature
 * itself (Ed25519, node:crypto) is made and checked in io/keys.ts; this module fixes the exact
 * text that is signed and what a statement proves about a database.
 *
 * Why a signed statement and not the bare head hash: a hash alone does not say who published it
 * nor where in the chain it stood, so deleting trailing entries (a draw that "never happened")
 * leaves no trace the hash can point to. The statement carries the seq, and the signature ties it
 * to the bureau's key.
 */
import { canonical } from './canonical.js';

export const HEAD_FORMAT = 'sj-head/1';

export interface HeadStatement {
  format: typeof HEAD_FORMAT;
  seq: number;
  hash: string;
  /** when the head was signed, ISO 8601 */
  at: string;
}

export interface SignedHead {
  statement: HeadStatement;
  /** Ed25519 signature of signedText(statement), base64 */
  signature: string;
  /** the signer's public key (SPKI PEM), for information: an auditor checks with the key they hold */
  publicKey: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function headStatement(head: { seq: number; hash: string }, at: string): HeadStatement {
  return { format: HEAD_FORMAT, seq: head.seq, hash: head.hash, at };
}

/** The exact text that is signed: the canonical JSON of the statement (draw-v1 §1). */
export const signedText = (s: HeadStatement): string => canonical(s);

/** What is wrong with the shape of a signed-head document ([] when it is well formed). */
export function checkSignedHeadShape(x: unknown): string[] {
  if (!isObj(x)) return ['not a JSON object'];
  const p: string[] = [];
  const s = x.statement;
  if (!isObj(s)) p.push('statement: missing');
  else {
    if (s.format !== HEAD_FORMAT) p.push(`statement.format must be "${HEAD_FORMAT}", found ${JSON.stringify(s.format)}`);
    if (!Number.isSafeInteger(s.seq) || (s.seq as number) < 0) p.push('statement.seq: a non-negative integer');
    if (typeof s.hash !== 'string' || !HEX64.test(s.hash)) p.push('statement.hash: 64 lowercase hex digits');
    if (typeof s.at !== 'string' || Number.isNaN(Date.parse(s.at))) p.push('statement.at: an ISO 8601 time');
    const extra = Object.keys(s).filter((k) => !['format', 'seq', 'hash', 'at'].includes(k));
    // an extra member would be signed but never shown or checked: refuse it rather than trust it
    if (extra.length) p.push(`statement: unexpected members ${extra.join(', ')}`);
  }
  if (typeof x.signature !== 'string' || x.signature === '') p.push('signature: a base64 string');
  if (x.publicKey !== undefined && typeof x.publicKey !== 'string') p.push('publicKey: a string');
  return p;
}

/** How a (validly signed) statement stands against the ledger as it is now. */
export type HeadCheck =
  /** the ledger still holds the signed entry; `grown` entries were added since */
  | { ok: true; grown: number; current: { seq: number; hash: string } }
  /** the ledger ends before the signed seq: trailing entries were deleted */
  | { ok: false; reason: 'truncated'; current: { seq: number; hash: string } }
  /** the entry at that seq has another hash: history up to it was rewritten */
  | { ok: false; reason: 'rewritten'; found: string; current: { seq: number; hash: string } };

/**
 * Check a statement against the ledger entries (in seq order). Seq 0 is the empty ledger, whose
 * head is 64 zeros. The chain's own consistency is checked elsewhere (core/ledger.ts checkChain);
 * this answers only "does the ledger still hold what was signed?".
 */
export function checkHeadAgainstLedger(s: HeadStatement, entries: readonly { seq: number; hash: string }[]): HeadCheck {
  const last = entries[entries.length - 1];
  const current = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) };
  if (s.seq === 0) {
    return s.hash === '0'.repeat(64) ? { ok: true, grown: current.seq, current } : { ok: false, reason: 'rewritten', found: '0'.repeat(64), current };
  }
  const e = entries.find((x) => x.seq === s.seq);
  if (!e) return s.seq > current.seq ? { ok: false, reason: 'truncated', current } : { ok: false, reason: 'rewritten', found: '', current };
  if (e.hash !== s.hash) return { ok: false, reason: 'rewritten', found: e.hash, current };
  return { ok: true, grown: current.seq - s.seq, current };
}
