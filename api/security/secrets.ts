import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tenant API keys: recognisable in a leak scan by their prefix, 256 random bits after it. */
export const API_KEY_PREFIX = 'grove_sk_';

export function newApiKey(): { key: string; hint: string; hash: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hint: key.slice(0, API_KEY_PREFIX.length + 4), hash: sha256(key) };
}

/**
 * A plain SHA-256 suffices for API keys and tokens (unlike passwords): they carry 256 bits of
 * entropy, so there is nothing to brute-force, and lookup stays one indexed equality.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
