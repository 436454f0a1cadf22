/** The lean task reader of the statistics agrees with effectiveTasks (substitutions, voids included). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/io/db.js';
import { effectiveTasks } from '../src/io/draw-store.js';
import { liveTaskFacts } from '../src/io/report-data.js';
import { tempDir } from './db-helpers.js';
import { run as sj } from './cli.js';
import { FIXTURES } from './helpers.js';

const env = { SJ_NOW: '2023-04-03T01:00:00Z' };

describe('liveTaskFacts', () => {
  it('equals effectiveTasks on the fields the statistics use', async () => {
    const db = join(tempDir('sj-report-data-'), 'sj.db');
    for (const kind of ['objects', 'inspectors']) expect((await sj(['--db', db, 'import', kind, join(FIXTURES, 'small', `${kind}.csv`)], { env })).status).toBe(0);
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--seed', '1', '--yes', '--date', '2023-04-03', '--department-joint', '--partners', '应急管理局'], { env })).status).toBe(0);
    expect((await sj(['--db', db, 'draw', '-q', '2023Q3', '--seed', '2', '--yes', '--date', '2023-07-03'], { env })).status).toBe(0);
    expect((await sj(['--db', db, 'draw', 'void', '2023Q3-county-01', '--reason', 'x'], { env })).status).toBe(0);
    const d = openDb(db);
    const positive = d.prepare("SELECT object_id FROM draw_tasks WHERE draw_id = '2023Q2-county-01' AND class = 'general' LIMIT 1").get() as { object_id: string };
    d.close();
    const s = (await sj(['--db', db, 'draw', 'substitute', '2023Q2-county-01', '--object', positive.object_id, '--reason', '停产'], { env }));
    expect(s.status, s.stderr).toBe(0);
    const db2 = openDb(db);
    const pick = (t: { taskNo: string; drawId: string; quarter: string; level: string; drawKind: string; region: string; objectId: string; objectRegion: string; class: string; tier: string | null; method: string; joint: boolean; departmentJoint: boolean; sampled: boolean }) =>
      ({ taskNo: t.taskNo, drawId: t.drawId, quarter: t.quarter, level: t.level, drawKind: t.drawKind, region: t.region, objectId: t.objectId, objectRegion: t.objectRegion,
        class: t.class, tier: t.tier, method: t.method, joint: t.joint, departmentJoint: t.departmentJoint, sampled: t.sampled });
    const a = effectiveTasks(db2, { year: 2023 }).map(pick).sort((x, y) => x.taskNo.localeCompare(y.taskNo));
    const b = liveTaskFacts(db2, 2023).map(pick).sort((x, y) => x.taskNo.localeCompare(y.taskNo));
    expect(a.length).toBeGreaterThan(5);
    expect(a.some((t) => t.quarter === '2023Q3')).toBe(true); // the city draw of Q3 is live
    expect(b.some((t) => t.taskNo.startsWith('2023Q3-county-01'))).toBe(false);
    expect(b).toEqual(a);
    db2.close();
  });
});

describe('the rosters as they stood at the end of the period', () => {
  it('a roster re-imported after the quarter: the quarter counts the old one, the current one serves where a region has no draw', async () => {
    const dir = tempDir('sj-report-asof-');
    const db = join(dir, 'sj.db');
    const small = join(FIXTURES, 'small', 'objects.csv');
    for (const kind of ['objects', 'inspectors']) expect((await sj(['--db', db, 'import', kind, join(FIXTURES, 'small', `${kind}.csv`)], { env })).status).toBe(0);
    expect((await sj(['--db', db, 'draw', '-q', '2023Q2', '--level', 'city', '--seed', '1', '--yes', '--date', '2023-04-03'], { env })).status).toBe(0);
    // after the quarter: the first ten enterprises leave the roster, one changes class
    const lines = readFileSync(small, 'utf8').split(/\r?\n/).filter(Boolean);
    const kept = [lines[0]!, ...lines.slice(11)];
    kept[1] = kept[1]!.replace(/特殊监管对象|重点监管对象|一般监管对象/, '重点监管对象');
    const later = join(dir, 'objects-later.csv');
    writeFileSync(later, kept.join('\n') + '\n');
    expect((await sj(['--db', db, 'import', 'objects', later], { env: { SJ_NOW: '2023-10-09T01:00:00Z' } })).status).toBe(0);
    const count = (where: string) => {
      const d = openDb(db);
      try {
        return d.prepare(`SELECT region, class, COUNT(*) AS n FROM objects WHERE ${where} AND in_roster = 1 AND status = 'active' GROUP BY region, class`).all() as { region: string; class: string; n: number }[];
      } finally {
        d.close();
      }
    };
    const before = count("valid_from <= '2023-06-30T16:00:00.000Z' AND (valid_to IS NULL OR valid_to > '2023-06-30T16:00:00.000Z')");
    const now = count('valid_to IS NULL');
    expect(now).not.toEqual(before);
    const byRegion = (rows: { region: string; class: string; n: number }[]) => {
      const out: Record<string, Record<string, number>> = {};
      for (const r of rows) (out[r.region] ??= {})[r.class] = r.n;
      return out;
    };
    // the report after the quarter and after the re-import: each county's objects as they stood
    const r = await sj(['--db', db, 'report', '--quarter', '2023Q2', '--json'], { env: { SJ_NOW: '2023-10-10T01:00:00Z' } });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { rows: { region: string; kind: string; objects: Record<string, number> }[] };
    const want = byRegion(before);
    for (const row of doc.rows.filter((x) => x.kind === 'county')) {
      for (const cls of ['special', 'key', 'positive', 'general']) expect(row.objects[cls], `${row.region} ${cls}`).toBe(want[row.region]?.[cls] ?? 0);
    }
    // a report of the quarter after (no draw in it, over): its rows are the current roster's
    const r3 = await sj(['--db', db, 'report', '--quarter', '2023Q3', '--json'], { env: { SJ_NOW: '2023-10-10T01:00:00Z' } });
    expect(r3.status, r3.stderr).toBe(0);
    const doc3 = JSON.parse(r3.stdout) as { rows: { region: string; kind: string; objects: Record<string, number> }[] };
    const cur = byRegion(count("valid_from <= '2023-09-30T16:00:00.000Z' AND (valid_to IS NULL OR valid_to > '2023-09-30T16:00:00.000Z')"));
    for (const row of doc3.rows.filter((x) => x.kind === 'county')) {
      for (const cls of ['special', 'key', 'positive', 'general']) expect(row.objects[cls], `${row.region} ${cls}`).toBe(cur[row.region]?.[cls] ?? 0);
    }
  });
});
