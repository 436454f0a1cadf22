/** The later steps of `sj demo` (results, publication, statistics, checks), as they exist. */
import type { App } from './app.js';
import type { DB } from '../io/db.js';

export async function demoResults(_app: App, _db: DB, _outDir: string, _quarter: string, _json: boolean): Promise<Record<string, unknown>> {
  return {};
}
