/**
 * One typed error → one exit code. Commands throw SjError for anything the user can fix;
 * the CLI prints its message (one line, plus an optional hint) without a stack trace.
 */
export const EXIT = { ok: 0, error: 1, usage: 2, targetsMissed: 3, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface RowProblem {
  file: string;
  sheet?: string;
  /** row number as Excel (or a text editor, for CSV) numbers it */
  row?: number;
  column?: string;
  problem: string;
}

export class SjError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly problems?: RowProblem[];
  /** extra fields for --json error output */
  readonly details?: Record<string, unknown>;
  constructor(
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; problems?: RowProblem[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'SjError';
    this.exitCode = opts.exitCode ?? EXIT.error;
    this.hint = opts.hint;
    this.problems = opts.problems;
    this.details = opts.details;
  }
}

/** A usage error: bad or missing flag, bad argument. Exit 2. */
export class UsageError extends SjError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, hint });
    this.name = 'UsageError';
  }
}
