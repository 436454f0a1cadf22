/**
 * The draw algorithms, exactly as their pages say: sj-draw/2 (../shared/spec/draw-v2.md) for
 * new draws, sj-draw/1 (draw-v1.md) for the draws already made. They differ in the hash prefix,
 * in credit for objects already selected this quarter (§5) and in allotting joint tasks per
 * region (§6); everything else is shared. Pure: everything a draw uses is in its arguments; no
 * I/O, no clock, no floating point.
 */
import { jointCount } from './arith.js';
import { compareBytes } from './canonical.js';
import { H, hashCanonical, type TextArena } from './hash.js';
import { planStrata, type PlannedStratum } from './quotas.js';
import {
  CURRENT_ALGORITHM, evidenceFormatOf,
  type Algorithm, type DrawHeader, type Evidence, type Method, type SnapExpert, type SnapInspector, type SnapObject, type Snapshot, type Stratum, type Task,
} from './types.js';

/** Why a draw cannot be made: the object and the reason, for the operator. */
export class DrawFailure extends Error {
  constructor(
    readonly code: 'team-too-few' | 'team-one-line',
    readonly objectId: string,
    readonly detail: { candidates: number; size: number; line?: string; region?: string; class?: string },
  ) {
    super(
      code === 'team-too-few'
        ? `object ${objectId}: only ${detail.candidates} eligible inspector(s) for a team of ${detail.size}`
        : `object ${objectId}: joint task but every candidate is of line ${detail.line}`,
    );
  }
}

/** The hash keys of one draw (§2, §5, §6): every hashed string starts with the algorithm's name. */
export interface DrawKeys {
  algorithm: Algorithm;
  seed: string;
  object(objectId: string): string;
  joint(objectId: string): string;
  inspector(objectId: string, inspectorId: string): string;
  expert(objectId: string, expertId: string): string;
}

export const seedOf = (drawId: string, entropy: string, algorithm: Algorithm = CURRENT_ALGORITHM): string =>
  H(`${algorithm}|seed|${drawId}|${entropy}`);

export function drawKeys(algorithm: Algorithm, seed: string): DrawKeys {
  const p = `${algorithm}|`;
  return {
    algorithm,
    seed,
    object: (o) => H(`${p}obj|${seed}|${o}`),
    joint: (o) => H(`${p}joint|${seed}|${o}`),
    inspector: (o, i) => H(`${p}insp|${seed}|${o}|${i}`),
    expert: (o, e) => H(`${p}expert|${seed}|${o}|${e}`),
  };
}

export const objectKey = (seed: string, objectId: string, algorithm: Algorithm = CURRENT_ALGORITHM): string =>
  drawKeys(algorithm, seed).object(objectId);

const byHashThenId = <T extends { h: string; id: string }>(a: T, b: T): number =>
  a.h < b.h ? -1 : a.h > b.h ? 1 : compareBytes(a.id, b.id);

/** Hash-order objects by their selection key (§5). */
export function keyOrder<O extends { id: string }>(keys: DrawKeys, objects: readonly O[]): { o: O; h: string; id: string }[] {
  return objects.map((o) => ({ o, h: keys.object(o.id), id: o.id })).sort(byHashThenId);
}

/** Objects a stratum counts as already drawn this quarter (§5: sj-draw/2 only). */
export const creditedIn = (algorithm: Algorithm, objects: readonly SnapObject[]): number =>
  algorithm === 'sj-draw/1' ? 0 : objects.reduce((n, o) => n + (o.excluded === 'same-quarter' ? 1 : 0), 0);

/** What a stratum still needs after its credit: due = max(0, quota − credited). */
export const dueOf = (s: Pick<Stratum, 'quota' | 'credited'>): number => Math.max(0, s.quota - (s.credited ?? 0));

/** The shortfall of a drawn stratum (shown wherever the draw is shown): due − selected. */
export const shortfallOf = (s: Pick<Stratum, 'quota' | 'credited' | 'selected'>): number => dueOf(s) - s.selected;

export interface StratumResult {
  stratum: Stratum;
  /** the first `selected` of the pool: the objects drawn, in key order */
  drawn: { o: SnapObject; h: string }[];
  /**
   * pool (not excluded), in key order; the first `selected` were drawn, the rest are substitutes
   * in order. Ordered again when first read: a draw needs only `drawn`, and the whole pool with
   * its keys (130 MB at 1M objects) held for the rest of the draw raised its peak memory.
   */
  readonly pool: { o: SnapObject; h: string }[];
}

/** A selected stratum: the drawn kept, the pool ordered again if asked for. */
class SelectedStratum implements StratumResult {
  private ordered: { o: SnapObject; h: string }[] | undefined;
  constructor(
    readonly stratum: Stratum,
    readonly drawn: { o: SnapObject; h: string }[],
    private readonly keys: DrawKeys,
    private readonly objects: readonly SnapObject[],
  ) {}
  get pool(): { o: SnapObject; h: string }[] {
    return (this.ordered ??= poolOrder(this.keys, this.objects));
  }
}

/** A stratum's objects not excluded, in key order. */
const poolOrder = (keys: DrawKeys, objects: readonly SnapObject[]) => keyOrder(keys, objects.filter((o) => o.excluded === null)); // as keyOrder made it: a copy without `id` cost 100k objects

/** §5: select per stratum. A v1 stratum has no `credited` member (its evidence has exactly seven). */
export function selectStrata(keys: DrawKeys, planned: PlannedStratum[]): StratumResult[] {
  const v1 = keys.algorithm === 'sj-draw/1';
  return planned.map((p) => {
    const pool = poolOrder(keys, p.objects);
    const credited = creditedIn(keys.algorithm, p.objects);
    const selected = Math.min(dueOf({ quota: p.quota, credited }), pool.length);
    const stratum: Stratum = v1
      ? { region: p.region, class: p.class, tier: p.tier, population: p.population, quota: p.quota, pool: pool.length, selected }
      : { region: p.region, class: p.class, tier: p.tier, population: p.population, quota: p.quota, credited, pool: pool.length, selected };
    return new SelectedStratum(stratum, pool.slice(0, selected), keys, p.objects);
  });
}

export function methodFor(drawMethod: DrawHeader['method'], preferOffsite: boolean, cls: SnapObject['class'], o: SnapObject): Method {
  if (drawMethod === 'onsite' || drawMethod === 'offsite') return drawMethod;
  if (cls === 'positive' || (o.offsite && preferOffsite)) return 'offsite';
  return 'onsite';
}

/** The recusal pairs by person: asked once per candidate of every task, so no key string is built per question. */
export class AvoidanceIndex {
  private readonly byPerson = new Map<string, Set<string>>();
  constructor(pairs: readonly (readonly [string, string])[]) {
    for (const [p, o] of pairs) {
      let objects = this.byPerson.get(p);
      if (!objects) this.byPerson.set(p, (objects = new Set()));
      objects.add(o);
    }
  }
  has(person: string, objectId: string): boolean {
    return this.byPerson.get(person)?.has(objectId) ?? false;
  }
}

export interface TeamContext {
  keys: DrawKeys;
  level: DrawHeader['level'];
  snapshot: Snapshot;
  avoid: AvoidanceIndex;
  /** inspectors by region, for county-level candidate lookup */
  byRegion: Map<string, SnapInspector[]>;
}

export function teamContext(keys: DrawKeys, level: DrawHeader['level'], snapshot: Snapshot): TeamContext {
  const byRegion = new Map<string, SnapInspector[]>();
  for (const i of snapshot.inspectors) {
    let l = byRegion.get(i.region);
    if (!l) byRegion.set(i.region, (l = []));
    l.push(i);
  }
  return { keys, level, snapshot, avoid: new AvoidanceIndex(snapshot.avoidance), byRegion };
}

/**
 * §6 candidate scan order for one task: eligible inspectors sorted by load (fewest first),
 * then inspector key, then id. Loads are those at the start of the task.
 */
export function candidateOrder(ctx: TeamContext, o: SnapObject, loads: Map<string, number>): SnapInspector[] {
  const order = lazyCandidateOrder(ctx, o, loads);
  order.at(order.length - 1); // every group ordered
  return Array.from({ length: order.length }, (_, k) => order.at(k)!);
}

/** The candidates of a task in §6 scan order, as buildTeam reads them: counted up front, read by position (an array is one). */
export interface CandidateOrder {
  readonly length: number;
  at(k: number): SnapInspector | undefined;
}

/**
 * candidateOrder(ctx, o, loads), ordered only as far as it is read: the candidates are grouped
 * by load, and a group's keys are hashed and sorted when a read first reaches it. A team
 * usually comes from the first group or two, so at province scale (a hundred and more
 * inspectors per county) most keys are never needed; what is read is the full order's prefix.
 */
export function lazyCandidateOrder(ctx: TeamContext, o: SnapObject, loads: Map<string, number>): LazyOrder {
  const { rules } = ctx.snapshot;
  const cap = rules.team.maxTasksPerInspector;
  let pool: readonly SnapInspector[];
  if (ctx.level === 'county') pool = ctx.byRegion.get(o.region) ?? [];
  else if (rules.team.crossRegionAtCity) pool = ctx.snapshot.inspectors.filter((i) => i.region !== o.region);
  else pool = ctx.snapshot.inspectors;
  const byLoad = new Map<number, SnapInspector[]>();
  let length = 0;
  for (const i of pool) {
    if (ctx.avoid.has(i.id, o.id)) continue;
    const load = loads.get(i.id) ?? 0;
    if (cap > 0 && load >= cap) continue;
    let g = byLoad.get(load);
    if (!g) byLoad.set(load, (g = []));
    g.push(i);
    length++;
  }
  const groups = byLoad.size === 1 ? [...byLoad.values()] : [...byLoad.keys()].sort((a, b) => a - b).map((load) => byLoad.get(load)!);
  return new LazyOrder(ctx.keys, o.id, groups, length);
}

export class LazyOrder implements CandidateOrder {
  private readonly ordered: SnapInspector[] = [];
  private next = 0;
  /** keys computed by first() for candidates of groups not yet ordered, by inspector id */
  private known: Map<string, string> | undefined;
  /** inspector keys computed so far (for the benchmark's count) */
  hashed = 0;
  constructor(
    private readonly keys: DrawKeys,
    private readonly objectId: string,
    private readonly groups: SnapInspector[][],
    readonly length: number,
  ) {}
  at(k: number): SnapInspector | undefined {
    while (k >= this.ordered.length && this.next < this.groups.length) this.orderGroup(this.groups[this.next++]!);
    return this.ordered[k];
  }
  /**
   * The first candidate in the order that f accepts, as a scan of at(0), at(1) … would find it,
   * without ordering the groups it passes: it is, of the first group (by load) holding any
   * candidate f accepts, the accepted one of least (key, id); only their keys are computed. A
   * specialist or a second line is often in no group, or in a later one: a scan hashed every
   * candidate before it (a quarter of a 100k-object draw's hashing went to finding none).
   */
  first(f: (i: SnapInspector) => boolean): SnapInspector | undefined {
    for (const i of this.ordered) if (f(i)) return i;
    for (let g = this.next; g < this.groups.length; g++) {
      let best: SnapInspector | undefined;
      let bestKey = '';
      for (const i of this.groups[g]!) {
        if (!f(i)) continue;
        const h = this.keyOf(i);
        if (best === undefined || h < bestKey || (h === bestKey && compareBytes(i.id, best.id) < 0)) {
          best = i;
          bestKey = h;
        }
      }
      if (best) return best;
    }
    return undefined;
  }
  private keyOf(i: SnapInspector): string {
    let h = this.known?.get(i.id);
    if (h === undefined) {
      h = this.keys.inspector(this.objectId, i.id);
      this.hashed++;
      (this.known ??= new Map()).set(i.id, h);
    }
    return h;
  }
  private orderGroup(g: SnapInspector[]): void {
    const c = g.map((i) => ({ i, h: this.known ? this.keyOf(i) : this.keys.inspector(this.objectId, i.id), id: i.id }));
    if (!this.known) this.hashed += c.length;
    c.sort(byHashThenId);
    for (const x of c) this.ordered.push(x.i);
  }
}

/** The first candidate in order that f accepts. */
function firstWhere(order: CandidateOrder, f: (i: SnapInspector) => boolean): SnapInspector | undefined {
  if (order instanceof LazyOrder) return order.first(f);
  for (let k = 0; ; k++) {
    const i = order.at(k);
    if (i === undefined || f(i)) return i;
  }
}

/** §6 steps 1–5: the team for one task, from its candidate order. Throws DrawFailure. */
export function buildTeam(rules: Snapshot['rules'], o: SnapObject, joint: boolean, order: CandidateOrder): string[] {
  const size = rules.team.size;
  const team: SnapInspector[] = [];
  if (rules.team.matchSpecialty && o.industry !== '') {
    const m = firstWhere(order, (i) => i.specialties.includes(o.industry));
    if (m) team.push(m);
  }
  if (team.length === 0) {
    const first = order.at(0);
    if (first) team.push(first);
  }
  if (team.length === 0) throw new DrawFailure('team-too-few', o.id, { candidates: 0, size });
  if (joint) {
    const line = team[0]!.line;
    const m = firstWhere(order, (i) => i.line !== line);
    if (!m) throw new DrawFailure('team-one-line', o.id, { candidates: order.length, size, line });
    team.push(m);
  }
  for (let k = 0; team.length < size; k++) {
    const i = order.at(k);
    if (i === undefined) break;
    if (!team.includes(i)) team.push(i);
  }
  if (team.length < size) throw new DrawFailure('team-too-few', o.id, { candidates: order.length, size });
  return team.map((i) => i.id);
}

/** §6 expert for one object, or null. */
export function expertFor(
  keys: DrawKeys, snapshot: Snapshot, avoid: AvoidanceIndex, withExperts: boolean, o: SnapObject,
): string | null {
  if (o.industry === '') return null;
  if (!(withExperts || snapshot.rules.experts.industries.includes(o.industry))) return null;
  let best: { h: string; id: string } | null = null;
  for (const e of snapshot.experts as SnapExpert[]) {
    if (!e.industries.includes(o.industry) || avoid.has(e.id, o.id)) continue;
    const c = { h: keys.expert(o.id, e.id), id: e.id };
    if (!best || byHashThenId(c, best) < 0) best = c;
  }
  return best ? best.id : null;
}

export interface DrawInput {
  /** the algorithm to run; new draws use CURRENT_ALGORITHM (the default) */
  algorithm?: Algorithm;
  /** the draw header; `seed` is recomputed from id and entropy */
  draw: Omit<DrawHeader, 'seed'> & { seed?: string };
  snapshot: Snapshot;
  /** H(canonical(snapshot)) when the caller has already computed it (verify does, with the payload hash) */
  snapshotHash?: string;
  /**
   * Keep the canonical text of the snapshot and the tasks, hashed here, for the evidence store
   * (core/hash.ts takeCanonicalText), which then need not serialise them again; default true,
   * and never above KEEP_TEXT_OBJECTS objects. Verification, which stores nothing, says false.
   */
  keepText?: boolean;
  /** where the kept text is encoded (core/hash.ts TextArena; default plain memory) */
  textArena?: TextArena;
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

/**
 * §6 internal joint tasks: sj-draw/2 allots J_r per region r of the tasks (the task's region);
 * sj-draw/1 allots one J over the whole draw. Returns the ids of the joint tasks' objects.
 */
export function jointTasks(keys: DrawKeys, tasks: readonly { id: string; region: string }[], jointShare: number): { joint: Set<string>; hashed: number } {
  const groups = new Map<string, { id: string; h: string }[]>();
  for (const t of tasks) {
    const g = keys.algorithm === 'sj-draw/1' ? '' : t.region;
    let l = groups.get(g);
    if (!l) groups.set(g, (l = []));
    l.push({ id: t.id, h: '' });
  }
  const joint = new Set<string>();
  let hashed = 0;
  for (const l of groups.values()) {
    const J = jointCount(l.length, jointShare);
    if (J === 0) continue;
    for (const x of l) x.h = keys.joint(x.id);
    hashed += l.length;
    l.sort(byHashThenId);
    for (let k = 0; k < J; k++) joint.add(l[k]!.id);
  }
  return { joint, hashed };
}

/**
 * A draw of a snapshot of more objects keeps no text: the evidence store serialises the snapshot
 * and the tasks again (a few seconds at 1M objects, where the draw takes a minute). Kept, a
 * 1M-object draw's texts (300 MB of JS strings for the snapshot, two bytes a character for the
 * Chinese names, 90 MB for the tasks) were live through the whole store, and V8 grew its heap
 * to two or three times what was live (issue 13). At 250k objects they are about 75 + 25 MB.
 */
export const KEEP_TEXT_OBJECTS = 250_000;

/** Run a complete draw: seed, strata, selection, methods, joint tasks, teams, experts, hashes. */
export function runDraw(input: DrawInput, progress?: DrawProgress): DrawOutcome {
  const { snapshot } = input;
  const algorithm = input.algorithm ?? CURRENT_ALGORITHM;
  const seed = seedOf(input.draw.id, input.draw.entropy, algorithm);
  const keys = drawKeys(algorithm, seed);
  const draw: DrawHeader = { ...input.draw, seed } as DrawHeader;
  const rules = snapshot.rules;
  const planned = planStrata(draw.level, draw.regions, snapshot.objects, rules);
  const strata = selectStrata(keys, planned);
  const hashes = { object: 0, joint: 0, inspector: 0, expert: 0 };
  hashes.object = strata.reduce((n, s) => n + s.stratum.pool, 0);

  const picked: { o: SnapObject; h: string; s: Stratum; rank: number }[] = [];
  for (const s of strata) {
    for (let k = 0; k < s.drawn.length; k++) picked.push({ o: s.drawn[k]!.o, h: s.drawn[k]!.h, s: s.stratum, rank: k + 1 });
  }
  picked.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : compareBytes(a.o.id, b.o.id)));

  const { joint: jointIds, hashed } = jointTasks(keys, picked.map((p) => ({ id: p.o.id, region: p.s.region })), draw.jointShare);
  hashes.joint = hashed;

  const ctx = teamContext(keys, draw.level, snapshot);
  const loads = new Map<string, number>();
  const tasks: Task[] = [];
  let n = 0;
  for (const p of picked) {
    const joint = jointIds.has(p.o.id);
    const order = lazyCandidateOrder(ctx, p.o, loads);
    let team: string[];
    try {
      team = buildTeam(rules, p.o, joint, order);
    } catch (e) {
      if (e instanceof DrawFailure) Object.assign(e.detail, { region: p.o.region, class: p.s.class });
      throw e;
    } finally {
      hashes.inspector += order.hashed;
    }
    for (const id of team) loads.set(id, (loads.get(id) ?? 0) + 1);
    const expert = expertFor(keys, snapshot, ctx.avoid, draw.withExperts, p.o);
    // members in canonical (code point) order, so that hashing the tasks copies none of them
    tasks.push({
      class: p.s.class,
      expert,
      inspectors: team,
      joint,
      key: p.h,
      method: methodFor(draw.method, rules.method.preferOffsite, p.s.class, p.o),
      objectId: p.o.id,
      rank: p.rank,
      region: p.s.region,
      tier: p.s.tier,
    });
    if (progress && ++n % 256 === 0) progress(n, picked.length);
  }
  progress?.(picked.length, picked.length);

  // the texts hashed here are kept for the evidence store, which then writes them as they are;
  // a large draw's are not (KEEP_TEXT_OBJECTS)
  const keep = (input.keepText ?? true) && snapshot.objects.length <= KEEP_TEXT_OBJECTS;
  const resultHash = hashCanonical(tasks, { keep, arena: input.textArena });
  // streamed: no giant string for a large snapshot
  const snapshotHash = input.snapshotHash ?? hashCanonical(snapshot, { keep, arena: input.textArena });
  const evidence: Evidence = {
    format: evidenceFormatOf(algorithm),
    algorithm,
    draw,
    snapshot,
    snapshotHash,
    strata: strata.map((s) => s.stratum),
    tasks,
    resultHash,
  };
  return { evidence, strata, hashes };
}

/** payloadHash of a draw's ledger entry: H(canonical(evidence without its "ledger" member)). */
export function evidencePayloadHash(evidence: Evidence): string {
  const { ledger: _ledger, ...rest } = evidence;
  return hashCanonical(rest); // streamed: the evidence is never one giant string (issue 13)
}
