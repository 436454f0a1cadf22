/**
 * The database schema, as migrations keyed on PRAGMA user_version. Never edit a migration
 * that has shipped: add the next one.
 *
 * Conventions:
 * - Stored instants are UTC ISO strings (`2023-04-03T01:00:00.000Z`), sortable as text.
 *   Calendar dates are `YYYY-MM-DD` (China time).
 * - Rosters are versioned (slowly changing, type 2): every table of a roster has
 *   vid (row version), id (the roster's own key), valid_from, valid_to (NULL = current),
 *   import_id, in_roster (0 = missing from a full re-import: inactive, never deleted) and hash
 *   (of the row's data, to tell unchanged rows). The roster as of instant T is the rows with
 *   valid_from <= T AND (valid_to IS NULL OR valid_to > T).
 * - Append-only tables (ledger, draws, draw_tasks, voids, substitutions, result_batches, commitments …)
 *   refuse UPDATE and DELETE by trigger; `sj verify` detects edits made with the triggers dropped.
 */
import type { DB } from './db.js';
import { compressText } from './compress.js';
import { backfillDrawMembers } from './draw-members.js';
import { PROBLEM_OUTCOMES } from '../core/results.js';

const roster = (name: string, cols: string) => `
CREATE TABLE ${name} (
  vid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  in_roster INTEGER NOT NULL DEFAULT 1,
  hash TEXT NOT NULL,
  ${cols},
  extra TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX ${name}_current ON ${name}(id) WHERE valid_to IS NULL;
CREATE INDEX ${name}_history ON ${name}(id, valid_from);
`;

const appendOnly = (name: string) => `
CREATE TRIGGER ${name}_no_update BEFORE UPDATE ON ${name} BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
CREATE TRIGGER ${name}_no_delete BEFORE DELETE ON ${name} BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
`;

/**
 * What result_counts holds (migration 13), per (draw_id, region, date, pub, confidential): the
 * results in force (results.current = 1) of the draw's tasks of that region (draw_tasks.region),
 * by inspection date, with their publication date in force (the `published` stamp, else the
 * result's own 公示日期, else '' when not published). The counts are those of report-figures.ts
 * resultCounts; a row with no result is not kept. `sj verify` recounts them with this query.
 * The problem outcomes are core/results.ts PROBLEM_OUTCOMES as of this migration: a change there
 * needs a migration that makes the triggers again and recounts.
 */
export const RESULT_COUNT_COLUMNS = ['inspected', 'problems', 'rectify_ordered', 'rectified', 'cases', 'fine_fen', 'referrals', 'criminal_referrals'] as const;
const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Each column's value for one result r (a row alias, or NEW / OLD in a trigger). The problem
 * outcomes are compared one by one: `IN (list)` in a trigger builds its list's lookup table
 * again on every row (measured: 30 µs a result, 17 s for a publication of 100k results).
 */
function resultCountValues(r: string): string[] {
  return [
    '1', `(${[...PROBLEM_OUTCOMES].map((o) => `${r}.outcome = ${sqlText(o)}`).join(' OR ')})`, `${r}.outcome = '责令整改'`, `${r}.rectified = 1`, `${r}.outcome = '立案处罚'`,
    `${r}.fine_fen`, `${r}.outcome = '移送'`, `${r}.outcome = '移送公安'`,
  ];
}

/** The rows of result_counts recounted from the results and stamps, in key order. */
export function resultCountsQuery(): string {
  return `SELECT tk.draw_id, tk.region, r.date, COALESCE(p.date, r.published_on, '') AS pub, r.confidential,
    ${resultCountValues('r').map((v, i) => `SUM(${v}) AS ${RESULT_COUNT_COLUMNS[i]}`).join(', ')}
  FROM results r JOIN draw_tasks tk ON tk.task_no = r.task_no LEFT JOIN published p ON p.task_no = r.task_no
  WHERE r.current = 1
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`;
}

/**
 * One result r counted in (sign 1) or out (sign -1) of result_counts, under publication date
 * `pub`, its task's draw and region read from `from` (which names tk and r); a row left at no
 * result goes.
 */
function countResult(r: string, sign: 1 | -1, pub: string, from: string): string {
  const key = `tk.draw_id, tk.region, ${r}.date, ${pub}, ${r}.confidential`;
  const upsert = `INSERT INTO result_counts(draw_id, region, date, pub, confidential, ${RESULT_COUNT_COLUMNS.join(', ')})
    SELECT ${key}, ${resultCountValues(r).map((v) => (sign === 1 ? `(${v})` : `-(${v})`)).join(', ')} FROM ${from}
    ON CONFLICT(draw_id, region, date, pub, confidential) DO UPDATE SET ${RESULT_COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')};`;
  if (sign === 1) return upsert;
  return `${upsert}
  DELETE FROM result_counts WHERE (draw_id, region, date, pub, confidential) = (SELECT ${key} FROM ${from}) AND inspected = 0;`;
}

/**
 * The triggers that keep result_counts: a result recorded is counted in; a result in force that
 * is changed (retired by a correction, or edited) is counted out as it was and, if still in
 * force, in as it is; a stamp added, changed or removed moves its task's result between
 * publication dates.
 */
function resultCountTriggers(): string {
  const stamp = (r: string) => `(SELECT p.date FROM published p WHERE p.task_no = ${r}.task_no)`;
  const own = (r: string) => `COALESCE(${stamp(r)}, ${r}.published_on, '')`;
  const taskOf = (r: string) => `draw_tasks tk WHERE tk.task_no = ${r}.task_no`;
  // the result in force of a stamp's task, if any
  const resultOf = (p: string) => `results r JOIN draw_tasks tk ON tk.task_no = r.task_no WHERE r.task_no = ${p}.task_no AND r.current = 1`;
  return `
CREATE TRIGGER result_counts_insert AFTER INSERT ON results WHEN NEW.current = 1 BEGIN
  ${countResult('NEW', 1, own('NEW'), taskOf('NEW'))}
END;
CREATE TRIGGER result_counts_retire AFTER UPDATE ON results WHEN OLD.current = 1 BEGIN
  ${countResult('OLD', -1, own('OLD'), taskOf('OLD'))}
END;
CREATE TRIGGER result_counts_update AFTER UPDATE ON results WHEN NEW.current = 1 BEGIN
  ${countResult('NEW', 1, own('NEW'), taskOf('NEW'))}
END;
CREATE TRIGGER result_counts_delete AFTER DELETE ON results WHEN OLD.current = 1 BEGIN
  ${countResult('OLD', -1, own('OLD'), taskOf('OLD'))}
END;
CREATE TRIGGER result_counts_stamp AFTER INSERT ON published BEGIN
  ${countResult('r', -1, "COALESCE(r.published_on, '')", resultOf('NEW'))}
  ${countResult('r', 1, 'NEW.date', resultOf('NEW'))}
END;
CREATE TRIGGER result_counts_unstamp AFTER DELETE ON published BEGIN
  ${countResult('r', -1, 'OLD.date', resultOf('OLD'))}
  ${countResult('r', 1, "COALESCE(r.published_on, '')", resultOf('OLD'))}
END;
CREATE TRIGGER result_counts_restamp AFTER UPDATE ON published BEGIN
  ${countResult('r', -1, 'OLD.date', resultOf('OLD'))}
  ${countResult('r', 1, "COALESCE(r.published_on, '')", resultOf('OLD'))}
  ${countResult('r', -1, "COALESCE(r.published_on, '')", resultOf('NEW'))}
  ${countResult('r', 1, 'NEW.date', resultOf('NEW'))}
END;`;
}

/** A migration: SQL, or a step that also needs code (a back-fill computed from stored evidence). */
export type Migration = string | ((db: DB) => void);

export const MIGRATIONS: Migration[] = [
  // 1: everything of the first release
  `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent TEXT,
  level TEXT NOT NULL CHECK (level IN ('city', 'county')),
  sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  file TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  sheet TEXT,
  mode TEXT NOT NULL CHECK (mode IN ('full', 'partial')),
  at TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '{}'
);
${roster('objects', `
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('special', 'key', 'positive', 'general')),
  class_by TEXT NOT NULL DEFAULT 'category',
  tier TEXT,
  industry TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  offsite INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  months TEXT NOT NULL DEFAULT '',
  permit TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT ''`)}
CREATE INDEX objects_region_class ON objects(region, class) WHERE valid_to IS NULL;
${roster('inspectors', `
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  line TEXT NOT NULL DEFAULT '执法',
  certified INTEGER NOT NULL DEFAULT 1,
  cert_expiry TEXT NOT NULL DEFAULT '',
  specialties TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'))`)}
${roster('experts', `
  name TEXT NOT NULL,
  org TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  industries TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'))`)}
${roster('items', `
  name TEXT NOT NULL,
  basis TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  classes TEXT NOT NULL DEFAULT '[]',
  industries TEXT NOT NULL DEFAULT '[]',
  method TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL DEFAULT 'both' CHECK (level IN ('city', 'county', 'both'))`)}
${roster('avoidance', `
  person TEXT NOT NULL,
  object TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT ''`)}

-- rules per year, versioned: the newest row of a year is in force; a draw records the id it used
CREATE TABLE rules (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL
);
CREATE INDEX rules_year ON rules(year, id);

-- working-day calendar: exceptions to "Monday to Friday work"
CREATE TABLE calendar (
  date TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
  name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE calendar_years (year INTEGER PRIMARY KEY, source TEXT NOT NULL DEFAULT '');

-- the hash-chained ledger (draw-v1 §8)
CREATE TABLE ledger (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('draw', 'void', 'substitution', 'results')),
  ref TEXT NOT NULL,
  at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL
);
${appendOnly('ledger')}

-- one row per draw: the complete evidence (sj-evidence/1, without its ledger member)
CREATE TABLE draws (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  quarter TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('city', 'county')),
  kind TEXT NOT NULL CHECK (kind IN ('routine', 'directional')),
  regions TEXT NOT NULL,
  rules_id INTEGER,
  recorded_at TEXT NOT NULL,
  evidence TEXT NOT NULL
);
${appendOnly('draws')}

-- the tasks of each draw as drawn (a copy of evidence.tasks for queries), in task order
CREATE TABLE draw_tasks (
  task_no TEXT PRIMARY KEY,
  draw_id TEXT NOT NULL REFERENCES draws(id),
  ord INTEGER NOT NULL,
  object_id TEXT NOT NULL,
  region TEXT NOT NULL,
  object_region TEXT NOT NULL,
  class TEXT NOT NULL,
  tier TEXT,
  rank INTEGER NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  joint INTEGER NOT NULL,
  inspectors TEXT NOT NULL,
  expert TEXT
);
CREATE INDEX draw_tasks_draw ON draw_tasks(draw_id, ord);
CREATE INDEX draw_tasks_object ON draw_tasks(object_id);
${appendOnly('draw_tasks')}

-- live routine draws by scope: at most one per quarter, level, region; the row goes when voided
CREATE TABLE draw_scope (
  quarter TEXT NOT NULL,
  level TEXT NOT NULL,
  region TEXT NOT NULL,
  draw_id TEXT NOT NULL,
  PRIMARY KEY (quarter, level, region)
);

CREATE TABLE voids (
  draw_id TEXT PRIMARY KEY REFERENCES draws(id),
  seq INTEGER NOT NULL UNIQUE,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
${appendOnly('voids')}

-- 补抽: replacing a drawn object or an inspector of a task; the original stays in draw_tasks
CREATE TABLE substitutions (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  draw_id TEXT NOT NULL REFERENCES draws(id),
  task_no TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('object', 'inspector')),
  original TEXT NOT NULL,
  replacement TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX substitutions_task ON substitutions(task_no, id);
${appendOnly('substitutions')}

-- results: one batch per import (one ledger entry); each task's result versioned by batch
CREATE TABLE result_batches (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  file TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  at TEXT NOT NULL,
  rows INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT ''
);
${appendOnly('result_batches')}

CREATE TABLE results (
  vid INTEGER PRIMARY KEY,
  task_no TEXT NOT NULL REFERENCES draw_tasks(task_no),
  batch_id INTEGER NOT NULL REFERENCES result_batches(id),
  current INTEGER NOT NULL DEFAULT 1,
  superseded_by INTEGER,
  date TEXT NOT NULL,
  method TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  fine_fen INTEGER NOT NULL DEFAULT 0,
  rectified INTEGER NOT NULL DEFAULT 0,
  confidential INTEGER NOT NULL DEFAULT 0,
  published_on TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX results_current ON results(task_no) WHERE current = 1;

-- publication stamps (sj publish, or the 公示日期 column of a results file)
CREATE TABLE publications (
  id INTEGER PRIMARY KEY,
  quarter TEXT NOT NULL,
  at TEXT NOT NULL,
  file TEXT NOT NULL DEFAULT '',
  published INTEGER NOT NULL,
  withheld INTEGER NOT NULL
);
CREATE TABLE published (
  task_no TEXT PRIMARY KEY REFERENCES draw_tasks(task_no),
  date TEXT NOT NULL,
  publication_id INTEGER REFERENCES publications(id)
);

-- 信用记录: entries added by results of 立案处罚, 移送, 移送公安
CREATE TABLE credit_records (
  id INTEGER PRIMARY KEY,
  object_id TEXT NOT NULL,
  task_no TEXT NOT NULL,
  date TEXT NOT NULL,
  outcome TEXT NOT NULL,
  fine_fen INTEGER NOT NULL DEFAULT 0,
  batch_id INTEGER NOT NULL,
  UNIQUE (task_no, outcome)
);
CREATE INDEX credit_records_object ON credit_records(object_id);
`,
  // 2: sj-draw/2 — the facts of each draw that reports and checks read, stored at draw time
  // (derived from the evidence; \`sj verify\` holds them equal to it). Back-filled for older draws.
  `
CREATE TABLE draw_facts (
  draw_id TEXT PRIMARY KEY REFERENCES draws(id),
  algorithm TEXT NOT NULL,
  joint TEXT NOT NULL,
  draw_date TEXT NOT NULL,
  -- the rates of the draw's level (basis points by class) and the tiered classes, as JSON
  rates TEXT NOT NULL,
  tiered TEXT NOT NULL
);
${appendOnly('draw_facts')}
INSERT INTO draw_facts(draw_id, algorithm, joint, draw_date, rates, tiered)
  SELECT id, json_extract(evidence, '$.algorithm'), json_extract(evidence, '$.draw.joint'),
         substr(json_extract(evidence, '$.draw.createdAt'), 1, 10),
         COALESCE(json_extract(evidence, '$.snapshot.rules.rates.' || level), '{}'),
         COALESCE(json_extract(evidence, '$.snapshot.rules.tiered'), '[]')
  FROM draws;

CREATE TABLE draw_strata (
  draw_id TEXT NOT NULL REFERENCES draws(id),
  ord INTEGER NOT NULL,
  region TEXT NOT NULL,
  class TEXT NOT NULL,
  tier TEXT,
  population INTEGER NOT NULL,
  quota INTEGER NOT NULL,
  credited INTEGER NOT NULL,
  pool INTEGER NOT NULL,
  selected INTEGER NOT NULL,
  PRIMARY KEY (draw_id, ord)
);
${appendOnly('draw_strata')}
INSERT INTO draw_strata(draw_id, ord, region, class, tier, population, quota, credited, pool, selected)
  SELECT d.id, CAST(s.key AS INTEGER) + 1, json_extract(s.value, '$.region'), json_extract(s.value, '$.class'),
         json_extract(s.value, '$.tier'), json_extract(s.value, '$.population'), json_extract(s.value, '$.quota'),
         COALESCE(json_extract(s.value, '$.credited'), 0), json_extract(s.value, '$.pool'), json_extract(s.value, '$.selected')
  FROM draws d, json_each(d.evidence, '$.strata') s;
`,
  // 3: the draw ceremony — a 'commit' ledger entry fixes a draw's snapshot and parameters before
  // its entropy exists (sj draw commit / reveal). SQLite cannot alter a CHECK, so the ledger is
  // rebuilt: same columns, rows copied verbatim (every hash unchanged), triggers recreated.
  `
DROP TRIGGER ledger_no_update;
DROP TRIGGER ledger_no_delete;
CREATE TABLE ledger_v3 (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('draw', 'void', 'substitution', 'results', 'commit')),
  ref TEXT NOT NULL,
  at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL
);
INSERT INTO ledger_v3(seq, type, ref, at, prev_hash, payload_hash, hash, payload)
  SELECT seq, type, ref, at, prev_hash, payload_hash, hash, payload FROM ledger ORDER BY seq;
DROP TABLE ledger;
ALTER TABLE ledger_v3 RENAME TO ledger;
${appendOnly('ledger')}

-- one row per commit: its ledger entry's payload and the committed snapshots (canonical JSON, in draw order)
CREATE TABLE commitments (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  quarter TEXT NOT NULL,
  rules_id INTEGER,
  at TEXT NOT NULL,
  payload TEXT NOT NULL,
  snapshots TEXT NOT NULL
);
${appendOnly('commitments')}

-- the draw ids a commit reserves (never reused, even when the commit is voided)
CREATE TABLE commitment_draws (
  draw_id TEXT PRIMARY KEY,
  commit_id TEXT NOT NULL REFERENCES commitments(id),
  ord INTEGER NOT NULL
);
${appendOnly('commitment_draws')}

-- how a commit ended: revealed (seq = its first draw's entry) or voided (seq = the void entry); at most once
CREATE TABLE commitment_ends (
  commit_id TEXT PRIMARY KEY REFERENCES commitments(id),
  kind TEXT NOT NULL CHECK (kind IN ('reveal', 'void')),
  seq INTEGER NOT NULL UNIQUE,
  reason TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL
);
${appendOnly('commitment_ends')}
`,
  // 4: what report and check need of a short stratum, stored at draw time so that they never
  // parse evidence (issue 13): the snapshot's excluded objects counted by their own region, class
  // and reason (sj verify holds them equal to the evidence).
  `
CREATE TABLE draw_exclusions (
  draw_id TEXT NOT NULL,
  region TEXT NOT NULL,
  class TEXT NOT NULL,
  reason TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (draw_id, region, class, reason)
) WITHOUT ROWID;
${appendOnly('draw_exclusions')}
INSERT INTO draw_exclusions(draw_id, region, class, reason, n)
  SELECT d.id, json_extract(o.value, '$.region'), json_extract(o.value, '$.class'), json_extract(o.value, '$.excluded'), COUNT(*)
  FROM draws d, json_each(d.evidence, '$.snapshot.objects') o
  WHERE json_type(o.value, '$.excluded') = 'text'
  GROUP BY 1, 2, 3, 4;
`,
  // 5: a draw's evidence (the canonical JSON its ledger entry hashed) in brotli-compressed parts
  // instead of one TEXT value, which at province scale is hundreds of MB and, past about 1.5M
  // objects, more than one JS string can hold (issue 13; io/evidence-store.ts writes and reads
  // them). Existing evidence becomes one 'text' part, byte for byte; draws.evidence is left ''.
  // No foreign key, like draw_exclusions: the parts are written before their draws row (their
  // hash is the ledger entry's), and sj verify judges what a draws row and its parts say.
  `
CREATE TABLE draw_evidence (
  draw_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'items')),
  -- items: the JSON list of member names that lead to the long array the elements belong to
  path TEXT,
  data BLOB NOT NULL,
  PRIMARY KEY (draw_id, part)
);
${appendOnly('draw_evidence')}
INSERT INTO draw_evidence(draw_id, part, kind, path, data) SELECT id, 0, 'text', NULL, sj_compress_text(evidence) FROM draws WHERE evidence <> '';
DROP TRIGGER draws_no_update;
UPDATE draws SET evidence = '';
CREATE TRIGGER draws_no_update BEFORE UPDATE ON draws BEGIN SELECT RAISE(ABORT, 'draws is append-only'); END;
`,
  // 6: report and check count from indexes alone (issue 13: reading the wide rows cost tenths of
  // a second at 100k): the active objects per region and class, current or as of an instant; the
  // joint tasks of a draw per region (the year's joint share, the other tasks counted by strata)
  `
CREATE INDEX objects_active ON objects(region, class, valid_to, valid_from) WHERE in_roster = 1 AND status = 'active';
CREATE INDEX draw_tasks_joint ON draw_tasks(draw_id, region) WHERE joint = 1;
`,
  // 7: report and check count the live tasks per draw and region from one covering index, in its
  // order (issue 13: grouping them by quarter and row sorted every task; io/report-figures.ts)
  `
CREATE INDEX draw_tasks_figures ON draw_tasks(draw_id, region, class, tier, method, joint, object_region, object_id, task_no);
`,
  // 8: the annual fairness figures read each draw's members (its strata's objects, their county
  // and exclusion) from one row stored at draw time, not from its evidence (issue 13). Its rows
  // are now migration 10's: the table is made here as it was, and filled there.
  `
CREATE TABLE draw_members (
  draw_id TEXT PRIMARY KEY,
  tiers TEXT NOT NULL,
  regions TEXT NOT NULL,
  reasons TEXT NOT NULL,
  ids TEXT NOT NULL,
  places BLOB NOT NULL
);
${appendOnly('draw_members')}`,
  // 9: report and check read the results in force of the tasks, and their publication stamps,
  // from covering indexes, without reading their rows (issue 13: a row read per result was a
  // large part of `check --year` at 100k; io/report-figures.ts resultCounts)
  `
CREATE INDEX results_figures ON results(task_no, date, outcome, fine_fen, rectified, confidential, published_on) WHERE current = 1;
CREATE INDEX published_figures ON published(task_no, date);
`,
  // 10: draw_members also holds where each id ends in its JSON and the draw's selections as
  // member positions, so that the annual report reads no task and makes no string per member
  // (issue 13). Its rows are now migration 11's: the table is made here as it was, and filled there.
  `
DROP TABLE draw_members;
CREATE TABLE draw_members (
  draw_id TEXT PRIMARY KEY,
  tiers TEXT NOT NULL,
  regions TEXT NOT NULL,
  reasons TEXT NOT NULL,
  ids TEXT NOT NULL,
  id_ends BLOB,
  places BLOB NOT NULL,
  picks BLOB NOT NULL
);
${appendOnly('draw_members')}`,
  // 11: every object has a number of its own, the vid of its first version, kept by each later
  // version (the import writes it; the trigger numbers a row written by other means); draw_members
  // holds the members' numbers instead of their ids, so that the annual report reads 4 bytes per
  // member and numbers nothing (issue 13: the ids' JSON and its numbering were a fifth of it at
  // 100k). Rebuilt from the evidence of every draw made before.
  (db) => {
    db.exec(`
ALTER TABLE objects ADD COLUMN num INTEGER;
UPDATE objects SET num = f.first FROM (SELECT id, MIN(vid) AS first FROM objects GROUP BY id) AS f WHERE f.id = objects.id;
CREATE TRIGGER objects_num AFTER INSERT ON objects WHEN NEW.num IS NULL BEGIN
  UPDATE objects SET num = COALESCE((SELECT o.num FROM objects o WHERE o.id = NEW.id AND o.vid <> NEW.vid AND o.num IS NOT NULL LIMIT 1), NEW.vid)
  WHERE vid = NEW.vid;
END;
DROP TABLE draw_members;
CREATE TABLE draw_members (
  draw_id TEXT PRIMARY KEY,
  tiers TEXT NOT NULL,
  regions TEXT NOT NULL,
  reasons TEXT NOT NULL,
  nums BLOB NOT NULL,
  places BLOB NOT NULL,
  picks BLOB NOT NULL
);
${appendOnly('draw_members')}`);
    backfillDrawMembers(db);
  },
  // 12: the tasks of each draw counted per (region, class, tier), with their on-site and joint
  // ones, stored at draw time: report and check read a few hundred rows instead of aggregating
  // every task (issue 13: that aggregate was two fifths of the year table at 100k tasks); filled
  // from draw_tasks for the draws made before
  `
CREATE TABLE draw_task_counts (
  draw_id TEXT NOT NULL REFERENCES draws(id),
  region TEXT NOT NULL,
  class TEXT NOT NULL,
  tier TEXT,
  tasks INTEGER NOT NULL,
  onsite INTEGER NOT NULL,
  joint INTEGER NOT NULL
);
CREATE INDEX draw_task_counts_draw ON draw_task_counts(draw_id, region, class, tier);
${appendOnly('draw_task_counts')}
INSERT INTO draw_task_counts(draw_id, region, class, tier, tasks, onsite, joint)
  SELECT draw_id, region, class, tier, COUNT(*), COUNT(CASE WHEN method = 'onsite' THEN 1 END), COUNT(CASE WHEN joint = 1 THEN 1 END)
  FROM draw_tasks GROUP BY draw_id, region, class, tier;
`,
  // 13: the results in force counted per (draw, task region, inspection date, publication date,
  // confidential), kept by triggers as results are recorded, corrected and published: report and
  // check read a few thousand rows instead of every result with its publication stamp (issue 13:
  // that read was a third of `check --year` at 100k results). The index results_figures served
  // that read and goes. Filled from the results recorded before.
  `
DROP INDEX IF EXISTS results_figures;
CREATE TABLE result_counts (
  draw_id TEXT NOT NULL,
  region TEXT NOT NULL,
  date TEXT NOT NULL,
  pub TEXT NOT NULL,
  confidential INTEGER NOT NULL,
  ${RESULT_COUNT_COLUMNS.map((c) => `${c} INTEGER NOT NULL`).join(',\n  ')},
  PRIMARY KEY (draw_id, region, date, pub, confidential)
) WITHOUT ROWID;
INSERT INTO result_counts ${resultCountsQuery()};
${resultCountTriggers()}`,
];


/** The SQL functions migrations call, registered on the connection before they run. */
export function registerMigrationFunctions(db: DB): void {
  db.function('sj_compress_text', { deterministic: true }, (text: unknown) => compressText(String(text)));
}

/** Apply migration i (0-based) on a connection whose migration functions are registered. */
export function runMigration(db: DB, i: number): void {
  const m = MIGRATIONS[i]!;
  if (typeof m === 'string') db.exec(m);
  else m(db);
}

export const SCHEMA_VERSION = MIGRATIONS.length;
