/**
 * The draw algorithm sj-draw/1 (../shared/spec/draw-v1.md §2, §5, §6), exactly.
 * Pure: everything it uses is in its arguments; no I/O, no clock, no floating point.
 */
import { canonical, compareBytes } from './canonical.js';
import { H } from './hash.js';
import { ceilDiv, planStrata, type PlannedStratum } from './quotas.js';
import type {
  DrawHeader, Evidence, Method, SnapExpert, SnapInspector, SnapObject, Snapshot, Stratum, Task,
} from './types.js';

export const ALGORITHM = 'sj-draw/1';
export const EVIDENCE_FORMAT = 'sj-evidence/1';

/** Why a draw cannot be made: the object and the reason, for the operator. */
export class DrawFailure extends Error {
  constructor(
    readonly code: 'team-too-few' | 'team-one-line',
    readonly objectId: string,
    readonly detail: { candidates: number; size: number; line?: string },
  ) {
    super(
      code === 'team-too-few'
        ? `object ${objectId}: only ${detail.candidates} eligible inspector(s) for a team of ${detail.size}`
        : `object ${objectId}: joint task but every candidate is of line ${detail.line}`,
    );
  }
}

export const seedOf = (drawId: string, entropy: string): string => H(`sj-draw/1|seed|${drawId}|${entropy}`);
export const objectKey = (seed: string, objectId: string): string => H(`sj-draw/1|obj|${seed}|${objectId}`);
export const jointKey = (seed: string, objectId: string): string => H(`sj-draw/1|joint|${seed}|${objectId}`);
export const inspectorKey = (seed: string, objectId: string, inspectorId: string): string =>
  H(`sj-draw/1|insp|${seed}|${objectId}|${inspectorId}`);
export const expertKey = (seed: string, objectId: string, expertId: string): string =>
  H(`sj-draw/1|expert|${seed}|${objectId}|${expertId}`);

const byHashThenId = <T extends { h: string; id: string }>(a: T, b: T): number =>
  a.h < b.h ? -1 : a.h > b.h ? 1 : compareBytes(a.id, b.id);

/** Hash-order objects by their selection key (§5). */
export function keyOrder<O extends { id: string }>(seed: string, objects: readonly O[]): { o: O; h: string; id: string }[] {
  return objects.map((o) => ({ o, h: objectKey(seed, o.id), id: o.id })).sort(byHashThenId);
}

export interface StratumResult {
  stratum: Stratum;
  /** pool (not excluded), in key order; the first `selected` were drawn, the rest are substitutes in order */
  pool: { o: SnapObject; h: string }[];
}

/** §5: select per stratum. */
export function selectStrata(seed: string, planned: PlannedStratum[]): StratumResult[] {
  return planned.map((p) => {
    const pool = keyOrder(seed, p.objects.filter((o) => o.excluded === null)).map(({ o, h }) => ({ o, h }));
    const selected = Math.min(p.quota, pool.length);
    return {
      stratum: {
        region: p.region, class: p.class, tier: p.tier,
        population: p.population, quota: p.quota, pool: pool.length, selected,
      },
      pool,
    };
  });
}

export function methodFor(drawMethod: DrawHeader['method'], preferOffsite: boolean, cls: SnapObject['class'], o: SnapObject): Method {
  if (drawMethod === 'onsite' || drawMethod === 'offsite') return drawMethod;
  if (cls === 'positive' || (o.offsite && preferOffsite)) return 'offsite';
  return 'onsite';
}

export class AvoidanceIndex {
  private readonly pairs = new Set<string>();
  constructor(pairs: readonly (readonly [string, string])[]) {
    for (const [p, o] of pairs) this.pairs.add(`${p}\u0000${o}`);
  }
  has(person: string, objectId: string): boolean {
    return this.pairs.has(`${person}\u0000${objectId}`);
  }
}

export interface TeamContext {
  seed: string;
  level: DrawHeader['level'];
  snapshot: Snapshot;
  avoid: AvoidanceIndex;
  /** inspectors by region, for county-level candidate lookup */
  byRegion: Map<string, SnapInspector[]>;
}

export function teamContext(seed: string, level: DrawHeader['level'], snapshot: Snapshot): TeamContext {
  const byRegion = new Map<string, SnapInspector[]>();
  for (const i of snapshot.inspectors) {
    let l = byRegion.get(i.region);
    if (!l) byRegion.set(i.region, (l = []));
    l.push(i);
  }
  return { seed, level, snapshot, avoid: new AvoidanceIndex(snapshot.avoidance), byRegion };
}

/**
 * §6 candidate scan order for one task: eligible inspectors sorted by load (fewest first),
 * then inspector key, then id. Loads are those at the start of the task.
 */
export function candidateOrder(ctx: TeamContext, o: SnapObject, loads: Map<string, number>): SnapInspector[] {
  const { rules } = ctx.snapshot;
  const cap = rules.team.maxTasksPerInspector;
  let pool: readonly SnapInspector[];
  if (ctx.level === 'county') pool = ctx.byRegion.get(o.region) ?? [];
  else if (rules.team.crossRegionAtCity) pool = ctx.snapshot.inspectors.filter((i) => i.region !== o.region);
  else pool = ctx.snapshot.inspectors;
  const cands: { i: SnapInspector; load: number; h: string; id: string }[] = [];
  for (const i of pool) {
    if (ctx.avoid.has(i.id, o.id)) continue;
    const load = loads.get(i.id) ?? 0;
    if (cap > 0 && load >= cap) continue;
    cands.push({ i, load, h: inspectorKey(ctx.seed, o.id, i.id), id: i.id });
  }
  cands.sort((a, b) => a.load - b.load || byHashThenId(a, b));
  return cands.map((c) => c.i);
}

/** §6 steps 1–5: the team for one task, from its candidate order. Throws DrawFailure. */
export function buildTeam(rules: Snapshot['rules'], o: SnapObject, joint: boolean, order: readonly SnapInspector[]): string[] {
  const size = rules.team.size;
  const team: SnapInspector[] = [];
  if (rules.team.matchSpecialty && o.industry !== '') {
    const m = order.find((i) => i.specialties.includes(o.industry));
    if (m) team.push(m);
  }
  if (team.length === 0 && order.length > 0) team.push(order[0]!);
  if (team.length === 0) throw new DrawFailure('team-too-few', o.id, { candidates: 0, size });
  if (joint) {
    const line = team[0]!.line;
    const m = order.find((i) => i.line !== line);
    if (!m) throw new DrawFailure('team-one-line', o.id, { candidates: order.length, size, line });
    team.push(m);
  }
  for (const i of order) {
    if (team.length >= size) break;
    if (!team.includes(i)) team.push(i);
  }
  if (team.length < size) throw new DrawFailure('team-too-few', o.id, { candidates: order.length, size });
  return team.map((i) => i.id);
}

/** §6 expert for one object, or null. */
export function expertFor(
  seed: string, snapshot: Snapshot, avoid: AvoidanceIndex, withExperts: boolean, o: SnapObject,
): string | null {
  if (o.industry === '') return null;
  if (!(withExperts || snapshot.rules.experts.industries.includes(o.industry))) return null;
  let best: { h: string; id: string } | null = null;
  for (const e of snapshot.experts as SnapExpert[]) {
    if (!e.industries.includes(o.industry) || avoid.has(e.id, o.id)) continue;
    const c = { h: expertKey(seed, o.id, e.id), id: e.id };
    if (!best || byHashThenId(c, best) < 0) best = c;
  }
  return best ? best.id : null;
}

export interface DrawInput {
  /** the draw header; `seed` is recomputed from id and entropy */
  draw: Omit<DrawHeader, 'seed'> & { seed?: string };
  snapshot: Snapshot;
}

export interface DrawOutcome {
  evidence: Evidence;
  /** per stratum, the pool in key order (for substitutions and the plan) */
  strata: StratumResult[];
  /** hash computations made, by kind (for the benchmark) */
  hashes: { object: number; joint: number; inspector: number; expert: number };
}

export interface DrawProgress {
  (done: number, total: number): void;
}

/** Run a complete draw: seed, strata, selection, methods, joint tasks, teams, experts, hashes. */
export function runDraw(input: DrawInput, progress?: DrawProgress): DrawOutcome {
  const { snapshot } = input;
  const seed = seedOf(input.draw.id, input.draw.entropy);
  const draw: DrawHeader = { ...input.draw, seed } as DrawHeader;
  const rules = snapshot.rules;
  const planned = planStrata(draw.level, draw.regions, snapshot.objects, rules);
  const strata = selectStrata(seed, planned);
  const hashes = { object: 0, joint: 0, inspector: 0, expert: 0 };
  hashes.object = strata.reduce((n, s) => n + s.pool.length, 0);

  const picked: { o: SnapObject; h: string; s: Stratum; rank: number }[] = [];
  for (const s of strata) {
    for (let k = 0; k < s.stratum.selected; k++) picked.push({ o: s.pool[k]!.o, h: s.pool[k]!.h, s: s.stratum, rank: k + 1 });
  }
  picked.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : compareBytes(a.o.id, b.o.id)));

  const J = Math.min(picked.length, ceilDiv(picked.length * draw.jointShare, 10000));
  const jointIds = new Set<string>();
  if (J > 0) {
    const jk = picked.map((p) => ({ id: p.o.id, h: jointKey(seed, p.o.id) })).sort(byHashThenId);
    hashes.joint = jk.length;
    for (let k = 0; k < J; k++) jointIds.add(jk[k]!.id);
  }

  const ctx = teamContext(seed, draw.level, snapshot);
  const loads = new Map<string, number>();
  const tasks: Task[] = [];
  let n = 0;
  for (const p of picked) {
    const joint = jointIds.has(p.o.id);
    const order = candidateOrder(ctx, p.o, loads);
    hashes.inspector += order.length;
    const team = buildTeam(rules, p.o, joint, order);
    for (const id of team) loads.set(id, (loads.get(id) ?? 0) + 1);
    const expert = expertFor(seed, snapshot, ctx.avoid, draw.withExperts, p.o);
    tasks.push({
      objectId: p.o.id,
      region: p.s.region,
      class: p.s.class,
      tier: p.s.tier,
      rank: p.rank,
      key: p.h,
      method: methodFor(draw.method, rules.method.preferOffsite, p.s.class, p.o),
      joint,
      inspectors: team,
      expert,
    });
    if (progress && ++n % 256 === 0) progress(n, picked.length);
  }
  progress?.(picked.length, picked.length);

  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    algorithm: ALGORITHM,
    draw,
    snapshot,
    snapshotHash: H(canonical(snapshot)),
    strata: strata.map((s) => s.stratum),
    tasks,
    resultHash: H(canonical(tasks)),
  };
  return { evidence, strata, hashes };
}

/** payloadHash of a draw's ledger entry: H(canonical(evidence without its "ledger" member)). */
export function evidencePayloadHash(evidence: Evidence): string {
  const { ledger: _ledger, ...rest } = evidence;
  return H(canonical(rest));
}
