/**
 * Checking an evidence file on its own — sj-evidence/2 (sj-draw/2) or sj-evidence/1 (sj-draw/1),
 * each by its own page: structure, scope, and a full recompute of the draw. Pure.
 */
import { ArithmeticRangeError } from './arith.js';
import { canonical, compareBytes } from './canonical.js';
import { commitmentProblems } from './commitment.js';
import { DrawFailure, runDraw, seedOf } from './draw.js';
import { hashCanonical, hashCanonicalWithMember } from './hash.js';
import { ledgerHash } from './ledger.js';
import { isCensus } from './quotas.js';
import { ALGORITHMS, CLASSES, evidenceFormatOf, exclusionsOf, type Algorithm, type DrawRules, type Evidence, type ObjClass } from './types.js';

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;
const STRATUM_KEYS_V1 = ['class', 'pool', 'population', 'quota', 'region', 'selected', 'tier'];
const STRATUM_KEYS_V2 = ['class', 'credited', 'pool', 'population', 'quota', 'region', 'selected', 'tier'];
const TASK_KEYS = ['class', 'expert', 'inspectors', 'joint', 'key', 'method', 'objectId', 'rank', 'region', 'tier'];

/** The algorithm an evidence document names, when it is one sj knows with its matching format. */
export function algorithmOf(x: unknown): Algorithm | null {
  if (!isObj(x)) return null;
  const a = ALGORITHMS.find((k) => k === x.algorithm);
  return a && x.format === evidenceFormatOf(a) ? a : null;
}

/** The first non-integer number (or non-JSON value) in x, as a path, without serialising anything. */
function nonInteger(x: unknown, path: string): string | null {
  if (typeof x === 'number') return Number.isSafeInteger(x) ? null : path;
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return null;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const p = nonInteger(x[i], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (typeof x === 'object') {
    for (const k of Object.keys(x as object)) {
      const p = nonInteger((x as Record<string, unknown>)[k], `${path}.${k}`);
      if (p) return p;
    }
    return null;
  }
  return path;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const sortedById = (l: { id: string }[]) => l.every((x, i) => i === 0 || l[i - 1]!.id < x.id);

/** Structural problems of an evidence document (before any recompute). */
export function checkStructure(x: unknown): string[] {
  const p: string[] = [];
  if (!isObj(x)) return ['not a JSON object'];
  const alg = algorithmOf(x);
  if (!alg) {
    return [`format/algorithm must be "sj-evidence/2"/"sj-draw/2" or "sj-evidence/1"/"sj-draw/1", found ${JSON.stringify(x.format)}/${JSON.stringify(x.algorithm)}`];
  }
  const v2 = alg === 'sj-draw/2';
  const d = x.draw;
  if (!isObj(d)) return [...p, 'draw: missing'];
  if (typeof d.id !== 'string' || !ID_RE.test(d.id)) p.push(`draw.id: not a valid id: ${JSON.stringify(d.id)}`);
  if (d.level !== 'city' && d.level !== 'county') p.push(`draw.level: ${JSON.stringify(d.level)}`);
  if (!Array.isArray(d.regions) || !d.regions.length || !d.regions.every((r) => typeof r === 'string' && ID_RE.test(r))) p.push('draw.regions: a non-empty list of region ids');
  else if (d.level === 'city' && d.regions.length !== 1) p.push('draw.regions: a city-level draw has exactly one region');
  if (typeof d.entropy !== 'string' || d.entropy === '') p.push('draw.entropy: a non-empty string');
  if (!['auto', 'onsite', 'offsite'].includes(d.method as string)) p.push(`draw.method: ${JSON.stringify(d.method)}`);
  if (!isInt(d.jointShare) || d.jointShare < 0 || d.jointShare > 10000) p.push('draw.jointShare: an integer 0–10000');
  if (typeof d.withExperts !== 'boolean') p.push('draw.withExperts: a boolean');
  if (v2 && d.entropySource !== 'user' && d.entropySource !== 'generated') p.push(`draw.entropySource: "user" or "generated", found ${JSON.stringify(d.entropySource)}`);
  const s = x.snapshot;
  if (!isObj(s)) return [...p, 'snapshot: missing'];
  const rules = s.rules;
  if (!isObj(rules) || !Array.isArray(rules.tiers) || !isObj(rules.team) || !isObj(rules.rates)) return [...p, 'snapshot.rules: incomplete'];
  if (!isInt((rules.team as Record<string, unknown>).size) || ((rules.team as Record<string, unknown>).size as number) < 2) p.push('snapshot.rules.team.size: at least 2');
  const tierCodes = new Set((rules.tiers as { code: string }[]).map((t) => t.code));
  for (const k of ['objects', 'inspectors', 'experts', 'avoidance']) if (!Array.isArray(s[k])) p.push(`snapshot.${k}: missing`);
  if (p.length) return p;
  const objects = s.objects as Record<string, unknown>[];
  const regions = new Set(d.regions as string[]);
  const exclusions = exclusionsOf(alg);
  objects.forEach((o, i) => {
    const at = `snapshot.objects[${i}]`;
    if (typeof o.id !== 'string' || !ID_RE.test(o.id)) p.push(`${at}.id: not a valid id`);
    if (!CLASSES.includes(o.class as never)) p.push(`${at}.class: ${JSON.stringify(o.class)}`);
    if (o.tier !== null && !tierCodes.has(o.tier as string)) p.push(`${at}.tier: ${JSON.stringify(o.tier)} is not a tier of the rules`);
    if (!exclusions.includes(o.excluded as never)) p.push(`${at}.excluded: ${JSON.stringify(o.excluded)}`);
    else if (v2 && o.excluded === 'drawn-by-county' && d.level !== 'city') p.push(`${at}.excluded: "drawn-by-county" is for city-level draws only`);
    else if (v2 && (o.excluded === 'season' || o.excluded === 'annual-cap') && isCensus(rules as unknown as DrawRules, d.level as 'city' | 'county', o.class as ObjClass)) {
      p.push(`${at}.excluded: ${JSON.stringify(o.excluded)} on a census class (${String(o.class)}: every object, every quarter)`);
    }
    if (typeof o.industry !== 'string') p.push(`${at}.industry: a string`);
    if (typeof o.offsite !== 'boolean') p.push(`${at}.offsite: a boolean`);
    if (d.level === 'county' && !regions.has(o.region as string)) p.push(`${at}: region ${JSON.stringify(o.region)} is outside the draw's regions`);
    if (d.level === 'city' && o.region === (d.regions as string[])[0]) p.push(`${at}: a city-level population holds county objects only`);
  });
  const insp = s.inspectors as { id: string; region: string }[];
  const experts = s.experts as { id: string }[];
  if (v2) {
    insp.forEach((i, k) => { if (typeof i.id !== 'string' || !ID_RE.test(i.id)) p.push(`snapshot.inspectors[${k}].id: not a valid id`); });
    experts.forEach((e, k) => { if (typeof e.id !== 'string' || !ID_RE.test(e.id)) p.push(`snapshot.experts[${k}].id: not a valid id`); });
    p.push(...avoidanceProblems(s.avoidance as unknown[], objects as { id: string }[], insp, experts));
  }
  if (!sortedById(objects as { id: string }[])) p.push('snapshot.objects: not sorted by id (or duplicate ids)');
  if (!sortedById(insp)) p.push('snapshot.inspectors: not sorted by id (or duplicate ids)');
  if (!sortedById(experts)) p.push('snapshot.experts: not sorted by id (or duplicate ids)');
  const ids = new Set(insp.map((i) => i.id));
  for (const e of experts) if (ids.has(e.id)) p.push(`snapshot: ${e.id} is both an inspector and an expert`);
  if (d.level === 'county') for (const i of insp) if (!regions.has(i.region)) p.push(`snapshot.inspectors: ${i.id} is outside the draw's regions`);
  const stratumKeys = v2 ? STRATUM_KEYS_V2 : STRATUM_KEYS_V1;
  if (!Array.isArray(x.strata) || !(x.strata as unknown[]).every((st) => isObj(st) && sameKeys(st, stratumKeys))) p.push('strata: entries must have exactly ' + stratumKeys.join(', '));
  if (!Array.isArray(x.tasks) || !(x.tasks as unknown[]).every((tk) => isObj(tk) && sameKeys(tk, TASK_KEYS))) p.push('tasks: entries must have exactly ' + TASK_KEYS.join(', '));
  for (const k of ['snapshotHash', 'resultHash']) if (typeof x[k] !== 'string' || !HEX64.test(x[k] as string)) p.push(`${k}: 64 lowercase hex digits`);
  if (typeof d.seed !== 'string' || !HEX64.test(d.seed)) p.push('draw.seed: 64 lowercase hex digits');
  const bad = nonInteger(x, '$');
  if (bad) p.push(`${bad}: numbers must be integers (and JSON values only)`);
  return p;
}

/** v2 §7: exactly the pairs of the snapshot's own people and objects, sorted by person then object, no duplicates. */
function avoidanceProblems(pairs: unknown[], objects: { id: string }[], inspectors: { id: string }[], experts: { id: string }[]): string[] {
  const p: string[] = [];
  const objIds = new Set(objects.map((o) => o.id));
  const people = new Set([...inspectors.map((i) => i.id), ...experts.map((e) => e.id)]);
  let prev: [string, string] | null = null;
  pairs.forEach((pair, k) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      p.push(`snapshot.avoidance[${k}]: a pair [person id, object id]`);
      return;
    }
    const [who, obj] = pair as [string, string];
    if (!people.has(who) || !objIds.has(obj)) p.push(`snapshot.avoidance[${k}]: [${who}, ${obj}] names a person or object outside the snapshot`);
    if (prev && (compareBytes(prev[0], who) || compareBytes(prev[1], obj)) >= 0) p.push(`snapshot.avoidance[${k}]: not sorted by person then object (or a duplicate)`);
    prev = [who, obj];
  });
  return p.slice(0, 20);
}

function sameKeys(o: Record<string, unknown>, keys: string[]): boolean {
  const k = Object.keys(o).sort();
  return k.length === keys.length && k.every((v, i) => v === keys[i]);
}

/**
 * Whether a and b have the same canonical JSON, found by walking them rather than serialising:
 * a walk proves equality only for plain JSON values (null, strings, booleans, safe integers,
 * arrays, plain objects, keys in any order); anything else is left to canonical() itself.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  return sameJson(a, b) || canonical(a) === canonical(b);
}

/** The walk alone: true only when a and b are plain JSON values with the same canonical JSON (false may still be equal). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (typeof a === 'number') return Number.isSafeInteger(a) && a === b;
  if (typeof a !== 'object' || typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * The hashes of an evidence's canonical text: its snapshot's, and the payload's (all but
 * "ledger"), which only a ledger member is checked against (a stored evidence has none).
 */
export interface PayloadHashes {
  whole?: string;
  member: string;
}

/** The hashes verifyEvidence needs; with a ledger member, both in one pass over the snapshot's text. */
export function payloadHashes(ev: Evidence): PayloadHashes {
  if (!ev.ledger) return { member: hashCanonical(ev.snapshot) };
  const { ledger: _l, ...body } = ev;
  return hashCanonicalWithMember(body, 'snapshot');
}

/** Everything wrong with an evidence document: structure, then the recomputed draw. */
export function verifyEvidence(ev: Evidence): string[] {
  const r = recheckEvidence(ev);
  return r.problems ?? r.finish(payloadHashes(ev));
}

/** recheckEvidence's answer: the problems already (the hashes are not needed), or what finishes with the hashes. */
export type Recheck = { problems: string[]; finish?: undefined } | { problems?: undefined; finish: (hashes: PayloadHashes) => string[] };

/**
 * verifyEvidence in two steps, so that the hashes of the text can be taken elsewhere (another
 * thread) while the draw is recomputed here: the structure checked and the draw recomputed
 * now; `finish` takes the payload hashes and gives the problems, in verifyEvidence's order. A
 * document whose structure is wrong (which may not even serialise) gets its problems at once.
 */
export function recheckEvidence(ev: Evidence): Recheck {
  const p = checkStructure(ev);
  if (p.length) return { problems: p };
  const algorithm = algorithmOf(ev)!;
  const seed = seedOf(ev.draw.id, ev.draw.entropy, algorithm);
  if (seed !== ev.draw.seed) p.push(`draw.seed: recomputed ${seed}, file says ${ev.draw.seed}`);
  const { seed: _s, ...header } = ev.draw;
  let re: Evidence;
  try {
    // the snapshot's hash is one of the payload hashes, given to the step that returns
    re = runDraw({ algorithm, draw: header, snapshot: ev.snapshot, snapshotHash: '', keepText: false }).evidence;
  } catch (e) {
    if (e instanceof DrawFailure || e instanceof ArithmeticRangeError) return { problems: [...p, `the draw cannot be recomputed: ${e.message}`] };
    throw e;
  }
  const drawn: string[] = [];
  if (!sameCanonical(re.strata, ev.strata)) {
    const i = re.strata.findIndex((s, k) => !sameCanonical(s, ev.strata[k]));
    drawn.push(`strata differ from the recomputed draw (first at index ${i < 0 ? re.strata.length : i})`);
  }
  if (re.tasks.length !== ev.tasks.length) drawn.push(`tasks: recomputed ${re.tasks.length}, file has ${ev.tasks.length}`);
  for (let k = 0; k < Math.max(re.tasks.length, ev.tasks.length); k++) {
    if (!sameCanonical(re.tasks[k] ?? null, ev.tasks[k] ?? null)) {
      drawn.push(`tasks[${k}] (${ev.tasks[k]?.objectId ?? re.tasks[k]?.objectId}): differs from the recomputed draw`);
      if (p.length + drawn.length > 20) break;
    }
  }
  if (re.resultHash !== ev.resultHash) drawn.push(`resultHash: recomputed ${re.resultHash}, file says ${ev.resultHash}`);
  const finish = (hashes: PayloadHashes): string[] => {
    const out = [...p];
    if (hashes.member !== ev.snapshotHash) out.push(`snapshotHash: recomputed ${hashes.member}, file says ${ev.snapshotHash}`);
    out.push(...drawn);
    if (ev.ledger) {
      const h = ledgerHash(ev.ledger.seq, 'draw', ev.ledger.prevHash, hashes.whole ?? payloadHashes(ev).whole!);
      if (h !== ev.ledger.hash) out.push(`ledger.hash: recomputed ${h}, file says ${ev.ledger.hash}`);
    }
    out.push(...commitmentProblems(ev));
    return out;
  };
  return { finish };
}
