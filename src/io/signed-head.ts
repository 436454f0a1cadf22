/**
 * Signed ledger heads on disk: signing the database's current head with a private key file
 * (`sj ledger head --sign`), and reading a statement file checked against the auditor's public
 * key file (`sj verify --head FILE --pubkey PUB`). The statement's shape and its comparison with
 * the ledger are core/signed-head.ts's.
 */
import { readFileSync } from 'node:fs';
import { checkSignedHeadShape, headStatement, type SignedHead } from '../core/signed-head.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';
import { isoCst, now } from './clock.js';
import type { DB } from './db.js';
import { fingerprint, readPrivateKey, readPublicKey, signStatement, statementSignatureHolds } from './keys.js';
import { ledgerHead } from './ledger.js';

/** The signed statement of the database's current head, signed now with the key in keyFile. */
export function signCurrentHead(db: DB, keyFile: string): SignedHead {
  const key = readPrivateKey(keyFile);
  return signStatement(key, headStatement(ledgerHead(db), isoCst(now())));
}

/**
 * Read a signed statement and check its signature with the auditor's public key (not the key
 * the file quotes: anyone can quote a key). A bad file or a bad signature is an error: nothing
 * further can be said. Checking it against the ledger is core/signed-head.ts checkHeadAgainstLedger's.
 */
export function readSignedHead(file: string, pubkeyFile: string): { doc: SignedHead; fingerprint: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SjError(t('head.badFile', { file, why: (e as Error).message }));
  }
  const shape = checkSignedHeadShape(doc);
  if (shape.length) throw new SjError(t('head.badShape', { file, why: shape.join('; ') }));
  const signed = doc as SignedHead;
  const key = readPublicKey(pubkeyFile);
  if (!statementSignatureHolds(key, signed)) throw new SjError(t('head.badSignature', { file, pubkey: pubkeyFile }));
  return { doc: signed, fingerprint: fingerprint(key) };
}
