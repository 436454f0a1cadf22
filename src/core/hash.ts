import * as crypto from 'node:crypto';
import { canonicalChunks } from './canonical.js';

type OneShot = (algorithm: string, data: string, outputEncoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** H(s) of sj-draw/1: SHA-256 of the UTF-8 bytes of s, 64 lowercase hex digits. */
export const H: (s: string) => string = oneShot
  ? (s) => oneShot('sha256', s, 'hex')
  : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

export const ZERO_HASH = '0'.repeat(64);

/**
 * H(canonical(x)) fed to SHA-256 in chunks, so evidence of any size is hashed without one
 * string holding all of its canonical JSON.
 */
export function hashCanonical(x: unknown): string {
  const h = crypto.createHash('sha256');
  canonicalChunks(x, (s) => h.update(s, 'utf8'));
  return h.digest('hex');
}
