/**
 * `sj verify --evidence` reading the file a range at a time (issue 13), end to end: files
 * exported from a real Hengshui draw, laid out in other ways, edited, truncated, not JSON.
 * Every answer must be the one the whole-string reading gave: core verifyEvidence of
 * JSON.parse(text), and JSON.parse's own message for a file that is not JSON. (The built CLI,
 * which hashes on a worker thread: test/e2e/evidence-scan.test.ts.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../src/core/types.js';
import { verifyEvidence } from '../src/core/verify.js';
import { verifyEvidenceFile } from '../src/io/evidence-check.js';
import { t } from '../src/messages/index.js';
import { run } from './cli.js';
import { hengshuiDb } from './fixture-db.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
const IDS = ['2023Q2-county-01', '2023Q2-city-01'];
/**
 * the variants that verify: without a ledger member only the snapshot's hash is checked; of a
 * repeated member JSON.parse keeps the last, here the real one
 */
const PASSING = ['exported', 'compact', 'reordered, tabs, CRLF, BOM', 'no ledger', 'snapshot repeated, the first one bogus'];

let dir: string;
const exported: Record<string, string> = {};

beforeAll(async () => {
  const { dir: d, path: db } = await hengshuiDb();
  dir = d;
  const drawn = await run(['--db', db, 'draw', '--quarter', '2023Q2', '--date', '2023-04-03', '--seed', SEED, '--yes']);
  expect(drawn.status, drawn.stderr).toBe(0);
  for (const id of IDS) {
    const file = join(dir, `${id}.evidence.json`);
    const r = await run(['--db', db, 'draw', 'export', id, '--out', file]);
    expect(r.status, r.stderr).toBe(0);
    exported[id] = readFileSync(file, 'utf8');
  }
  expect(Buffer.byteLength(exported[IDS[0]!]!)).toBeGreaterThan(1 << 20); // large enough for the worker, and for many ranges
});

/** The file's layouts and edits an auditor might hand over, by name. */
function variants(text: string): Record<string, string> {
  const ev = JSON.parse(text) as Evidence & Record<string, unknown>;
  const edit = (f: (e: typeof ev) => void) => {
    const e = JSON.parse(text) as typeof ev;
    f(e);
    return JSON.stringify(e, null, 1);
  };
  const { format, ledger, ...rest } = ev;
  return {
    exported: text,
    compact: JSON.stringify(ev),
    'reordered, tabs, CRLF, BOM': '\ufeff' + JSON.stringify({ ledger, ...rest, format }, null, '\t').replace(/\n/g, '\r\n'),
    'object name edited': edit((e) => (e.snapshot.objects[3]!.name += '（改）')),
    'task edited': edit((e) => (e.tasks[1]!.rank += 1)),
    'ledger prevHash edited': edit((e) => (e.ledger!.prevHash = 'f'.repeat(64))),
    'no ledger': edit((e) => delete e.ledger),
    'a task dropped': edit((e) => e.tasks.pop()),
    'a float': edit((e) => ((e.draw as { jointShare: number }).jointShare = 0.5)),
    'snapshot repeated, the first one bogus': '{"snapshot":{"objects":[]},' + JSON.stringify(ev).slice(1),
    'snapshot repeated, the last one bogus': JSON.stringify(ev).slice(0, -1) + ',"snapshot":{"objects":[]}}',
    'not an evidence': '[1,2,3]',
  };
}

describe('verify --evidence reads the file a range at a time and finds what it found before', () => {
  it('the same problems as verifyEvidence of JSON.parse(text), for exported, re-laid-out and edited files', async () => {
    for (const id of IDS) {
      for (const [name, text] of Object.entries(variants(exported[id]!))) {
        const file = join(dir, 'variant.json');
        writeFileSync(file, text);
        const want = verifyEvidence(JSON.parse(text.replace(/^\ufeff/, '')) as Evidence);
        const got = await verifyEvidenceFile(file);
        expect(got.problems, `${id}: ${name}`).toEqual(want);
        if (PASSING.includes(name)) expect(want, name).toEqual([]);
        else expect(want.length, name).toBeGreaterThan(0);
      }
    }
  });

  it("a file that is not JSON gets JSON.parse's own message, at every kind of break", async () => {
    const text = exported[IDS[1]!]!;
    const file = join(dir, 'broken.json');
    const cases = [text.slice(0, 1), text.slice(0, text.length / 2), text.slice(0, -3), text.replace('"tasks"', '"tasks" 1'), 'hello', '', '{"a":1}}'];
    for (const broken of cases) {
      writeFileSync(file, broken);
      let why = '';
      try {
        JSON.parse(broken);
      } catch (e) {
        why = (e as Error).message;
      }
      expect(why).not.toBe('');
      await expect(verifyEvidenceFile(file)).rejects.toThrow(t('verify.badFile', { file, why }));
      const r = await run(['verify', '--evidence', file]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(why.split('\n')[0]);
    }
  });

});
