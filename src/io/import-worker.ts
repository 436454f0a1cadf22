/**
 * The worker-thread transport of a roster import: io/import-rows.ts's source, run in a worker
 * thread so that reading, converting and hashing overlap with the SQLite inserts of the
 * importing thread (io/roster-write.ts uses it for files of 1 MB or more).
 *
 * Messages, worker → importing thread: the head, then one per batch of rows, then the end (or
 * an error, rebuilt as the same error class on the other side). A batch travels as the flat
 * array import-rows.ts makes (structured clone): measured against one JSON string per batch and
 * a columnar string-plus-lengths form, an array cost the same to write and less to read back
 * (JSON.parse was the slowest reader), with no codec to keep. A flat one, without an object per
 * row, is received for much less than an array of row objects (profiles of a 1M-row import:
 * 0.1 s against 2 s in the importing thread); writing it costs the worker about the same. It
 * must be packed (import-rows.ts): a holey array is cloned as a sparse one. The worker waits for
 * acknowledgements beyond IN_FLIGHT batches, so memory stays flat however slowly the inserts go.
 *
 * A worker runs only from compiled JavaScript: a test runner loads the TypeScript sources, where
 * imports read in the importing thread (test/import-worker.test.ts tests this path from dist/).
 */
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads';
import { openSource, type CtxData, type RowBatch, type Source, type SourceHead, type SourceParams } from './import-rows.js';
import { NoHeaderError } from './tabular.js';
import { SjError, UsageError, type ExitCode, type RowProblem } from '../errors.js';
import { getLang, setLang, type Lang } from '../messages/index.js';

/** batches posted and not yet acknowledged before the worker waits */
const IN_FLIGHT = 4;

type ToMain =
  | { t: 'head'; head: SourceHead }
  | { t: 'rows'; rows: RowBatch }
  | { t: 'end'; sha256: string }
  | { t: 'error'; error: SerializedError };

/** Can this module run as a worker (compiled JavaScript, not TypeScript loaded by a test runner)? */
export const workerAvailable = import.meta.url.endsWith('.js');

// ---- the importing thread's side ---------------------------------------------------------

/** The source of import-rows.ts, read and converted in a worker thread. */
export function openWorkerSource(p: SourceParams, ctxData: CtxData): Promise<Source> {
  const w = new Worker(new URL(import.meta.url), {
    workerData: { sjImportWorker: true, params: p, ctx: ctxData, lang: getLang() },
    // CSV: a small young generation (the rows die young) keeps a 1M-row import under 300 MB of
    // peak RSS (bench/import.mjs). Not for xlsx, where exceljs' reader is the bottleneck and
    // runs ~6 % slower with it.
    resourceLimits: /\.xls[xm]$/i.test(p.path) ? {} : { maxYoungGenerationSizeMb: 24 },
  });
  const inbox = new Inbox(w);
  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      for (;;) {
        const m = await inbox.next();
        if (m.t === 'rows') {
          w.postMessage('ack');
          yield m.rows;
        } else if (m.t === 'end') {
          inbox.finish(m.sha256);
          return;
        } else if (m.t === 'error') throw deserializeError(m.error);
      }
    } finally {
      inbox.close();
    }
  }
  return (async () => {
    try {
      const m = await inbox.next();
      if (m.t === 'error') throw deserializeError(m.error);
      if (m.t !== 'head') throw new Error('import worker: no header');
      return { head: m.head, batches: batches(), sha256: () => inbox.sha256, close: () => inbox.close() };
    } catch (e) {
      inbox.close();
      throw e;
    }
  })();
}

/** The worker's messages as they arrive, and its failure or end. */
class Inbox {
  private queue: ToMain[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private finished = false;
  sha256 = '';
  constructor(private readonly w: Worker) {
    w.on('message', (m: ToMain) => {
      this.queue.push(m);
      this.wake?.();
    });
    w.on('error', (e) => {
      this.failure ??= e;
      this.wake?.();
    });
    w.on('exit', (code) => {
      if (!this.finished) this.failure ??= new Error(`import worker exited (${code})`);
      this.wake?.();
    });
  }
  async next(): Promise<ToMain> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
  /** the worker sent its end: it exits by itself */
  finish(sha256: string): void {
    this.sha256 = sha256;
    this.finished = true;
  }
  /** stop the worker unless it has finished */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    void this.w.terminate();
  }
}

// ---- the worker's side -------------------------------------------------------------------

async function workerMain(): Promise<void> {
  const port = parentPort!;
  const { params, ctx, lang } = workerData as { params: SourceParams; ctx: CtxData; lang: Lang };
  setLang(lang);
  let inFlight = 0;
  let resume: (() => void) | undefined;
  port.on('message', () => {
    inFlight--;
    resume?.();
  });
  const post = (m: ToMain) => port.postMessage(m);
  try {
    const src = await openSource(params, ctx);
    post({ t: 'head', head: src.head });
    for await (const rows of src.batches) {
      while (inFlight >= IN_FLIGHT) {
        await new Promise<void>((r) => (resume = r));
        resume = undefined;
      }
      inFlight++;
      post({ t: 'rows', rows });
      // a batch the importing thread has not started on yet: it is the slower one, so this
      // thread hashes the next batch's rows; else it leaves them to that thread
      src.hashing!(inFlight > 1);
    }
    post({ t: 'end', sha256: src.sha256() });
  } catch (e) {
    post({ t: 'error', error: serializeError(e) });
  }
  port.close();
}

// ---- errors across the thread boundary -----------------------------------------------------

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  exitCode?: ExitCode;
  hint?: string;
  problems?: RowProblem[];
  details?: Record<string, unknown>;
  noHeader?: { file: string; sheet: string | undefined; found: string[]; foundRow: number | undefined };
}

function serializeError(e: unknown): SerializedError {
  if (e instanceof NoHeaderError) {
    return { name: e.name, message: e.message, noHeader: { file: e.file, sheet: e.sheet, found: e.found, foundRow: e.foundRow } };
  }
  if (e instanceof SjError) {
    return { name: e.name, message: e.message, exitCode: e.exitCode, hint: e.hint, problems: e.problems, details: e.details };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, stack: err.stack };
}

function deserializeError(s: SerializedError): Error {
  if (s.noHeader) return new NoHeaderError(s.noHeader.file, s.noHeader.sheet, s.noHeader.found, s.noHeader.foundRow, s.message);
  if (s.name === 'UsageError') return new UsageError(s.message, s.hint);
  if (s.exitCode !== undefined) return new SjError(s.message, { exitCode: s.exitCode, hint: s.hint, problems: s.problems, details: s.details });
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}

if (!isMainThread && (workerData as { sjImportWorker?: boolean } | null)?.sjImportWorker) void workerMain();
