/**
 * Reading the versioned rosters: current (valid_to IS NULL) or as they stood at an instant.
 * Writing them is io/roster-write.ts (sj import).
 */
import { forScan, type DB } from './db.js';
import type { ObjClass } from '../core/types.js';

export type RosterKind = 'objects' | 'inspectors' | 'experts' | 'items' | 'avoidance';
export const ROSTER_KINDS: readonly RosterKind[] = ['objects', 'inspectors', 'experts', 'items', 'avoidance'];

export interface Versioned {
  vid: number;
  id: string;
  validFrom: string;
  validTo: string | null;
  importId: number;
  inRoster: boolean;
  hash: string;
  extra: Record<string, string>;
}

export interface ObjectRow extends Versioned {
  name: string;
  region: string;
  class: ObjClass;
  /** how the class was decided: 'category' (given), 'conditions', 'precedence' (a conflict the plan's precedence decided) */
  classBy: string;
  tier: string | null;
  industry: string;
  tags: string[];
  offsite: boolean;
  status: 'active' | 'suspended' | 'closed';
  /** production months, e.g. "1-3,11-12"; "" = all year */
  months: string;
  permit: string;
  address: string;
  contact: string;
  phone: string;
}

export interface InspectorRow extends Versioned {
  name: string;
  region: string;
  line: string;
  certified: boolean;
  /** YYYY-MM-DD or "" (no expiry recorded) */
  certExpiry: string;
  specialties: string[];
  status: 'active' | 'inactive';
}

export interface ExpertRow extends Versioned {
  name: string;
  org: string;
  region: string;
  industries: string[];
  status: 'active' | 'inactive';
}

export interface ItemRow extends Versioned {
  name: string;
  basis: string;
  line: string;
  /** of 特殊/重点/一般/正面清单 mapped to special/key/general/positive */
  classes: string[];
  industries: string[];
  method: string;
  level: 'city' | 'county' | 'both';
}

export interface AvoidanceRow extends Versioned {
  person: string;
  object: string;
  reason: string;
}

export interface RowOf {
  objects: ObjectRow;
  inspectors: InspectorRow;
  experts: ExpertRow;
  items: ItemRow;
  avoidance: AvoidanceRow;
}

/** Columns stored as JSON text and as 1/0 (the importer's row hash reads them the same way). */
export const JSON_COLS = new Set(['tags', 'specialties', 'industries', 'classes', 'extra']);
export const BOOL_COLS = new Set(['offsite', 'certified', 'in_roster']);
const camelNames = new Map<string, string>();
/** a column's field name (valid_from → validFrom), worked out once per column, not once per row */
const camel = (s: string): string => {
  let c = camelNames.get(s);
  if (c === undefined) camelNames.set(s, (c = s.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())));
  return c;
};

function decode<K extends RosterKind>(raw: Record<string, unknown>): RowOf[K] {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'num') continue; // objects' internal number (draw_members), not a roster field
    if (JSON_COLS.has(k)) o[camel(k)] = JSON.parse(v as string);
    else if (BOOL_COLS.has(k)) o[camel(k)] = v === 1;
    else o[camel(k)] = v;
  }
  return o as unknown as RowOf[K];
}

export interface ReadOptions {
  /** a stored UTC instant; omitted = current */
  asOf?: string;
  /** include rows dropped from the roster by a full re-import (in_roster = 0) */
  includeRemoved?: boolean;
  where?: string;
  params?: Record<string, unknown>;
}

/** The WHERE clause (and its parameters) that picks the rows ReadOptions ask for. */
function rosterWhere(opts: ReadOptions): { where: string; params: Record<string, unknown> } {
  const conds: string[] = [];
  const params: Record<string, unknown> = { ...(opts.params ?? {}) };
  if (opts.asOf) {
    conds.push('valid_from <= @asOf AND (valid_to IS NULL OR valid_to > @asOf)');
    params.asOf = opts.asOf;
  } else {
    conds.push('valid_to IS NULL');
  }
  if (!opts.includeRemoved) conds.push('in_roster = 1');
  if (opts.where) conds.push(`(${opts.where})`);
  return { where: conds.join(' AND '), params };
}

/** Rows of a roster, current or as of an instant, ordered by id. */
export function readRoster<K extends RosterKind>(db: DB, kind: K, opts: ReadOptions = {}): RowOf[K][] {
  const { where, params } = rosterWhere(opts);
  const rows = db.prepare(`SELECT * FROM ${kind} WHERE ${where} ORDER BY id`).all(params) as Record<string, unknown>[];
  return rows.map((r) => decode<K>(r));
}

/** What a draw's snapshot reads of an object: its snapshot fields, and what scope, filter and exclusions need. */
export type SnapshotObjectRow = Pick<ObjectRow, 'id' | 'name' | 'region' | 'class' | 'tier' | 'industry' | 'offsite' | 'status' | 'months' | 'tags'> & {
  /** the object's own number (schema migration 11): stored with the draw's members, not in its snapshot */
  num: number;
};

/**
 * The objects readRoster(db, 'objects', opts) gives, in the same order, with only the columns a
 * snapshot needs, read as raw rows (no object per row keyed by column name, no decoding of every
 * column by name: at 1M objects the full read was most of a draw's time), handed to fn one at a
 * time: a million rows held until the last is read were a million objects of garbage in the old
 * generation, which the heap then grew to hold (issue 13). The values of region, class, tier and
 * industry are one string per distinct value: read from SQLite, each row would bring its own
 * copy of "131102", and a snapshot keeps them. fn must not use the connection: the scan is
 * still reading it. fn is handed the same object for every row, its fields overwritten: it copies
 * what it keeps.
 */
const NO_TAGS: string[] = Object.freeze([]) as unknown as string[];

export function eachSnapshotObject(db: DB, opts: ReadOptions, fn: (o: SnapshotObjectRow) => void): void {
  const { where, params } = rosterWhere(opts);
  // NOT INDEXED: one sequential scan and a sort read 100k rows about 30% faster than walking
  // the id index and fetching every row from its page
  const stmt = db.prepare(`SELECT id, name, region, class, tier, industry, offsite, status, months, tags, num FROM objects NOT INDEXED WHERE ${where} ORDER BY id`);
  const region = interner();
  const cls = interner();
  const tier = interner();
  const industry = interner();
  // a scan reads every page once: mapped, each would stay resident in this process (and count in
  // its peak memory, 250 MB at 1M objects) until the connection closed
  // one row object, its fields overwritten for each row: 100k objects of garbage fewer per draw
  const o: SnapshotObjectRow = { id: '', name: '', region: '', class: 'general', tier: null, industry: '', offsite: false, status: 'active', months: '', tags: NO_TAGS, num: 0 };
  forScan(db, () => {
    for (const r of stmt.raw(true).iterate(params) as IterableIterator<unknown[]>) {
      o.id = r[0] as string;
      o.name = r[1] as string;
      o.region = region(r[2] as string);
      o.class = cls(r[3] as string) as ObjClass;
      o.tier = r[4] === null ? null : tier(r[4] as string);
      o.industry = industry(r[5] as string);
      o.offsite = r[6] === 1;
      o.status = r[7] as ObjectRow['status'];
      o.months = r[8] as string;
      o.tags = r[9] === '[]' ? NO_TAGS : (JSON.parse(r[9] as string) as string[]);
      o.num = r[10] as number;
      fn(o);
    }
  });
}

/** s itself the first time a value is seen, the first string of that value after. */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const first = seen.get(s);
    if (first !== undefined) return first;
    seen.set(s, s);
    return s;
  };
}

/** Every version of one roster entry, oldest first. */
export function rosterHistory<K extends RosterKind>(db: DB, kind: K, id: string): RowOf[K][] {
  const rows = db.prepare(`SELECT * FROM ${kind} WHERE id = ? ORDER BY valid_from, vid`).all(id) as Record<string, unknown>[];
  return rows.map((r) => decode<K>(r));
}
