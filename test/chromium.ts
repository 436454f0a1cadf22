/**
 * A headless Chromium for tests, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: commands in on fd 3, replies and events out on fd 4, each message
 * JSON ended by a NUL byte). No npm package, no WebSocket, no browser download: Debian's
 * `chromium` package.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { tempDir } from './db-helpers.js';

/** The Chromium binary, or undefined when none is installed. */
export function findChromium(): string | undefined {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

type Json = Record<string, unknown>;

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void; method: string }>();
  private readonly listeners: { method: string; sessionId?: string; fn: (params: Json) => void }[] = [];
  private buffer = '';

  private constructor(private readonly proc: ChildProcess, private readonly profile: string) {
    const out = proc.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as Json;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(msg);
      }
    });
    proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited during ${p.method}`));
      this.pending.clear();
    });
  }

  static async launch(binary: string, opts: { width?: number; height?: number } = {}): Promise<Browser> {
    const profile = tempDir('sj-chromium-');
    const proc = spawn(binary, [
      '--headless', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      '--disable-extensions', '--disable-background-networking', '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
      `--window-size=${opts.width ?? 1200},${opts.height ?? 900}`, 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true }); // its own process group: close() ends its helpers too
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr += String(d)));
    const b = new Browser(proc, profile);
    try {
      await b.send('Browser.getVersion');
    } catch (e) {
      await b.close();
      throw new Error(`chromium did not start: ${(e as Error).message}\n${stderr.slice(-2000)}`);
    }
    return b;
  }

  private dispatch(msg: Json): void {
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${JSON.stringify(msg.error)}`));
      else p.resolve((msg.result ?? {}) as Json);
      return;
    }
    for (const l of this.listeners) if (l.method === msg.method && (!l.sessionId || l.sessionId === msg.sessionId)) l.fn((msg.params ?? {}) as Json);
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    const msg = JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.proc.stdio[3] as Writable).write(msg + '\0');
    });
  }

  /** The next event `method` (of a session), within ms. */
  once(method: string, sessionId: string | undefined, ms = 30_000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const l = {
        method, sessionId,
        fn: (p: Json) => {
          clearTimeout(timer);
          this.listeners.splice(this.listeners.indexOf(l), 1);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(l), 1);
        reject(new Error(`no ${method} within ${ms} ms`));
      }, ms);
      this.listeners.push(l);
    });
  }

  /** A new tab, attached; returns a page handle. */
  async newPage(): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    return page;
  }

  /** End the browser (its whole process group: renderers still write to the profile) and remove its profile. */
  async close(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      try {
        process.kill(-this.proc.pid!, 'SIGKILL');
      } catch {
        this.proc.kill('SIGKILL');
      }
      await exited;
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

export class Page {
  constructor(private readonly browser: Browser, readonly sessionId: string) {}

  send(method: string, params: Json = {}): Promise<Json> {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = this.browser.once('Page.loadEventFired', this.sessionId);
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluate an expression in the page; its value (JSON-able), awaited when it is a promise. */
  async eval<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as { result: { value: T }; exceptionDetails?: Json };
    if (r.exceptionDetails) throw new Error(`page: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  }

  /** Choose a file in an <input type=file>, as a person would (fires input and change). */
  async chooseFile(selector: string, path: string): Promise<void> {
    const r = (await this.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` })) as { result: { objectId?: string } };
    if (!r.result.objectId) throw new Error(`no element ${selector}`);
    await this.send('DOM.setFileInputFiles', { files: [path], objectId: r.result.objectId });
  }

  /** Poll an expression until it is truthy; its value. */
  async waitFor<T>(expression: string, ms = 60_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await this.eval<T>(expression);
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A PNG of the whole page (beyond the viewport). */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
