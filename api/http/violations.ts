import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { rows } from '../db/client.js';
import type { AppEnv } from './context.js';
import { clientIp } from './rate-limit.js';

/** Tenant tables whose ids a request may name. */
export type ProbedTable = 'people' | 'praise' | 'surveys';

/**
 * Called when an id named by a request is not in the caller's tenant. The caller answers 404
 * exactly as for an id that exists nowhere; afterwards, outside the request's transaction and
 * off its timing, the owner connection looks the id up across tenants and, when another tenant
 * holds it, records a `tenant_violation_attempt`.
 */
export function reportUnknownId(c: Context<AppEnv>, table: ProbedTable, id: string): void {
  const credential = c.get('credential');
  if (credential.kind === 'none' || credential.kind === 'platform') return;
  const { deps, requestId } = c.var;
  const ip = clientIp(c);
  const path = c.req.path;
  c.get('afterwards').push(async () => {
    const [owner] = await rows<{ tenant_id: string }>(
      deps.database.db,
      sql`select tenant_id from ${sql.identifier('app')}.${sql.identifier(table)} where id = ${id}::uuid limit 1`,
    );
    if (!owner || owner.tenant_id === credential.tenantId) return;
    deps.events.record({
      type: 'tenant_violation_attempt',
      tenantId: credential.tenantId,
      targetTenantId: owner.tenant_id,
      actor: credential.principal,
      requestId,
      ip,
      details: { reason: `${table} id of another tenant`, table, id, path },
    });
  });
}
