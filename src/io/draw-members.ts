/**
 * draw_members (its table: schema.ts, migrations 8 and 10): per draw, what the fairness figures
 * read of its snapshot and selections (core/members.ts drawMembers), stored at draw time so that
 * the annual report reads one small row per draw instead of every draw's evidence and tasks
 * (issue 13 §4). Derived from the evidence like draw_strata: `sj verify` holds each row equal to
 * what the evidence gives (memberProblems), and migration 10 back-fills the draws made before it.
 *
 * One row per draw, not one per object: a 100k-object draw writes about 2.5 MB in one row
 * (milliseconds) where 100k rows would cost its draw a tenth of a second. A report reads the
 * numbers as typed arrays and the ids' JSON as bytes: no string per member (issue 13).
 *   ids      the members' object ids in snapshot order, as a JSON array
 *   id_ends  per member the unsigned 32-bit little-endian offset of its closing quote in the
 *            UTF-8 of `ids` (core/members.ts IdList); null when an id needs an escape there
 *   places   per member three unsigned 16-bit little-endian numbers (DrawMembers.places)
 *   picks    the draw's selections as member positions, unsigned 32-bit little-endian, ascending
 *   regions, reasons, tiers  JSON arrays: the members' counties and exclusion reasons (first
 *            seen first), and the rules' tier codes in order
 */
import type { FairnessDraw } from '../core/fairness.js';
import { drawMembers, idStrings, isIdList, jsonIdEnds, type DrawMembers, type MemberSource } from '../core/members.js';
import type { Algorithm, Level } from '../core/types.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import type { DB } from './db.js';
import { readEvidence } from './evidence-store.js';

interface MembersRow {
  tiers: string;
  regions: string;
  reasons: string;
  ids: string;
  id_ends: Buffer | null;
  places: Buffer;
  picks: Buffer;
}

const COLUMNS = ['tiers', 'regions', 'reasons', 'ids', 'id_ends', 'places', 'picks'] as const;

/** The row a draw's members are stored as. */
export function membersRow(d: MemberSource): MembersRow {
  const m = drawMembers(d);
  const list = isIdList(m.ids) ? idStrings(m.ids) : m.ids;
  const ids = JSON.stringify(list);
  const ends = jsonIdEnds(list, ids, Buffer.byteLength(ids));
  return {
    tiers: JSON.stringify(d.rules.tiers.map((x) => x.code)), regions: JSON.stringify(m.regions), reasons: JSON.stringify(m.reasons),
    ids, id_ends: ends && littleEndian(ends), places: littleEndian(m.places), picks: littleEndian(m.picks),
  };
}

/** Store a draw's members (inside the caller's transaction). */
export function writeDrawMembers(db: DB, drawId: string, d: MemberSource): void {
  insertRow(db, drawId, membersRow(d));
}

function insertRow(db: DB, drawId: string, r: MembersRow): void {
  db.prepare(`INSERT INTO draw_members(draw_id, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(drawId, ...COLUMNS.map((c) => r[c]));
}

/** The stratum, rules and tasks part of a stored evidence body that drawMembers reads. */
interface EvidenceMembers {
  draw: { level: Level; regions: string[] };
  snapshot: { rules: MemberSource['rules']; objects: MemberSource['objects'] };
  strata: MemberSource['strata'];
  tasks: MemberSource['tasks'];
}

const fromEvidence = (ev: EvidenceMembers): MemberSource => ({ level: ev.draw.level, regions: ev.draw.regions, rules: ev.snapshot.rules, strata: ev.strata, objects: ev.snapshot.objects, tasks: ev.tasks });

/**
 * Migration 10 (and 8 before it): the members of every draw made before it, from its stored
 * evidence. A draw whose evidence is missing or gives no members gets no row (the database
 * still opens; sj verify names the draw, and the annual report refuses to count without it).
 */
export function backfillDrawMembers(db: DB): void {
  for (const id of db.prepare('SELECT id FROM draws ORDER BY seq').pluck().all() as string[]) {
    let row: MembersRow | undefined;
    try {
      const body = readEvidence(db, id)?.body as unknown as EvidenceMembers | undefined;
      if (body) row = membersRow(fromEvidence(body));
    } catch {
      // unreadable or malformed evidence: no row
    }
    if (row) insertRow(db, id, row);
  }
}

/** What `sj verify` finds wrong with a draw's stored members against its evidence body (empty: none). */
export function memberProblems(db: DB, drawId: string, body: unknown): string[] {
  const stored = db.prepare(`SELECT ${COLUMNS.join(', ')} FROM draw_members WHERE draw_id = ?`).get(drawId) as MembersRow | undefined;
  if (!stored) return ['draw_members: no row for the draw'];
  const want = membersRow(fromEvidence(body as EvidenceMembers));
  const same = COLUMNS.every((c) => {
    const [a, b] = [stored[c], want[c]];
    return Buffer.isBuffer(b) ? Buffer.isBuffer(a) && a.equals(b) : a === b;
  });
  return same ? [] : ['draw_members differ from the evidence snapshot (the objects of each stratum, their county and exclusion, the selections)'];
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

function fromLittleEndian<T extends Uint16Array | Uint32Array>(b: Buffer, Kind: { new (n: number): T; BYTES_PER_ELEMENT: number }): T {
  const size = Kind.BYTES_PER_ELEMENT;
  const out = new Kind(Math.floor(b.length / size));
  if (HOST_LE) new Uint8Array(out.buffer).set(b.subarray(0, out.length * size));
  else for (let i = 0; i < out.length; i++) out[i] = size === 2 ? b.readUInt16LE(i * 2) : b.readUInt32LE(i * 4);
  return out;
}

/** A stored row as the figures read it: its ids' JSON read as bytes with their ends (parsed as text only when an id needs an escape). */
function decode(r: Omit<MembersRow, 'ids'> & { ids: Buffer }): DrawMembers {
  return {
    ids: r.id_ends ? { bytes: r.ids, ends: fromLittleEndian(r.id_ends, Uint32Array) } : (JSON.parse(r.ids.toString('utf8')) as string[]),
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
    `SELECT d.id, d.seq, d.quarter, d.level, d.kind, d.regions, f.algorithm, f.rates, f.tiered, m.tiers, m.regions AS mregions, m.reasons, CAST(m.ids AS BLOB) AS ids, m.id_ends, m.places, m.picks
     FROM draws d LEFT JOIN draw_facts f ON f.draw_id = d.id LEFT JOIN draw_members m ON m.draw_id = d.id
     WHERE d.quarter = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq`,
  );
  const strata = db.prepare('SELECT region, class, tier, population, quota, credited, pool, selected FROM draw_strata WHERE draw_id = ? ORDER BY ord');
  const out: FairnessDraw[] = [];
  for (const q of quarters) {
    for (const r of draws.all(q) as (Record<string, string | number | null> & Pick<MembersRow, 'id_ends' | 'places' | 'picks'> & { ids: Buffer })[]) {
      const id = String(r.id);
      // every draw has both rows (written with it, or back-filled by migration 10): sj verify names what is missing
      if (r.ids === null || r.algorithm === null) throw new SjError(t('fairness.factsMissing', { id }), { hint: t('fairness.factsMissingHint') });
      const level = r.level as Level;
      const st = strata.all(id) as FairnessDraw['strata'];
      const members = decode({ tiers: String(r.tiers), regions: String(r.mregions), reasons: String(r.reasons), ids: r.ids, id_ends: r.id_ends, places: r.places, picks: r.picks });
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
