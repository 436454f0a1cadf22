/**
 * Brotli for a draw's stored evidence (io/evidence-store.ts), and compressing many parts of it on
 * a second thread while the draw's transaction goes on writing its tasks (issue 13: at 100k
 * objects the 33 MB of evidence cost the draw's own thread about 0.15 s of compression).
 *
 * better-sqlite3's transaction is synchronous, so the results are taken synchronously: the worker
 * posts each compressed part on a MessagePort and bumps a shared counter; this thread waits on
 * the counter (Atomics.wait) and takes the messages with receiveMessageOnPort. A part is
 * compressed by the same function with the same parameters on either thread, so the stored bytes
 * are the same whichever thread made them. Small evidence, and runs from the TypeScript source
 * (no worker file), compress inline.
 */
import { MessageChannel, isMainThread, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** Brotli at quality 1: about as small as deflate's best here, several times faster than either's default. */
export function compressText(text: string | Uint8Array): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** n bytes of shared memory: blocks of the text a draw keeps (core/hash.ts TextArena), for PartCompressor.addShared. */
export const sharedBlock = (n: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(n));

export function decompressText(data: Buffer): Buffer {
  return brotliDecompressSync(data);
}

/** Parts compressed in the order they were added. */
export interface PartCompressor {
  /** compress a copy of these bytes (the caller may reuse its buffer) as the next part */
  add(bytes: Uint8Array): void;
  /**
   * compress these bytes, which the caller will not change, as the next part: in shared memory
   * (sharedBlock), the thread reads them where they are, without a copy
   */
  addShared(bytes: Uint8Array): void;
  /** every part's compressed bytes, in order (waiting for the thread if it is still at work); ends the thread */
  finish(): Buffer[];
  /** how many of them the thread compressed */
  readonly threaded: number;
  /** the parts are not wanted after all (the transaction failed): the thread, if any, ends now */
  abandon(): void;
}

/** Below this many bytes in all, a thread costs more than it saves: the parts so far are compressed inline. */
const THREAD_AFTER_BYTES = 1 << 20;
/** At most this many bytes handed to the thread and not yet back: memory stays bounded when it falls behind. */
const MAX_IN_FLIGHT = 32 << 20;
/** No part back for this long: the thread is given up, and what it had not done is compressed here. */
const STALL_MS = 5_000;
const threadAvailable = import.meta.url.endsWith('.js');

interface Done {
  i: number;
  data?: Uint8Array;
  error?: string;
}

/** A compressor for one draw's parts: inline at first, on a worker thread once they pass THREAD_AFTER_BYTES. */
export function partCompressor(opts: { thread?: boolean } = {}): PartCompressor {
  const out: Buffer[] = [];
  let added = 0;
  let bytesIn = 0;
  let thread: CompressThread | undefined;
  const add = (bytes: Uint8Array, shared: boolean): void => {
    const i = added++;
    bytesIn += bytes.length;
    if (!thread && (opts.thread ?? threadAvailable) && bytesIn > THREAD_AFTER_BYTES) thread = new CompressThread(out);
    if (thread) thread.send(i, bytes, shared);
    else out[i] = compressText(bytes);
  };
  return {
    add: (bytes) => add(bytes, false),
    addShared: (bytes) => add(bytes, true),
    finish() {
      thread?.drain();
      return out;
    },
    get threaded() {
      return thread?.done ?? 0;
    },
    abandon() {
      thread?.stop();
    },
  };
}

/**
 * The worker of one compressor and the parts in flight to it. The thread only saves time: if it
 * fails, or stops answering, the parts it had are compressed here (their copies are kept until
 * they come back), and the result is the same.
 */
class CompressThread {
  private readonly port: MessagePort;
  private readonly worker: Worker;
  /** [0]: parts the worker has posted back */
  private readonly posted = new Int32Array(new SharedArrayBuffer(4));
  private readonly pending = new Map<number, Uint8Array>();
  /** the pending parts that are copies made here */
  private readonly copied = new Set<number>();
  private inFlight = 0;
  private failed = false;
  /** parts the thread compressed */
  done = 0;

  constructor(private readonly out: Buffer[]) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // execArgv: none of this process's (an --eval or --input-type would be the worker's too)
    this.worker = new Worker(new URL(import.meta.url), { workerData: { sjCompressParts: true, port: port2, posted: this.posted }, transferList: [port2], execArgv: [] });
    this.worker.unref();
    this.worker.on('error', () => undefined); // seen as silence: take() gives the thread up
  }

  send(i: number, bytes: Uint8Array, shared: boolean): void {
    if (this.failed) {
      this.out[i] = compressText(bytes);
      return;
    }
    // one copy, in shared memory: the caller reuses its buffer, the worker reads this one without
    // a second copy (a message clones a plain buffer: as much time again as the copy), and it is
    // kept until its part is back. Bytes the caller will not change, already in shared memory,
    // go as they are.
    let copy = bytes;
    if (!shared || !(bytes.buffer instanceof SharedArrayBuffer)) {
      copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
      copy.set(bytes);
      this.copied.add(i); // counted in flight: shared bytes are held by the caller anyway
      this.inFlight += copy.length;
    }
    this.pending.set(i, copy);
    this.port.postMessage({ i, bytes: copy });
    this.take(false);
    while (this.inFlight > MAX_IN_FLIGHT && !this.failed) this.take(true);
  }

  /** Every part back (or compressed here), then the worker ended. */
  drain(): void {
    while (this.pending.size && !this.failed) this.take(true);
    this.stop();
  }

  /** Take the parts that are back; with `wait`, at least one (blocking this thread until it comes). */
  private take(wait: boolean): void {
    for (;;) {
      const seen = Atomics.load(this.posted, 0);
      let got = false;
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) got = this.receive(m.message as Done) || got;
      if (this.failed || got || !wait) return;
      if (Atomics.wait(this.posted, 0, seen, STALL_MS) === 'timed-out') return this.giveUp();
    }
  }

  private receive(m: Done): boolean {
    const bytes = this.pending.get(m.i);
    if (!bytes) return false;
    if (m.error !== undefined || !m.data) {
      this.giveUp();
      return true;
    }
    this.out[m.i] = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
    if (this.copied.delete(m.i)) this.inFlight -= bytes.length;
    this.pending.delete(m.i);
    this.done++;
    return true;
  }

  /** The thread failed or went silent: what it had not sent back is compressed here. */
  private giveUp(): void {
    this.failed = true;
    for (const [i, bytes] of this.pending) this.out[i] = compressText(bytes);
    this.pending.clear();
    this.copied.clear();
    this.inFlight = 0;
    this.stop();
  }

  stop(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

if (!isMainThread && (workerData as { sjCompressParts?: boolean } | null)?.sjCompressParts) {
  const { port, posted } = workerData as { port: MessagePort; posted: Int32Array };
  port.on('message', ({ i, bytes }: { i: number; bytes: Uint8Array }) => {
    let reply: Done;
    try {
      reply = { i, data: compressText(bytes) };
    } catch (e) {
      reply = { i, error: (e as Error).message };
    }
    port.postMessage(reply);
    Atomics.add(posted, 0, 1);
    Atomics.notify(posted, 0);
  });
}
