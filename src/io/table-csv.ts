/**
 * Reading .csv rosters: 32 KB pieces through CsvTokenizer, a batch of records per piece;
 * encoding `auto` = UTF-8 when the file starts with a BOM or its first 4 MB are valid UTF-8, else
 * GB18030 (what Excel on a Chinese Windows writes). Decoding is strict: a UTF-8 file with bad
 * bytes further on fails with a hint.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { CsvQuoteError, CsvTokenizer } from './csv-tokenizer.js';
import type { Best, Encoding, TableRow } from './table-source.js';

// ---- csv -------------------------------------------------------------------------------

const SNIFF_BYTES = 4 * 1024 * 1024;

/** Which encoding a CSV file is in: BOM → utf8; valid UTF-8 → utf8; else gb18030. */
export function detectEncoding(head: Buffer, whole: boolean): 'utf8' | 'gb18030' {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  let b = head;
  if (!whole) {
    // a multi-byte sequence cut at the end of the sample is not an error
    let i = b.length - 1;
    let back = 0;
    while (i >= 0 && back < 3 && (b[i]! & 0xc0) === 0x80) {
      i--;
      back++;
    }
    if (i >= 0 && b[i]! >= 0xc0) b = b.subarray(0, i);
  }
  return isUtf8(b) ? 'utf8' : 'gb18030';
}

export interface CsvSource {
  encoding: 'utf8' | 'gb18030';
  rows: AsyncIterator<TableRow>;
  batches(): AsyncIterable<TableRow[]>;
  sha256(): string;
  best: Best;
}

export function openCsv(path: string, enc: Encoding): CsvSource {
  const file = basename(path);
  let encoding: 'utf8' | 'gb18030';
  if (enc === 'auto') {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSize(path);
      const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
      const n = readSync(fd, head, 0, head.length, 0);
      encoding = detectEncoding(head.subarray(0, n), size <= SNIFF_BYTES);
    } finally {
      closeSync(fd);
    }
  } else encoding = enc;

  const hash = createHash('sha256');
  let digest: string | undefined;
  const badUtf8 = () => new SjError(t('import.badUtf8', { file }), { hint: t('import.badUtf8Hint') });
  const tokenizer = new CsvTokenizer();
  // UTF-8 is validated per chunk (a sequence cut at the chunk's end carried over to the next);
  // GB18030 is decoded by TextDecoder
  const decoder = encoding === 'utf8' ? undefined : new TextDecoder('gb18030');
  // validated UTF-8 (below) is turned into text by TextDecoder, ~40 % faster than Buffer#toString
  // here; ignoreBOM keeps a BOM in the text, as toString did (the tokenizer drops it)
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  // read 32 KB at a time, a batch of records per piece (about 160 roster rows): its text is a
  // string below V8's large-object size (128 KB), and it and its records are garbage by the next
  // young-generation collection, in memory that collection reuses. A 1 MB piece made a large
  // object of its own each time, memory touched anew: a 1M-row import took 250k page faults
  // instead of 52k, a fifth of its time on this machine (issue 13); batches of 1000 rows from
  // 32 KB pieces lived long enough to be moved to the old generation (215k)
  const buf = Buffer.allocUnsafe(1 << 15);
  /** bytes of a UTF-8 sequence cut at the end of the last piece, kept at the start of buf for the next read */
  let carried = 0;
  /** The text of buf[0, n): the carried bytes and the new piece; a sequence cut at its end is carried (moved to buf's start). */
  const decode = (n: number, last: boolean): string => {
    const piece = buf.subarray(carried, n);
    if (decoder) return decoder.decode(piece, { stream: !last });
    let end = n;
    if (!last) {
      let i = n - 1;
      let back = 0;
      while (i >= 0 && back < 3 && (buf[i]! & 0xc0) === 0x80) {
        i--;
        back++;
      }
      if (i >= 0 && buf[i]! >= 0xc0) end = i;
    }
    const b = buf.subarray(0, end);
    if (!isUtf8(b)) throw badUtf8();
    const text = utf8.decode(b);
    buf.copyWithin(0, end, n);
    carried = n - end;
    return text;
  };
  let fd: number | undefined;
  let done = false;
  /** the next batch of non-empty records, a piece's (empty only at the end of the file) */
  const nextBatch = (): TableRow[] => {
    const out: TableRow[] = [];
    const push = (cells: string[], line: number) => {
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i]!;
        if (c !== '' && c.trim() !== '') {
          out.push({ rowNumber: line, cells });
          return;
        }
      }
    };
    try {
      while (!done && out.length === 0) {
        fd ??= openSync(path, 'r');
        const n = readSync(fd, buf, carried, buf.length - carried, null);
        const last = n === 0;
        if (n) hash.update(buf.subarray(carried, carried + n));
        const text = decode(carried + n, last);
        if (last) {
          done = true;
          closeSync(fd);
          digest = hash.digest('hex');
        }
        tokenizer.write(text, push);
        if (last) tokenizer.end(push);
      }
    } catch (e) {
      done = true;
      if (fd !== undefined && digest === undefined) closeSync(fd);
      digest ??= '';
      if (e instanceof SjError) throw e;
      if (e instanceof CsvQuoteError) throw new SjError(t('import.badCsv', { file, message: t('import.csvQuote', { line: e.line }) }), { hint: t('import.csvQuoteHint') });
      throw new SjError(t('import.badCsv', { file, message: (e as Error).message }));
    }
    return out;
  };
  let pending: TableRow[] = [];
  let at = 0;
  const rows: AsyncIterator<TableRow> = {
    async next() {
      if (at >= pending.length) {
        pending = nextBatch();
        at = 0;
        if (pending.length === 0) return { done: true, value: undefined };
      }
      return { done: false, value: pending[at++]! };
    },
    async return() {
      if (!done) {
        done = true;
        if (fd !== undefined) closeSync(fd);
      }
      return { done: true, value: undefined };
    },
  };
  async function* batches(): AsyncGenerator<TableRow[]> {
    if (at < pending.length) yield pending.slice(at);
    pending = [];
    at = 0;
    for (;;) {
      const b = nextBatch();
      if (b.length === 0) return;
      yield b;
    }
  }
  return { encoding, rows, batches, sha256: () => digest ?? '', best: { score: -1 } };
}

function fstatSize(path: string): number {
  return statSync(path).size;
}
