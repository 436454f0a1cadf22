/** The hash chain of draw-v1 §8. Pure. */
import { H, ZERO_HASH } from './hash.js';

export type LedgerType = 'draw' | 'void' | 'substitution' | 'results' | 'commit';

export const ledgerHash = (seq: number, type: LedgerType, prevHash: string, payloadHash: string): string =>
  H(`sj-ledger/1|${seq}|${type}|${prevHash}|${payloadHash}`);

export interface LedgerEntry {
  seq: number;
  type: LedgerType;
  ref: string;
  prevHash: string;
  payloadHash: string;
  hash: string;
}

/** Problems of a chain read in seq order: gaps, broken links, wrong hashes. */
export function checkChain(entries: readonly LedgerEntry[]): { seq: number; problem: string }[] {
  const problems: { seq: number; problem: string }[] = [];
  let prev = ZERO_HASH;
  let expectSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectSeq) problems.push({ seq: e.seq, problem: `sequence gap: expected ${expectSeq}, found ${e.seq}` });
    if (e.prevHash !== prev) problems.push({ seq: e.seq, problem: `prevHash ${e.prevHash.slice(0, 12)}… does not link to the previous entry ${prev.slice(0, 12)}…` });
    const h = ledgerHash(e.seq, e.type, e.prevHash, e.payloadHash);
    if (h !== e.hash) problems.push({ seq: e.seq, problem: `hash does not match its contents (stored ${e.hash.slice(0, 12)}…, computed ${h.slice(0, 12)}…)` });
    prev = e.hash;
    expectSeq = e.seq + 1;
  }
  return problems;
}
