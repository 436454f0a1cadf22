/**
 * Pretty JSON written in chunks: `JSON.stringify(x, null, gap) + '\n'`, byte for byte, so that a
 * large document is never one string (issue 13). The evidence file (gap 1: a province-scale
 * evidence is hundreds of MB) and `sj report --json` (gap 2: a year's fairness section is over
 * a megabyte, which as one string and its UTF-8 copy is memory touched for nothing) use it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface PrettyJsonOptions {
  /** spaces per level: JSON.stringify's third argument (1 for evidence files) */
  gap?: number;
  /** containers this deep or deeper are small: one JSON.stringify each (3: a snapshot object, a task …) */
  leafDepth?: number;
  /** characters per piece written (64 Ki) */
  chunk?: number;
}

/**
 * Write JSON.stringify(x, null, gap) + '\n' through `write` in chunks (of about 64 Ki characters). The layout
 * is JSON.stringify's own: a value at depth d has its lines indented by d gaps, so a small
 * value's own JSON.stringify(v, null, gap) is placed by indenting its lines.
 */
export function writePrettyJson(x: unknown, write: (s: string) => void, opts: PrettyJsonOptions = {}): void {
  const gap = ' '.repeat(opts.gap ?? 1);
  const leafDepth = opts.leafDepth ?? 3;
  const chunk = opts.chunk ?? 1 << 16;
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= chunk) {
      write(buf);
      buf = '';
    }
  };
  emit(x, 0, { gap, leafDepth, put });
  put('\n');
  if (buf) write(buf);
}

/** JSON.stringify drops these object members, and writes them as null in arrays. */
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

interface Emitter {
  gap: string;
  leafDepth: number;
  put: (s: string) => void;
}

function emit(v: unknown, depth: number, e: Emitter): void {
  const { gap, put } = e;
  if (depth >= e.leafDepth || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const s = JSON.stringify(v, null, gap) ?? 'null';
    put(depth && s.includes('\n') ? s.replaceAll('\n', '\n' + gap.repeat(depth)) : s);
    return;
  }
  const inner = '\n' + gap.repeat(depth + 1);
  if (Array.isArray(v)) {
    if (v.length === 0) return put('[]');
    put('[');
    v.forEach((item, i) => {
      put(i ? ',' + inner : inner);
      if (skipped(item)) put('null');
      else emit(item, depth + 1, e);
    });
    put('\n' + gap.repeat(depth) + ']');
    return;
  }
  const keys = Object.keys(v).filter((k) => !skipped((v as Record<string, unknown>)[k]));
  if (keys.length === 0) return put('{}');
  put('{');
  keys.forEach((k, i) => {
    put((i ? ',' : '') + inner + JSON.stringify(k) + ': ');
    emit((v as Record<string, unknown>)[k], depth + 1, e);
  });
  put('\n' + gap.repeat(depth) + '}');
}

/** Write the pretty JSON of x to a file, chunk by chunk. */
export function writePrettyJsonFile(file: string, x: unknown, opts: PrettyJsonOptions = {}): void {
  const fd = openSync(file, 'w');
  try {
    writePrettyJson(x, (s) => {
      writeSync(fd, s);
    }, opts);
  } finally {
    closeSync(fd);
  }
}
