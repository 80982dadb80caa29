/**
 * The sealed run input both sealers write: `v1.<encrypted data key>.<iv>.<tag>.<ciphertext>`, each
 * part base64url. The input's JSON is encrypted with AES-256-GCM under a fresh 256-bit data key,
 * with the job result id as additional authenticated data; the data key travels encrypted by the
 * key service (KMS, or the local server's process key), bound to the same job result id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedInputError } from '../../core/errors';

const VERSION = 'v1';
const KEY_BYTES = 32;
/** AES-GCM IV and authentication tag sizes, in bytes. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const PART = /^[A-Za-z0-9_-]+$/;

/** A data key as a key service hands it out: in the clear, and encrypted for the envelope. */
export interface DataKey {
  readonly plaintext: Uint8Array;
  readonly encrypted: Uint8Array;
}

export interface SealedInputEnvelope {
  readonly encryptedKey: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/** AES-256-GCM output: a fresh 96-bit IV, the 128-bit tag and the ciphertext. */
export interface GcmSealed {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key`, `aad` (UTF-8) as additional authenticated data.
 * Does not wipe the key: callers that own it do.
 */
export function gcmSeal(key: Uint8Array, plaintext: Uint8Array, aad: string): GcmSealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/**
 * Decrypts and authenticates what gcmSeal produced; throws (a plain Error from node:crypto) if it was
 * tampered with or sealed under another key or `aad`. Does not wipe the key.
 */
export function gcmOpen(key: Uint8Array, sealed: GcmSealed, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** Seals `data` under the data key, then wipes the plaintext key. */
export function sealWithDataKey(key: DataKey, data: Record<string, unknown>, jobResultId: string): string {
  try {
    if (key.plaintext.byteLength !== KEY_BYTES) throw new Error('The data key is not 256 bits long.');
    const { iv, tag, ciphertext } = gcmSeal(
      key.plaintext,
      Buffer.from(JSON.stringify(data), 'utf8'),
      jobResultId,
    );
    return [VERSION, Buffer.from(key.encrypted), iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  } finally {
    key.plaintext.fill(0);
  }
}

/** Splits a sealed input into its parts; anything that is not a `v1` envelope is a SealedInputError. */
export function parseSealedInput(sealed: string): SealedInputEnvelope {
  const parts = sealed.split('.');
  const [version, encryptedKey, iv, tag, ciphertext, ...extra] = parts;
  if (
    version !== VERSION ||
    encryptedKey === undefined ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    extra.length > 0 ||
    ![encryptedKey, iv, tag, ciphertext].every((part) => PART.test(part))
  ) {
    throw new SealedInputError('The sealed input is malformed.');
  }
  const envelope = {
    encryptedKey: Buffer.from(encryptedKey, 'base64url'),
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (envelope.iv.length !== IV_BYTES || envelope.tag.length !== TAG_BYTES) {
    throw new SealedInputError('The sealed input is malformed.');
  }
  return envelope;
}

/**
 * Decrypts and authenticates the envelope's input with its (already decrypted) data key, then wipes
 * the key. A tampered envelope, or one sealed for another job result, is a SealedInputError.
 */
export function openWithDataKey(
  envelope: SealedInputEnvelope,
  plaintextKey: Uint8Array,
  jobResultId: string,
): Record<string, unknown> {
  let json: string;
  try {
    if (plaintextKey.byteLength !== KEY_BYTES) throw new Error('The data key is not 256 bits long.');
    json = gcmOpen(plaintextKey, envelope, jobResultId).toString('utf8');
  } catch (cause) {
    throw new SealedInputError(undefined, { cause });
  } finally {
    plaintextKey.fill(0);
  }
  const data: unknown = JSON.parse(json);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SealedInputError('The sealed input is not an object.');
  }
  return data as Record<string, unknown>;
}

/** A fresh data key in the clear, for a key service that wraps it itself (the local sealer). */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
