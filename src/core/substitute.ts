/**
 * 补抽 (draw-v2 §8; draw-v1 §8 says the same in fewer words): the next object of a task's
 * stratum in key order, and the next candidate in a task's inspector scan order. Pure: computed
 * from the evidence alone, plus the recusals declared since the draw (given by the caller).
 */
import { AvoidanceIndex, buildTeam, candidateOrder, drawKeys, expertFor, keyOrder, methodFor, teamContext } from './draw.js';
import { planStrata } from './quotas.js';
import type { Evidence, Method, SnapInspector, SnapObject, Task } from './types.js';
import { algorithmOf } from './verify.js';

export interface ObjectSubstitute {
  object: SnapObject;
  key: string;
  /** 1-based position in the stratum's pool (key order) */
  poolRank: number;
  method: Method;
  expert: string | null;
}

const keysOf = (ev: Evidence) => drawKeys(algorithmOf(ev) ?? ev.algorithm, ev.draw.seed);

/** Next object of the task's stratum after the selected ones, skipping `used` ids; null when exhausted. */
export function nextObject(ev: Evidence, task: Task, used: ReadonlySet<string>): ObjectSubstitute | null {
  const keys = keysOf(ev);
  const planned = planStrata(ev.draw.level, ev.draw.regions, ev.snapshot.objects, ev.snapshot.rules);
  const st = planned.find((p) => p.region === task.region && p.class === task.class && p.tier === task.tier);
  if (!st) return null;
  const pool = keyOrder(keys, st.objects.filter((o) => o.excluded === null));
  const stratum = ev.strata.find((s) => s.region === task.region && s.class === task.class && s.tier === task.tier);
  const start = stratum ? stratum.selected : 0;
  const avoid = new AvoidanceIndex(ev.snapshot.avoidance);
  for (let k = start; k < pool.length; k++) {
    const { o, h } = pool[k]!;
    if (used.has(o.id)) continue;
    return {
      object: o, key: h, poolRank: k + 1,
      method: methodFor(ev.draw.method, ev.snapshot.rules.method.preferOffsite, task.class, o),
      expert: expertFor(keys, ev.snapshot, avoid, ev.draw.withExperts, o),
    };
  }
  return null;
}

/** The §6 candidate order of task `index` for object o, with the loads at the start of that task. */
function orderAt(ev: Evidence, index: number, o: SnapObject): SnapInspector[] {
  const loads = new Map<string, number>();
  for (let k = 0; k < index; k++) for (const i of ev.tasks[k]!.inspectors) loads.set(i, (loads.get(i) ?? 0) + 1);
  return candidateOrder(teamContext(keysOf(ev), ev.draw.level, ev.snapshot), o, loads);
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
  const lineOf = new Map(ev.snapshot.inspectors.map((i) => [i.id, i.line]));
  const rest = team.filter((i) => i !== leaving);
  for (const c of orderAt(ev, index, o)) {
    if (team.includes(c.id) || exclude.has(c.id)) continue;
    if (task.joint) {
      const lines = new Set([...rest.map((i) => lineOf.get(i)), c.line]);
      if (lines.size < 2) continue;
    }
    return c.id;
  }
  return null;
}

/**
 * Members of a team who cannot serve a (new) object (§8): an avoidance pair with it — in the
 * snapshot or declared since (`lateAvoid`) — or, at city level with cross-region teams, of its county.
 */
export function membersWhoCannotServe(ev: Evidence, team: readonly string[], o: SnapObject, lateAvoid: ReadonlySet<string>): string[] {
  const avoid = new AvoidanceIndex(ev.snapshot.avoidance);
  const regionOf = new Map(ev.snapshot.inspectors.map((i) => [i.id, i.region]));
  const cross = ev.draw.level === 'city' && ev.snapshot.rules.team.crossRegionAtCity;
  return team.filter((i) => avoid.has(i, o.id) || lateAvoid.has(i) || (cross && regionOf.get(i) === o.region));
}

/**
 * The team of task `index` after its object was replaced by `o`: each member who cannot serve
 * o is replaced, in turn, by the next candidate of the task's order for o. Null (with the member)
 * when one cannot be replaced.
 */
export function teamForNewObject(
  ev: Evidence, index: number, team: readonly string[], o: SnapObject, lateAvoid: ReadonlySet<string>, replacedBefore: ReadonlySet<string>,
): { team: string[]; changes: { original: string; replacement: string }[] } | { failed: string } {
  let current = [...team];
  const changes: { original: string; replacement: string }[] = [];
  const gone = new Set<string>([...replacedBefore, ...lateAvoid]);
  for (const leaving of membersWhoCannotServe(ev, team, o, lateAvoid)) {
    gone.add(leaving);
    const next = nextInspector(ev, index, current, leaving, gone, o);
    if (!next) return { failed: leaving };
    current = current.map((i) => (i === leaving ? next : i));
    changes.push({ original: leaving, replacement: next });
  }
  return { team: current, changes };
}

export { buildTeam };
