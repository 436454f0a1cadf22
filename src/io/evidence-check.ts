/**
 * `sj verify --evidence FILE`: an exported evidence file read and recomputed on its own, without
 * a database (core/verify.ts verifyEvidence does the recomputing).
 */
import { readFileSync } from 'node:fs';
import type { Evidence } from '../core/types.js';
import { verifyEvidence } from '../core/verify.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';

/** The evidence in `file` and what its recomputation finds wrong (empty: it holds). An unreadable file is an error. */
export function verifyEvidenceFile(file: string): { evidence?: Evidence; problems: string[] } {
  let ev: Evidence;
  try {
    ev = JSON.parse(readFileSync(file, 'utf8')) as Evidence;
  } catch (e) {
    throw new SjError(t('verify.badFile', { file, why: (e as Error).message }));
  }
  return { evidence: ev, problems: verifyEvidence(ev) };
}
