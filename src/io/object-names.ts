/**
 * The name (and industry) of every object ever on the roster (removed ones too: old results
 * still name them), as readRoster(db, 'objects', { includeRemoved: true }) has them, read as
 * two or three columns: a quarter's public list or results table names tens of thousands of
 * objects, and decoding every roster row whole took seconds at 100k objects.
 */
import type { DB } from './db.js';

export function objectNames(db: DB): Map<string, string> {
  const rows = db.prepare('SELECT id, name FROM objects WHERE valid_to IS NULL').raw(true).all() as [string, string][];
  return new Map(rows);
}

export function objectLabels(db: DB): Map<string, { name: string; industry: string }> {
  const rows = db.prepare('SELECT id, name, industry FROM objects WHERE valid_to IS NULL').raw(true).all() as [string, string, string][];
  return new Map(rows.map(([id, name, industry]) => [id, { name, industry }]));
}
