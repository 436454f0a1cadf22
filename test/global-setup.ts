/**
 * Vitest's global setup: compile src/ to dist/ once before any test file runs, however vitest is
 * started (`npm test`, `npx vitest run test/x.test.ts`, an editor). Many tests spawn bin/sj.js,
 * which runs dist/: without this, a run after editing src/ would test the stale build.
 * SJ_SKIP_BUILD=1 skips it (a build just made, or several runs in a row).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT } from './helpers.js';

export default function setup(): void {
  if (process.env.SJ_SKIP_BUILD === '1') return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    // tsc has printed the errors; the tests would run against a build that is not the source
    throw new Error('the build (tsc -p tsconfig.json) failed: fix it, or set SJ_SKIP_BUILD=1 to test dist/ as it is');
  }
}
