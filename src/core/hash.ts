import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, outputEncoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** H(s) of sj-draw/1: SHA-256 of the UTF-8 bytes of s, 64 lowercase hex digits. */
export const H: (s: string) => string = oneShot
  ? (s) => oneShot('sha256', s, 'hex')
  : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

export const ZERO_HASH = '0'.repeat(64);
