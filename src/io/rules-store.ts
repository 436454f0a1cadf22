/**
 * Rules per year, stored versioned in the `rules` table. Rows are never updated or deleted:
 * a new version is a new row, and a draw records the id it used, so its rules never change
 * under it. The bundled default (rules/hengshui-2023.json) is stored on first use, so every
 * draw can reference a rules id.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rulesHash, validateRules, type SjRules } from '../core/rules.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoUtc, now, today } from './clock.js';
import { writeTx, type DB } from './db.js';
import { RULES_DIR } from './paths.js';

export const BUNDLED_RULES_FILE = 'hengshui-2023.json';
export const BUNDLED_SOURCE = `bundled:rules/${BUNDLED_RULES_FILE}`;

export interface StoredRules {
  id: number;
  /** the year the row was stored for (the year asked for, or an earlier one it carries over from) */
  year: number;
  hash: string;
  rules: SjRules;
  source: string;
  at: string;
}

interface Row {
  id: number;
  year: number;
  hash: string;
  body: string;
  source: string;
  at: string;
}

const fromRow = (r: Row): StoredRules => ({ id: r.id, year: r.year, hash: r.hash, rules: JSON.parse(r.body) as SjRules, source: r.source, at: r.at });

let bundled: SjRules | undefined;

/** The bundled default rules (validated once; an invalid bundle is a programming error). */
export function loadBundledRules(): SjRules {
  if (!bundled) {
    const v = validateRules(JSON.parse(readFileSync(join(RULES_DIR, BUNDLED_RULES_FILE), 'utf8')));
    if (!v.rules) throw new Error(`bundled rules are invalid: ${v.problems.join('; ')}`);
    bundled = v.rules;
  }
  return structuredClone(bundled);
}

/** Run a write in a transaction, or inside the caller's if one is open. */
function write<T>(db: DB, fn: () => T): T {
  return db.inTransaction ? fn() : writeTx(db, fn);
}

function newestOf(db: DB, year: number): Row | undefined {
  return db.prepare('SELECT * FROM rules WHERE year = ? ORDER BY id DESC LIMIT 1').get(year) as Row | undefined;
}

/**
 * The rules in force for a year: the newest stored version of that year; else the newest
 * version of the nearest earlier year; else the bundled default (stored on first use).
 */
export function rulesForYear(db: DB, year: number): StoredRules {
  const own = db.prepare('SELECT * FROM rules WHERE year <= ? ORDER BY year DESC, id DESC LIMIT 1').get(year) as Row | undefined;
  if (own) return fromRow(own);
  const def = loadBundledRules();
  const hash = rulesHash(def);
  const find = () => db.prepare('SELECT * FROM rules WHERE hash = ? AND source = ? ORDER BY id LIMIT 1').get(hash, BUNDLED_SOURCE) as Row | undefined;
  const found = find();
  if (found) return fromRow(found);
  if (db.readonly) {
    // cannot record it: the default as it is, without an id
    return { id: 0, year: def.year, hash, rules: def, source: BUNDLED_SOURCE, at: '' };
  }
  return fromRow(
    write(db, () => {
      const again = find();
      if (again) return again;
      const at = isoUtc(now());
      const info = db.prepare('INSERT INTO rules(year, hash, body, source, at) VALUES (?, ?, ?, ?, ?)').run(def.year, hash, JSON.stringify(def), BUNDLED_SOURCE, at);
      return { id: Number(info.lastInsertRowid), year: def.year, hash, body: JSON.stringify(def), source: BUNDLED_SOURCE, at };
    }),
  );
}

/** A stored version by id (what a draw recorded). */
export function rulesById(db: DB, id: number): StoredRules | undefined {
  const r = db.prepare('SELECT * FROM rules WHERE id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : undefined;
}

/** Every stored version, oldest first. */
export function listRules(db: DB): Omit<StoredRules, 'rules'>[] {
  return (db.prepare('SELECT id, year, hash, source, at FROM rules ORDER BY year, id').all() as Omit<Row, 'body'>[]).map((r) => ({ ...r }));
}

/** Read and validate a rules file; throws SjError listing every problem. */
export function readRulesFile(file: string): { rules: SjRules; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  } catch (e) {
    throw new SjError(t('rules.cannotRead', { file, message: (e as Error).message }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SjError(t('rules.badJson', { file, message: (e as Error).message }));
  }
  const v = validateRules(json);
  if (!v.rules) {
    throw new SjError(t('rules.invalid', { file, n: v.problems.length }), {
      problems: v.problems.map((problem) => ({ file: basename(file), problem })),
      details: { problems: v.problems, warnings: v.warnings },
    });
  }
  return { rules: v.rules, warnings: v.warnings };
}

export interface UseResult {
  id: number;
  year: number;
  hash: string;
  /** the newest version of that year already had this hash: no new row */
  unchanged: boolean;
  warnings: string[];
}

/**
 * Validate a rules file and store it as the newest version for `year` (default: the file's
 * `year`). The same content as the newest version of that year stores nothing.
 */
export function useRules(db: DB, file: string, year?: number): UseResult {
  const { rules, warnings } = readRulesFile(file);
  const y = year ?? rules.year;
  if (rules.year !== y) throw new SjError(t('rules.yearMismatch', { file, fileYear: rules.year, year: y }), { hint: t('rules.yearMismatchHint') });
  const hash = rulesHash(rules);
  return write(db, () => {
    const newest = newestOf(db, y);
    if (newest && newest.hash === hash) return { id: newest.id, year: y, hash, unchanged: true, warnings };
    const info = db
      .prepare('INSERT INTO rules(year, hash, body, source, at) VALUES (?, ?, ?, ?, ?)')
      .run(y, hash, JSON.stringify(rules), `file:${basename(file)}`, isoUtc(now()));
    return { id: Number(info.lastInsertRowid), year: y, hash, unchanged: false, warnings };
  });
}

/** Tier codes of the rules in force for a year (default: this year in China); import validates tiers against them. */
export function tierCodesInForce(db: DB, year?: number): string[] {
  const y = year ?? Number(today().slice(0, 4));
  return rulesForYear(db, y).rules.tiers.map((t) => t.code);
}
