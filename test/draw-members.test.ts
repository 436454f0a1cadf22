/**
 * draw_members (issue 13): what the annual fairness figures read of each draw's snapshot,
 * stored at draw time. The members of a hand-built draw, written out by hand; on the Hengshui
 * fixtures: one row per draw, equal to what the evidence and the objects' numbers give,
 * back-filled by migration 11 byte for byte, held equal to the evidence by `sj verify`, and giving `sj report --year` the same
 * figures as the evidence files give `sj fairness --evidence`.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aligned, drawFromEvidence, fairnessDraw, neverInspected, objectChance, objectSequences, quarterFairness, sequencesByStep, Universe, yearRows, yearSequences,
  type EvidenceLike, type FairnessDraw, type FairnessObject,
} from '../src/core/fairness.js';
import { drawMembers, idAt, idList, jsonIdEnds, type IdList, type MemberSource } from '../src/core/members.js';
import { fracText } from '../src/core/fraction.js';
import { compressText } from '../src/io/compress.js';
import { openDb } from '../src/io/db.js';
import { readEvidence } from '../src/io/evidence-store.js';
import { run as sj } from './cli.js';
import { hengshuiDb, hengshuiTemplate } from './fixture-db.js';
import { toUserVersion } from './legacy-evidence.js';
import { runMigration, registerMigrationFunctions } from '../src/io/schema.js';

const obj = (id: string, region: string, cls: FairnessObject['class'], tier: string | null, excluded: FairnessObject['excluded'] = null): FairnessObject =>
  ({ id, name: `n${id}`, region, class: cls, tier, excluded });

describe('drawMembers', () => {
  // a city-level draw: strata span the city; key is tiered, general is not, positive not drawn at this level
  const city: MemberSource = {
    level: 'city', regions: ['C'],
    rules: { rates: { city: { key: 500, general: 100, positive: 0 } }, tiers: [{ code: 'A' }, { code: 'B' }], tiered: ['key'] },
    strata: [
      { region: 'C', class: 'key', tier: 'A', population: 2, quota: 1, credited: 0, pool: 1, selected: 1 },
      { region: 'C', class: 'key', tier: null, population: 1, quota: 1, credited: 0, pool: 1, selected: 1 },
      { region: 'C', class: 'general', tier: null, population: 2, quota: 1, credited: 0, pool: 2, selected: 1 },
    ],
    objects: [
      obj('k1', 'R2', 'key', 'A'),
      obj('p1', 'R1', 'positive', 'A'), // positive: rate 0 at city level, in no stratum
      obj('g1', 'R1', 'general', 'B'), // untiered class: its stratum has no tier
      obj('k2', 'R1', 'key', 'A', 'same-quarter'),
      obj('k3', 'R2', 'key', null),
      obj('k4', 'R1', 'key', 'B'), // no key·B stratum in this draw
      obj('g2', 'R2', 'general', null, 'suspended'),
    ],
    // its selections: x9 is no member (not in the snapshot), so no position
    tasks: [{ objectId: 'k3' }, { objectId: 'x9' }, { objectId: 'k1' }],
  };

  it('keeps the stratum objects in snapshot order with stratum, own county and exclusion', () => {
    const m = drawMembers(city);
    expect(m.ids).toEqual(['k1', 'g1', 'k2', 'k3', 'g2']);
    // its selections as positions among the members, ascending; found by identity alike
    expect([...m.picks]).toEqual([0, 3]);
    const byIdentity = drawMembers({ ...city, tasks: city.tasks.slice(0, 1).concat(city.tasks.slice(2)), picked: new Set([city.objects[0]!, city.objects[4]!]) });
    expect([...byIdentity.picks]).toEqual([0, 3]);
    // objects that are not the snapshot's (a copy): the ids are used
    const copies = new Set([{ ...city.objects[0]! }, { ...city.objects[4]! }]);
    expect([...drawMembers({ ...city, tasks: [{ objectId: 'k3' }, { objectId: 'k1' }], picked: copies }).picks]).toEqual([0, 3]);
    expect(m.regions).toEqual(['R2', 'R1']);
    expect(m.reasons).toEqual(['same-quarter', 'suspended']);
    expect([...m.places]).toEqual([
      0, 0, 0, // k1: key·A, R2, in the pool
      2, 1, 0, // g1: general, R1
      0, 1, 1, // k2: key·A, R1, same-quarter
      1, 0, 0, // k3: key unrated, R2
      2, 0, 2, // g2: general, R2, suspended
    ]);
  });

  it('gives the same figures as the objects it was made from', () => {
    const base = { id: 'c1', quarter: '2023Q2', kind: 'routine' as const, algorithm: 'sj-draw/2' as const, order: 1, createdAt: '', inspectors: [] };
    const fromObjects = fairnessDraw({ ...base, ...city, objects: [...city.objects], tasks: city.tasks.map((t) => ({ ...t, inspectors: [] })) });
    const fromFacts: FairnessDraw = { ...fromObjects, members: drawMembers(city), names: null, tasks: [] };
    const a = quarterFairness('2023Q2', [fromObjects]);
    const b = quarterFairness('2023Q2', [fromFacts]);
    expect(b.groups).toEqual(a.groups);
    expect(b.perDraw).toEqual(a.perDraw);
    // k1 of 1 in key·A's pool: certain; k2 was excluded; names only from objects
    expect(fracText(objectChance(b, 'k1')!.p)).toBe('1');
    expect(objectChance(b, 'k2')!.eligible).toBe(false);
    expect([objectChance(a, 'g1')!.name, objectChance(b, 'g1')!.name]).toEqual(['ng1', '']);
    // the selections are counted from the members' picks
    expect([objectChance(b, 'k1')!.selected, objectChance(b, 'k3')!.selected, objectChance(b, 'g1')!.selected]).toEqual([1, 1, 0]);
    expect(objectChance(b, 'x9')).toBeUndefined();
  });

  it('refuses members that point outside the draw', () => {
    const m = drawMembers(city);
    const d = fairnessDraw({ id: 'c1', quarter: '2023Q2', kind: 'routine', algorithm: 'sj-draw/2', order: 1, createdAt: '', inspectors: [], ...city, objects: [...city.objects], tasks: [] });
    expect(() => quarterFairness('2023Q2', [{ ...d, members: m, strata: city.strata.slice(0, 2) }])).toThrow(RangeError);
    expect(() => quarterFairness('2023Q2', [{ ...d, members: { ...m, picks: Uint32Array.of(5) } }])).toThrow(RangeError);
    expect(() => quarterFairness('2023Q2', [{ ...d, members: { ...m, places: m.places.subarray(3) } }])).toThrow(RangeError);
  });
});

/** Every id of a list, decoded. */
const idStrings = (l: IdList): string[] => Array.from(l.ends, (_, i) => idAt(l, i));

describe('ids as bytes', () => {
  it('lays ids out as their JSON text, and ids that need an escape as their UTF-8 in the same layout', () => {
    const ids = ['9113X', 'é水', '\u{1f600}', ''];
    const json = JSON.stringify(ids);
    const l = idList(ids);
    expect(Buffer.from(l.bytes).toString()).toBe(json);
    expect([...l.ends]).toEqual([7, 15, 22, 25]);
    expect([...jsonIdEnds(ids, json, Buffer.byteLength(json))!]).toEqual([...l.ends]);
    expect(idStrings(l)).toEqual(ids);
    expect(idStrings(idList([]))).toEqual([]);
    for (const escaped of [['a"b'], ['a\\b'], ['a\nb'], ['\ud800']]) expect(jsonIdEnds(escaped, JSON.stringify(escaped), Buffer.byteLength(JSON.stringify(escaped)))).toBeNull();
    const odd = idList(['a"b', 'c\\', '水']);
    expect(Buffer.from(odd.bytes).toString()).toBe('["a"b","c\\","水"]');
    expect(idStrings(odd)).toEqual(['a"b', 'c\\', '水']);
    // a lone surrogate is written as U+FFFD, as TextEncoder does
    expect(idStrings(idList(['a\ud800b']))).toEqual(['a\ufffdb']);
  });
});

describe('Universe: object numbers across draws', () => {
  it('numbers sorted lists by merging, other lists in sorted order, repeats alike, and finds any id', () => {
    const u = new Universe();
    expect([...u.numbers(['b', 'd', 'f'])]).toEqual([0, 1, 2]);
    // new ids between, before and after the known ones
    expect([...u.numbers(['a', 'b', 'c', 'f', 'g'])]).toEqual([3, 0, 4, 2, 5]);
    // not sorted, with a repeat: numbered in the list's own order
    expect([...u.numbers(['g', 'e', 'b', 'e'])]).toEqual([5, 6, 0, 6]);
    // stored bytes number as the strings do
    expect([...u.numbers(idList(['f', 'a', 'h']))]).toEqual([2, 3, 7]);
    expect(u.ids).toEqual(['b', 'd', 'f', 'a', 'c', 'g', 'e', 'h']);
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'x'].map((id) => u.numberOf(id))).toEqual([3, 0, 4, 1, 6, 2, 5, 7, undefined]);
  });

  it('orders ids by their UTF-8 bytes (code points), as a snapshot does', () => {
    const u = new Universe();
    // U+FF5E sorts before U+1F600 by code point (and bytes), after it by UTF-16 code unit
    const ids = ['a', 'é', '\uff5e', '\u{1f600}'];
    expect([...u.numbers(ids)]).toEqual([0, 1, 2, 3]);
    expect([...u.numbers(['\u{1f600}', 'a'])]).toEqual([3, 0]);
    expect(u.ids).toEqual(ids);
    expect(ids.map((id) => u.numberOf(id))).toEqual([0, 1, 2, 3]);
  });

  it('matches long runs of known ids a block at a time, and the ids between them one by one', () => {
    const id = (i: number) => `9113${String(i).padStart(8, '0')}X`;
    const all = Array.from({ length: 500 }, (_, i) => id(i));
    const u = new Universe();
    // every third id first, then all: runs of new ids between known ones
    const some = all.filter((_, i) => i % 3 === 0);
    expect([...u.numbers(some)]).toEqual(some.map((_, k) => k));
    const nums = u.numbers(all);
    expect(all.map((x, i) => (i % 3 === 0 ? nums[i] === i / 3 : nums[i]! >= some.length))).not.toContain(false);
    // the same ids again, then with one left out and one added, and out of order
    expect([...u.numbers(idList(all))]).toEqual([...nums]);
    const edited = [...all.slice(0, 100), ...all.slice(101, 300), `${id(300)}a`, ...all.slice(300)];
    const e = u.numbers(edited);
    expect([...e.slice(0, 100)]).toEqual([...nums.slice(0, 100)]);
    expect([...e.slice(100, 299)]).toEqual([...nums.slice(101, 300)]);
    expect(e[299]).toBe(all.length);
    expect([...e.slice(300)]).toEqual([...nums.slice(300)]);
    const reversed = [...all].reverse();
    expect([...u.numbers(reversed)]).toEqual([...nums].reverse());
    expect(u.size).toBe(all.length + 1);
    expect(u.idOf(all.length)).toBe(`${id(300)}a`);
  });
});

describe('Universe: by the objects\' own numbers', () => {
  it('numbers members by object number in first-seen order, and refuses ids in the same universe', () => {
    const u = new Universe();
    expect([...u.numbers({ nums: Uint32Array.of(7, 3, 900) })]).toEqual([0, 1, 2]);
    expect([...u.numbers({ nums: Uint32Array.of(3, 12, 900, 7) })]).toEqual([1, 3, 2, 0]);
    expect(u.size).toBe(4);
    expect(() => u.numbers(['a'])).toThrow(/not both/);
    expect(() => u.idOf(0)).toThrow();
    const byId = new Universe();
    byId.numbers(['a', 'b']);
    expect(() => byId.numbers({ nums: Uint32Array.of(1) })).toThrow(/not both/);
  });

  it('takes dense numbers as they are (each object its own number), sparse ones through a table', () => {
    const u = new Universe();
    const nums = Uint32Array.of(3, 1, 2, 5);
    const first = u.numbers({ nums });
    expect([...first]).toEqual([3, 1, 2, 5]);
    expect(first.buffer).toBe(nums.buffer); // read as it is, no copy
    expect(u.size).toBe(6);
    // a later list may hold numbers above: the universe grows to them
    expect([...u.numbers({ nums: Uint32Array.of(2, 9) })]).toEqual([2, 9]);
    expect(u.size).toBe(10);
    expect(() => u.numbers(['a'])).toThrow(/not both/);
    expect(() => u.idOf(1)).toThrow();
    // sparse: numbered in first-seen order
    const sparse = new Universe();
    expect([...sparse.numbers({ nums: Uint32Array.of(1000, 7) })]).toEqual([0, 1]);
    expect(sparse.size).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// on the fixtures

const SEED = '2 7 1 8 2 8 1 8 2 8 4 5 9 0 4 5 2 3 5 3';
const AFTER = { SJ_NOW: '2024-01-05T10:00:00+08:00' };

interface MembersRow { draw_id: string; tiers: string; regions: string; reasons: string; nums: Buffer; places: Buffer; picks: Buffer }
const u32 = (b: Buffer): number[] => Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));
const rowsOf = (path: string): MembersRow[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM draw_members ORDER BY draw_id').all() as MembersRow[];
  } finally {
    db.close();
  }
};

describe('draw_members on the fixtures', () => {
  let dir = '';
  let path = '';
  beforeAll(async () => {
    await hengshuiTemplate();
    ({ dir, path } = await hengshuiDb());
    for (const q of ['2023Q2', '2023Q3']) {
      const date = q === '2023Q2' ? '2023-04-03' : '2023-07-03';
      const r = await sj(['--db', path, 'draw', '--quarter', q, '--date', date, '--seed', SEED, '--yes']);
      expect(r.status, r.stderr).toBe(0);
    }
  }, 300_000);

  /** A copy of the fixture database with its draws, to change. */
  const copyOf = (name: string): string => {
    const copy = join(dir, name);
    const src = new Database(path);
    src.exec(`VACUUM INTO '${copy}'`);
    src.close();
    return copy;
  };

  it('stores one row per draw, the members of its evidence by their objects\' numbers', async () => {
    const rows = rowsOf(path);
    expect(rows.map((r) => r.draw_id)).toEqual(['2023Q2-city-01', '2023Q2-county-01', '2023Q3-city-01', '2023Q3-county-01']);
    const db = new Database(path, { readonly: true });
    const numOf = db.prepare('SELECT num FROM objects WHERE id = ? AND valid_to IS NULL').pluck();
    for (const r of rows) {
      const nums = u32(r.nums);
      expect(r.places.length).toBe(nums.length * 6);
      // the county draw's members are its snapshot objects of the classes drawn at county level
      const ev = JSON.parse((await sj(['--db', path, 'draw', 'export', r.draw_id])).stdout);
      const rates = ev.snapshot.rules.rates[ev.draw.level];
      const ids = (ev.snapshot.objects as FairnessObject[]).filter((o) => (rates[o.class] ?? 0) > 0).map((o) => o.id);
      expect(ids.length).toBeGreaterThan(100);
      // each by its object's own number
      expect(nums).toEqual(ids.map((id) => numOf.get(id)));
      // its selections, by position among them (ascending)
      const picks = u32(r.picks);
      expect(picks).toEqual([...picks].sort((a, b) => a - b));
      expect(picks.map((i) => ids[i]).sort()).toEqual(ev.tasks.map((t: { objectId: string }) => t.objectId).sort());
      expect(JSON.parse(r.tiers)).toEqual(ev.snapshot.rules.tiers.map((x: { code: string }) => x.code));
    }
    // the same object has the same number in every draw: Q2's and Q3's county draws share most members
    const [q2, q3] = [rows[1]!, rows[3]!].map((r) => new Set(u32(r.nums)));
    expect([...q2].filter((n) => q3.has(n)).length).toBeGreaterThan(q2.size / 2);
    db.close();
  });

  it('migrations 8 to 11 back-fill a database made before them, numbers included, byte for byte', () => {
    const copy = copyOf('before-8.db');
    const old = new Database(copy);
    toUserVersion(old, 7);
    expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'draw_members'").pluck().get()).toBe(0);
    expect(old.prepare("SELECT name FROM pragma_table_info('objects')").pluck().all()).not.toContain('num');
    old.close();
    openDb(copy).close();
    const back = rowsOf(copy);
    expect(back.length).toBe(4);
    expect(back).toEqual(rowsOf(path));
  });

  it("migration 11 rebuilds migration 10's rows (ids) as numbers", () => {
    const copy = copyOf('before-11.db');
    const old = new Database(copy);
    toUserVersion(old, 9);
    registerMigrationFunctions(old);
    runMigration(old, 9);
    // a row of migration 10's layout (its ids as JSON)
    old.prepare("INSERT INTO draw_members(draw_id, tiers, regions, reasons, ids, id_ends, places, picks) VALUES ('2023Q2-city-01', '[]', '[]', '[]', '[\"x\"]', NULL, x'000000000000', x'')").run();
    old.pragma('user_version = 10');
    old.close();
    openDb(copy).close();
    expect(rowsOf(copy)).toEqual(rowsOf(path));
  });

  it('migration 11 opens a database where a draw\'s evidence gives no members; sj verify names the draw', async () => {
    const copy = copyOf('no-evidence.db');
    const old = new Database(copy);
    toUserVersion(old, 7);
    // its evidence reduced to a header (as a hand-made or damaged database might hold)
    old.exec("DROP TRIGGER draw_evidence_no_delete; DELETE FROM draw_evidence WHERE draw_id = '2023Q3-city-01'");
    old.prepare("INSERT INTO draw_evidence(draw_id, part, kind, path, data) VALUES ('2023Q3-city-01', 0, 'text', NULL, ?)").run(compressText('{"format":"sj-evidence/2"}'));
    old.close();
    openDb(copy).close();
    expect(rowsOf(copy).map((r) => r.draw_id)).toEqual(['2023Q2-city-01', '2023Q2-county-01', '2023Q3-county-01']);
    const v = await sj(['--db', copy, 'verify']);
    expect(v.status).toBe(1);
    expect(v.stdout + v.stderr).toContain('2023Q3-city-01');
    expect(v.stdout + v.stderr).not.toContain('内部错误'); // a damaged draw is a finding, not a crash
  });

  it('draw_task_counts: the tasks counted at draw time, as migration 12 counts them; sj verify finds an edited count', async () => {
    const counts = (p: string) => {
      const db = new Database(p, { readonly: true });
      try {
        return db.prepare('SELECT draw_id, region, class, tier, tasks, onsite, joint FROM draw_task_counts ORDER BY draw_id, region, class, tier').all();
      } finally {
        db.close();
      }
    };
    const made = counts(path) as { draw_id: string; tasks: number; onsite: number; joint: number }[];
    // every task of every draw, some on site and some not
    const db = new Database(path, { readonly: true });
    expect(made.reduce((n, c) => n + c.tasks, 0)).toBe(db.prepare('SELECT count(*) FROM draw_tasks').pluck().get());
    db.close();
    expect(made.some((c) => c.onsite > 0) && made.some((c) => c.onsite < c.tasks)).toBe(true);
    const copy = copyOf('before-12.db');
    const old = new Database(copy);
    toUserVersion(old, 11);
    expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'draw_task_counts'").pluck().get()).toBe(0);
    old.close();
    openDb(copy).close();
    expect(counts(copy)).toEqual(made);
    const edited = new Database(copy);
    edited.exec("DROP TRIGGER draw_task_counts_no_update; UPDATE draw_task_counts SET onsite = onsite + 1 WHERE rowid = (SELECT MIN(rowid) FROM draw_task_counts WHERE draw_id = '2023Q3-county-01')");
    edited.close();
    const v = await sj(['--db', copy, 'verify']);
    expect(v.status).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/2023Q3-county-01[^\n]*draw_task_counts differ|draw_task_counts differ[^\n]*/);
  });

  it('groups the enterprises by their sequences of kinds alike by digits and step by step; year rows and never-inspected the same from either', () => {
    const db = openDb(path);
    const draws = ['2023Q2-city-01', '2023Q2-county-01', '2023Q3-city-01', '2023Q3-county-01'].map((id) => drawFromEvidence(readEvidence(db, id)!.body as unknown as EvidenceLike));
    db.close();
    const uni = new Universe();
    const qs = ['2023Q1', '2023Q2', '2023Q3', '2023Q4'].map((q) => quarterFairness(q, draws, uni));
    const al = aligned(qs);
    const every = qs.map((q) => new Uint8Array(q.objects.kinds.length).fill(1));
    for (const flag of [true, false]) {
      const a = objectSequences(qs, al, every, flag);
      const b = sequencesByStep(qs, al, every, flag);
      const groups = (x: typeof a) => new Map(x.steps.map((st, i) => [JSON.stringify(st), x.count[i]]));
      expect(groups(a)).toEqual(groups(b));
      expect(a.steps.length).toBeGreaterThan(50);
      // every enterprise in the same sequence either way
      const [ofA, ofB] = [a.of(), b.of()];
      for (let v = 0; v < uni.size; v++) expect(ofA[v]! < 0 ? null : a.steps[ofA[v]!]).toEqual(ofB[v]! < 0 ? null : b.steps[ofB[v]!]);
    }
    // the year's sequences made once (as a year report does) give what each function makes alone
    const shared = yearSequences(qs);
    expect(yearRows(qs, ['A', 'B', 'C', 'D', 'E'], shared)).toEqual(yearRows(qs, ['A', 'B', 'C', 'D', 'E']));
    const never = neverInspected(qs, { rows: true });
    expect(neverInspected(qs, { rows: true }, shared)).toEqual(never);
    expect(never.rows!.length).toBeGreaterThan(100);
  });

  it('gives the year report the figures the evidence files give sj fairness --evidence', async () => {
    const files: string[] = [];
    for (const id of ['2023Q2-city-01', '2023Q2-county-01', '2023Q3-city-01', '2023Q3-county-01']) {
      const out = join(dir, `${id}.evidence.json`);
      expect((await sj(['--db', path, 'draw', 'export', id, '--out', out])).status).toBe(0);
      files.push(out);
    }
    const rep = await sj(['--db', path, 'report', '--year', '2023', '--json'], { env: AFTER });
    expect(rep.status, rep.stderr).toBe(0);
    const fromFacts = JSON.parse(rep.stdout).fairness;
    const ev = await sj(['--db', join(dir, 'absent.db'), 'fairness', '--year', '2023', '--json', '--evidence', ...files]);
    expect(ev.status, ev.stderr).toBe(0);
    const { inspectorLoad: _l, neverInspected: { enterprises: _e, ...never }, ...rest } = JSON.parse(ev.stdout);
    expect(fromFacts).toEqual({ ...rest, neverInspected: never });
    // two quarters of draws, both levels: a real comparison, not two empty sections
    expect(fromFacts.draws.length).toBe(4);
    expect(fromFacts.year.rows.length).toBeGreaterThan(10);
    expect(fromFacts.neverInspected.summary.some((s: { never: number }) => s.never > 0)).toBe(true);
  });

  it('sj verify finds a member row changed with the triggers dropped, and the report names a missing one', async () => {
    const copy = copyOf('edited.db');
    const ok = await sj(['--db', copy, 'verify']);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const db = new Database(copy);
    db.exec('DROP TRIGGER draw_members_no_update');
    // the county draw's first member moved into its pool, or out of it (its exclusion: bytes 4–5)
    const places = Buffer.from((db.prepare("SELECT places FROM draw_members WHERE draw_id = '2023Q2-county-01'").get() as { places: Buffer }).places);
    places.writeUInt16LE(places.readUInt16LE(4) === 0 ? 1 : 0, 4);
    db.prepare("UPDATE draw_members SET places = ? WHERE draw_id = '2023Q2-county-01'").run(places);
    // and the city draw's first selection pointed at another member
    const picks = Buffer.from((db.prepare("SELECT picks FROM draw_members WHERE draw_id = '2023Q2-city-01'").get() as { picks: Buffer }).picks);
    picks.writeUInt32LE(picks.readUInt32LE(0) + 1, 0);
    db.prepare("UPDATE draw_members SET picks = ? WHERE draw_id = '2023Q2-city-01'").run(picks);
    // and two of the Q3 county draw's members given each other's objects
    const nums = Buffer.from((db.prepare("SELECT nums FROM draw_members WHERE draw_id = '2023Q3-county-01'").get() as { nums: Buffer }).nums);
    const [a, b] = [nums.readUInt32LE(0), nums.readUInt32LE(4)];
    nums.writeUInt32LE(b, 0);
    nums.writeUInt32LE(a, 4);
    db.prepare("UPDATE draw_members SET nums = ? WHERE draw_id = '2023Q3-county-01'").run(nums);
    const r = await sj(['--db', copy, 'verify']);
    expect(r.status).toBe(1);
    const found = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('draw_members differ from the evidence snapshot'));
    expect(found.join('\n')).toContain('2023Q2-county-01');
    expect(found.join('\n')).toContain('2023Q2-city-01');
    expect(found.join('\n')).toContain('2023Q3-county-01');
    db.exec('DROP TRIGGER draw_members_no_delete');
    db.prepare("DELETE FROM draw_members WHERE draw_id = '2023Q3-city-01'").run();
    db.close();
    const rep = await sj(['--db', copy, 'report', '--year', '2023', '--json'], { env: AFTER });
    expect(rep.status).toBe(1);
    expect(rep.stderr).toContain('2023Q3-city-01');
    expect(rep.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
