/**
 * Inspection results in the database: importing a results file as one batch (one ledger entry,
 * one transaction), the versioned `results` rows (current / superseded_by), credit records,
 * publication stamps, and the views the commands need (list, open, overdue, an object's history).
 * checkResultBatch, which `sj verify` is given (verify-db's checks), catches rows edited behind
 * sj's back. Validating a file's rows is pure: core/results-validate.ts.
 */
import { canonical } from '../core/canonical.js';
import { ageWorkingDays, deadlineStatus, oncePerDate, type DeadlineStatus } from '../core/deadlines.js';
import { goesToCredit, isOpen, type ResultMethod } from '../core/results.js';
import type { WorkCalendar } from '../core/workdays.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoUtc, now } from './clock.js';
import { writeTx, type DB } from './db.js';
import { effectiveTasks, type EffectiveTask } from './draw-store.js';
import { appendLedger } from './ledger.js';
import { readResultsFile } from './results-read.js';
import { MAX_RESULT_PROBLEMS, validateRows, type ResultRecord } from '../core/results-validate.js';

export { MAX_RESULT_PROBLEMS, validateRows, type ResultRecord };



const RESULT_COLS = 'vid, task_no, batch_id, current, superseded_by, date, method, outcome, fine_fen, rectified, confidential, published_on, note';

interface ResultDbRow {
  vid: number;
  task_no: string;
  batch_id: number;
  current: number;
  superseded_by: number | null;
  date: string;
  method: string;
  outcome: string;
  fine_fen: number;
  rectified: number;
  confidential: number;
  published_on: string | null;
  note: string;
}

const toRecord = (r: ResultDbRow): ResultRecord => ({
  taskNo: r.task_no, date: r.date, method: r.method as ResultMethod, outcome: r.outcome, fineFen: r.fine_fen,
  rectified: r.rectified === 1, confidential: r.confidential === 1, publishedOn: r.published_on ?? null, note: r.note,
});

const sameRecord = (a: ResultRecord, b: ResultRecord): boolean => canonical(a) === canonical(b);

// ---- import -------------------------------------------------------------------------------

export interface ImportResultsOptions {
  dryRun?: boolean;
  sheet?: string;
  /** today (China), for "in the future" checks */
  today: string;
}

export interface ImportResultsSummary {
  file: string;
  sheet: string | null;
  headerRow: number;
  sha256: string;
  dryRun: boolean;
  /** data rows read */
  read: number;
  /** rows with neither 检查日期 nor 检查结果 (not yet inspected) */
  skipped: number;
  added: number;
  updated: number;
  unchanged: number;
  /** credit records added or updated */
  credit: number;
  /** tasks stamped published by a 公示日期 */
  published: number;
  batch: number | null;
  ledger: { seq: number; hash: string } | null;
  changes: { taskNo: string; change: 'added' | 'updated' }[];
}

export async function importResults(db: DB, path: string, opts: ImportResultsOptions): Promise<ImportResultsSummary> {
  const f = await readResultsFile(path, { sheet: opts.sheet });
  const tasks = effectiveTasks(db, { includeVoided: true });
  const { records, problems, skipped } = validateRows(f, tasks, opts.today);
  if (problems.length) {
    throw new SjError(t('results.badFile', { file: f.file, n: problems.length }), {
      problems: problems.slice(0, MAX_RESULT_PROBLEMS),
      hint: t('results.badFileHint'),
    });
  }
  const byTask = new Map(tasks.map((tk) => [tk.taskNo, tk]));
  const summary: ImportResultsSummary = {
    file: f.file, sheet: f.sheet ?? null, headerRow: f.headerRow, sha256: f.sha256, dryRun: Boolean(opts.dryRun),
    read: f.rows.length, skipped, added: 0, updated: 0, unchanged: 0, credit: 0, published: 0, batch: null, ledger: null, changes: [],
  };
  const plan = (): { rec: ResultRecord; old: ResultDbRow | undefined }[] => {
    const cur = db.prepare(`SELECT ${RESULT_COLS} FROM results WHERE task_no = ? AND current = 1`);
    const out: { rec: ResultRecord; old: ResultDbRow | undefined }[] = [];
    summary.added = summary.updated = summary.unchanged = 0;
    summary.changes = [];
    for (const rec of records) {
      const old = cur.get(rec.taskNo) as ResultDbRow | undefined;
      if (old && sameRecord(toRecord(old), rec)) {
        summary.unchanged++;
        continue;
      }
      if (old) summary.updated++;
      else summary.added++;
      summary.changes.push({ taskNo: rec.taskNo, change: old ? 'updated' : 'added' });
      out.push({ rec, old });
    }
    return out;
  };
  const stampsOf = (list: ResultRecord[]) => list.filter((r) => r.publishedOn !== null);
  if (opts.dryRun) {
    const changed = plan();
    summary.credit = changed.filter((c) => goesToCredit(c.rec.outcome)).length;
    const isPub = db.prepare('SELECT 1 FROM published WHERE task_no = ?');
    summary.published = stampsOf(records).filter((r) => !isPub.get(r.taskNo)).length;
    return summary;
  }
  return writeTx(db, () => {
    const changed = plan();
    // publication stamps of the file, even for rows otherwise unchanged
    const stamp = db.prepare('INSERT OR IGNORE INTO published(task_no, date, publication_id) VALUES (?, ?, NULL)');
    if (!changed.length) {
      for (const r of stampsOf(records)) summary.published += stamp.run(r.taskNo, r.publishedOn).changes;
      return summary;
    }
    const batchId = ((db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM result_batches').get() as { m: number }).m) + 1;
    const at = isoUtc(now());
    const rows = changed.map((c) => c.rec).sort((a, b) => (a.taskNo < b.taskNo ? -1 : a.taskNo > b.taskNo ? 1 : 0));
    const entry = appendLedger(db, 'results', String(batchId), at, { batch: batchId, file: f.file, sha256: f.sha256, at, rows });
    db.prepare('INSERT INTO result_batches(id, seq, file, file_sha256, at, rows, actor) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(batchId, entry.seq, f.file, f.sha256, at, rows.length, process.env.SJ_ACTOR ?? '');
    const retire = db.prepare('UPDATE results SET current = 0 WHERE vid = ?');
    const link = db.prepare('UPDATE results SET superseded_by = ? WHERE vid = ?');
    const ins = db.prepare(`INSERT INTO results(task_no, batch_id, current, superseded_by, date, method, outcome, fine_fen, rectified, confidential, published_on, note)
      VALUES (?, ?, 1, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const credit = db.prepare(`INSERT INTO credit_records(object_id, task_no, date, outcome, fine_fen, batch_id) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(task_no, outcome) DO UPDATE SET object_id = excluded.object_id, date = excluded.date, fine_fen = excluded.fine_fen, batch_id = excluded.batch_id`);
    const dropCredit = db.prepare('DELETE FROM credit_records WHERE task_no = ? AND outcome <> ?');
    for (const { rec, old } of changed.sort((a, b) => (a.rec.taskNo < b.rec.taskNo ? -1 : 1))) {
      if (old) retire.run(old.vid);
      const vid = Number(ins.run(rec.taskNo, batchId, rec.date, rec.method, rec.outcome, rec.fineFen, rec.rectified ? 1 : 0, rec.confidential ? 1 : 0, rec.publishedOn, rec.note).lastInsertRowid);
      if (old) link.run(vid, old.vid);
      // a corrected outcome replaces the task's credit entry (a data-entry error is not a violation)
      dropCredit.run(rec.taskNo, rec.outcome);
      if (goesToCredit(rec.outcome)) {
        credit.run(byTask.get(rec.taskNo)!.objectId, rec.taskNo, rec.date, rec.outcome, rec.fineFen, batchId);
        summary.credit++;
      }
    }
    for (const r of stampsOf(records)) summary.published += stamp.run(r.taskNo, r.publishedOn).changes;
    summary.batch = batchId;
    summary.ledger = { seq: entry.seq, hash: entry.hash };
    return summary;
  });
}

// ---- the verify check -----------------------------------------------------------------------

/** `sj verify`: a batch's rows in `results` must be exactly its ledger payload's rows. */
export function checkResultBatch(db: DB, seq: number, payload: string): string[] {
  const b = db.prepare('SELECT id, seq, file, file_sha256, at, rows FROM result_batches WHERE seq = ?').get(seq) as
    | { id: number; seq: number; file: string; file_sha256: string; at: string; rows: number }
    | undefined;
  if (!b) return []; // reported by verify-db as a missing record
  const out: string[] = [];
  let pl: { batch?: unknown; file?: unknown; sha256?: unknown; at?: unknown; rows?: ResultRecord[] };
  try {
    pl = JSON.parse(payload);
  } catch {
    return [t('results.verify.payload', { batch: b.id })];
  }
  if (pl.batch !== b.id || pl.file !== b.file || pl.sha256 !== b.file_sha256 || pl.at !== b.at || !Array.isArray(pl.rows) || pl.rows.length !== b.rows) {
    out.push(t('results.verify.batchRow', { batch: b.id }));
  }
  const expected = new Map((pl.rows ?? []).map((r) => [r.taskNo, canonical(r)]));
  const rows = db.prepare(`SELECT ${RESULT_COLS} FROM results WHERE batch_id = ? ORDER BY vid`).all(b.id) as ResultDbRow[];
  const got = new Set<string>();
  for (const r of rows) {
    got.add(r.task_no);
    const exp = expected.get(r.task_no);
    if (exp === undefined) out.push(t('results.verify.extra', { batch: b.id, task: r.task_no }));
    else if (exp !== canonical(toRecord(r))) out.push(t('results.verify.edited', { batch: b.id, task: r.task_no, vid: r.vid }));
    // supersession: a retired version names a later version of the same task
    if (r.current === 1 && r.superseded_by !== null) out.push(t('results.verify.chain', { task: r.task_no, vid: r.vid }));
    if (r.current === 0) {
      const next = r.superseded_by === null ? undefined : (db.prepare('SELECT task_no, vid FROM results WHERE vid = ?').get(r.superseded_by) as { task_no: string; vid: number } | undefined);
      if (!next || next.task_no !== r.task_no || next.vid <= r.vid) out.push(t('results.verify.chain', { task: r.task_no, vid: r.vid }));
    }
  }
  for (const task of expected.keys()) if (!got.has(task)) out.push(t('results.verify.missing', { batch: b.id, task }));
  // rows of no batch at all: checked once, with the last batch
  const last = db.prepare('SELECT MAX(seq) AS s FROM result_batches').get() as { s: number | null };
  if (last.s === seq) {
    const orphans = db.prepare('SELECT vid, task_no FROM results WHERE batch_id NOT IN (SELECT id FROM result_batches) LIMIT 20').all() as { vid: number; task_no: string }[];
    for (const o of orphans) out.push(t('results.verify.orphan', { task: o.task_no, vid: o.vid }));
  }
  return out;
}


// ---- views ----------------------------------------------------------------------------------

export interface ResultView extends ResultRecord {
  vid: number;
  batchId: number;
  drawId: string;
  quarter: string;
  drawDate: string;
  objectId: string;
  /** the object's county */
  objectRegion: string;
  /** the task's stratum region (the city at city level) */
  region: string;
  /** date stamped in `published` (sj publish or the file's 公示日期) */
  published: string | null;
  open: boolean;
  task: EffectiveTask;
}

function currentByTask(db: DB): Map<string, ResultDbRow> {
  const rows = db.prepare(`SELECT ${RESULT_COLS} FROM results WHERE current = 1`).all() as ResultDbRow[];
  return new Map(rows.map((r) => [r.task_no, r]));
}

function publishedByTask(db: DB): Map<string, string> {
  return new Map((db.prepare('SELECT task_no, date FROM published').all() as { task_no: string; date: string }[]).map((r) => [r.task_no, r.date]));
}

/** Current results of live draws (of a quarter or a draw), in draw then task order. */
export function listResults(db: DB, opts: { quarter?: string; drawId?: string; year?: number } = {}): ResultView[] {
  const tasks = effectiveTasks(db, { quarter: opts.quarter, drawId: opts.drawId, year: opts.year });
  const cur = currentByTask(db);
  const pub = publishedByTask(db);
  const out: ResultView[] = [];
  for (const tk of tasks) {
    const r = cur.get(tk.taskNo);
    if (!r) continue;
    const rec = toRecord(r);
    out.push({
      ...rec, vid: r.vid, batchId: r.batch_id, drawId: tk.drawId, quarter: tk.quarter, drawDate: tk.drawDate, objectId: tk.objectId,
      objectRegion: tk.objectRegion, region: tk.region, published: pub.get(tk.taskNo) ?? null, open: isOpen(rec), task: tk,
    });
  }
  return out;
}

/** The current result of each task (for pre-filling a template). */
export function currentResults(db: DB): Map<string, ResultRecord> {
  return new Map([...currentByTask(db)].map(([k, v]) => [k, toRecord(v)]));
}

export interface OpenResult extends ResultView {
  age: number;
}

/** Results with a problem not yet rectified, oldest first; `regions` filters by county or stratum region. */
export function openResults(db: DB, cal: WorkCalendar, today: string, opts: { regions?: string[] } = {}): OpenResult[] {
  const only = opts.regions?.length ? new Set(opts.regions) : null;
  return listResults(db)
    .filter((r) => r.open && (!only || only.has(r.objectRegion) || only.has(r.region)))
    .map((r) => ({ ...r, age: ageWorkingDays(cal, r.date, today) }))
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.taskNo < b.taskNo ? -1 : 1));
}

export interface DueResult extends ResultView, DeadlineStatus {}

/**
 * Results not yet published (and not confidential) that are overdue or due within
 * `soon` working days; `daysFor(year)` gives the publication deadline of a year's rules.
 */
export function dueResults(db: DB, cal: WorkCalendar, today: string, daysFor: (year: number) => number, opts: { quarter?: string; soon?: number } = {}): DueResult[] {
  const statusOf = oncePerDate((date) => deadlineStatus(cal, date, today, daysFor(Number(date.slice(0, 4))), opts.soon));
  return listResults(db, { quarter: opts.quarter })
    .filter((r) => !r.confidential && r.published === null)
    .map((r) => ({ ...r, ...statusOf(r.date) }))
    .filter((r) => r.state !== 'ok')
    .sort((a, b) => (a.due !== b.due ? (a.due < b.due ? -1 : 1) : a.taskNo < b.taskNo ? -1 : 1));
}

/** Stamp today's publication: one `publications` row, a `published` row per task not yet published. */
export function recordPublication(db: DB, p: { quarter: string; date: string; file: string; taskNos: string[]; withheld: number }): { id: number; stamped: number } {
  return writeTx(db, () => {
    const id = Number(db.prepare('INSERT INTO publications(quarter, at, file, published, withheld) VALUES (?, ?, ?, ?, ?)')
      .run(p.quarter, isoUtc(now()), p.file, p.taskNos.length, p.withheld).lastInsertRowid);
    const ins = db.prepare('INSERT OR IGNORE INTO published(task_no, date, publication_id) VALUES (?, ?, ?)');
    let stamped = 0;
    for (const tn of p.taskNos) stamped += ins.run(tn, p.date, id).changes;
    return { id, stamped };
  });
}

// ---- an object's history (for `sj roster show`) --------------------------------------------

export interface ObjectInspection {
  taskNo: string;
  drawId: string;
  quarter: string;
  drawDate: string;
  level: string;
  method: string;
  /** drawn originally, or put in by a substitution (补抽) */
  substituted: boolean;
  result: (ResultRecord & { published: string | null; open: boolean }) | null;
}

export interface CreditEntry {
  taskNo: string;
  date: string;
  outcome: string;
  fineFen: number;
  batchId: number;
}

/** Every task of a live draw that inspects the object (with its current result), and its credit records. */
export function objectHistory(db: DB, objectId: string): { inspections: ObjectInspection[]; credit: CreditEntry[] } {
  const drawIds = db.prepare(`SELECT DISTINCT draw_id FROM draw_tasks WHERE object_id = @o
    UNION SELECT DISTINCT draw_id FROM substitutions WHERE kind = 'object' AND replacement = @o`).pluck().all({ o: objectId }) as string[];
  const cur = currentByTask(db);
  const pub = publishedByTask(db);
  const inspections: ObjectInspection[] = [];
  for (const id of drawIds) {
    for (const tk of effectiveTasks(db, { drawId: id })) {
      if (tk.objectId !== objectId) continue;
      const r = cur.get(tk.taskNo);
      const rec = r ? toRecord(r) : null;
      inspections.push({
        taskNo: tk.taskNo, drawId: tk.drawId, quarter: tk.quarter, drawDate: tk.drawDate, level: tk.level, method: tk.method,
        substituted: tk.originalObjectId !== null,
        result: rec ? { ...rec, published: pub.get(tk.taskNo) ?? null, open: isOpen(rec) } : null,
      });
    }
  }
  inspections.sort((a, b) => (a.quarter !== b.quarter ? (a.quarter < b.quarter ? -1 : 1) : a.taskNo < b.taskNo ? -1 : 1));
  const credit = (db.prepare('SELECT task_no, date, outcome, fine_fen, batch_id FROM credit_records WHERE object_id = ? ORDER BY date, task_no, outcome').all(objectId) as
    { task_no: string; date: string; outcome: string; fine_fen: number; batch_id: number }[])
    .map((c) => ({ taskNo: c.task_no, date: c.date, outcome: c.outcome, fineFen: c.fine_fen, batchId: c.batch_id }));
  return { inspections, credit };
}
