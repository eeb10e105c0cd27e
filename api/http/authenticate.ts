import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { apiKeys } from '../db/schema/tenants.js';
import { API_KEY_PREFIX, safeEqual, sha256 } from '../security/secrets.js';
import { TokenError } from '../security/tokens.js';
import type { AppEnv, Credential } from './context.js';
import { Problem } from './problems.js';
import { clientIp } from './rate-limit.js';

const TOKEN_QUERY_PARAMS = ['access_token', 'token', 'jwt', 'api_key'];

/**
 * Resolves the request's credential from the Authorization header, and only from there: the
 * tenant always comes from a verified credential, never from a body or query field.
 * `Bearer grove_sk_…` is a tenant API key, `Bearer <platform key>` the platform, any other
 * bearer a widget token. What the credential may do is decided by `requires()`.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (TOKEN_QUERY_PARAMS.some((p) => url.searchParams.has(p))) throw new Problem('token-in-url');

    const header = c.req.header('authorization');
    if (!header) {
      c.set('credential', { kind: 'none' });
      return next();
    }
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,4096})$/.exec(header);
    try {
      if (!match?.[1]) throw new Problem('unauthorized', 'Use "Authorization: Bearer <credential>".');
      c.set('credential', await resolve(c, match[1]));
    } catch (error) {
      if (error instanceof Problem && error.code === 'unauthorized' && !isRoutineExpiry(error)) countFailure(c, match?.[1] ?? header);
      throw error;
    }
    return next();
  };
}

/** Expired tokens are routine (widgets refresh on a 401): they are not an attack. */
function isRoutineExpiry(problem: Problem): boolean {
  return problem.extensions.reason === 'expired';
}

/**
 * Counts the refusal per IP and per credential fingerprint; the failure that reaches the
 * threshold in a window records one `authentication_failures` event. The fingerprint is a
 * digest prefix of what was presented: it tells sources apart and reveals nothing.
 */
function countFailure(c: Parameters<MiddlewareHandler<AppEnv>>[0], presented: string): void {
  const { authFailures, events } = c.get('deps');
  const ip = clientIp(c);
  const fingerprint = sha256(presented).slice(0, 16);
  const sources: Array<[string, string]> = [['credential', fingerprint]];
  if (ip) sources.push(['ip', ip]);
  for (const [by, value] of sources) {
    const failures = authFailures.fail(`${by}:${value}`);
    if (failures === 0) continue;
    events.record({
      type: 'authentication_failures',
      requestId: c.get('requestId'),
      ip,
      details: { by, ...(by === 'credential' ? { fingerprint } : {}), failures, windowSeconds: authFailures.windowMs / 1000, path: c.req.path },
    });
  }
}

async function resolve(c: Parameters<MiddlewareHandler<AppEnv>>[0], secret: string): Promise<Credential> {
  const { deps } = c.var;
  if (safeEqual(secret, deps.config.platformKey)) return { kind: 'platform', principal: 'platform' };

  if (secret.startsWith(API_KEY_PREFIX)) {
    const now = new Date();
    const [key] = await deps.database.db
      .select({ id: apiKeys.id, tenantId: apiKeys.tenantId })
      .from(apiKeys)
      .where(and(eq(apiKeys.secretHash, sha256(secret)), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))))
      .limit(1);
    if (!key) {
      deps.events.record({
        type: 'api_key_rejected',
        requestId: c.get('requestId'),
        ip: clientIp(c),
        details: { hint: secret.slice(0, API_KEY_PREFIX.length + 4), path: c.req.path },
      });
      throw new Problem('unauthorized', 'Unknown, rotated or expired API key.');
    }
    return { kind: 'tenant_key', tenantId: key.tenantId, keyId: key.id, principal: `key:${key.id}` };
  }

  try {
    const claims = await deps.tokens.verify(secret);
    return { kind: 'user', tenantId: claims.tid, personId: claims.sub, claims, principal: `user:${claims.sub}` };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    if (error.reason !== 'expired') {
      // Expired tokens are routine (widgets refresh); anything else is worth a look.
      deps.events.record({
        type: 'token_rejected',
        requestId: c.get('requestId'),
        ip: clientIp(c),
        details: { reason: error.reason, path: c.req.path, origin: c.req.header('origin') ?? null },
      });
    }
    throw new Problem('unauthorized', `The token was refused (${error.reason}).`, { reason: error.reason });
  }
}
