import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a 96-bit random nonce and a 128-bit tag, the context bound in as
 * additional authenticated data: a sealed value moved to another context fails to open.
 * Format: `v1.<base64url(nonce | ciphertext | tag)>`.
 */
const NONCE = 12;
const TAG = 16;

export function seal(key: Buffer, plaintext: Buffer | string, context: string): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `v1.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

export function open(key: Buffer, sealed: string, context: string): Buffer {
  if (!sealed.startsWith('v1.')) throw new Error('Unknown envelope version');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < NONCE + TAG) throw new Error('Envelope too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE), { authTagLength: TAG });
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(raw.length - TAG));
  return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]);
}
