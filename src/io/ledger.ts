/** The ledger table: appending entries, reading the chain and its head. */
import { canonical } from '../core/canonical.js';
import { H, ZERO_HASH } from '../core/hash.js';
import { ledgerHash, type LedgerEntry, type LedgerType } from '../core/ledger.js';
import type { DB } from './db.js';

export interface StoredLedgerEntry extends LedgerEntry {
  at: string;
  payload: string;
}

export function ledgerHead(db: DB): { seq: number; hash: string } {
  const r = db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return r ?? { seq: 0, hash: ZERO_HASH };
}

/**
 * Append one entry; must run inside the caller's write transaction.
 * `payload` is stored as canonical JSON; payloadHash defaults to H(payload).
 */
export function appendLedger(
  db: DB, type: LedgerType, ref: string, at: string, payload: unknown, payloadHash?: string,
): StoredLedgerEntry {
  if (!db.inTransaction) throw new Error('appendLedger outside a transaction');
  const head = ledgerHead(db);
  const seq = head.seq + 1;
  const text = canonical(payload);
  const ph = payloadHash ?? H(text);
  const hash = ledgerHash(seq, type, head.hash, ph);
  db.prepare('INSERT INTO ledger(seq, type, ref, at, prev_hash, payload_hash, hash, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    seq, type, ref, at, head.hash, ph, hash, text,
  );
  return { seq, type, ref, at, prevHash: head.hash, payloadHash: ph, hash, payload: text };
}

export function readLedger(db: DB): StoredLedgerEntry[] {
  return (db.prepare('SELECT seq, type, ref, at, prev_hash, payload_hash, hash, payload FROM ledger ORDER BY seq').all() as Record<string, unknown>[]).map(
    (r) => ({
      seq: r.seq as number, type: r.type as LedgerType, ref: r.ref as string, at: r.at as string,
      prevHash: r.prev_hash as string, payloadHash: r.payload_hash as string, hash: r.hash as string, payload: r.payload as string,
    }),
  );
}
