/**
 * The draw ceremony's commitment, pure. `sj draw commit` records a ledger entry of type
 * `commit` whose payload fixes, before the entropy exists, everything else that decides the
 * draw(s): ids, parameters, the snapshot hashes, the rules hash, the algorithm and the announced
 * entropy source. `sj draw reveal` makes the draws; each draw's evidence carries
 * `draw.commitment` (the commit's seq, hash, time, source, and the entry's prevHash and payload,
 * so a file alone can recompute the commit's ledger hash).
 *
 * A commit of several levels (`--level all`: the city, then the counties) cannot fix the county
 * draw's final snapshot: the city's picks, unknown until the reveal, are credited to it
 * (draw-v2 §3 "same-quarter"). It commits the county snapshot before the city's picks; the
 * evidence lists the objects the earlier draws of the same commit changed, with their committed
 * `excluded` (`pickedBefore`), so the committed snapshot can be restored from the file.
 */
import { canonical } from './canonical.js';
import { H } from './hash.js';
import { ledgerHash } from './ledger.js';
import type { Algorithm, DrawHeader, Evidence, Exclusion, Snapshot } from './types.js';

export const COMMIT_FORMAT = 'sj-commit/1';

/** One draw a commit fixes: its reserved id, every parameter of its header, the draw date, the snapshot hash. */
export type CommittedDraw = Pick<DrawHeader, 'id' | 'level' | 'regions' | 'kind' | 'filter' | 'method' | 'joint' | 'partners' | 'jointShare' | 'withExperts'> & {
  /** the draw date, YYYY-MM-DD (draw.createdAt's date) */
  date: string;
  snapshotHash: string;
};

/** The payload of a `commit` ledger entry. */
export interface CommitPayload {
  format: typeof COMMIT_FORMAT;
  commit: string;
  quarter: string;
  /** the instant of the commit, +08:00 */
  at: string;
  algorithm: Algorithm;
  rulesHash: string;
  /** where the entropy will come from, as announced (e.g. 福彩3D 2023年第095期开奖号码) */
  entropySource: string;
  /** in the order they are revealed */
  draws: CommittedDraw[];
}

/** `draw.commitment` of a revealed draw's evidence. */
export interface DrawCommitment {
  seq: number;
  hash: string;
  at: string;
  entropySource: string;
  prevHash: string;
  payload: CommitPayload;
  /** objects whose `excluded` earlier draws of the same commit changed: [id, the committed value] */
  pickedBefore: [string, Exclusion][];
}

const PARAMS = ['level', 'regions', 'kind', 'filter', 'method', 'joint', 'partners', 'jointShare', 'withExperts'] as const;

/** The parameters of a draw header as a commit records them. */
export function committedParams(d: Omit<DrawHeader, 'seed' | 'entropy' | 'entropySource' | 'createdAt'> & { createdAt?: string }, date: string) {
  const out: Record<string, unknown> = { date };
  for (const k of PARAMS) out[k] = d[k];
  return out as Omit<CommittedDraw, 'id' | 'snapshotHash'>;
}

export const rulesHashOf = (rules: Snapshot['rules']): string => H(canonical(rules));

export const commitPayloadHash = (p: CommitPayload): string => H(canonical(p));

/** The committed snapshot, restored from a revealed draw's by undoing the earlier draws' picks. */
export function committedSnapshot(s: Snapshot, pickedBefore: readonly [string, Exclusion][]): Snapshot {
  if (!pickedBefore.length) return s;
  const was = new Map(pickedBefore);
  return { ...s, objects: s.objects.map((o) => (was.has(o.id) ? { ...o, excluded: was.get(o.id)! } : o)) };
}

/** Objects whose `excluded` differs between the committed and the revealed snapshot (same objects, by id). */
export function pickedBetween(committed: Snapshot, revealed: Snapshot): [string, Exclusion][] {
  const was = new Map(committed.objects.map((o) => [o.id, o.excluded]));
  return revealed.objects.filter((o) => was.get(o.id) !== o.excluded).map((o) => [o.id, was.get(o.id) ?? null]);
}

const HEX64 = /^[0-9a-f]{64}$/;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What is wrong with a draw's commitment, from its evidence alone: the commit's ledger hash
 * recomputed from its payload, the commit before the draw in the chain, and the draw's
 * algorithm, parameters, rules and (restored) snapshot equal to what was committed. [] for a
 * draw without a commitment (a direct draw: nothing to check).
 */
export function commitmentProblems(ev: Evidence): string[] {
  const c = (ev.draw as { commitment?: unknown }).commitment;
  if (c === undefined) return [];
  if (!isObj(c) || !Number.isSafeInteger(c.seq) || typeof c.hash !== 'string' || !HEX64.test(c.hash) || typeof c.prevHash !== 'string' ||
    !HEX64.test(c.prevHash) || typeof c.at !== 'string' || typeof c.entropySource !== 'string' || !isObj(c.payload) || !Array.isArray(c.pickedBefore)) {
    return ['draw.commitment: needs seq, hash, prevHash, at, entropySource, payload and pickedBefore'];
  }
  const cm = c as unknown as DrawCommitment;
  const p: string[] = [];
  const h = ledgerHash(cm.seq, 'commit', cm.prevHash, commitPayloadHash(cm.payload));
  if (h !== cm.hash) p.push(`draw.commitment.hash: recomputed ${h} from its payload, file says ${cm.hash}`);
  if (ev.ledger && !(cm.seq < ev.ledger.seq)) p.push(`draw.commitment.seq ${cm.seq} does not precede the draw's ledger entry ${ev.ledger.seq}`);
  const pl = cm.payload;
  if (pl.format !== COMMIT_FORMAT) p.push(`draw.commitment.payload.format: ${JSON.stringify(pl.format)}`);
  if (pl.at !== cm.at || pl.entropySource !== cm.entropySource) p.push('draw.commitment: at or entropySource differ from the committed payload');
  if (pl.algorithm !== ev.algorithm) p.push(`algorithm ${ev.algorithm} is not the committed ${String(pl.algorithm)}`);
  if (pl.quarter !== ev.draw.quarter) p.push(`draw.quarter ${ev.draw.quarter} is not the committed ${String(pl.quarter)}`);
  if (ev.draw.entropySource !== 'user') p.push('draw.entropySource: a revealed draw\'s entropy is given ("user")');
  const k = Array.isArray(pl.draws) ? pl.draws.findIndex((d) => d?.id === ev.draw.id) : -1;
  if (k < 0) return [...p, `draw ${ev.draw.id} is not one of the committed draws`];
  const cd = pl.draws[k]!;
  const { snapshotHash: _s, id: _i, ...want } = cd;
  const got = committedParams(ev.draw, ev.draw.createdAt.slice(0, 10));
  for (const key of Object.keys({ ...want, ...got }) as (keyof typeof got)[]) {
    if (canonical(want[key] ?? null) !== canonical(got[key] ?? null)) p.push(`draw.${key === 'date' ? 'createdAt (date)' : key}: ${canonical(got[key] ?? null)} is not the committed ${canonical(want[key] ?? null)}`);
  }
  if (rulesHashOf(ev.snapshot.rules) !== pl.rulesHash) p.push('snapshot.rules differ from the committed rules (rulesHash)');
  p.push(...pickedBeforeProblems(ev, cm.pickedBefore, k));
  if (H(canonical(committedSnapshot(ev.snapshot, cm.pickedBefore))) !== cd.snapshotHash) {
    p.push(`snapshot differs from the committed one (snapshotHash ${cd.snapshotHash})`);
  }
  return p;
}

/** pickedBefore may only undo picks of earlier draws of the commit: objects now excluded for a pick this quarter. */
function pickedBeforeProblems(ev: Evidence, picked: unknown[], index: number): string[] {
  if (!picked.length) return [];
  if (index === 0) return ['draw.commitment.pickedBefore: the first draw of a commit follows no draw of it'];
  const now = new Map(ev.snapshot.objects.map((o) => [o.id, o.excluded]));
  const bad = picked.filter((x) => !Array.isArray(x) || x.length !== 2 || !['same-quarter', 'drawn-by-county'].includes(now.get(x[0] as string) as string));
  return bad.length ? [`draw.commitment.pickedBefore: ${bad.length} entr${bad.length === 1 ? 'y names' : 'ies name'} an object not excluded for a pick this quarter`] : [];
}
