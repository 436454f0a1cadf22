/**
 * draw_members (its table: schema.ts, migration 8): per draw, what the fairness figures read of
 * its snapshot (core/members.ts drawMembers), stored at draw time so that the annual report reads
 * one small row per draw instead of every draw's evidence (issue 13 §4). Derived from the evidence like draw_strata:
 * `sj verify` holds each row equal to what the evidence gives (memberProblems), and migration 8
 * back-fills the draws made before it.
 *
 * One row per draw, not one per object: a 100k-object draw writes about 1.5 MB in one row
 * (milliseconds) where 100k rows would cost its draw a tenth of a second.
 *   ids     the members' object ids in snapshot order, as a JSON array
 *   places  per member three unsigned 16-bit little-endian numbers (DrawMembers.places)
 *   regions, reasons, tiers  JSON arrays: the members' counties and exclusion reasons (first
 *           seen first), and the rules' tier codes in order
 */
import type { FairnessDraw } from '../core/fairness.js';
import { drawMembers, type DrawMembers, type MemberSource } from '../core/members.js';
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
  places: Buffer;
}

/** The row a draw's members are stored as. */
export function membersRow(d: MemberSource): MembersRow {
  const m = drawMembers(d);
  return {
    tiers: JSON.stringify(d.rules.tiers.map((x) => x.code)), regions: JSON.stringify(m.regions), reasons: JSON.stringify(m.reasons),
    ids: JSON.stringify(m.ids), places: littleEndian(m.places),
  };
}

/** Store a draw's members (inside the caller's transaction). */
export function writeDrawMembers(db: DB, drawId: string, d: MemberSource): void {
  insertRow(db, drawId, membersRow(d));
}

function insertRow(db: DB, drawId: string, r: MembersRow): void {
  db.prepare('INSERT INTO draw_members(draw_id, tiers, regions, reasons, ids, places) VALUES (?, ?, ?, ?, ?, ?)').run(drawId, r.tiers, r.regions, r.reasons, r.ids, r.places);
}

/** The stratum and rules part of a stored evidence body that drawMembers reads. */
interface EvidenceMembers {
  draw: { level: Level; regions: string[] };
  snapshot: { rules: MemberSource['rules']; objects: MemberSource['objects'] };
  strata: MemberSource['strata'];
}

const fromEvidence = (ev: EvidenceMembers): MemberSource => ({ level: ev.draw.level, regions: ev.draw.regions, rules: ev.snapshot.rules, strata: ev.strata, objects: ev.snapshot.objects });

/**
 * Migration 8: the members of every draw made before it, from its stored evidence. A draw whose
 * evidence is missing or gives no members gets no row (the database still opens; sj verify
 * names the draw, and the annual report refuses to count without it).
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
  const stored = db.prepare('SELECT tiers, regions, reasons, ids, places FROM draw_members WHERE draw_id = ?').get(drawId) as MembersRow | undefined;
  if (!stored) return ['draw_members: no row for the draw'];
  const want = membersRow(fromEvidence(body as EvidenceMembers));
  const same = stored.tiers === want.tiers && stored.regions === want.regions && stored.reasons === want.reasons && stored.ids === want.ids && Buffer.from(stored.places).equals(want.places);
  return same ? [] : ['draw_members differ from the evidence snapshot (the objects of each stratum, their county and exclusion)'];
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The numbers as little-endian bytes (the host's own on x86 and ARM: no copy then). */
function littleEndian(a: Uint16Array): Buffer {
  if (HOST_LE) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const b = Buffer.alloc(a.length * 2);
  for (let i = 0; i < a.length; i++) b.writeUInt16LE(a[i]!, i * 2);
  return b;
}

function fromLittleEndian(b: Buffer): Uint16Array {
  const out = new Uint16Array(b.length >> 1);
  if (HOST_LE) new Uint8Array(out.buffer).set(b.subarray(0, out.length * 2));
  else for (let i = 0; i < out.length; i++) out[i] = b.readUInt16LE(i * 2);
  return out;
}

function decode(r: MembersRow): DrawMembers {
  const places = fromLittleEndian(r.places);
  return { ids: JSON.parse(r.ids) as string[], places, regions: JSON.parse(r.regions) as string[], reasons: JSON.parse(r.reasons) as string[] };
}

/**
 * The live draws of these quarters from their stored facts (draws, draw_facts, draw_strata,
 * draw_members, draw_tasks), in ledger order, for the annual fairness figures: the same as
 * drawFromEvidence gives except what those figures do not read — the objects' names (''), the
 * inspectors and the tasks' teams (none).
 */
export function drawsFromFacts(db: DB, quarters: readonly string[]): FairnessDraw[] {
  const draws = db.prepare(
    `SELECT d.id, d.seq, d.quarter, d.level, d.kind, d.regions, f.algorithm, f.rates, f.tiered, m.tiers, m.regions AS mregions, m.reasons, m.ids, m.places
     FROM draws d LEFT JOIN draw_facts f ON f.draw_id = d.id LEFT JOIN draw_members m ON m.draw_id = d.id
     WHERE d.quarter = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.draw_id = d.id) ORDER BY d.seq`,
  );
  const strata = db.prepare('SELECT region, class, tier, population, quota, credited, pool, selected FROM draw_strata WHERE draw_id = ? ORDER BY ord');
  const tasks = db.prepare('SELECT object_id FROM draw_tasks WHERE draw_id = ? ORDER BY ord').pluck();
  const out: FairnessDraw[] = [];
  for (const q of quarters) {
    for (const r of draws.all(q) as (Record<string, string | number | null> & { places: Buffer })[]) {
      const id = String(r.id);
      // every draw has both rows (written with it, or back-filled by migration 8): sj verify names what is missing
      if (r.ids === null || r.algorithm === null) throw new SjError(t('fairness.factsMissing', { id }), { hint: t('fairness.factsMissingHint') });
      const level = r.level as Level;
      const st = strata.all(id) as FairnessDraw['strata'];
      const members = decode({ tiers: String(r.tiers), regions: String(r.mregions), reasons: String(r.reasons), ids: String(r.ids), places: r.places });
      out.push({
        id, quarter: q, level, kind: r.kind as FairnessDraw['kind'], algorithm: r.algorithm as Algorithm, order: Number(r.seq), createdAt: '',
        regions: JSON.parse(String(r.regions)) as string[],
        rules: { rates: { [level]: JSON.parse(String(r.rates)) }, tiers: (JSON.parse(String(r.tiers)) as string[]).map((code) => ({ code })), tiered: JSON.parse(String(r.tiered)) },
        members, names: null, inspectors: [], strata: st,
        tasks: (tasks.all(id) as string[]).map((objectId) => ({ objectId, inspectors: [] })),
      });
    }
  }
  return out;
}
