import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ once before the tests (many spawn bin/sj.js); SJ_SKIP_BUILD=1 skips it
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the CPUs: one worker on a 2-core machine, with
    // the other core idle while a test waits on SQLite, Chromium or a spawned CLI
    maxWorkers: Math.max(2, availableParallelism()),
    // the default reporter for people, and a JSON file that .ci/run turns into its closing line
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
