/**
 * `sj verify` against a database: the whole ledger chain, every draw recomputed from its
 * evidence and rebuilt from the roster history, every table row matched with its ledger entry.
 */
import { canonical } from '../core/canonical.js';
import { evidencePayloadHash } from '../core/draw.js';
import { H, hashCanonical } from '../core/hash.js';
import { checkChain } from '../core/ledger.js';
import { parseQuarter } from '../core/quarter.js';
import type { Evidence, Level } from '../core/types.js';
import { algorithmOf, payloadHashes, recheckEvidence, sameJson } from '../core/verify.js';
import type { DB } from './db.js';
import { excludedCounts, taskCounts, taskNo, taskObjectRegion, type ExcludedCount, type TaskCount } from './draw-store.js';
import { memberProblems, objectNumbers } from './draw-members.js';
import { readEvidence } from './evidence-store.js';
import { readLedger } from './ledger.js';
import { buildSnapshot } from './snapshot.js';
import { RESULT_COUNT_COLUMNS, resultCountsQuery } from './schema.js';
import { commitInstantOfDraw, commitOfDraw, commitVoidPayload, listCommits } from './commit-store.js';
import type { StoredLedgerEntry } from './ledger.js';

export interface VerifyProblem {
  /** what: "ledger #7", "draw 2023Q2-county-01", "draw_tasks 2023Q2-county-01-0003" … */
  entry: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  draws: number;
  head: { seq: number; hash: string };
  problems: VerifyProblem[];
}

/** The check of one result batch against its rows (io/results-store.ts checkResultBatch). */
export type BatchCheck = (db: DB, seq: number, payload: string) => string[];

/** What verifyDatabase runs beyond the ledger and the draws: given by the caller, never switched on by a side effect. */
export interface DatabaseChecks {
  resultBatch: BatchCheck;
}

export interface VerifyOptions {
  drawIds?: string[];
  head?: string;
  progress?: (done: number, total: number) => void;
  checks: DatabaseChecks;
}

export function verifyDatabase(db: DB, opts: VerifyOptions): VerifyReport {
  const problems: VerifyProblem[] = [];
  const entries = readLedger(db);
  for (const c of checkChain(entries)) problems.push({ entry: `ledger #${c.seq}`, problem: c.problem });
  if (opts.head && !entries.some((e) => e.hash === opts.head)) {
    problems.push({ entry: 'ledger', problem: `the published head ${opts.head} is not in the ledger: entries were removed or rewritten` });
  }
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const only = opts.drawIds ? new Set(opts.drawIds) : null;

  // draws
  // the evidence texts are read one draw at a time: a year of province-scale draws does not fit in memory at once
  const draws = db.prepare('SELECT id, seq, quarter, level, kind, regions, rules_id, recorded_at FROM draws ORDER BY seq').all() as {
    id: string; seq: number; quarter: string; level: string; kind: string; regions: string; rules_id: number | null; recorded_at: string;
  }[];
  const drawSeqs = new Set<number>();
  let n = 0;
  // every object's number by id, read once if a draw's members must be compared without its snapshot's
  let byId: ReadonlyMap<string, number> | undefined;
  const numbersById = () => (byId ??= objectNumbers(db));
  for (const d of draws) {
    drawSeqs.add(d.seq);
    if (only && !only.has(d.id)) continue;
    opts.progress?.(++n, only ? only.size : draws.length);
    const where = `draw ${d.id}`;
    const le = bySeq.get(d.seq);
    if (!le || le.type !== 'draw' || le.ref !== d.id) {
      problems.push({ entry: where, problem: `has no ledger entry (seq ${d.seq}): inserted behind sj's back` });
    }
    let stored: ReturnType<typeof readEvidence>;
    try {
      stored = readEvidence(db, d.id);
    } catch (e) {
      problems.push({ entry: where, problem: `evidence cannot be read (not valid JSON, or its parts damaged): ${(e as Error).message}` });
      continue;
    }
    if (!stored) {
      problems.push({ entry: where, problem: 'has no stored evidence' });
      continue;
    }
    const ev = stored.body as Evidence;
    // the stored text is the canonical body the ledger hashed (recordDraw), hashed as it was read:
    // that settles the common case without serialising the evidence again; any other text is
    // judged by its content
    if (le && le.payloadHash !== stored.textHash && le.payloadHash !== evidencePayloadHash(ev)) problems.push({ entry: where, problem: 'evidence differs from what the ledger recorded (payload hash)' });
    if (ev.draw?.id !== d.id || ev.draw?.quarter !== d.quarter || ev.draw?.level !== d.level || ev.draw?.kind !== d.kind || canonical(ev.draw?.regions ?? null) !== canonical(JSON.parse(d.regions))) {
      problems.push({ entry: where, problem: 'draw row does not match its evidence (id, quarter, level, kind or regions)' });
    }
    // the stored text is the one the ledger hashed, canonical as recordDraw wrote it: the snapshot's
    // hash is then taken from that text as it was read, not by serialising the snapshot again
    const textIsLedgers = le !== undefined && le.payloadHash === stored.textHash && stored.snapshotTextHash !== undefined;
    const recheck = recheckEvidence(ev);
    const found = recheck.problems ?? recheck.finish(textIsLedgers ? { member: stored.snapshotTextHash! } : payloadHashes(ev));
    for (const p of found) problems.push({ entry: where, problem: p });
    // tasks as stored
    // read as raw rows, one at a time: 36k row objects held for one comparison each were a
    // tenth of a 100k-object draw's verification
    const regionOf = ev.draw && ev.snapshot && Array.isArray(ev.snapshot.objects) && Array.isArray(ev.tasks) ? taskObjectRegion(ev) : undefined;
    const rowProblems: VerifyProblem[] = [];
    let nRows = 0;
    for (const r of db.prepare(`SELECT ${TASK_COLUMNS} FROM draw_tasks WHERE draw_id = ? ORDER BY ord`).raw(true).iterate(d.id) as IterableIterator<unknown[]>) {
      const tk = ev.tasks?.[nRows++];
      if (!tk || !taskRowMatches(r, taskNo(d.id, nRows), nRows, tk) || r[12] !== regionOf?.(tk)) {
        rowProblems.push({ entry: `draw_tasks ${String(r[0])}`, problem: 'differs from the draw\'s evidence' });
      }
    }
    if (nRows !== (ev.tasks?.length ?? 0)) problems.push({ entry: where, problem: `${nRows} task rows, evidence has ${ev.tasks?.length ?? 0}` });
    problems.push(...rowProblems);
    // the snapshot against the roster history, as it stood when the draw was recorded (a revealed
    // draw: when it was committed) and the ledger before it
    const q = parseQuarter(d.quarter);
    // the snapshot objects' numbers, when the rebuilt snapshot is the evidence's (draw_members stores them)
    let nums: Uint32Array | undefined;
    if (q && ev.snapshot && ev.draw) {
      const asOf = commitInstantOfDraw(db, d.id) ?? d.recorded_at;
      try {
        const rebuilt = buildSnapshot(db, {
          quarter: q, level: ev.draw.level, regions: ev.draw.regions, filter: ev.draw.filter, date: ev.draw.createdAt.slice(0, 10),
          rules: ev.snapshot.rules, asOf, beforeSeq: d.seq, algorithm: algorithmOf(ev) ?? undefined,
        });
        // the same snapshot as the evidence's (whose hash verifyEvidence checked) needs no hash of its own
        if (sameJson(rebuilt.snapshot, ev.snapshot) || hashCanonical(rebuilt.snapshot) === ev.snapshotHash) {
          nums = rebuilt.nums;
        } else {
          const diff = describeSnapshotDiff(rebuilt.snapshot, ev.snapshot);
          problems.push({ entry: where, problem: `snapshot does not match the roster history at ${asOf}: ${diff}` });
        }
      } catch (e) {
        problems.push({ entry: where, problem: `snapshot could not be rebuilt: ${(e as Error).message}` });
      }
    }
    for (const p of drawFactsProblems(db, d.id, d.level as Level, ev, nums, numbersById)) problems.push({ entry: where, problem: p });
    for (const p of drawCommitmentProblems(db, d.id, ev)) problems.push({ entry: where, problem: p });
    if (d.rules_id !== null) {
      const r = db.prepare('SELECT body FROM rules WHERE id = ?').get(d.rules_id) as { body: string } | undefined;
      if (!r) problems.push({ entry: where, problem: `rules #${d.rules_id} are missing` });
      else if (canonical(JSON.parse(r.body)) !== canonical(ev.snapshot?.rules ?? null)) problems.push({ entry: where, problem: `snapshot rules differ from stored rules #${d.rules_id}` });
    }
  }
  for (const p of scopeProblems(db)) problems.push(p);
  for (const p of resultCountProblems(db)) problems.push(p);
  const taskOrphans = db.prepare('SELECT task_no FROM draw_tasks WHERE draw_id NOT IN (SELECT id FROM draws) LIMIT 20').all() as { task_no: string }[];
  for (const r of taskOrphans) problems.push({ entry: `draw_tasks ${r.task_no}`, problem: 'belongs to no draw' });

  // voids and substitutions: each row is its ledger entry's payload
  const voids = db.prepare('SELECT draw_id, seq, reason, at FROM voids').all() as { draw_id: string; seq: number; reason: string; at: string }[];
  const voidSeqs = new Set<number>();
  for (const v of voids) {
    voidSeqs.add(v.seq);
    const le = bySeq.get(v.seq);
    if (!le || le.type !== 'void' || le.payload !== canonical({ draw: v.draw_id, reason: v.reason, at: v.at })) {
      problems.push({ entry: `void of ${v.draw_id}`, problem: 'does not match its ledger entry' });
    }
  }
  const subs = db.prepare('SELECT seq, task_no, draw_id, kind, original, replacement, reason, at, payload FROM substitutions').all() as Record<string, unknown>[];
  const subSeqs = new Set<number>();
  for (const s of subs) {
    subSeqs.add(s.seq as number);
    const le = bySeq.get(s.seq as number);
    let pl: Record<string, unknown> = {};
    try {
      pl = JSON.parse(s.payload as string);
    } catch { /* reported below */ }
    const rowMatches = pl.draw === s.draw_id && pl.task === s.task_no && pl.kind === s.kind && pl.original === s.original && pl.replacement === s.replacement && pl.reason === s.reason && pl.at === s.at;
    if (!le || le.type !== 'substitution' || le.payload !== s.payload || !rowMatches) problems.push({ entry: `substitution #${s.seq as number} (${s.task_no as string})`, problem: 'does not match its ledger entry' });
  }
  const batchSeqs = new Set((db.prepare('SELECT seq FROM result_batches').all() as { seq: number }[]).map((r) => r.seq));
  const commits = commitRecordProblems(db, bySeq);
  problems.push(...commits.problems);

  // every ledger entry has its row, and its payload hash holds
  for (const e of entries) {
    if (e.type !== 'draw' && H(e.payload) !== e.payloadHash) problems.push({ entry: `ledger #${e.seq}`, problem: 'payload does not match its payload hash' });
    const has = commits.seqs.has(e.seq) || (e.type === 'draw' ? drawSeqs.has(e.seq) : e.type === 'void' ? voidSeqs.has(e.seq) : e.type === 'substitution' ? subSeqs.has(e.seq) : batchSeqs.has(e.seq));
    if (!has) problems.push({ entry: `ledger #${e.seq}`, problem: `its ${e.type} record (${e.ref}) is missing: deleted behind sj's back` });
    if (e.type === 'results') for (const p of opts.checks.resultBatch(db, e.seq, e.payload)) problems.push({ entry: `ledger #${e.seq}`, problem: p });
  }
  const head = entries.length ? { seq: entries[entries.length - 1]!.seq, hash: entries[entries.length - 1]!.hash } : { seq: 0, hash: '0'.repeat(64) };
  return { ok: problems.length === 0, entries: entries.length, draws: only ? only.size : draws.length, head, problems };
}

/** The draw_tasks columns verify compares, in the order taskRowMatches reads them (object_region last). */
const TASK_COLUMNS = 'task_no, ord, object_id, region, class, tier, rank, key, method, joint, inspectors, expert, object_region';

/**
 * A draw_tasks row is its evidence task, column by column. Every column is a string, an integer
 * or null, so comparing them one by one says what comparing their canonical JSON said, without
 * serialising 2 × 100k small objects.
 */
function taskRowMatches(r: unknown[], no: string, ord: number, tk: Evidence['tasks'][number]): boolean {
  return r[0] === no && r[1] === ord && r[2] === tk.objectId && r[3] === tk.region && r[4] === tk.class
    && r[5] === tk.tier && r[6] === tk.rank && r[7] === tk.key && r[8] === tk.method && r[9] === (tk.joint ? 1 : 0)
    && r[10] === JSON.stringify(tk.inspectors) && r[11] === tk.expert;
}

function describeSnapshotDiff(a: Evidence['snapshot'], b: Evidence['snapshot']): string {
  const parts: string[] = [];
  for (const k of ['objects', 'inspectors', 'experts'] as const) {
    const ma = new Map(a[k].map((x) => [x.id, canonical(x)]));
    const mb = new Map(b[k].map((x) => [x.id, canonical(x)]));
    const diff = [...new Set([...ma.keys(), ...mb.keys()])].filter((id) => ma.get(id) !== mb.get(id));
    if (diff.length) parts.push(`${k} ${diff.slice(0, 5).join(', ')}${diff.length > 5 ? ` (+${diff.length - 5})` : ''}`);
  }
  if (canonical(a.avoidance) !== canonical(b.avoidance)) parts.push('avoidance pairs');
  if (canonical(a.rules) !== canonical(b.rules)) parts.push('rules');
  return parts.join('; ') || 'differs';
}

/**
 * A revealed draw's commitment (draw.commitment, checked against its own payload by
 * verifyEvidence) must be the commit the database holds: its ledger entry, payload and time.
 * A draw whose id no commit reserved carries none.
 */
function drawCommitmentProblems(db: DB, drawId: string, ev: Evidence): string[] {
  const c = commitOfDraw(db, drawId);
  const got = ev.draw?.commitment;
  if (!c) return got ? [`claims commit ${String(got.payload?.commit)}, which the database does not hold`] : [];
  if (!got) return [`its id was reserved by commit ${c.id}, but its evidence carries no commitment`];
  const want = { seq: c.seq, hash: c.hash, prevHash: c.prevHash, at: c.payload.at, entropySource: c.payload.entropySource, payload: c.payloadText };
  const has = { seq: got.seq, hash: got.hash, prevHash: got.prevHash, at: got.at, entropySource: got.entropySource, payload: canonical(got.payload ?? null) };
  const out: string[] = [];
  if (canonical(want) !== canonical(has)) out.push(`draw.commitment differs from commit ${c.id} in the ledger (entry ${c.seq})`);
  if (c.end?.kind !== 'reveal') out.push(`commit ${c.id} is not marked revealed`);
  return out;
}

/**
 * Every commit row is its ledger entry's payload, its committed snapshots hash to the payload's,
 * its reserved ids are the payload's draws; a revealed commit has all its draws, an open or
 * voided one none; a commit's void row is its void entry. Returns the ledger seqs these rows own.
 */
function commitRecordProblems(db: DB, bySeq: Map<number, StoredLedgerEntry>): { problems: VerifyProblem[]; seqs: Set<number> } {
  const problems: VerifyProblem[] = [];
  const seqs = new Set<number>();
  const drawIds = new Set(db.prepare('SELECT id FROM draws').pluck().all() as string[]);
  const reserved = db.prepare('SELECT draw_id FROM commitment_draws WHERE commit_id = ? ORDER BY ord').pluck();
  for (const c of listCommits(db)) {
    const where = `commit ${c.id}`;
    seqs.add(c.seq);
    const le = bySeq.get(c.seq);
    if (!le || le.type !== 'commit' || le.ref !== c.id || le.payload !== c.payloadText) problems.push({ entry: where, problem: 'does not match its ledger entry' });
    if (c.payload.commit !== c.id || c.payload.quarter !== c.quarter) problems.push({ entry: where, problem: 'payload names another commit or quarter' });
    const ids = c.payload.draws.map((d) => d.id);
    if (c.snapshots.length !== ids.length || c.snapshots.some((s, k) => H(canonical(s)) !== c.payload.draws[k]!.snapshotHash)) {
      problems.push({ entry: where, problem: 'stored snapshots differ from the committed snapshot hashes' });
    }
    if (canonical(reserved.all(c.id)) !== canonical(ids)) problems.push({ entry: where, problem: 'reserved draw ids differ from the committed draws' });
    const made = ids.filter((id) => drawIds.has(id));
    if (c.end?.kind === 'reveal' && made.length !== ids.length) problems.push({ entry: where, problem: `revealed, but draws ${ids.filter((id) => !drawIds.has(id)).join(', ')} are missing` });
    if (c.end?.kind !== 'reveal' && made.length) problems.push({ entry: where, problem: `not revealed, yet draws ${made.join(', ')} exist` });
    if (c.end?.kind === 'void') {
      seqs.add(c.end.seq);
      const ve = bySeq.get(c.end.seq);
      if (!ve || ve.type !== 'void' || ve.payload !== canonical(commitVoidPayload(c.id, c.end.reason, c.end.at))) problems.push({ entry: `void of ${c.id}`, problem: 'does not match its ledger entry' });
    }
  }
  return { problems, seqs };
}

/** The facts stored at draw time (draw_facts, draw_strata, draw_exclusions, draw_task_counts, draw_members) must be the evidence's own. */
function drawFactsProblems(db: DB, drawId: string, level: Level, ev: Evidence, nums: Uint32Array | undefined, byId: () => ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  const f = db.prepare('SELECT algorithm, joint, draw_date, rates, tiered FROM draw_facts WHERE draw_id = ?').get(drawId) as
    | { algorithm: string; joint: string; draw_date: string; rates: string; tiered: string } | undefined;
  if (!f) out.push('draw_facts row missing');
  else {
    const want = {
      algorithm: ev.algorithm, joint: ev.draw?.joint, draw_date: ev.draw?.createdAt?.slice(0, 10),
      rates: canonical(ev.snapshot?.rules?.rates?.[level] ?? {}), tiered: canonical(ev.snapshot?.rules?.tiered ?? []),
    };
    if (canonical(want) !== canonical(f)) out.push('draw_facts differ from the evidence (algorithm, joint, date, rates or tiered classes)');
  }
  const rows = db.prepare('SELECT region, class, tier, population, quota, credited, pool, selected FROM draw_strata WHERE draw_id = ? ORDER BY ord').all(drawId) as Record<string, unknown>[];
  const want = (ev.strata ?? []).map((s) => ({ ...s, credited: s.credited ?? 0 }));
  if (canonical(rows) !== canonical(want)) out.push('draw_strata differ from the evidence strata');
  const stored = db.prepare('SELECT region, class, reason, n FROM draw_exclusions WHERE draw_id = ?').all(drawId) as ExcludedCount[];
  const key = (e: ExcludedCount) => `${e.region}|${e.class}|${e.reason}|${e.n}`;
  const storedKeys = new Set(stored.map(key));
  const wantEx = excludedCounts(ev.snapshot?.objects ?? []);
  if (stored.length !== wantEx.length || wantEx.some((e) => !storedKeys.has(key(e)))) out.push('draw_exclusions differ from the evidence snapshot (excluded objects by region, class and reason)');
  try {
    const counted = db.prepare('SELECT region, class, tier, tasks, onsite, joint FROM draw_task_counts WHERE draw_id = ?').all(drawId) as TaskCount[];
    const ckey = (c: TaskCount) => JSON.stringify([c.region, c.class, c.tier, c.tasks, c.onsite, c.joint]);
    const wantCounts = taskCounts(ev.tasks ?? []).map(ckey).sort();
    if (JSON.stringify(counted.map(ckey).sort()) !== JSON.stringify(wantCounts)) out.push('draw_task_counts differ from the evidence tasks (counted by region, class and tier)');
  } catch {
    out.push('draw_task_counts cannot be compared: the evidence tasks are malformed');
  }
  try {
    out.push(...memberProblems(db, drawId, ev, nums, byId));
  } catch {
    // evidence too damaged to give members: its own checks report it
    out.push('draw_members cannot be compared: the evidence snapshot or strata are malformed');
  }
  return out;
}

/**
 * result_counts (what report and check count the results by) must be the results in force and
 * their stamps counted again: its triggers keep it so; an edit made without them is named here.
 */
function resultCountProblems(db: DB): VerifyProblem[] {
  const cols = ['draw_id', 'region', 'date', 'pub', 'confidential', ...RESULT_COUNT_COLUMNS];
  const stored = db.prepare(`SELECT ${cols.join(', ')} FROM result_counts ORDER BY 1, 2, 3, 4, 5`).raw(true).all() as unknown[][];
  const want = db.prepare(resultCountsQuery()).raw(true).all() as unknown[][];
  for (let i = 0; i < Math.max(stored.length, want.length); i++) {
    const [a, b] = [stored[i], want[i]];
    if (a && b && a.every((v, j) => v === b[j])) continue;
    // the first row that differs: one line is enough to say the table was edited
    return [{ entry: `result_counts ${(a ?? b)!.slice(0, 5).join(' ')}`, problem: 'differs from the results in force counted again (edited behind sj\'s back)' }];
  }
  return [];
}

/** draw_scope (one live routine draw per quarter, level, region) must be exactly the live routine draws' regions. */
function scopeProblems(db: DB): VerifyProblem[] {
  const want = new Set<string>();
  for (const d of db.prepare(
    `SELECT d.id, d.quarter, d.level, d.regions FROM draws d WHERE d.kind = 'routine' AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id)`,
  ).all() as { id: string; quarter: string; level: string; regions: string }[]) {
    for (const r of JSON.parse(d.regions) as string[]) want.add(`${d.quarter}|${d.level}|${r}|${d.id}`);
  }
  const got = new Set((db.prepare('SELECT quarter, level, region, draw_id FROM draw_scope').all() as { quarter: string; level: string; region: string; draw_id: string }[])
    .map((r) => `${r.quarter}|${r.level}|${r.region}|${r.draw_id}`));
  const out: VerifyProblem[] = [];
  for (const k of want) if (!got.has(k)) out.push({ entry: `draw_scope ${k}`, problem: 'missing: a live routine draw no longer guards its scope (a second draw could be made)' });
  for (const k of got) if (!want.has(k)) out.push({ entry: `draw_scope ${k}`, problem: 'names no live routine draw of that scope: edited behind sj\'s back' });
  return out;
}
