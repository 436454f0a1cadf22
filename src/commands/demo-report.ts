import type { App } from './app.js';
import type { DB } from '../io/db.js';

/** placeholder until report/check exist */
export async function demoReport(_app: App, _db: DB, _outDir: string, _quarter: string, _json: boolean): Promise<Record<string, unknown>> {
  return {};
}
