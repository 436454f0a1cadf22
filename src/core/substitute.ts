/**
 * 补抽 (draw-v1 §8): the next object of a task's stratum in key order, and the next candidate
 * in a task's inspector scan order. Pure: computed from the evidence alone.
 */
import { buildTeam, candidateOrder, expertFor, keyOrder, methodFor, teamContext, AvoidanceIndex } from './draw.js';
import { planStrata } from './quotas.js';
import type { Evidence, Method, SnapObject, Task } from './types.js';

export interface ObjectSubstitute {
  object: SnapObject;
  key: string;
  /** 1-based position in the stratum's pool (key order) */
  poolRank: number;
  method: Method;
  expert: string | null;
}

/** Next object of the task's stratum after the selected ones, skipping `used` ids; null when exhausted. */
export function nextObject(ev: Evidence, task: Task, used: ReadonlySet<string>): ObjectSubstitute | null {
  const planned = planStrata(ev.draw.level, ev.draw.regions, ev.snapshot.objects, ev.snapshot.rules);
  const st = planned.find((p) => p.region === task.region && p.class === task.class && p.tier === task.tier);
  if (!st) return null;
  const pool = keyOrder(ev.draw.seed, st.objects.filter((o) => o.excluded === null));
  const stratum = ev.strata.find((s) => s.region === task.region && s.class === task.class && s.tier === task.tier);
  const start = stratum ? stratum.selected : 0;
  for (let k = start; k < pool.length; k++) {
    const { o, h } = pool[k]!;
    if (used.has(o.id)) continue;
    const avoid = new AvoidanceIndex(ev.snapshot.avoidance);
    return {
      object: o, key: h, poolRank: k + 1,
      method: methodFor(ev.draw.method, ev.snapshot.rules.method.preferOffsite, task.class, o),
      expert: expertFor(ev.draw.seed, ev.snapshot, avoid, ev.draw.withExperts, o),
    };
  }
  return null;
}

/**
 * Next candidate in the scan order of task `index` (loads as at the start of that task in the
 * draw) to replace `leaving`: not a member, not excluded, keeping a joint team on two lines.
 */
export function nextInspector(
  ev: Evidence, index: number, team: readonly string[], leaving: string, exclude: ReadonlySet<string>, objectOverride?: SnapObject,
): string | null {
  const task = ev.tasks[index]!;
  const o = objectOverride ?? ev.snapshot.objects.find((x) => x.id === task.objectId);
  if (!o) return null;
  const loads = new Map<string, number>();
  for (let k = 0; k < index; k++) for (const i of ev.tasks[k]!.inspectors) loads.set(i, (loads.get(i) ?? 0) + 1);
  const ctx = teamContext(ev.draw.seed, ev.draw.level, ev.snapshot);
  const order = candidateOrder(ctx, o, loads);
  const lineOf = new Map(ev.snapshot.inspectors.map((i) => [i.id, i.line]));
  const rest = team.filter((i) => i !== leaving);
  for (const c of order) {
    if (team.includes(c.id) || exclude.has(c.id)) continue;
    if (task.joint) {
      const lines = new Set([...rest.map((i) => lineOf.get(i)), c.line]);
      if (lines.size < 2) continue;
    }
    return c.id;
  }
  return null;
}

export { buildTeam };
