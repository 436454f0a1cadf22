/**
 * 补抽 (draw-v2 §8) in the database: which object or inspector comes next (decided in
 * core/substitute.ts from the evidence), the recusals declared since the draw (current roster),
 * and the record: one ledger entry and one substitutions row. Runs inside the caller's write
 * transaction; nothing is changed when no substitute exists.
 */
import { canonical } from '../core/canonical.js';
import { nextInspector, nextObject, teamForNewObject } from '../core/substitute.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoUtc, now } from './clock.js';
import { writeTx, type DB } from './db.js';
import { effectiveTasks, getEvidence, requireDraw } from './draw-store.js';
import { appendLedger } from './ledger.js';
import { readRoster } from './roster-read.js';

export interface SubstitutionRequest {
  /** replace this drawn object … */
  object?: string;
  /** … or, in the task of this object, the inspector below */
  task?: string;
  inspector?: string;
  reason: string;
}

/** People with a recusal for an object in the current roster (declared late, perhaps). */
const recusedFor = (db: DB, objectId: string): Set<string> =>
  new Set(readRoster(db, 'avoidance', { where: 'object = @o', params: { o: objectId } }).map((a) => a.person));

function record(db: DB, drawId: string, taskNo: string, payload: { kind: string; original: string; replacement: string; reason: string; at: string }) {
  const entry = appendLedger(db, 'substitution', taskNo, payload.at, payload);
  db.prepare('INSERT INTO substitutions(seq, draw_id, task_no, kind, original, replacement, reason, at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(entry.seq, drawId, taskNo, payload.kind, payload.original, payload.replacement, payload.reason, payload.at, canonical(payload));
  return { seq: entry.seq, hash: entry.hash };
}

/** One substitution; must run in a write transaction. */
export function substitute(db: DB, drawId: string, o: SubstitutionRequest) {
  const d = requireDraw(db, drawId);
  if (d.voided) throw new SjError(t('draw.isVoided', { id: drawId }));
  const ev = getEvidence(db, drawId);
  const tasks = effectiveTasks(db, { drawId, includeVoided: true });
  const at = isoUtc(now());
  const reason = o.reason.trim();
  if (o.object) {
    const tk = tasks.find((x) => x.objectId === o.object);
    if (!tk) throw new SjError(t('draw.subst.noTask', { id: drawId, object: o.object }));
    const index = tk.ord - 1;
    // neither selected nor substituted in earlier in this draw
    const used = new Set<string>([...ev.tasks.map((x) => x.objectId), ...tasks.map((x) => x.objectId)]);
    for (const p of db.prepare("SELECT original FROM substitutions WHERE draw_id = ? AND kind = 'object'").all(drawId) as { original: string }[]) used.add(p.original);
    const next = nextObject(ev, ev.tasks[index]!, used);
    if (!next) throw new SjError(t('draw.subst.exhausted', { stratum: `${tk.region}/${tk.class}/${tk.tier ?? '-'}` }));
    // members who cannot serve the new object are replaced in the task's own order
    const replacedBefore = new Set(tk.substitutions.filter((s) => s.kind === 'inspector').map((s) => s.original));
    const team = teamForNewObject(ev, index, tk.inspectors, next.object, recusedFor(db, next.object.id), replacedBefore);
    if ('failed' in team) throw new SjError(t('draw.subst.noCandidate', { task: tk.taskNo }), { details: { member: team.failed } });
    const payload = {
      draw: drawId, task: tk.taskNo, kind: 'object', original: o.object, replacement: next.object.id, reason, at,
      objectRegion: next.object.region, key: next.key, poolRank: next.poolRank, method: next.method, expert: next.expert,
      ...(team.changes.length ? { team: team.changes } : {}),
    };
    return { ...payload, ledger: record(db, drawId, tk.taskNo, payload) };
  }
  const tk = tasks.find((x) => x.objectId === o.task);
  if (!tk) throw new SjError(t('draw.subst.noTask', { id: drawId, object: o.task! }));
  if (!tk.inspectors.includes(o.inspector!)) throw new SjError(t('draw.subst.noInspector', { task: tk.taskNo, inspector: o.inspector! }));
  const index = tk.ord - 1;
  // not a member now, not replaced in this task before, no recusal in the current roster
  const removed = new Set<string>(tk.substitutions.filter((s) => s.kind === 'inspector').map((s) => s.original));
  removed.add(o.inspector!);
  for (const p of recusedFor(db, tk.objectId)) removed.add(p);
  const objOverride = tk.originalObjectId ? ev.snapshot.objects.find((x) => x.id === tk.objectId) : undefined;
  const next = nextInspector(ev, index, tk.inspectors, o.inspector!, removed, objOverride);
  if (!next) throw new SjError(t('draw.subst.noCandidate', { task: tk.taskNo }));
  const payload = { draw: drawId, task: tk.taskNo, kind: 'inspector', original: o.inspector!, replacement: next, reason, at };
  return { ...payload, ledger: record(db, drawId, tk.taskNo, payload) };
}

/** One substitution in its own write transaction (`sj draw substitute`): recorded whole, or nothing. */
export function recordSubstitution(db: DB, drawId: string, o: SubstitutionRequest) {
  return writeTx(db, () => substitute(db, drawId, o));
}
