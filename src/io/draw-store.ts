/**
 * Draws in the database: recording a draw (evidence + tasks + ledger entry + scope), listing,
 * voiding, substitutions, and the effective task list (substitutions applied).
 * Every write is one IMMEDIATE transaction; draws, tasks, voids and substitutions are append-only.
 */
import { canonical } from '../core/canonical.js';
import type { Evidence, Level, Method, ObjClass } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import { writeDrawMembers } from './draw-members.js';
import { beginEvidence, readEvidence } from './evidence-store.js';
import { appendLedger } from './ledger.js';

export const taskNo = (drawId: string, ord: number): string => `${drawId}-${String(ord).padStart(4, '0')}`;

/** Draw ids: 2023Q2-city-01, 2023Q2-county-01, 2023Q2-dir-01 (directional) … never reused (ids a commit reserved included). */
export function nextDrawId(db: DB, quarter: string, level: Level, directional: boolean): string {
  const stem = `${quarter}-${directional ? 'dir' : level}-`;
  const rows = db.prepare('SELECT id FROM draws WHERE id LIKE @p UNION SELECT draw_id FROM commitment_draws WHERE draw_id LIKE @p').all({ p: `${stem}%` }) as { id: string }[];
  let max = 0;
  for (const r of rows) {
    const n = Number(r.id.slice(stem.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${stem}${String(max + 1).padStart(2, '0')}`;
}

export interface LiveScopeConflict {
  drawId: string;
  region: string;
}

/** A live routine draw already holding any of these (quarter, level, region) scopes. */
export function scopeConflict(db: DB, quarter: string, level: Level, regions: string[]): LiveScopeConflict | undefined {
  const q = db.prepare('SELECT draw_id FROM draw_scope WHERE quarter = ? AND level = ? AND region = ?');
  for (const r of regions) {
    const row = q.get(quarter, level, r) as { draw_id: string } | undefined;
    if (row) return { drawId: row.draw_id, region: r };
  }
  return undefined;
}

/** The scopes (level, region) live routine draws hold in a quarter, each with its draw, by draw then region. */
export function liveScopes(db: DB, quarter: string): { level: Level; region: string; draw_id: string }[] {
  return db.prepare('SELECT level, region, draw_id FROM draw_scope WHERE quarter = ? ORDER BY draw_id, region').all(quarter) as { level: Level; region: string; draw_id: string }[];
}

export function conflictError(c: LiveScopeConflict, regionName: string): SjError {
  return new SjError(t('draw.exists', { id: c.drawId, region: regionName }), {
    hint: t('draw.existsHint', { id: c.drawId }),
    details: { existingDraw: c.drawId },
  });
}

/** Record a draw; must run inside the caller's write transaction. Returns the ledger entry. */
export function recordDraw(
  db: DB, evidence: Evidence,
  meta: { rulesId: number | null; recordedAt: string; regionName: (c: string) => string; picked?: ReadonlySet<object>; nums: ArrayLike<number> },
) {
  const d = evidence.draw;
  if (d.kind === 'routine') {
    const c = scopeConflict(db, d.quarter, d.level, d.regions);
    if (c) throw conflictError(c, meta.regionName(c.region));
  }
  const { ledger: _l, ...body } = evidence;
  // serialised once, part by part: the stored evidence, and its hash is the ledger's payloadHash
  // (§8); its parts are written last, compressed meanwhile while the tasks are written
  const stored = beginEvidence(db, d.id, body);
  try {
    const entry = appendLedger(db, 'draw', d.id, meta.recordedAt, { draw: d.id }, stored.payloadHash);
    db.prepare(
      "INSERT INTO draws(id, seq, quarter, level, kind, regions, rules_id, recorded_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
    ).run(d.id, entry.seq, d.quarter, d.level, d.kind, JSON.stringify(d.regions), meta.rulesId, meta.recordedAt);
    insertTasks(db, d.id, evidence);
    const tc = db.prepare('INSERT INTO draw_task_counts(draw_id, region, class, tier, tasks, onsite, joint) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const c of taskCounts(evidence.tasks)) tc.run(d.id, c.region, c.class, c.tier, c.tasks, c.onsite, c.joint);
    // the facts reports and checks read (sj verify holds them equal to the evidence)
    db.prepare('INSERT INTO draw_facts(draw_id, algorithm, joint, draw_date, rates, tiered) VALUES (?, ?, ?, ?, ?, ?)').run(
      d.id, evidence.algorithm, d.joint, d.createdAt.slice(0, 10), canonical(evidence.snapshot.rules.rates[d.level] ?? {}), canonical(evidence.snapshot.rules.tiered),
    );
    const st = db.prepare('INSERT INTO draw_strata(draw_id, ord, region, class, tier, population, quota, credited, pool, selected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    evidence.strata.forEach((s, i) => st.run(d.id, i + 1, s.region, s.class, s.tier, s.population, s.quota, s.credited ?? 0, s.pool, s.selected));
    const ex = db.prepare('INSERT INTO draw_exclusions(draw_id, region, class, reason, n) VALUES (?, ?, ?, ?, ?)');
    for (const e of excludedCounts(evidence.snapshot.objects)) ex.run(d.id, e.region, e.class, e.reason, e.n);
    writeDrawMembers(db, d.id, { level: d.level, regions: d.regions, rules: evidence.snapshot.rules, strata: evidence.strata, objects: evidence.snapshot.objects, tasks: evidence.tasks, picked: meta.picked, nums: meta.nums });
    if (d.kind === 'routine') {
      const sc = db.prepare('INSERT INTO draw_scope(quarter, level, region, draw_id) VALUES (?, ?, ?, ?)');
      for (const r of d.regions) sc.run(d.quarter, d.level, r, d.id);
    }
    stored.finish();
    return entry;
  } catch (e) {
    stored.abandon(); // the transaction rolls back: the parts are not wanted
    throw e;
  }
}

/**
 * The own county of each task's object (draw_tasks.object_region). A task's region is its
 * stratum's (§5): at county level the object's own county; at city level the city, so the
 * object's county is read from the snapshot, for the task objects only.
 */
export function taskObjectRegion(evidence: Pick<Evidence, 'draw' | 'snapshot' | 'tasks'>): (tk: Evidence['tasks'][number]) => string {
  const objRegion = new Map<string, string>();
  if (evidence.draw.level === 'city') {
    const taskIds = new Set(evidence.tasks.map((tk) => tk.objectId));
    for (const o of evidence.snapshot.objects) if (taskIds.has(o.id)) objRegion.set(o.id, o.region);
  }
  return (tk) => objRegion.get(tk.objectId) ?? tk.region;
}

/** The draw's tasks as draw_tasks rows. */
function insertTasks(db: DB, drawId: string, evidence: Evidence): void {
  const regionOf = taskObjectRegion(evidence);
  const ins = db.prepare(
    `INSERT INTO draw_tasks(task_no, draw_id, ord, object_id, region, object_region, class, tier, rank, key, method, joint, inspectors, expert)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  evidence.tasks.forEach((tk, i) => {
    ins.run(taskNo(drawId, i + 1), drawId, i + 1, tk.objectId, tk.region, regionOf(tk), tk.class, tk.tier, tk.rank, tk.key, tk.method, tk.joint ? 1 : 0, JSON.stringify(tk.inspectors), tk.expert);
  });
}

export interface TaskCount {
  region: string;
  class: string;
  tier: string | null;
  tasks: number;
  onsite: number;
  joint: number;
}

/** The tasks counted per (region, class, tier), with their on-site and joint ones (the draw_task_counts rows), in first-seen order. */
export function taskCounts(tasks: readonly { region: string; class: string; tier: string | null; method: string; joint: boolean }[]): TaskCount[] {
  const m = new Map<string, TaskCount>();
  for (const tk of tasks) {
    const k = `${tk.region}\u0000${tk.class}\u0000${tk.tier ?? '\u0001'}`;
    let c = m.get(k);
    if (!c) m.set(k, (c = { region: tk.region, class: tk.class, tier: tk.tier, tasks: 0, onsite: 0, joint: 0 }));
    c.tasks++;
    if (tk.method === 'onsite') c.onsite++;
    if (tk.joint) c.joint++;
  }
  return [...m.values()];
}

export interface ExcludedCount {
  region: string;
  class: string;
  reason: string;
  n: number;
}

/**
 * The snapshot's excluded objects counted by their own region, class and reason (the
 * draw_exclusions rows), ordered by region, class, reason as SQLite orders their key.
 */
export function excludedCounts(objects: readonly { region: string; class: string; excluded: string | null }[]): ExcludedCount[] {
  const m = new Map<string, ExcludedCount>();
  for (const o of objects) {
    if (typeof o.excluded !== 'string') continue;
    const k = `${o.region}\u0000${o.class}\u0000${o.excluded}`;
    const e = m.get(k);
    if (e) e.n++;
    else m.set(k, { region: o.region, class: o.class, reason: o.excluded, n: 1 });
  }
  // binary order of UTF-16 code units matches SQLite's BINARY (UTF-8) order outside surrogates;
  // the keys here are region codes, class and reason names
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...m.values()].sort((a, b) => cmp(a.region, b.region) || cmp(a.class, b.class) || cmp(a.reason, b.reason));
}

export interface DrawRow {
  id: string;
  seq: number;
  quarter: string;
  level: Level;
  kind: 'routine' | 'directional';
  regions: string[];
  rulesId: number | null;
  recordedAt: string;
  voided: { reason: string; at: string; seq: number } | null;
  /** the algorithm it was made with (sj-draw/1 or sj-draw/2) */
  algorithm: string;
  tasks: number;
  /** objects the draw owed but could not select: the sum over its strata of due − selected */
  shortfall: number;
}

const drawRow = (r: Record<string, unknown>): DrawRow => ({
  id: r.id as string,
  seq: r.seq as number,
  quarter: r.quarter as string,
  level: r.level as Level,
  kind: r.kind as DrawRow['kind'],
  regions: JSON.parse(r.regions as string),
  rulesId: (r.rules_id as number | null) ?? null,
  recordedAt: r.recorded_at as string,
  voided: r.void_seq ? { reason: r.void_reason as string, at: r.void_at as string, seq: r.void_seq as number } : null,
  algorithm: r.algorithm as string,
  tasks: r.tasks as number,
  shortfall: r.shortfall as number,
});

const DRAW_SELECT = `SELECT d.id, d.seq, d.quarter, d.level, d.kind, d.regions, d.rules_id, d.recorded_at,
  v.reason AS void_reason, v.at AS void_at, v.seq AS void_seq, f.algorithm,
  (SELECT COUNT(*) FROM draw_tasks t WHERE t.draw_id = d.id) AS tasks,
  (SELECT COALESCE(SUM(MAX(0, s.quota - s.credited) - s.selected), 0) FROM draw_strata s WHERE s.draw_id = d.id) AS shortfall
  FROM draws d LEFT JOIN voids v ON v.draw_id = d.id LEFT JOIN draw_facts f ON f.draw_id = d.id`;

/** WHERE conditions on draws `d` by id, quarter, year and void status, with their parameters. */
function drawConditions(opts: { drawId?: string; quarter?: string; year?: number; live?: boolean }): { conds: string[]; p: Record<string, unknown> } {
  const conds: string[] = [];
  const p: Record<string, unknown> = {};
  if (opts.drawId) {
    conds.push('d.id = @drawId');
    p.drawId = opts.drawId;
  }
  if (opts.quarter) {
    conds.push('d.quarter = @quarter');
    p.quarter = opts.quarter;
  }
  if (opts.year) {
    conds.push('substr(d.quarter, 1, 4) = @year');
    p.year = String(opts.year);
  }
  if (opts.live) conds.push('NOT EXISTS (SELECT 1 FROM voids vv WHERE vv.draw_id = d.id)');
  return { conds, p };
}

export function listDraws(db: DB, opts: { quarter?: string; year?: number; includeVoided?: boolean } = {}): DrawRow[] {
  const { conds, p } = drawConditions({ quarter: opts.quarter, year: opts.year, live: opts.includeVoided === false });
  return (db.prepare(`${DRAW_SELECT} ${conds.length ? 'WHERE ' + conds.join(' AND ') : ''} ORDER BY d.seq`).all(p) as Record<string, unknown>[]).map(drawRow);
}

export function getDraw(db: DB, id: string): DrawRow | undefined {
  const r = db.prepare(`${DRAW_SELECT} WHERE d.id = ?`).get(id) as Record<string, unknown> | undefined;
  return r ? drawRow(r) : undefined;
}

export function requireDraw(db: DB, id: string): DrawRow {
  const d = getDraw(db, id);
  if (!d) throw new SjError(t('draw.unknown', { id }), { hint: t('draw.unknownHint') });
  return d;
}

export function getEvidence(db: DB, id: string): Evidence {
  const r = db.prepare('SELECT l.seq, l.prev_hash, l.hash FROM draws d LEFT JOIN ledger l ON l.seq = d.seq WHERE d.id = ?').get(id) as
    | { seq: number | null; prev_hash: string | null; hash: string | null }
    | undefined;
  const stored = r && readEvidence(db, id);
  if (!r || !stored) throw new SjError(t('draw.unknown', { id }), { hint: t('draw.unknownHint') });
  const ev = stored.body;
  const ordered: Evidence = {
    format: ev.format, algorithm: ev.algorithm, draw: ev.draw, snapshot: ev.snapshot, snapshotHash: ev.snapshotHash,
    strata: ev.strata, tasks: ev.tasks, resultHash: ev.resultHash,
  };
  if (r.seq !== null) ordered.ledger = { seq: r.seq, prevHash: r.prev_hash!, hash: r.hash! };
  return ordered;
}

export function voidDraw(db: DB, id: string, reason: string, at: string) {
  const d = requireDraw(db, id);
  if (d.voided) throw new SjError(t('draw.alreadyVoided', { id, reason: d.voided.reason }));
  const entry = appendLedger(db, 'void', id, at, { draw: id, reason, at });
  db.prepare('INSERT INTO voids(draw_id, seq, reason, at) VALUES (?, ?, ?, ?)').run(id, entry.seq, reason, at);
  db.prepare('DELETE FROM draw_scope WHERE draw_id = ?').run(id);
  return entry;
}

/** A task as it stands now: the drawn task with its substitutions applied. */
export interface EffectiveTask {
  taskNo: string;
  drawId: string;
  quarter: string;
  level: Level;
  drawKind: 'routine' | 'directional';
  voided: boolean;
  ord: number;
  objectId: string;
  /** the object drawn, when a substitution replaced it */
  originalObjectId: string | null;
  /** stratum region (the city code at city level) */
  region: string;
  /** the object's own county */
  objectRegion: string;
  class: ObjClass;
  tier: string | null;
  rank: number;
  method: Method;
  joint: boolean;
  /** department joint draw (部门联合) */
  departmentJoint: boolean;
  /** drawn by sampling: the class's rate at the draw's level is below 10000 (not the positive list's census) */
  sampled: boolean;
  inspectors: string[];
  expert: string | null;
  substitutions: { kind: 'object' | 'inspector'; original: string; replacement: string; reason: string; at: string }[];
  drawDate: string;
}

/** Effective tasks of draws (all, or of a quarter/year/draw), in draw then task order. */
export function effectiveTasks(db: DB, opts: { drawId?: string; quarter?: string; year?: number; includeVoided?: boolean } = {}): EffectiveTask[] {
  const { conds, p } = drawConditions({ ...opts, live: !opts.includeVoided });
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const draws = db.prepare(`SELECT d.id, d.quarter, d.level, d.kind, f.joint, f.draw_date AS created, f.rates,
      EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) AS voided
    FROM draws d JOIN draw_facts f ON f.draw_id = d.id ${where} ORDER BY d.seq`).all(p) as { id: string; quarter: string; level: Level; kind: 'routine' | 'directional'; joint: string; created: string; rates: string; voided: number }[];
  const tasksQ = db.prepare('SELECT * FROM draw_tasks WHERE draw_id = ? ORDER BY ord');
  const subsQ = db.prepare('SELECT task_no, kind, original, replacement, reason, at, payload FROM substitutions WHERE draw_id = ? ORDER BY seq');
  const out: EffectiveTask[] = [];
  for (const d of draws) {
    const subs = new Map<string, (EffectiveTask['substitutions'][number] & { payload: string })[]>();
    for (const s of subsQ.all(d.id) as { task_no: string; kind: 'object' | 'inspector'; original: string; replacement: string; reason: string; at: string; payload: string }[]) {
      const l = subs.get(s.task_no) ?? [];
      l.push({ kind: s.kind, original: s.original, replacement: s.replacement, reason: s.reason, at: s.at, payload: s.payload });
      subs.set(s.task_no, l);
    }
    const rates = JSON.parse(d.rates) as Partial<Record<ObjClass, number>>;
    for (const r of tasksQ.all(d.id) as Record<string, unknown>[]) {
      const tn = r.task_no as string;
      let objectId = r.object_id as string;
      let objectRegion = r.object_region as string;
      let inspectors = JSON.parse(r.inspectors as string) as string[];
      let expert = (r.expert as string | null) ?? null;
      let method = r.method as Method;
      const sl = subs.get(tn) ?? [];
      for (const s of sl) {
        if (s.kind === 'object') {
          const pl = JSON.parse(s.payload) as { objectRegion?: string; method?: Method; expert?: string | null; team?: { original: string; replacement: string }[] };
          objectId = s.replacement;
          if (pl.objectRegion) objectRegion = pl.objectRegion;
          if (pl.method) method = pl.method;
          if (pl.expert !== undefined) expert = pl.expert;
          // members who could not serve the new object were replaced with it (§8)
          for (const ch of pl.team ?? []) inspectors = inspectors.map((i) => (i === ch.original ? ch.replacement : i));
        } else {
          inspectors = inspectors.map((i) => (i === s.original ? s.replacement : i));
        }
      }
      out.push({
        taskNo: tn, drawId: d.id, quarter: d.quarter, level: d.level, drawKind: d.kind, voided: d.voided === 1, ord: r.ord as number,
        objectId, originalObjectId: objectId !== r.object_id ? (r.object_id as string) : null,
        region: r.region as string, objectRegion, class: r.class as ObjClass, tier: (r.tier as string | null) ?? null, rank: r.rank as number,
        method, joint: r.joint === 1, departmentJoint: d.joint === 'department',
        sampled: (rates[r.class as ObjClass] ?? 0) < 10000, inspectors, expert,
        substitutions: sl.map(({ payload: _p, ...rest }) => rest), drawDate: String(d.created).slice(0, 10),
      });
    }
  }
  return out;
}
