/**
 * A progress bar on stderr when it is a TTY (and TERM is not dumb); nothing otherwise, so a
 * pipe, a log file or cron never sees a carriage return. One line, redrawn in place at most
 * every 80 ms, cut to the terminal's width (a wrapped line could not be redrawn), shown only
 * once the work has taken 200 ms (a fast job does not flicker), and erased by done().
 */
import { displayWidth } from '../core/text-width.js';

export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

const NOOP: Progress = { update() {}, done() {} };

/** Cut a string to at most `cols` display columns. */
export function fitWidth(s: string, cols: number): string {
  if (displayWidth(s) <= cols) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > cols - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

/** The text of one frame (exported for tests). */
export function renderBar(label: string, done: number, total: number | undefined, cols = 80, width = 30): string {
  let line: string;
  if (total && total > 0) {
    const f = Math.max(0, Math.min(1, done / total));
    const fill = Math.round(f * width);
    line = `${label} [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${String(Math.floor(f * 100)).padStart(3)}% ${done}/${total}`;
  } else {
    line = `${label} … ${done}`;
  }
  return fitWidth(line, Math.max(10, cols - 1));
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** ms before the first frame (default 200) */
  delay?: number;
}

export function progress(label: string, enabled?: boolean, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const on = enabled ?? (Boolean(stream.isTTY) && process.env.TERM !== 'dumb');
  if (!on) return NOOP;
  const start = Date.now();
  const delay = opts.delay ?? 200;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - start < delay) return;
      if (now - last < 80 && (total === undefined || done < total)) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[2K${renderBar(label, done, total, stream.columns || 80)}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
