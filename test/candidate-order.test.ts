/**
 * A task's candidates in §6 order, read lazily (core/draw.ts LazyOrder): every read must give
 * what the fully ordered list gives. first(f) finds the first candidate f accepts without
 * ordering the groups it passes (only the accepted candidates' keys of one group are
 * computed); it must equal a scan of the full order, before and after parts of the order have
 * been read, and the teams built from either must be the same.
 */
import { describe, expect, it } from 'vitest';
import { buildTeam, candidateOrder, DrawFailure, drawKeys, lazyCandidateOrder, teamContext } from '../src/core/draw.js';
import { mulberry32 } from '../src/core/prng.js';
import type { DrawRules, SnapInspector, SnapObject, Snapshot } from '../src/core/types.js';

const RULES: DrawRules = {
  rates: { city: {}, county: { general: 300 } },
  tiers: [],
  tiered: [],
  team: { size: 2, matchSpecialty: true, crossRegionAtCity: true, maxTasksPerInspector: 0 },
  method: { preferOffsite: true },
  experts: { industries: [] },
};
const INDUSTRIES = ['化工', '印染', '制药', '电镀', ''];
const LINES = ['执法', '监测', '固废'];

function world(seed: number) {
  const r = mulberry32(seed);
  const pick = <T>(l: readonly T[]) => l[Math.floor(r() * l.length)]!;
  const inspectors: SnapInspector[] = [];
  const n = 3 + Math.floor(r() * 14);
  for (let k = 0; k < n; k++) {
    // ids that sort differently by code unit and by code point now and then
    const id = r() < 0.1 ? `I\u{1F600}${k}` : r() < 0.1 ? `I\uFF21${k}` : `I${String(k).padStart(3, '0')}`;
    inspectors.push({ id, name: `人员${k}`, region: '131102', line: pick(LINES), specialties: r() < 0.7 ? [pick(INDUSTRIES.slice(0, 4))] : [] });
  }
  const objects: SnapObject[] = [];
  for (let k = 0; k < 20; k++) {
    objects.push({ class: 'general', excluded: null, id: `O${k}`, industry: pick(INDUSTRIES), name: `对象${k}`, offsite: false, region: '131102', tier: null });
  }
  const avoidance: [string, string][] = [];
  for (const o of objects) if (r() < 0.3) avoidance.push([pick(inspectors).id, o.id]);
  const snapshot: Snapshot = { rules: RULES, objects, inspectors, experts: [], avoidance };
  const loads = new Map<string, number>();
  for (const i of inspectors) if (r() < 0.8) loads.set(i.id, Math.floor(r() * 4)); // a few load groups, some of one
  const keys = drawKeys('sj-draw/2', seed.toString(16).padStart(64, '0'));
  return { r, snapshot, loads, ctx: teamContext(keys, 'county', snapshot) };
}

describe('LazyOrder (the candidates of one task, ordered as far as they are read)', () => {
  it('first(f) is the first candidate of the full order that f accepts, whatever was read before', () => {
    let checked = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { r, snapshot, loads, ctx } = world(seed);
      for (const o of snapshot.objects) {
        const full = candidateOrder(ctx, o, loads);
        const tests: ((i: SnapInspector) => boolean)[] = [
          (i) => i.specialties.includes(o.industry),
          (i) => i.line !== full[0]?.line,
          (i) => i.line === LINES[seed % 3],
          () => false,
          () => true,
        ];
        for (const f of tests) {
          const lazy = lazyCandidateOrder(ctx, o, loads);
          const before = Math.floor(r() * 3); // none, or some of the order read first
          for (let k = 0; k < before; k++) expect(lazy.at(k)).toBe(full[k]);
          expect(lazy.first(f)).toBe(full.find(f));
          // and the order read after first() (its keys reused) is still the full order
          for (let k = 0; k <= full.length; k++) expect(lazy.at(k)).toBe(full[k]);
          checked++;
        }
      }
    }
    expect(checked).toBe(300 * 20 * 5);
  });

  it('computes fewer keys than ordering every group when the first group holds no accepted candidate', () => {
    const { snapshot, ctx } = world(7);
    const o = snapshot.objects[0]!;
    // every candidate in a group of its own (loads 0, 1, 2 …): a scan would hash them all
    const loads = new Map(snapshot.inspectors.map((i, k) => [i.id, k]));
    const last = candidateOrder(ctx, o, loads).at(-1)!;
    const lazy = lazyCandidateOrder(ctx, o, loads);
    expect(lazy.first((i) => i === last)).toBe(last);
    expect(lazy.hashed).toBe(1);
  });

  it('builds the same teams from the lazy order as from the full one (or fails the same way)', () => {
    let teams = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { snapshot, loads, ctx } = world(seed);
      for (const o of snapshot.objects) {
        for (const joint of [false, true]) {
          const fromFull = attempt(() => buildTeam(RULES, o, joint, candidateOrder(ctx, o, loads)));
          const fromLazy = attempt(() => buildTeam(RULES, o, joint, lazyCandidateOrder(ctx, o, loads)));
          expect(fromLazy).toEqual(fromFull);
          if (Array.isArray(fromFull)) teams++;
        }
      }
    }
    expect(teams).toBeGreaterThan(5000);
  });
});

function attempt(f: () => string[]): string[] | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof DrawFailure) return `${e.code} ${e.objectId} ${e.detail.candidates}`;
    throw e;
  }
}
