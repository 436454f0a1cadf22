/**
 * Test helpers: temp dirs, a database filled from plain rows (as an import would), and
 * running the real CLI (bin/sj.js → dist/).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { canonical } from '../src/core/canonical.js';
import { H } from '../src/core/hash.js';
import type { Snapshot } from '../src/core/types.js';
import { openDb, type DB } from '../src/io/db.js';
import { eachSnapshotObject, type ReadOptions, type SnapshotObjectRow } from '../src/io/roster-read.js';
import { BIN, ROOT } from './helpers.js';

export function tempDir(prefix = 'sj-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run bin/sj.js synchronously with stdin closed (as cron would). */
export function sj(args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', SJ_LANG: 'zh', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run bin/sj.js asynchronously (for concurrency tests). */
export function sjAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export function fileSha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Fill a fresh database's rosters directly from a draw snapshot (objects, inspectors, experts,
 * avoidance), as one import would, at instant `at`.
 */
export function seedRostersFromSnapshot(db: DB, snap: Snapshot, at = '2023-01-01T00:00:00.000Z', extra: { certExpiry?: string } = {}): void {
  const imp = db.prepare("INSERT INTO imports(kind, file, file_sha256, mode, at) VALUES ('objects', 'seed', 'x', 'full', ?)").run(at).lastInsertRowid;
  const h = (x: unknown) => H(canonical(x));
  const o = db.prepare(`INSERT INTO objects(id, valid_from, import_id, hash, name, region, class, tier, industry, offsite, status, months)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)`);
  for (const x of snap.objects) {
    // a season exclusion in the snapshot is reproduced by production months outside the quarter
    o.run(x.id, at, imp, h(x), x.name, x.region, x.class, x.tier, x.industry, x.offsite ? 1 : 0, x.excluded === 'season' ? '11-12' : '');
  }
  const i = db.prepare(`INSERT INTO inspectors(id, valid_from, import_id, hash, name, region, line, certified, cert_expiry, specialties, status)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'active')`);
  for (const x of snap.inspectors) i.run(x.id, at, imp, h(x), x.name, x.region, x.line, extra.certExpiry ?? '', JSON.stringify(x.specialties));
  const e = db.prepare(`INSERT INTO experts(id, valid_from, import_id, hash, name, industries, status) VALUES (?, ?, ?, ?, ?, ?, 'active')`);
  for (const x of snap.experts) e.run(x.id, at, imp, h(x), x.name, JSON.stringify(x.industries));
  const a = db.prepare(`INSERT INTO avoidance(id, valid_from, import_id, hash, person, object) VALUES (?, ?, ?, ?, ?, ?)`);
  for (const [p, ob] of snap.avoidance) a.run(`${p}|${ob}`, at, imp, h([p, ob]), p, ob);
}

export function vector(name: string): { draw: Record<string, unknown>; snapshot: Snapshot; strata: unknown[]; tasks: unknown[] } {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures', 'spec-vectors', name), 'utf8'));
}

export function freshDb(dir: string, name = 'sj.db'): { path: string; db: DB } {
  const path = join(dir, name);
  return { path, db: openDb(path) };
}

/** The rows eachSnapshotObject hands over (a draw's snapshot read), collected in their order. */
export function snapshotObjectRows(db: DB, opts: ReadOptions = {}): SnapshotObjectRow[] {
  const out: SnapshotObjectRow[] = [];
  eachSnapshotObject(db, opts, (o) => out.push({ ...o, tags: [...o.tags] }));
  return out;
}
