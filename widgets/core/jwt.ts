/** What the widgets read from a token. The signature is the API's business, not ours. */
export interface TokenClaims {
  exp?: number;
  iat?: number;
  locale?: string;
}

/**
 * Decodes a JWT payload (base64url JSON) without verifying it.
 * Returns `null` for anything that is not a three-part token with a JSON object payload.
 *
 * @example decodeJwtPayload(token)?.exp // seconds since the epoch
 */
export function decodeJwtPayload(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (!part || token.split('.').length !== 3) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as TokenClaims) : null;
  } catch {
    return null;
  }
}

/** Refresh this long before `exp` when the token lives long enough. */
export const REFRESH_LEAD_MS = 30_000;

/**
 * When (epoch ms) a token obtained at `obtainedAt` should be replaced: 30 s before `exp`, or at
 * half of its remaining life for tokens too short for that (a 40 s token is refreshed after 20 s).
 * A token without `exp` is refreshed at once on next use.
 */
export function refreshAt(claims: TokenClaims | null, obtainedAt: number): number {
  if (!claims || typeof claims.exp !== 'number') return obtainedAt;
  const expMs = claims.exp * 1000;
  const life = expMs - obtainedAt;
  if (life <= 0) return obtainedAt;
  return life > REFRESH_LEAD_MS * 2 ? expMs - REFRESH_LEAD_MS : obtainedAt + life / 2;
}
