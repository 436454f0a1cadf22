/**
 * `sj verify --evidence FILE`: an exported evidence file read and recomputed on its own, without
 * a database (core/verify.ts does the checking).
 *
 * The file is never one string (issue 13: a 2M-object evidence is 688 MB, more than V8's
 * longest string): it is read once into shared memory and parsed a range of bytes at a time
 * (core/json-scan.ts). The two halves of the work are independent: recomputing the draw, and
 * hashing the evidence's canonical text (the payload hash the ledger entry holds, and the
 * snapshot hash). A worker thread hashes while this thread parses and recomputes; it scans the
 * same bytes and serialises them a range at a time, so it never holds the parsed document
 * either, and a file verifies in about the time of the longer half at any size. A small file,
 * or a run from the TypeScript source (no worker file), is hashed here, from the parsed document.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { compareCodePoints } from '../core/canonical.js';
import { buildJson, canonicalOfScan, lastMembers, SCAN_CHUNK, scanJson, type JsonNode } from '../core/json-scan.js';
import type { Evidence } from '../core/types.js';
import { payloadHashes, recheckEvidence, type PayloadHashes } from '../core/verify.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';

/** below this the thread costs more than it saves */
const PARALLEL_BYTES = 1 << 20;
const workerAvailable = import.meta.url.endsWith('.js');

/** The evidence in `file` and what its recomputation finds wrong (empty: it holds). An unreadable file is an error. */
export async function verifyEvidenceFile(file: string): Promise<{ evidence?: Evidence; problems: string[] }> {
  const { ev, hashing } = readEvidence(file); // the file's bytes are let go here: the recompute needs only the parsed document
  const r = recheckEvidence(ev);
  if (r.problems) {
    hashing?.stop(); // its hashes are not needed: the process need not wait for them to end
    return { evidence: ev, problems: r.problems };
  }
  const hashes = (hashing && (await hashing.hashes.catch(() => undefined))) || payloadHashes(ev);
  return { evidence: ev, problems: r.finish(hashes) };
}

/** The parsed file, and its hashes on the way from a worker when the file is worth one. */
function readEvidence(file: string): { ev: Evidence; hashing?: Hashing } {
  let bytes: Uint8Array;
  try {
    bytes = readShared(file);
  } catch (e) {
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
  const hashing = workerAvailable && bytes.length >= PARALLEL_BYTES ? hashOnWorker(bytes) : undefined;
  try {
    return { ev: parse(bytes), hashing };
  } catch (e) {
    hashing?.stop(); // a file that does not parse is reported from this thread
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
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

/**
 * The document, parsed a range at a time. What is not JSON is reported with JSON.parse's own
 * message, as before the scan (it names the token and quotes the text around it), whenever
 * the file fits in one string; a larger one gets the scan's (the byte where it stopped).
 */
function parse(bytes: Uint8Array): Evidence {
  try {
    return buildJson(bytes, scanJson(bytes)) as Evidence;
  } catch (scanError) {
    let text: string;
    try {
      text = new TextDecoder().decode(bytes);
    } catch {
      throw scanError; // longer than a string can be
    }
    return JSON.parse(text) as Evidence;
  }
}

/**
 * payloadHashes(JSON.parse(text of bytes)), without the parsed document: its top-level members
 * are serialised one at a time, each a range at a time (core/json-scan.ts canonicalOfScan).
 * A file that is not JSON throws. (`chunk`: see core/json-scan.ts; tests make it small.)
 */
export function payloadHashesOfBytes(bytes: Uint8Array, chunk = SCAN_CHUNK): PayloadHashes {
  const top = scanJson(bytes, chunk);
  if (top.kind !== 'object') return payloadHashes(buildJson(bytes, top) as Evidence); // small, or not an evidence at all
  const members = lastMembers(top);
  // without one, the document fails its structure check and nothing reads its hashes; parsed whole, they still mean what payloadHashes says
  if (!members.has('snapshot')) return payloadHashes(buildJson(bytes, top) as Evidence);
  const whole = createHash('sha256');
  const member = createHash('sha256');
  const both = (s: string) => {
    whole.update(s, 'utf8');
    member.update(s, 'utf8');
  };
  // canonical(evidence without "ledger"), as core/hash.ts hashCanonicalWithMember writes an object
  const keys = [...members.keys()].filter((k) => k !== 'ledger').sort(compareCodePoints);
  whole.update('{');
  keys.forEach((k, i) => {
    whole.update(`${i ? ',' : ''}${JSON.stringify(k)}:`, 'utf8');
    canonicalOfScan(bytes, members.get(k) as JsonNode, k === 'snapshot' ? both : (s) => whole.update(s, 'utf8'));
  });
  whole.update('}');
  return { whole: whole.digest('hex'), member: member.digest('hex') };
}

/** Hashes being taken on a worker thread; `stop` ends it when they are no longer wanted. */
interface Hashing {
  hashes: Promise<PayloadHashes>;
  stop(): void;
}

function hashOnWorker(bytes: Uint8Array): Hashing {
  const w = new Worker(new URL(import.meta.url), { workerData: { sjEvidenceHashes: true, bytes } });
  const hashes = new Promise<PayloadHashes>((resolve, reject) => {
    w.once('message', (m: PayloadHashes) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the hashing thread ended (${code})`)));
  });
  hashes.catch(() => undefined); // a failed thread is not an error: the hashes are then taken here
  return { hashes, stop: () => void w.terminate() };
}

if (!isMainThread && (workerData as { sjEvidenceHashes?: boolean } | null)?.sjEvidenceHashes) {
  parentPort!.postMessage(payloadHashesOfBytes((workerData as { bytes: Uint8Array }).bytes));
}
