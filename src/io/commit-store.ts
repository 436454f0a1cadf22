/**
 * Commits of the draw ceremony in the database: recording a commit (its ledger entry, the
 * committed snapshots, the reserved draw ids), how it ended (revealed or voided: once), and
 * rebuilding a committed snapshot from the roster history as it stood at the commit.
 * Every table here is append-only; writes run inside the caller's transaction.
 */
import { canonical } from '../core/canonical.js';
import { H } from '../core/hash.js';
import { COMMIT_FORMAT, rulesHashOf, type CommitPayload, type CommittedDraw } from '../core/commitment.js';
import { parseQuarter } from '../core/quarter.js';
import { CURRENT_ALGORITHM, type Level, type Snapshot } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import { nextDrawId } from './draw-store.js';
import { appendLedger, type StoredLedgerEntry } from './ledger.js';
import { buildSnapshot, type SnapshotResult } from './snapshot.js';

export interface CommitRow {
  id: string;
  seq: number;
  quarter: string;
  rulesId: number | null;
  /** the stored instant (UTC) of the commit: the rosters of its snapshots are read as of it */
  at: string;
  payload: CommitPayload;
  /** the payload as stored (canonical JSON) */
  payloadText: string;
  snapshots: Snapshot[];
  /** its ledger entry's hash and prevHash (what draw.commitment carries) */
  hash: string;
  prevHash: string;
  end: { kind: 'reveal' | 'void'; seq: number; reason: string; at: string } | null;
}

/** Commit ids: 2023Q2-commit-01 … never reused. */
export function nextCommitId(db: DB, quarter: string): string {
  const stem = `${quarter}-commit-`;
  const ids = db.prepare('SELECT id FROM commitments WHERE id LIKE ?').pluck().all(`${stem}%`) as string[];
  const max = ids.reduce((m, id) => Math.max(m, Number(id.slice(stem.length)) || 0), 0);
  return `${stem}${String(max + 1).padStart(2, '0')}`;
}

/** The next free draw id of a level, past ids already taken by earlier draws of the same commit. */
export function reserveDrawId(db: DB, quarter: string, level: Level, directional: boolean, taken: ReadonlySet<string>): string {
  let id = nextDrawId(db, quarter, level, directional);
  while (taken.has(id)) {
    const n = Number(id.slice(id.lastIndexOf('-') + 1)) + 1;
    id = `${id.slice(0, id.lastIndexOf('-') + 1)}${String(n).padStart(2, '0')}`;
  }
  return id;
}

export interface CommitInput {
  id: string;
  quarter: string;
  rulesId: number;
  /** stored instant (UTC) and the same instant +08:00 for the payload */
  atUtc: string;
  atCst: string;
  entropySource: string;
  draws: { draw: Omit<CommittedDraw, 'snapshotHash'>; snapshot: Snapshot }[];
}

/** Record a commit: one ledger entry `commit`, its row, the reserved draw ids. */
export function recordCommit(db: DB, c: CommitInput): { entry: StoredLedgerEntry; payload: CommitPayload } {
  const rules = c.draws[0]!.snapshot.rules;
  const payload: CommitPayload = {
    format: COMMIT_FORMAT, commit: c.id, quarter: c.quarter, at: c.atCst, algorithm: CURRENT_ALGORITHM, rulesHash: rulesHashOf(rules),
    entropySource: c.entropySource,
    draws: c.draws.map((d) => ({ ...d.draw, snapshotHash: hashSnapshot(d.snapshot) })),
  };
  const entry = appendLedger(db, 'commit', c.id, c.atUtc, payload);
  db.prepare('INSERT INTO commitments(id, seq, quarter, rules_id, at, payload, snapshots) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    c.id, entry.seq, c.quarter, c.rulesId, c.atUtc, entry.payload, canonical(c.draws.map((d) => d.snapshot)),
  );
  const ins = db.prepare('INSERT INTO commitment_draws(draw_id, commit_id, ord) VALUES (?, ?, ?)');
  c.draws.forEach((d, k) => ins.run(d.draw.id, c.id, k + 1));
  return { entry, payload };
}

const hashSnapshot = (s: Snapshot): string => H(canonical(s));

function commitRow(r: Record<string, unknown>): CommitRow {
  return {
    id: r.id as string, seq: r.seq as number, quarter: r.quarter as string, rulesId: (r.rules_id as number | null) ?? null, at: r.at as string,
    payload: JSON.parse(r.payload as string) as CommitPayload, payloadText: r.payload as string, snapshots: JSON.parse(r.snapshots as string) as Snapshot[],
    hash: (r.ledger_hash as string | null) ?? '', prevHash: (r.ledger_prev as string | null) ?? '',
    end: r.end_kind ? { kind: r.end_kind as 'reveal' | 'void', seq: r.end_seq as number, reason: r.end_reason as string, at: r.end_at as string } : null,
  };
}

const COMMIT_SELECT = `SELECT c.*, e.kind AS end_kind, e.seq AS end_seq, e.reason AS end_reason, e.at AS end_at,
  l.hash AS ledger_hash, l.prev_hash AS ledger_prev
  FROM commitments c LEFT JOIN commitment_ends e ON e.commit_id = c.id LEFT JOIN ledger l ON l.seq = c.seq`;

export function getCommit(db: DB, id: string): CommitRow | undefined {
  const r = db.prepare(`${COMMIT_SELECT} WHERE c.id = ?`).get(id) as Record<string, unknown> | undefined;
  return r ? commitRow(r) : undefined;
}

export function listCommits(db: DB): CommitRow[] {
  return (db.prepare(`${COMMIT_SELECT} ORDER BY c.seq`).all() as Record<string, unknown>[]).map(commitRow);
}

export function requireCommit(db: DB, id: string): CommitRow {
  const c = getCommit(db, id);
  if (!c) throw new SjError(t('ceremony.unknown', { id }), { hint: t('ceremony.unknownHint') });
  return c;
}

/** The commit that reserved a draw id, if any. */
export function commitOfDraw(db: DB, drawId: string): CommitRow | undefined {
  const id = db.prepare('SELECT commit_id FROM commitment_draws WHERE draw_id = ?').pluck().get(drawId) as string | undefined;
  return id ? getCommit(db, id) : undefined;
}

/** A commit that has ended (revealed or voided) cannot end again. */
export function requireOpen(c: CommitRow): void {
  if (!c.end) return;
  const ids = c.payload.draws.map((d) => d.id).join(', ');
  if (c.end.kind === 'reveal') throw new SjError(t('ceremony.alreadyRevealed', { id: c.id, draws: ids }), { hint: t('ceremony.alreadyRevealedHint') });
  throw new SjError(t('ceremony.alreadyVoided', { id: c.id, reason: c.end.reason }));
}

/** Mark a commit revealed: its draws are recorded, the first at `firstSeq`. */
export function recordReveal(db: DB, c: CommitRow, firstSeq: number, at: string): void {
  db.prepare("INSERT INTO commitment_ends(commit_id, kind, seq, reason, at) VALUES (?, 'reveal', ?, '', ?)").run(c.id, firstSeq, at);
}

/** The payload of a commit's void entry (sj verify holds the row to it). */
export const commitVoidPayload = (id: string, reason: string, at: string) => ({ commit: id, reason, at });

/** Void a commit that will not be revealed: a ledger `void` entry; its draw ids stay reserved. */
export function voidCommit(db: DB, id: string, reason: string, at: string): StoredLedgerEntry {
  const c = requireCommit(db, id);
  requireOpen(c);
  const entry = appendLedger(db, 'void', id, at, commitVoidPayload(id, reason, at));
  db.prepare("INSERT INTO commitment_ends(commit_id, kind, seq, reason, at) VALUES (?, 'void', ?, ?, ?)").run(id, entry.seq, reason, at);
  return entry;
}

/**
 * The snapshot of a committed draw rebuilt from the history: the rosters as of the commit
 * (or, with rostersNow, as they stand now), the ledger's draws before `beforeSeq` (default:
 * all), the committed rules, date and scope.
 */
export function rebuildCommitted(db: DB, c: CommitRow, k: number, opts: { beforeSeq?: number; rostersNow?: boolean } = {}): SnapshotResult {
  const d = c.payload.draws[k]!;
  return buildSnapshot(db, {
    quarter: parseQuarter(c.quarter)!, level: d.level, regions: d.regions, filter: d.filter, date: d.date,
    rules: c.snapshots[k]!.rules, asOf: opts.rostersNow ? undefined : c.at, beforeSeq: opts.beforeSeq, algorithm: c.payload.algorithm,
  });
}

/** The stored instant of the commit that fixed a draw: its snapshot's rosters are those of then. */
export function commitInstantOfDraw(db: DB, drawId: string): string | undefined {
  return db.prepare('SELECT c.at FROM commitment_draws d JOIN commitments c ON c.id = d.commit_id WHERE d.draw_id = ?').pluck().get(drawId) as string | undefined;
}
