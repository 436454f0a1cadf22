import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.SJ_SHARED ?? join(ROOT, '..', 'shared');
/** copies of ../shared/spec/draw-v1-vectors, so the suite runs without shared/ */
export const SPEC_VECTORS_DIR = join(ROOT, 'fixtures', 'spec-vectors');
/** copies of ../shared/spec/draw-v2-vectors */
export const SPEC_VECTORS_V2_DIR = join(ROOT, 'fixtures', 'spec-vectors-v2');
export const FIXTURES = join(ROOT, 'fixtures');
export const BIN = join(ROOT, 'bin', 'sj.js');
