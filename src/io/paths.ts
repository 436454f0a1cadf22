import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The package root (holds rules/, fixtures/), whether running from dist/ or src/. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const FIXTURES_DIR = join(PACKAGE_ROOT, 'fixtures');
