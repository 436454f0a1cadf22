/**
 * Ed25519 keys for signed ledger heads (node:crypto): generating a key pair into files,
 * signing and checking a signature. The private key lives only in its file (mode 0600); nothing
 * here touches the database.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signedText, type HeadStatement, type SignedHead } from '../core/signed-head.js';
import { SjError } from '../errors.js';
import { t } from '../messages/index.js';

export const PRIVATE_KEY_FILE = 'sj-ed25519.key';
export const PUBLIC_KEY_FILE = 'sj-ed25519.pub';

/**
 * Write a new key pair into dir (created if missing). Refuses to overwrite an existing key:
 * losing the private key a bureau has published heads with cannot be undone.
 */
export function generateKeyFiles(dir: string): { privateKey: string; publicKey: string; fingerprint: string } {
  const privateKey = join(dir, PRIVATE_KEY_FILE);
  const publicKey = join(dir, PUBLIC_KEY_FILE);
  for (const f of [privateKey, publicKey]) if (existsSync(f)) throw new SjError(t('keys.exists', { file: f }), { hint: t('keys.existsHint') });
  const pair = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true });
  // the mode is given at creation (never readable by others, not even briefly), and set again
  // in case the umask or an odd file system ignored it
  writeFileSync(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600, flag: 'wx' });
  chmodSync(privateKey, 0o600);
  const pem = publicPem(pair.publicKey);
  writeFileSync(publicKey, pem, { mode: 0o644, flag: 'wx' });
  return { privateKey, publicKey, fingerprint: fingerprint(pair.publicKey) };
}

const publicPem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string;

/** A short, comparable name of a public key: SHA-256 of its SPKI DER, first 16 hex digits. */
export function fingerprint(k: KeyObject): string {
  return createHash('sha256').update(k.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function readKeyText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SjError(t('keys.unreadable', { file, why: (e as Error).message }));
  }
}

function asEd25519(k: KeyObject, file: string): KeyObject {
  if (k.asymmetricKeyType !== 'ed25519') throw new SjError(t('keys.notEd25519', { file, type: String(k.asymmetricKeyType) }));
  return k;
}

export function readPrivateKey(file: string): KeyObject {
  try {
    return asEd25519(createPrivateKey(readKeyText(file)), file);
  } catch (e) {
    if (e instanceof SjError) throw e;
    throw new SjError(t('keys.badPrivate', { file }), { hint: t('keys.badPrivateHint') });
  }
}

/** A public key file: SPKI PEM, or the bare base64 of its DER (as a statement may quote it). */
export function readPublicKey(file: string): KeyObject {
  return parsePublicKey(readKeyText(file), file);
}

export function parsePublicKey(text: string, file: string): KeyObject {
  try {
    const s = text.trim();
    const k = s.startsWith('-----BEGIN')
      ? createPublicKey(s)
      : createPublicKey({ key: Buffer.from(s, 'base64'), format: 'der', type: 'spki' });
    return asEd25519(k, file);
  } catch (e) {
    if (e instanceof SjError) throw e;
    throw new SjError(t('keys.badPublic', { file }));
  }
}

/** Sign a text (its UTF-8 bytes) with an Ed25519 private key: base64 signature, and the public key as PEM. */
export function signText(key: KeyObject, text: string): { signature: string; publicKey: string } {
  return {
    signature: sign(null, Buffer.from(text, 'utf8'), key).toString('base64'),
    publicKey: publicPem(createPublicKey(key)),
  };
}

/** Does signature (base64) sign text under this public key? Malformed signatures are just false. */
export function checkSignature(key: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Sign a head statement: the signed-head document `sj ledger head --sign` prints. */
export function signStatement(key: KeyObject, statement: HeadStatement): SignedHead {
  return { statement, ...signText(key, signedText(statement)) };
}

/** Does the document's signature hold for its statement under this public key? */
export function statementSignatureHolds(key: KeyObject, doc: SignedHead): boolean {
  return checkSignature(key, signedText(doc.statement), doc.signature);
}
