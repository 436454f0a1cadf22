/**
 * The only place that touches the terminal: data to stdout, messages/progress/prompts to stderr.
 * Colour follows the TTY, NO_COLOR and --no-color: --no-color or a non-empty NO_COLOR always
 * wins; then FORCE_COLOR (0/false: none, 1–3: that level); then stderr must be a TTY, TERM not dumb.
 * Colour is chalk's, loaded only when it can be on (loadColors): a script's run, with no TTY,
 * does not load it (it is a fifth of a small command's module loading).
 */

/** The styles sj's messages use, chained as chalk chains them (`c.red.bold(text)`). */
export interface Colors {
  (...text: unknown[]): string;
  bold: Colors;
  dim: Colors;
  red: Colors;
  green: Colors;
  yellow: Colors;
}

/** No colour: every style and chain of styles gives its text as it is (as chalk does at level 0). */
export const PLAIN = ((...text: unknown[]): string => text.join(' ')) as Colors;
for (const style of ['bold', 'dim', 'red', 'green', 'yellow'] as const) PLAIN[style] = PLAIN;

let chalk: typeof import('chalk') | undefined;

/** Load chalk when colour can be on in this process (before makeOutput; once). */
export async function loadColors(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!chalk && colorLevel({ env }) > 0) chalk = await import('chalk');
}

export interface Output {
  /** write data (tables, JSON, CSV) to stdout, ending its line */
  data(text: string): void;
  /** write one piece of a long document to stdout as it is (a document too big to hold as one string) */
  dataPart(text: string): void;
  /** informational message to stderr */
  info(text: string): void;
  /** success message to stderr */
  ok(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  color: Colors;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
}

export function colorLevel(opts: { noColor?: boolean; stream?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv }): 0 | 1 | 2 | 3 {
  const env = opts.env ?? process.env;
  if (opts.noColor) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return 0;
  if (force !== undefined) return force === '2' ? 2 : force === '3' ? 3 : 1;
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  return 1;
}

export function makeOutput(opts: { noColor?: boolean } = {}): Output {
  // --no-color also reaches what colours on its own (the prompts, via util.styleText)
  if (opts.noColor && !process.env.NO_COLOR) process.env.NO_COLOR = '1';
  const level = colorLevel({ noColor: opts.noColor, stream: process.stderr });
  const color: Colors = level > 0 && chalk ? new chalk.Chalk({ level }) : PLAIN;
  const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  return {
    // the line's end written on its own: a long document (a year's JSON, 1.4 MB) is not copied to add it
    data: (s) => {
      process.stdout.write(s);
      if (s !== '' && !s.endsWith('\n')) process.stdout.write('\n');
    },
    dataPart: (s) => process.stdout.write(s),
    info: (s) => err(s),
    ok: (s) => err(color.green(s)),
    warn: (s) => err(color.yellow(s)),
    error: (s) => err(color.red(s)),
    color,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}
