import { and, eq, isNull } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { people } from '../db/schema/people.js';
import type { TenantInfo } from '../modules/platform/tenant-registry.js';
import { recordPlatformRequest, tenantAuditFor } from './audit-trail.js';
import type { AppEnv, Credential } from './context.js';
import { runIdempotent } from './idempotency.js';
import { effectiveScopes, ruleOf, type Permission, type Scope } from './permissions.js';
import { Problem } from './problems.js';
import { clientIp } from './rate-limit.js';
import { TenantKeysDestroyed } from '../security/data-keys.js';
import { tenantFields } from '../security/field-cipher.js';

/** Marks the middleware so a test can prove that every route declares a permission. */
export const PERMISSION = Symbol.for('grove.permission');
export type PermissionMiddleware = MiddlewareHandler<AppEnv> & { [PERMISSION]: Permission };

export interface RequiresOptions {
  /**
   * Tenant credentials run in a tenant transaction unless the route touches only platform
   * tables (token revocation): then `false`.
   */
  transaction?: boolean;
  /** The resource this request acts on, compared with a resource-locked token's `res`. */
  resource?: (c: Context<AppEnv>) => string | undefined;
  /**
   * Whether the stored Idempotency-Key fingerprint covers the body (default) or only method and
   * path. Survey responses: a hash of a body drawn from a small answer space, stored beside the
   * respondent's principal, could be brute-forced back into their answers.
   */
  fingerprintBody?: boolean;
}

/**
 * The one gate every route passes: it checks that the credential may use `permission`, then
 * runs the rest of the request in its unit of work. For tenant credentials that is a single
 * transaction as `grove_app` with the tenant set (rolled back when the request fails, so bad
 * input changes nothing), wrapped in `Idempotency-Key` handling for POSTs. A write that succeeds
 * appends its audit entry as that transaction's last statement (`c.set('audit', …)` adds the
 * target and details); platform-key writes go to the platform trail.
 */
export function requires(permission: Permission, options: RequiresOptions = {}): PermissionMiddleware {
  const rule = ruleOf(permission);
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const credential = c.get('credential');
    c.set('afterwards', []);
    if (rule.credentials.length === 0) return next();
    if (credential.kind === 'none') throw new Problem('unauthorized');
    if (!(rule.credentials as readonly string[]).includes(credential.kind)) {
      throw new Problem('forbidden', `This needs a ${rule.credentials.join(' or ')} credential.`);
    }
    if (credential.kind !== 'platform') {
      // Loaded before the transaction: PGlite's one connection is the transaction's until it ends.
      const tenant = await c.get('deps').tenants.get(credential.tenantId);
      if (!tenant) throw new Problem('unauthorized', 'The credential\'s tenant no longer exists.');
      c.set('tenant', tenant);
      if (credential.kind === 'user') {
        checkOrigin(c, credential, tenant);
        checkResourceLock(c, credential, permission, options);
      }
      // Its data keys too (after the checks that refuse cheaply): sealing and opening inside
      // the unit are then lookups in memory.
      await c.get('deps').cipher.prepare(credential.tenantId, { write: c.req.method !== 'GET' }).catch((error: unknown) => {
        if (error instanceof TenantKeysDestroyed) throw new Problem('unauthorized', 'The credential\'s tenant no longer exists.');
        throw error;
      });
      c.set('fields', tenantFields(c.get('deps').cipher, credential.tenantId, { requestId: c.get('requestId') }));
    }
    try {
      if (credential.kind === 'platform') {
        await runIdempotent(c, next, undefined, options.fingerprintBody);
        await recordPlatformRequest(c, permission);
        return;
      }
      if (options.transaction === false) {
        // The change went to platform tables (revocations): the entry gets a unit of its own.
        await runIdempotent(c, next, undefined, options.fingerprintBody);
        const entry = tenantAuditFor(c, permission);
        if (entry) await c.get('deps').database.withTenant(credential.tenantId, (tx) => tx.execute(entry));
        return;
      }
      await c.get('deps').database
        .withTenant(credential.tenantId, async (tx) => {
          c.set('tx', tx);
          if (credential.kind === 'user') await loadViewer(c, credential, rule.anyScope ?? []);
          await runIdempotent(c, next, tx, options.fingerprintBody);
          if (c.error || c.res.status >= 400) throw ROLLBACK;
        }, { readOnly: c.req.method === 'GET', lastStatement: () => tenantAuditFor(c, permission) })
        .catch((error: unknown) => {
          if (error !== ROLLBACK) throw error;
        });
    } finally {
      // Not awaited: a probe that runs only for foreign ids must not make them answer slower.
      for (const task of c.get('afterwards')) c.get('deps').events.track(task());
    }
  };
  return Object.assign(middleware, { [PERMISSION]: permission });
}

const ROLLBACK = Symbol('rollback');

/**
 * A widget token is valid only on the page origin it was minted for, and only while that origin
 * is still on the tenant's allowlist. A server token (minted without origin) must never be
 * presented by a browser, so any Origin header refuses it.
 */
function checkOrigin(c: Context<AppEnv>, credential: Extract<Credential, { kind: 'user' }>, tenant: TenantInfo) {
  const origin = c.req.header('origin');
  const bound = credential.claims.org;
  const deps = c.get('deps');
  let reason: string | undefined;
  if (!bound) {
    if (origin) reason = 'server token used from a browser origin';
  } else if (origin !== bound) {
    reason = 'token used from another origin than its own';
  } else if (!tenant.origins.includes(bound)) {
    reason = 'origin no longer allowed for the tenant';
  }
  if (!reason) return;
  deps.events.record({
    type: 'tenant_violation_attempt',
    tenantId: credential.tenantId,
    actor: credential.principal,
    requestId: c.get('requestId'),
    ip: clientIp(c),
    details: { reason, tokenOrigin: bound ?? null, requestOrigin: origin ?? null, jti: credential.claims.jti },
  });
  throw new Problem('origin-not-allowed', `This token may not be used from ${origin ?? 'a request without Origin'}.`);
}

function checkResourceLock(
  c: Context<AppEnv>,
  credential: Extract<Credential, { kind: 'user' }>,
  permission: Permission,
  options: RequiresOptions,
) {
  const locked = credential.claims.res;
  if (!locked || ('ignoresResourceLock' in ruleOf(permission) && ruleOf(permission).ignoresResourceLock)) return;
  if (options.resource?.(c) !== locked) throw new Problem('resource-locked', `This token only acts on ${locked}.`);
}

async function loadViewer(
  c: Context<AppEnv>,
  credential: Extract<Credential, { kind: 'user' }>,
  anyScope: readonly Scope[],
) {
  const person = await c.get('deps').viewers.get(credential.tenantId, credential.personId, async () => {
    // An erased person (GDPR art. 17) is a tombstone row: their tokens die with them.
    const [found] = await c.get('tx')
      .select({ role: people.role, managerId: people.managerId, team: people.team })
      .from(people)
      .where(and(eq(people.tenantId, credential.tenantId), eq(people.id, credential.personId), isNull(people.erasedAt)))
      .limit(1);
    if (!found) throw new Problem('unauthorized', 'The token\'s user no longer exists.');
    return found;
  });
  const scopes = effectiveScopes(person.role, credential.claims.scp.split(' '));
  if (anyScope.length > 0 && !anyScope.some((s) => scopes.has(s))) {
    throw new Problem('insufficient-scope', `This needs one of: ${anyScope.join(', ')}.`, { required: anyScope });
  }
  c.set('viewer', { id: credential.personId, tenantId: credential.tenantId, ...person, scopes });
}
