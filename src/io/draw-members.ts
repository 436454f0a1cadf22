/**
 * draw_members (its table: schema.ts, migrations 8, 10 and 11): per draw, what the fairness
 * figures read of its snapshot and selections (core/members.ts drawMembers), stored at draw time
 * so that the annual report reads one small row per draw instead of every draw's evidence and
 * tasks (issue 13). Derived from the evidence and the objects' numbers like draw_strata: `sj
 * verify` holds each row equal to what the evidence gives (memberProblems), and migration 11
 * back-fills the draws made before it.
 *
 * One row per draw, not one per object: a 100k-object draw writes about 1 MB in one row
 * (milliseconds) where 100k rows would cost its draw a tenth of a second. A report reads the
 * numbers as typed arrays: no string per member, and no id to number (issue 13).
 *   nums     per member its object's own number (objects.num, the vid of the object's first
 *            version), unsigned 32-bit little-endian, in snapshot order
 *   places   per member three unsigned 16-bit little-endian numbers (DrawMembers.places)
 *   picks    the draw's selections as member positions, unsigned 32-bit little-endian, ascending
 *   regions, reasons, tiers  JSON arrays: the members' counties and exclusion reasons (first
 *            seen first), and the rules' tier codes in order
 */
import type { FairnessDraw } from '../core/fairness.js';
import { membersOf, type DrawMembers, type MemberSource } from '../core/members.js';
import type { Algorithm, Level } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import { readEvidence } from './evidence-store.js';

interface MembersRow {
  tiers: string;
  regions: string;
  reasons: string;
  nums: Buffer;
  places: Buffer;
  picks: Buffer;
}

const COLUMNS = ['tiers', 'regions', 'reasons', 'nums', 'places', 'picks'] as const;

/** The row a draw's members are stored as (its source gives the objects' numbers). */
export function membersRow(d: MemberSource): MembersRow {
  const { members: m, nums } = membersOf(d, false);
  if (!nums) throw new Error('draw members: the objects\' numbers are needed');
  return {
    tiers: JSON.stringify(d.rules.tiers.map((x) => x.code)), regions: JSON.stringify(m.regions), reasons: JSON.stringify(m.reasons),
    nums: littleEndian(nums), places: littleEndian(m.places), picks: littleEndian(m.picks),
  };
}

/** Store a draw's members (inside the caller's transaction). */
export function writeDrawMembers(db: DB, drawId: string, d: MemberSource): void {
  insertRow(db, drawId, membersRow(d));
}

function insertRow(db: DB, drawId: string, r: MembersRow): void {
  db.prepare(`INSERT INTO draw_members(draw_id, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(drawId, ...COLUMNS.map((c) => r[c]));
}

/** Every object's number by id (objects.num: the same in each of its versions). */
export function objectNumbers(db: DB): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, num] of db.prepare('SELECT id, num FROM objects WHERE valid_to IS NULL').raw().iterate() as Iterable<[string, number]>) out.set(id, num);
  return out;
}

/** The numbers of these objects, or undefined when one has none (an id the rosters never had). */
function numbersOf(objects: Iterable<{ id: string }>, byId: ReadonlyMap<string, number>): Uint32Array | undefined {
  const out: number[] = [];
  for (const o of objects) {
    const n = byId.get(o.id);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return Uint32Array.from(out);
}

/** The stratum, rules and tasks part of a stored evidence body that drawMembers reads. */
interface EvidenceMembers {
  draw: { level: Level; regions: string[] };
  snapshot: { rules: MemberSource['rules']; objects: MemberSource['objects'] };
  strata: MemberSource['strata'];
  tasks: MemberSource['tasks'];
}

const fromEvidence = (ev: EvidenceMembers, nums: ArrayLike<number>): MemberSource => ({
  level: ev.draw.level, regions: ev.draw.regions, rules: ev.snapshot.rules, strata: ev.strata, objects: ev.snapshot.objects, tasks: ev.tasks, nums,
});

/**
 * Migration 11 (10 and 8 before it): the members of every draw made before it, from its stored
 * evidence and the objects' numbers. A draw whose evidence is missing or gives no members, or
 * names an object the rosters do not have, gets no row (the database still opens; sj verify
 * names the draw, and the annual report refuses to count without it).
 */
export function backfillDrawMembers(db: DB): void {
  const ids = db.prepare('SELECT id FROM draws ORDER BY seq').pluck().all() as string[];
  if (!ids.length) return;
  const byId = objectNumbers(db);
  for (const id of ids) {
    let row: MembersRow | undefined;
    try {
      const body = readEvidence(db, id)?.body as unknown as EvidenceMembers | undefined;
      const nums = body && numbersOf(body.snapshot.objects, byId);
      if (body && nums) row = membersRow(fromEvidence(body, nums));
    } catch {
      // unreadable or malformed evidence: no row
    }
    if (row) insertRow(db, id, row);
  }
}

/**
 * What `sj verify` finds wrong with a draw's stored members against its evidence body (empty:
 * none). `nums`: the snapshot objects' numbers, from the snapshot verify rebuilt when it is the
 * evidence's own; else looked up by id (byId).
 */
export function memberProblems(db: DB, drawId: string, body: unknown, nums: ArrayLike<number> | undefined, byId: () => ReadonlyMap<string, number>): string[] {
  const stored = db.prepare(`SELECT ${COLUMNS.join(', ')} FROM draw_members WHERE draw_id = ?`).get(drawId) as MembersRow | undefined;
  if (!stored) return ['draw_members: no row for the draw'];
  const ev = body as EvidenceMembers;
  const known = nums ?? numbersOf(ev.snapshot.objects, byId());
  if (!known) return ['draw_members cannot be compared: the evidence snapshot names an object the rosters do not have'];
  const want = membersRow(fromEvidence(ev, known));
  const same = COLUMNS.every((c) => {
    const [a, b] = [stored[c], want[c]];
    return Buffer.isBuffer(b) ? Buffer.isBuffer(a) && a.equals(b) : a === b;
  });
  return same ? [] : ['draw_members differ from the evidence snapshot (the objects of each stratum, their numbers, county and exclusion, the selections)'];
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The numbers as little-endian bytes (the host's own on x86 and ARM: no copy then). */
function littleEndian(a: Uint16Array | Uint32Array): Buffer {
  if (HOST_LE) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const b = Buffer.alloc(a.byteLength);
  for (let i = 0; i < a.length; i++) {
    if (a.BYTES_PER_ELEMENT === 2) b.writeUInt16LE(a[i]!, i * 2);
    else b.writeUInt32LE(a[i]!, i * 4);
  }
  return b;
}

function fromLittleEndian<T extends Uint16Array | Uint32Array>(b: Buffer, Kind: { new (n: number): T; new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }): T {
  const size = Kind.BYTES_PER_ELEMENT;
  // the blob's own memory when it is aligned (a large one is: it has a buffer of its own), no copy
  if (HOST_LE && b.byteOffset % size === 0) return new Kind(b.buffer, b.byteOffset, Math.floor(b.length / size));
  const out = new Kind(Math.floor(b.length / size));
  if (HOST_LE) new Uint8Array(out.buffer).set(b.subarray(0, out.length * size));
  else for (let i = 0; i < out.length; i++) out[i] = size === 2 ? b.readUInt16LE(i * 2) : b.readUInt32LE(i * 4);
  return out;
}

/** A stored row as the figures read it: the numbers as typed arrays. */
function decode(r: MembersRow): DrawMembers {
  return {
    ids: { nums: fromLittleEndian(r.nums, Uint32Array) },
    places: fromLittleEndian(r.places, Uint16Array),
    regions: JSON.parse(r.regions) as string[], reasons: JSON.parse(r.reasons) as string[], picks: fromLittleEndian(r.picks, Uint32Array),
  };
}

/**
 * The live draws of these quarters from their stored facts (draws, draw_facts, draw_strata,
 * draw_members), in ledger order, for the annual fairness figures: the same as drawFromEvidence
 * gives except what those figures do not read — the objects' names (''), the inspectors and the
 * tasks with their teams (none: the selections are the members' picks).
 */
export function drawsFromFacts(db: DB, quarters: readonly string[]): FairnessDraw[] {
  const draws = db.prepare(
    `SELECT d.id, d.seq, d.quarter, d.level, d.kind, d.regions, f.algorithm, f.rates, f.tiered, m.tiers, m.regions AS mregions, m.reasons, m.nums, m.places, m.picks
     FROM draws d LEFT JOIN draw_facts f ON f.draw_id = d.id LEFT JOIN draw_members m ON m.draw_id = d.id
     WHERE d.quarter = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq`,
  );
  const strata = db.prepare('SELECT region, class, tier, population, quota, credited, pool, selected FROM draw_strata WHERE draw_id = ? ORDER BY ord');
  const out: FairnessDraw[] = [];
  for (const q of quarters) {
    for (const r of draws.all(q) as (Record<string, string | number | null> & Pick<MembersRow, 'nums' | 'places' | 'picks'>)[]) {
      const id = String(r.id);
      // every draw has both rows (written with it, or back-filled by migration 11): sj verify names what is missing
      if (r.nums === null || r.algorithm === null) throw new SjError(t('fairness.factsMissing', { id }), { hint: t('fairness.factsMissingHint') });
      const level = r.level as Level;
      const st = strata.all(id) as FairnessDraw['strata'];
      const members = decode({ tiers: String(r.tiers), regions: String(r.mregions), reasons: String(r.reasons), nums: r.nums, places: r.places, picks: r.picks });
      out.push({
        id, quarter: q, level, kind: r.kind as FairnessDraw['kind'], algorithm: r.algorithm as Algorithm, order: Number(r.seq), createdAt: '',
        regions: JSON.parse(String(r.regions)) as string[],
        rules: { rates: { [level]: JSON.parse(String(r.rates)) }, tiers: (JSON.parse(String(r.tiers)) as string[]).map((code) => ({ code })), tiered: JSON.parse(String(r.tiered)) },
        members, names: null, inspectors: [], strata: st,
        tasks: [],
      });
    }
  }
  return out;
}
