import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Executor, Tx } from '../../db/client.js';
import { auditLog, platformAuditLog, type AuditActorKind } from '../../db/schema/audit-log.js';
import { decodeIdCursor, encodeIdCursor } from '../../shared/cursor.js';

export interface TenantAuditEntry {
  tenantId: string;
  actorKind: AuditActorKind;
  actorId: string;
  credential: string;
  requestId: string;
  action: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * The INSERT of one tenant audit entry, as a statement the unit of work sends together with its
 * COMMIT. Raw SQL with a text-to-jsonb cast, so both drivers bind every value as text.
 */
export function tenantAuditStatement(entry: TenantAuditEntry): SQL {
  return sql`insert into ${auditLog} (tenant_id, id, actor_kind, actor_id, credential, request_id, action, target_type, target_id, details)
    values (${entry.tenantId}, ${uuidv7()}, ${entry.actorKind}, ${entry.actorId}, ${entry.credential}, ${entry.requestId},
            ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null}, ${JSON.stringify(entry.details ?? {})}::text::jsonb)`;
}

export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
}

/** The tenant's trail, newest first (keyset on the UUIDv7 id), read inside its unit of work. */
export async function listAuditLog(tx: Tx, tenantId: string, query: AuditQuery) {
  const where: SQL[] = [eq(auditLog.tenantId, tenantId)];
  if (query.cursor) where.push(lt(auditLog.id, decodeIdCursor(query.cursor)));
  if (query.action) where.push(eq(auditLog.action, query.action));
  if (query.actor) where.push(eq(auditLog.actorId, query.actor));
  if (query.since) where.push(gte(auditLog.at, new Date(query.since)));
  const found = await tx
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(query.limit + 1);
  const more = found.length > query.limit;
  const items = found.slice(0, query.limit).map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    actor: { kind: e.actorKind, id: e.actorId },
    credential: e.credential,
    requestId: e.requestId,
    action: e.action,
    target: e.targetType ? { type: e.targetType, id: e.targetId } : null,
    details: e.details,
  }));
  return { items, nextCursor: more ? encodeIdCursor(items[items.length - 1]!.id) : null };
}

/**
 * Deletes one tenant's whole trail: the only DELETE the append-only trigger admits, and only for
 * the tenant named by `grove.purge_tenant` in this transaction. For tenant deletion, which calls
 * it on the owner connection inside its own transaction (`tx`), after the tenant's data key is gone.
 */
export async function purgeTenantAuditLog(tx: Executor, tenantId: string): Promise<void> {
  // app.tenant_id too: the table's row-level security is forced, even for its owner.
  await tx.execute(sql`select set_config('grove.purge_tenant', ${tenantId}, true), set_config('app.tenant_id', ${tenantId}, true)`);
  await tx.execute(sql`delete from ${auditLog} where tenant_id = ${tenantId}`);
}

export interface PlatformAuditEntry {
  actor: 'platform' | 'cli';
  requestId?: string | undefined;
  action: string;
  tenantId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export async function recordPlatformAudit(db: Executor, entry: PlatformAuditEntry): Promise<void> {
  await db.insert(platformAuditLog).values({
    id: uuidv7(),
    actor: entry.actor,
    requestId: entry.requestId ?? null,
    action: entry.action,
    tenantId: entry.tenantId ?? null,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

export async function listPlatformAuditLog(
  db: Database,
  query: { limit: number; cursor?: string | undefined; tenantId?: string | undefined; action?: string | undefined; since?: string | undefined },
) {
  const where: SQL[] = [];
  if (query.cursor) where.push(lt(platformAuditLog.id, decodeIdCursor(query.cursor)));
  if (query.tenantId) where.push(eq(platformAuditLog.tenantId, query.tenantId));
  if (query.action) where.push(eq(platformAuditLog.action, query.action));
  if (query.since) where.push(gte(platformAuditLog.at, new Date(query.since)));
  const found = await db
    .select()
    .from(platformAuditLog)
    .where(and(...where))
    .orderBy(desc(platformAuditLog.id))
    .limit(query.limit + 1);
  const more = found.length > query.limit;
  const items = found.slice(0, query.limit).map((e) => ({ ...e, at: e.at.toISOString() }));
  return { items, nextCursor: more ? encodeIdCursor(items[items.length - 1]!.id) : null };
}
