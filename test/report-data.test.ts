/** The lean task reader of the statistics agrees with effectiveTasks (substitutions, voids included). */
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
