import type { Context } from 'hono';
import type { SQL } from 'drizzle-orm';
import { recordPlatformAudit, tenantAuditStatement } from '../modules/audit/audit.service.js';
import type { AppEnv } from './context.js';
import type { Permission } from './permissions.js';

/** What a handler may say about its change (`c.set('audit', …)`); everything else is known here. */
export interface AuditNote {
  /** Overrides the action named after the permission (e.g. `praise.unreact`). */
  action?: string;
  /** For platform actions: the tenant acted on. */
  tenantId?: string;
  targetType?: string;
  targetId?: string;
  /** Ids, counts, names of things; never text that people wrote, never a secret. */
  details?: Record<string, unknown>;
}

/** The action a successful write records when its handler names none. */
const ACTIONS: Partial<Record<Permission, string>> = {
  'praise.write': 'praise.create',
  'praise.delete': 'praise.delete',
  'praise.react': 'praise.react',
  'directory.write': 'directory.upsert',
  'directory.erase': 'person.erase',
  'tokens.mint': 'tokens.mint',
  'tokens.revoke': 'tokens.revoke',
};

/**
 * Whether this request changed state and must leave an entry: a write (not GET/HEAD/OPTIONS)
 * that succeeded, and that was not the replay of an earlier `Idempotency-Key` response (the
 * first request left the entry; the retry changed nothing).
 */
export function changedState(c: Context<AppEnv>): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return false;
  if (c.error || c.res.status >= 400) return false;
  return c.res.headers.get('idempotent-replayed') !== 'true';
}

/** The INSERT of this request's tenant audit entry, or nothing when it changed nothing. */
export function tenantAuditFor(c: Context<AppEnv>, permission: Permission): SQL | undefined {
  const credential = c.get('credential');
  if (credential.kind !== 'user' && credential.kind !== 'tenant_key') return undefined;
  if (!changedState(c)) return undefined;
  const note = c.get('audit') ?? {};
  return tenantAuditStatement({
    tenantId: credential.tenantId,
    ...(credential.kind === 'user'
      ? { actorKind: 'user' as const, actorId: credential.personId, credential: `jti:${credential.claims.jti}` }
      : { actorKind: 'tenant_key' as const, actorId: credential.keyId, credential: `key:${credential.keyId}` }),
    requestId: c.get('requestId'),
    action: note.action ?? ACTIONS[permission] ?? permission,
    targetType: note.targetType,
    targetId: note.targetId,
    details: note.details,
  });
}

/** Records a successful platform-key write in the platform trail (owner connection). */
export async function recordPlatformRequest(c: Context<AppEnv>, permission: Permission): Promise<void> {
  if (c.get('credential').kind !== 'platform' || !changedState(c)) return;
  const note = c.get('audit') ?? {};
  await recordPlatformAudit(c.get('deps').database.db, {
    actor: 'platform',
    requestId: c.get('requestId'),
    action: note.action ?? permission,
    tenantId: note.tenantId,
    targetType: note.targetType,
    targetId: note.targetId,
    details: note.details,
  });
}
