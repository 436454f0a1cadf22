/**
 * The exported evidence file: `JSON.stringify(evidence, null, 1) + '\n'`, byte for byte, written
 * in chunks, so that a province-scale evidence (hundreds of MB) is never one string (issue 13).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Containers this deep or deeper (a snapshot object, a task …) are small: one JSON.stringify each. */
const LEAF_DEPTH = 3;
const CHUNK = 1 << 16;

/**
 * Write JSON.stringify(x, null, 1) + '\n' through `write` in chunks of about 64 KB. The layout
 * is JSON.stringify's own: with a one-space gap, a value at depth d has its lines indented by d
 * spaces, so a small value's own JSON.stringify(v, null, 1) is placed by indenting its lines.
 */
export function writePrettyJson(x: unknown, write: (s: string) => void): void {
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      write(buf);
      buf = '';
    }
  };
  emit(x, 0, put);
  put('\n');
  if (buf) write(buf);
}

/** JSON.stringify drops these object members, and writes them as null in arrays. */
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function emit(v: unknown, depth: number, put: (s: string) => void): void {
  if (depth >= LEAF_DEPTH || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const s = JSON.stringify(v, null, 1) ?? 'null';
    put(depth && s.includes('\n') ? s.replaceAll('\n', '\n' + ' '.repeat(depth)) : s);
    return;
  }
  const inner = '\n' + ' '.repeat(depth + 1);
  if (Array.isArray(v)) {
    if (v.length === 0) return put('[]');
    put('[');
    v.forEach((item, i) => {
      put(i ? ',' + inner : inner);
      if (skipped(item)) put('null');
      else emit(item, depth + 1, put);
    });
    put('\n' + ' '.repeat(depth) + ']');
    return;
  }
  const keys = Object.keys(v).filter((k) => !skipped((v as Record<string, unknown>)[k]));
  if (keys.length === 0) return put('{}');
  put('{');
  keys.forEach((k, i) => {
    put((i ? ',' : '') + inner + JSON.stringify(k) + ': ');
    emit((v as Record<string, unknown>)[k], depth + 1, put);
  });
  put('\n' + ' '.repeat(depth) + '}');
}

/** Write the pretty JSON of x to a file, chunk by chunk. */
export function writePrettyJsonFile(file: string, x: unknown): void {
  const fd = openSync(file, 'w');
  try {
    writePrettyJson(x, (s) => {
      writeSync(fd, s);
    });
  } finally {
    closeSync(fd);
  }
}
