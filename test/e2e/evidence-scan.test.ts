/**
 * `sj verify --evidence` as the built CLI runs it: a file of 1 MB or more is hashed on a worker
 * thread that scans the bytes itself (io/evidence-check.ts payloadHashesOfBytes), never holding
 * the parsed document. Whatever the layout or the edit, it must answer exactly as the in-process
 * run does (which, from the TypeScript source, hashes the parsed document on one thread).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/core/types.js';
import { run } from '../cli.js';
import { sj } from '../db-helpers.js';
import { hengshuiDb } from '../fixture-db.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
let dir: string;
let text: string;

beforeAll(async () => {
  const { dir: d, path: db } = await hengshuiDb();
  dir = d;
  expect((await run(['--db', db, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', SEED, '--yes'])).status).toBe(0);
  const file = join(dir, 'county.evidence.json');
  expect((await run(['--db', db, 'draw', 'export', '2023Q2-county-01', '--out', file])).status).toBe(0);
  text = readFileSync(file, 'utf8');
  expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 20); // large enough for the worker
});

describe('sj verify --evidence on the worker thread', () => {
  it('answers as the in-process run does, for re-laid-out and edited files', async () => {
    const ev = JSON.parse(text) as Evidence & Record<string, unknown>;
    const { format, ledger, ...rest } = ev;
    const edited = (f: (e: typeof ev) => void) => {
      const e = JSON.parse(text) as typeof ev;
      f(e);
      return JSON.stringify(e);
    };
    const cases: [string, string, number][] = [
      ['exported', text, 0],
      ['reordered, tabs, CRLF, BOM', '\ufeff' + JSON.stringify({ ledger, ...rest, format }, null, '\t').replace(/\n/g, '\r\n'), 0],
      ['snapshot repeated, the first one bogus', '{"snapshot":{"objects":[]},' + JSON.stringify(ev).slice(1), 0],
      ['object name edited', edited((e) => (e.snapshot.objects[3]!.name += '（改）')), 1],
      ['ledger prevHash edited', edited((e) => (e.ledger!.prevHash = 'f'.repeat(64))), 1],
      ['snapshot repeated, the last one bogus', JSON.stringify(ev).slice(0, -1) + ',"snapshot":{"objects":[]}}', 1],
      ['truncated', text.slice(0, text.length >> 1), 1],
    ];
    const file = join(dir, 'spawned.json');
    for (const [name, body, status] of cases) {
      writeFileSync(file, body);
      const inProcess = await run(['verify', '--evidence', file, '--json']);
      const spawned = sj(['verify', '--evidence', file, '--json']);
      expect({ status: spawned.status, stdout: spawned.stdout, stderr: spawned.stderr }, name).toEqual({ status: inProcess.status, stdout: inProcess.stdout, stderr: inProcess.stderr });
      expect(spawned.status, name).toBe(status);
    }
  });
});
