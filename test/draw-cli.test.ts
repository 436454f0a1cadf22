/**
 * `sj draw`, `sj verify`, `sj draw void|substitute|export`, end to end through bin/sj.js on
 * real SQLite files built from the Hengshui fixtures.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDraw } from '../src/core/draw.js';
import { compressText, evidenceParts, readEvidence } from '../src/io/evidence-store.js';
import { fileSha } from './db-helpers.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';

const SEED = '3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4';
const Q = ['--quarter', '2023Q2', '--date', '2023-04-03'];

beforeAll(async () => {
  await hengshuiTemplate();
});

async function drawAll(path: string, extra: string[] = []) {
  return (await sj(['--db', path, 'draw', ...Q, '--seed', SEED, '--yes', '--json', ...extra]));
}

describe('sj draw', () => {
  it('draws city then county, records evidence and ledger, verifies', async () => {
    const { dir, path } = await hengshuiDb();
    const r = (await drawAll(path, ['--out', join(dir, 'tasks.xlsx')]));
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.draws.map((d: { id: string }) => d.id)).toEqual(['2023Q2-city-01', '2023Q2-county-01']);
    expect(out.ledgerHead.seq).toBe(2);
    const db = new Database(path, { readonly: true });
    const n = db.prepare('SELECT COUNT(*) AS n FROM draw_tasks').get() as { n: number };
    expect(n.n).toBe(out.draws[0].tasks + out.draws[1].tasks);
    // the county draw saw the city's picks: they are excluded, not drawn twice
    const dup = db.prepare('SELECT object_id, COUNT(*) c FROM draw_tasks GROUP BY object_id HAVING c > 1').all();
    expect(dup).toEqual([]);
    const ev = readEvidence(db, '2023Q2-county-01')!.body;
    const cityObjects = (db.prepare("SELECT object_id FROM draw_tasks WHERE draw_id = '2023Q2-city-01'").all() as { object_id: string }[]).map((x) => x.object_id);
    const excluded = new Map(ev.snapshot.objects.map((o: { id: string; excluded: string | null }) => [o.id, o.excluded]));
    for (const id of cityObjects) expect(excluded.get(id)).toBe('same-quarter');
    // city teams are cross-region
    const city = readEvidence(db, '2023Q2-city-01')!.body;
    const inspRegion = new Map(city.snapshot.inspectors.map((i: { id: string; region: string }) => [i.id, i.region]));
    const objRegion = new Map(city.snapshot.objects.map((o: { id: string; region: string }) => [o.id, o.region]));
    for (const t of city.tasks) for (const i of t.inspectors) expect(inspRegion.get(i)).not.toBe(objRegion.get(t.objectId));
    db.close();
    // an independent recompute of the stored evidence gives the same tasks
    const { seed: _s, ...header } = ev.draw;
    expect(ev.algorithm).toBe('sj-draw/2');
    expect(runDraw({ algorithm: 'sj-draw/2', draw: header, snapshot: ev.snapshot }).evidence.resultHash).toBe(ev.resultHash);
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
    // the task list
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'tasks.xlsx'));
    const ws = wb.getWorksheet('任务清单')!;
    // title, scope line, header (test/xlsx-print.test.ts checks the layout in full), one row per task, a note
    expect(ws.getRow(3).values).toEqual(expect.arrayContaining(['序号', '区县', '任务编号', '检查对象', '统一社会信用代码', '地址', '检查人员（组长在前）', '专家', '抽查事项', '完成时限']));
    expect(ws.rowCount).toBe(3 + n.n + 1);
  });

  it('reproduces the same list from the same seed in another database', async () => {
    const a = await hengshuiDb();
    const b = await hengshuiDb();
    const ra = JSON.parse((await drawAll(a.path)).stdout);
    const rb = JSON.parse((await drawAll(b.path)).stdout);
    expect(ra.draws.map((d: { resultHash: string }) => d.resultHash)).toEqual(rb.draws.map((d: { resultHash: string }) => d.resultHash));
  });

  it('refuses a second live routine draw, names it and how to void it', async () => {
    const { path } = await hengshuiDb();
    expect((await drawAll(path)).status).toBe(0);
    const again = (await sj(['--db', path, 'draw', ...Q, '--level', 'county', '--seed', 'other', '--yes']));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('2023Q2-county-01');
    expect(again.stderr).toContain('sj draw void 2023Q2-county-01');
    // void it, with a reason; then a new draw gets a new id
    expect((await sj(['--db', path, 'draw', 'void', '2023Q2-county-01'])).status).toBe(2); // --reason required
    const v = (await sj(['--db', path, 'draw', 'void', '2023Q2-county-01', '--reason', '名录库导入错误']));
    expect(v.status).toBe(0);
    const re = (await sj(['--db', path, 'draw', ...Q, '--level', 'county', '--seed', 'other', '--yes', '--json']));
    expect(re.status).toBe(0);
    expect(JSON.parse(re.stdout).draws[0].id).toBe('2023Q2-county-02');
    const list = JSON.parse((await sj(['--db', path, 'draw', 'list', '--json'])).stdout);
    expect(list.draws.find((d: { id: string }) => d.id === '2023Q2-county-01').voided.reason).toBe('名录库导入错误');
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
  });

  it('directional draws may be several', async () => {
    const { path } = await hengshuiDb();
    const a = (await sj(['--db', path, 'draw', ...Q, '--level', 'county', '--directional', '--industry', '化工', '--seed', 'x', '--yes', '--json']));
    expect(a.status).toBe(0);
    const b = (await sj(['--db', path, 'draw', ...Q, '--level', 'county', '--directional', '--industry', '化工', '--seed', 'y', '--yes', '--json']));
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout).draws[0].id).toBe('2023Q2-dir-02');
    const ev = JSON.parse((await sj(['--db', path, 'draw', 'export', '2023Q2-dir-01'])).stdout);
    expect(ev.draw.filter).toEqual({ industries: ['化工'], tags: [], regions: [] });
    expect(ev.snapshot.objects.every((o: { industry: string }) => o.industry === '化工')).toBe(true);
  });

  it('never waits without a TTY: no --yes is a usage error naming it; --dry-run writes nothing', async () => {
    const { path } = await hengshuiDb();
    const before = fileSha(path);
    const r = (await sj(['--db', path, 'draw', ...Q, '--seed', SEED]));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('错误: 需要 --yes');
    expect(r.stderr).toContain('提示: 可先加 --dry-run 试抽查看结果');
    // a dry run never rehearses the real seed (issue 17): --seed is refused, a throwaway seed is used
    const refused = (await sj(['--db', path, 'draw', ...Q, '--seed', SEED, '--dry-run', '--json']));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--seed');
    const d = (await sj(['--db', path, 'draw', ...Q, '--dry-run', '--json']));
    expect(d.status, d.stderr).toBe(0);
    const dry = JSON.parse(d.stdout);
    expect(dry.draws.map((x: { dryRun: boolean }) => x.dryRun)).toEqual([true, true]);
    expect(fileSha(path)).toBe(before);
    // the same ids, quotas and pools as the real draw; another seed, so another list
    const real = JSON.parse((await drawAll(path)).stdout);
    expect(real.draws.map((x: { id: string; strata: { quota: number; pool: number }[] }) => [x.id, x.strata.map((s) => s.quota)])).toEqual(
      dry.draws.map((x: { id: string; strata: { quota: number; pool: number }[] }) => [x.id, x.strata.map((s) => s.quota)]),
    );
    expect(real.draws[0].seed).not.toBe(dry.draws[0].seed);
  });

  it('rejects bad quarters and flags with exit 2', async () => {
    const { path } = await hengshuiDb();
    const r = (await sj(['--db', path, 'draw', '--quarter', '2023Q5', '--yes']));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('2023年第二季度');
    expect((await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--level', 'town', '--yes'])).status).toBe(2);
    expect((await sj(['--db', path, 'draw', '--quarter', '2023Q2', '--bogus'])).status).toBe(2);
    expect((await sj(['--db', path, 'draw', '--quarter', '2023年第二季度', '--level', 'county', '--region', '北京', '--yes'])).status).toBe(2);
  });

  it('fails an unstaffable draw naming the object, and writes nothing', async () => {
    const { path } = await hengshuiDb();
    // teams of 20 cannot be staffed in any county
    const rules = JSON.parse(readFileSync(join(__dirname, '..', 'rules', 'hengshui-2023.json'), 'utf8'));
    rules.team.size = 20;
    const f = join(path + '.rules.json');
    writeFileSync(f, JSON.stringify(rules));
    expect((await sj(['--db', path, 'rules', 'use', f, '--year', '2023'])).status).toBe(0);
    const before = fileSha(path);
    // --level all: the city draw could be staffed, the county draw cannot: neither is written
    const r = (await sj(['--db', path, 'draw', ...Q, '--seed', SEED, '--yes']));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/[0-9A-Z]{18}/);
    expect(r.stderr).toMatch(/20/);
    expect(fileSha(path)).toBe(before);
  });
});

describe('evidence and audit', () => {
  it('exports an evidence file that verifies without the database, and detects an edited file', async () => {
    const { dir, path } = await hengshuiDb();
    (await drawAll(path));
    const file = join(dir, 'ev.json');
    expect((await sj(['--db', path, 'draw', 'export', '2023Q2-county-01', '--out', file])).status).toBe(0);
    const ok = (await sj(['verify', '--evidence', file, '--db', join(dir, 'nonexistent.db')]));
    expect(ok.status).toBe(0);
    expect(existsSync(join(dir, 'nonexistent.db'))).toBe(false);
    const ev = JSON.parse(readFileSync(file, 'utf8'));
    expect(ev.format).toBe('sj-evidence/2');
    expect(ev.ledger.seq).toBe(2);
    // swap two inspectors in a team: detected
    const t = ev.tasks[0];
    t.inspectors = [t.inspectors[1], t.inspectors[0]];
    writeFileSync(file, JSON.stringify(ev));
    const bad = (await sj(['verify', '--evidence', file]));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('tasks[0]');
    // an object outside the scope: invalid
    const ev2 = JSON.parse((await sj(['--db', path, 'draw', 'export', '2023Q2-county-01'])).stdout);
    ev2.snapshot.objects[0].region = '999999';
    writeFileSync(file, JSON.stringify(ev2));
    expect((await sj(['verify', '--evidence', file])).stderr).toContain('outside');
  });

  it('substitutions: next object of the stratum, next candidate inspector; originals kept; verify holds', async () => {
    const { path } = await hengshuiDb();
    (await drawAll(path));
    const ev = JSON.parse((await sj(['--db', path, 'draw', 'export', '2023Q2-county-01'])).stdout);
    const task = ev.tasks.find((x: { class: string }) => x.class === 'key');
    const r = (await sj(['--db', path, 'draw', 'substitute', '2023Q2-county-01', '--object', task.objectId, '--reason', '企业已停产', '--json']));
    expect(r.status).toBe(0);
    const sub = JSON.parse(r.stdout);
    expect(sub.replacement).not.toBe(task.objectId);
    // the replacement is the first unselected object of that stratum in key order
    const { seed: _s, ...header } = ev.draw;
    const recomputed = runDraw({ draw: header, snapshot: ev.snapshot });
    const st = recomputed.strata.find((s) => s.stratum.region === task.region && s.stratum.class === task.class && s.stratum.tier === task.tier)!;
    expect(sub.replacement).toBe(st.pool[st.stratum.selected]!.o.id);
    const show = JSON.parse((await sj(['--db', path, 'draw', 'show', '2023Q2-county-01', '--json'])).stdout);
    const eff = show.tasks.find((x: { originalObjectId: string | null }) => x.originalObjectId === task.objectId);
    expect(eff.objectId).toBe(sub.replacement);
    const t2 = ev.tasks.filter((x: { objectId: string }) => x.objectId !== task.objectId)[5];
    const r2 = (await sj(['--db', path, 'draw', 'substitute', '2023Q2-county-01', '--task', t2.objectId, '--inspector', t2.inspectors[1], '--reason', '回避', '--json']));
    expect(r2.stderr).toBe('');
    expect(r2.status).toBe(0);
    const s2 = JSON.parse(r2.stdout);
    expect(t2.inspectors).not.toContain(s2.replacement);
    expect((await sj(['--db', path, 'verify'])).status).toBe(0);
    const ledger = JSON.parse((await sj(['--db', path, 'ledger', 'list', '--json'])).stdout);
    expect(ledger.entries.map((e: { type: string }) => e.type)).toEqual(['draw', 'draw', 'substitution', 'substitution']);
  });

  /** The stored evidence of a draw edited in place: the part holding `from`, decompressed, edited, compressed again. */
  const rewriteEvidence = (drawId: string, from: string, to: string) => (db: Database.Database) => {
    const parts = [...evidenceParts(db, drawId)];
    const k = parts.findIndex((p) => p.bytes.includes(from));
    expect(k).toBeGreaterThanOrEqual(0);
    const data = compressText(parts[k]!.bytes.toString('utf8').replace(from, to));
    expect(db.prepare('UPDATE draw_evidence SET data = ? WHERE draw_id = ? AND part = ?').run(data, drawId, k).changes).toBe(1);
  };
  const tamper: [string, string | ((db: Database.Database) => void), RegExp][] = [
    ['a task row changed', "UPDATE draw_tasks SET inspectors = '[\"X\",\"Y\"]' WHERE ord = 3 AND draw_id = '2023Q2-county-01'", /draw_tasks 2023Q2-county-01-0003/],
    ['a task row deleted', "DELETE FROM draw_tasks WHERE ord = 7 AND draw_id = '2023Q2-city-01'", /task rows/],
    // the object's own county, which coverage is counted by (a city task's region is the city's)
    ['a city task\'s object county changed', "UPDATE draw_tasks SET object_region = CASE object_region WHEN '131102' THEN '131121' ELSE '131102' END WHERE ord = 2 AND draw_id = '2023Q2-city-01'", /draw_tasks 2023Q2-city-01-0002/],
    ['a county task\'s object county changed', "UPDATE draw_tasks SET object_region = '131100' WHERE ord = 5 AND draw_id = '2023Q2-county-01'", /draw_tasks 2023Q2-county-01-0005/],
    ['the evidence rewritten', rewriteEvidence('2023Q2-city-01', '"entropySource":"user"', '"entropySource":"generated"'), /2023Q2-city-01/],
    ['a ledger entry rewritten', "UPDATE ledger SET payload_hash = '" + '0'.repeat(64) + "' WHERE seq = 1", /ledger #1/],
    ['a draw inserted', "INSERT INTO draws SELECT '2023Q2-county-99', 99, quarter, level, kind, regions, rules_id, recorded_at, evidence FROM draws WHERE id = '2023Q2-county-01'", /2023Q2-county-99/],
    ['a draw deleted with its tasks', "DELETE FROM draw_tasks WHERE draw_id = '2023Q2-city-01'; DELETE FROM draw_task_counts WHERE draw_id = '2023Q2-city-01'; DELETE FROM draw_facts WHERE draw_id = '2023Q2-city-01'; DELETE FROM draw_strata WHERE draw_id = '2023Q2-city-01'; DELETE FROM draw_scope WHERE draw_id = '2023Q2-city-01'; DELETE FROM draws WHERE id = '2023Q2-city-01'", /ledger #1/],
    ['a roster row rewritten', "UPDATE objects SET tier = 'E' WHERE vid = (SELECT MIN(vid) FROM objects WHERE tier = 'A' AND status = 'active')", /roster history/],
  ];
  for (const [what, sql, expected] of tamper) {
    it(`sj verify reports ${what} (triggers dropped first)`, async () => {
      const { path } = await hengshuiDb();
      (await drawAll(path));
      expect((await sj(['--db', path, 'verify'])).status).toBe(0);
      const db = new Database(path);
      for (const tbl of ['ledger', 'draws', 'draw_evidence', 'draw_tasks', 'draw_task_counts', 'draw_facts', 'draw_strata']) {
        db.exec(`DROP TRIGGER IF EXISTS ${tbl}_no_update; DROP TRIGGER IF EXISTS ${tbl}_no_delete;`);
      }
      if (typeof sql === 'string') db.exec(sql);
      else sql(db);
      db.close();
      const r = (await sj(['--db', path, 'verify']));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(expected);
    });
  }

  it('the append-only tables refuse UPDATE and DELETE', async () => {
    const { path } = await hengshuiDb();
    (await drawAll(path));
    const db = new Database(path);
    expect(() => db.exec('UPDATE ledger SET ref = 1')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM draws')).toThrow(/append-only/);
    expect(() => db.exec('UPDATE draw_tasks SET expert = NULL')).toThrow(/append-only/);
    db.close();
  });

  it('a removed last entry is caught against the published head', async () => {
    const { path } = await hengshuiDb();
    (await drawAll(path));
    const head = (await sj(['--db', path, 'ledger', 'head'])).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    const db = new Database(path);
    // the whole draw removed, everything derived from it included: a consistent shorter history
    db.exec(`DROP TRIGGER ledger_no_delete; DROP TRIGGER draws_no_delete; DROP TRIGGER draw_tasks_no_delete; DROP TRIGGER draw_task_counts_no_delete; DROP TRIGGER draw_facts_no_delete; DROP TRIGGER draw_strata_no_delete;
      DELETE FROM draw_tasks WHERE draw_id = '2023Q2-county-01'; DELETE FROM draw_task_counts WHERE draw_id = '2023Q2-county-01'; DELETE FROM draw_facts WHERE draw_id = '2023Q2-county-01'; DELETE FROM draw_strata WHERE draw_id = '2023Q2-county-01';
      DELETE FROM draw_scope WHERE draw_id = '2023Q2-county-01'; DELETE FROM draws WHERE id = '2023Q2-county-01'; DELETE FROM ledger WHERE seq = 2;`);
    db.close();
    expect((await sj(['--db', path, 'verify'])).status).toBe(0); // a consistent shorter history …
    const r = (await sj(['--db', path, 'verify', '--head', head]));
    expect(r.status).toBe(1); // … is caught by the published head
    expect(r.stderr).toContain(head);
  });
});
