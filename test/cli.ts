/**
 * The CLI run in-process: `main()` of src/cli.ts with its own argv, environment, working
 * directory and captured stdout/stderr, exactly what bin/sj.js would do, minus the process.
 * Behaviour tests use this (milliseconds a run); test/e2e/*.test.ts spawns bin/sj.js for what only
 * a process shows (exit statuses as the shell sees them, stdout/stderr as separate pipes, TTY,
 * signals, stdin).
 *
 * Runs are serialised: one file's tests run one after another, and this swaps process-wide
 * state (env, cwd, the two write functions) only for the length of one run.
 */
import { main } from '../src/cli.js';
import { App } from '../src/commands/app.js';
import { PLAIN } from '../src/ui/output.js';
import { BIN, ROOT } from './helpers.js';
import type { CliResult } from './db-helpers.js';

export interface RunOpts {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

type Write = typeof process.stdout.write;

function capture(stream: NodeJS.WriteStream, sink: string[]): () => void {
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown): boolean => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'));
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

let queue: Promise<unknown> = Promise.resolve();

/** Run `sj <args>` in this process; resolves to its status and what it wrote. */
export function run(args: string[], opts: RunOpts = {}): Promise<CliResult> {
  const next = queue.then(() => runNow(args, opts));
  queue = next.catch(() => undefined);
  return next;
}

async function runNow(args: string[], opts: RunOpts): Promise<CliResult> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const out: string[] = [];
  const err: string[] = [];
  for (const [k, v] of Object.entries({ NO_COLOR: '1', SJ_LANG: 'zh', ...opts.env })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.chdir(opts.cwd ?? ROOT);
  const restoreOut = capture(process.stdout, out);
  const restoreErr = capture(process.stderr, err);
  let status: number;
  try {
    status = await main([process.execPath, BIN, ...args]);
  } finally {
    restoreOut();
    restoreErr();
    process.chdir(savedCwd);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

/** What an action wrote: stdout (data) and stderr (messages), a string per write. */
export interface Captured {
  stdout: string[];
  stderr: string[];
}

/**
 * An App on the database at `path`, as cli.ts configures it, whose output is kept in memory
 * (no colour, no TTY): for tests that call a command's action function `(app, opts)` directly.
 */
export function appOn(path: string): { app: App; seen: Captured } {
  const app = new App();
  app.configure({ db: path, color: false });
  const seen: Captured = { stdout: [], stderr: [] };
  const err = (s: string) => void seen.stderr.push(s);
  app.out = {
    data: (s) => void seen.stdout.push(s), dataPart: (s) => void seen.stdout.push(s), info: err, ok: err, warn: err, error: err,
    color: PLAIN, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
  };
  return { app, seen };
}
