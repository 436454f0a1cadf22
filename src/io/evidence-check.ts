/**
 * `sj verify --evidence FILE`: an exported evidence file read and recomputed on its own, without
 * a database (core/verify.ts does the checking).
 *
 * The two halves of the work are independent: recomputing the draw, and hashing the evidence's
 * canonical text (the payload hash the ledger entry holds, and the snapshot hash). The file is
 * read once into shared memory; a worker thread parses it and takes the hashes while this thread
 * parses it and recomputes the draw, so a file verifies in about the time of the longer half.
 * A file too large for two parsed copies, a small one, or a run from the TypeScript source (no
 * worker file), does both halves here, one after the other.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Evidence } from '../core/types.js';
import { payloadHashes, recheckEvidence, type PayloadHashes } from '../core/verify.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';

/** below this the thread costs more than it saves; above the other, two parsed copies cost too much memory */
const PARALLEL_BYTES = { min: 1 << 20, max: 256 << 20 };
const workerAvailable = import.meta.url.endsWith('.js');

/** The evidence in `file` and what its recomputation finds wrong (empty: it holds). An unreadable file is an error. */
export async function verifyEvidenceFile(file: string): Promise<{ evidence?: Evidence; problems: string[] }> {
  let bytes: Uint8Array;
  try {
    bytes = readShared(file);
  } catch (e) {
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
  const hashing = workerAvailable && bytes.length >= PARALLEL_BYTES.min && bytes.length <= PARALLEL_BYTES.max ? hashOnWorker(bytes) : undefined;
  hashing?.catch(() => undefined); // a file that does not parse is reported below, from this thread
  let ev: Evidence;
  try {
    ev = parse(bytes);
  } catch (e) {
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
  const r = recheckEvidence(ev);
  if (r.problems) return { evidence: ev, problems: r.problems };
  const hashes = (hashing && (await hashing.catch(() => undefined))) || payloadHashes(ev);
  return { evidence: ev, problems: r.finish(hashes) };
}

/** The file's bytes in memory a worker can see without a copy. */
function readShared(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size;) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Read as bytes, then decoded: on Node 20, reading a file as 'utf8' takes twice as long for one full of Chinese names. */
function parse(bytes: Uint8Array): Evidence {
  return JSON.parse(new TextDecoder().decode(bytes)) as Evidence;
}

function hashOnWorker(bytes: Uint8Array): Promise<PayloadHashes> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { sjEvidenceHashes: true, bytes } });
    w.once('message', (m: PayloadHashes) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the hashing thread ended (${code})`)));
  });
}

if (!isMainThread && (workerData as { sjEvidenceHashes?: boolean } | null)?.sjEvidenceHashes) {
  parentPort!.postMessage(payloadHashes(parse((workerData as { bytes: Uint8Array }).bytes)));
}
