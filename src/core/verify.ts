/**
 * Checking an evidence file (sj-evidence/1) on its own: structure, scope, and a full recompute
 * of the draw. Pure.
 */
import { canonical } from './canonical.js';
import { DrawFailure, evidencePayloadHash, runDraw, seedOf } from './draw.js';
import { ledgerHash } from './ledger.js';
import { CLASSES, EXCLUSIONS, type Evidence } from './types.js';

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;
const STRATUM_KEYS = ['class', 'pool', 'population', 'quota', 'region', 'selected', 'tier'];
const TASK_KEYS = ['class', 'expert', 'inspectors', 'joint', 'key', 'method', 'objectId', 'rank', 'region', 'tier'];

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const sortedById = (l: { id: string }[]) => l.every((x, i) => i === 0 || l[i - 1]!.id < x.id);

/** Structural problems of an evidence document (before any recompute). */
export function checkStructure(x: unknown): string[] {
  const p: string[] = [];
  if (!isObj(x)) return ['not a JSON object'];
  if (x.format !== 'sj-evidence/1') p.push(`format must be "sj-evidence/1", found ${JSON.stringify(x.format)}`);
  if (x.algorithm !== 'sj-draw/1') p.push(`algorithm must be "sj-draw/1", found ${JSON.stringify(x.algorithm)}`);
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
  objects.forEach((o, i) => {
    const at = `snapshot.objects[${i}]`;
    if (typeof o.id !== 'string' || !ID_RE.test(o.id)) p.push(`${at}.id: not a valid id`);
    if (!CLASSES.includes(o.class as never)) p.push(`${at}.class: ${JSON.stringify(o.class)}`);
    if (o.tier !== null && !tierCodes.has(o.tier as string)) p.push(`${at}.tier: ${JSON.stringify(o.tier)} is not a tier of the rules`);
    if (!EXCLUSIONS.includes(o.excluded as never)) p.push(`${at}.excluded: ${JSON.stringify(o.excluded)}`);
    if (typeof o.industry !== 'string') p.push(`${at}.industry: a string`);
    if (typeof o.offsite !== 'boolean') p.push(`${at}.offsite: a boolean`);
    if (d.level === 'county' && !regions.has(o.region as string)) p.push(`${at}: region ${JSON.stringify(o.region)} is outside the draw's regions`);
    if (d.level === 'city' && o.region === (d.regions as string[])[0]) p.push(`${at}: a city-level population holds county objects only`);
  });
  const insp = s.inspectors as { id: string; region: string }[];
  const experts = s.experts as { id: string }[];
  if (!sortedById(objects as { id: string }[])) p.push('snapshot.objects: not sorted by id (or duplicate ids)');
  if (!sortedById(insp)) p.push('snapshot.inspectors: not sorted by id (or duplicate ids)');
  if (!sortedById(experts)) p.push('snapshot.experts: not sorted by id (or duplicate ids)');
  const ids = new Set(insp.map((i) => i.id));
  for (const e of experts) if (ids.has(e.id)) p.push(`snapshot: ${e.id} is both an inspector and an expert`);
  if (d.level === 'county') for (const i of insp) if (!regions.has(i.region)) p.push(`snapshot.inspectors: ${i.id} is outside the draw's regions`);
  if (!Array.isArray(x.strata) || !(x.strata as unknown[]).every((st) => isObj(st) && sameKeys(st, STRATUM_KEYS))) p.push('strata: entries must have exactly ' + STRATUM_KEYS.join(', '));
  if (!Array.isArray(x.tasks) || !(x.tasks as unknown[]).every((tk) => isObj(tk) && sameKeys(tk, TASK_KEYS))) p.push('tasks: entries must have exactly ' + TASK_KEYS.join(', '));
  for (const k of ['snapshotHash', 'resultHash']) if (typeof x[k] !== 'string' || !HEX64.test(x[k] as string)) p.push(`${k}: 64 lowercase hex digits`);
  if (typeof d.seed !== 'string' || !HEX64.test(d.seed)) p.push('draw.seed: 64 lowercase hex digits');
  try {
    canonical(x);
  } catch (e) {
    p.push(`not canonical-serialisable: ${(e as Error).message} (numbers must be integers)`);
  }
  return p;
}

function sameKeys(o: Record<string, unknown>, keys: string[]): boolean {
  const k = Object.keys(o).sort();
  return k.length === keys.length && k.every((v, i) => v === keys[i]);
}

/** Everything wrong with an evidence document: structure, then the recomputed draw. */
export function verifyEvidence(ev: Evidence): string[] {
  const p = checkStructure(ev);
  if (p.length) return p;
  const seed = seedOf(ev.draw.id, ev.draw.entropy);
  if (seed !== ev.draw.seed) p.push(`draw.seed: recomputed ${seed}, file says ${ev.draw.seed}`);
  const { seed: _s, ...header } = ev.draw;
  let re: Evidence;
  try {
    re = runDraw({ draw: header, snapshot: ev.snapshot }).evidence;
  } catch (e) {
    if (e instanceof DrawFailure) return [...p, `the draw cannot be recomputed: ${e.message}`];
    throw e;
  }
  if (re.snapshotHash !== ev.snapshotHash) p.push(`snapshotHash: recomputed ${re.snapshotHash}, file says ${ev.snapshotHash}`);
  if (canonical(re.strata) !== canonical(ev.strata)) {
    const i = re.strata.findIndex((s, k) => canonical(s) !== canonical(ev.strata[k]));
    p.push(`strata differ from the recomputed draw (first at index ${i < 0 ? re.strata.length : i})`);
  }
  if (re.tasks.length !== ev.tasks.length) p.push(`tasks: recomputed ${re.tasks.length}, file has ${ev.tasks.length}`);
  for (let k = 0; k < Math.max(re.tasks.length, ev.tasks.length); k++) {
    if (canonical(re.tasks[k] ?? null) !== canonical(ev.tasks[k] ?? null)) {
      p.push(`tasks[${k}] (${ev.tasks[k]?.objectId ?? re.tasks[k]?.objectId}): differs from the recomputed draw`);
      if (p.length > 20) break;
    }
  }
  if (re.resultHash !== ev.resultHash) p.push(`resultHash: recomputed ${re.resultHash}, file says ${ev.resultHash}`);
  if (ev.ledger) {
    const h = ledgerHash(ev.ledger.seq, 'draw', ev.ledger.prevHash, evidencePayloadHash(ev));
    if (h !== ev.ledger.hash) p.push(`ledger.hash: recomputed ${h}, file says ${ev.ledger.hash}`);
  }
  return p;
}
