import { eq, getTableName, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { rows, type DatabaseHandle } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';
import { apiKeys, tenants } from '../../db/schema/tenants.js';
import { tokenRevocations } from '../../db/schema/token-revocations.js';
import { Problem } from '../../http/problems.js';
import type { DataKeys } from '../../security/data-keys.js';
import { auditLog } from '../../db/schema/audit-log.js';
import { purgeTenantAuditLog } from '../audit/audit.service.js';

export interface DeletedTenant {
  id: string;
  /** Data-key versions destroyed by this call (0 when an earlier, interrupted call did it). */
  dataKeysDestroyed: number;
  rowsDeleted: number;
}

/**
 * Deletes a tenant, crypto-shredding first: its data keys are destroyed (and evicted from this
 * instance; others drop them within the key cache's lifetime), so every byte it wrote is
 * unreadable at once, in the database and in every backup, before the slower work starts.
 * Then its API keys go (no credential of it works any more), then its rows, table by table in
 * batches that are each a tenant unit of work, then the tenant itself. Interrupted, it can be
 * called again and carries on.
 */
export async function deleteTenant(
  database: DatabaseHandle,
  dataKeys: DataKeys,
  tenantId: string,
  options: { batchSize?: number } = {},
): Promise<DeletedTenant> {
  const db = database.db;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw new Problem('not-found', 'No such tenant.');
  const dataKeysDestroyed = await dataKeys.destroy(tenantId);
  await db.delete(apiKeys).where(eq(apiKeys.tenantId, tenantId));
  const batchSize = options.batchSize ?? 1000;
  let rowsDeleted = 0;
  // The audit trail is append-only even for the owner; only this deliberate purge of one whole
  // tenant may remove it (see migration 0005). The platform trail keeps the deletion's record.
  await db.transaction((tx) => purgeTenantAuditLog(tx, tenantId));
  for (const table of appTablesChildrenFirst()) {
    if (table === auditLog) continue;
    const name = sql.raw(`app."${getTableName(table)}"`);
    for (;;) {
      const deleted = await database.withTenant(tenantId, (tx) =>
        rows<{ n: number }>(
          tx,
          sql`with gone as (
                delete from ${name} where ctid = any(array(select ctid from ${name} where tenant_id = ${tenantId} limit ${batchSize}))
                returning 1)
              select count(*)::int as n from gone`,
        ),
      );
      const n = Number(deleted[0]!.n);
      rowsDeleted += n;
      if (n < batchSize) break;
    }
  }
  await db.delete(tokenRevocations).where(eq(tokenRevocations.tenantId, tenantId));
  // Cascades to what is left of it on the platform side: data-key records, rotation progress.
  await db.delete(tenants).where(eq(tenants.id, tenantId));
  dataKeys.evict(tenantId);
  return { id: tenantId, dataKeysDestroyed, rowsDeleted };
}

/** Every table of schema `app`, each before the tables it references, so deletes never wait on a key. */
function appTablesChildrenFirst(): PgTable[] {
  const appTables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable) && getTableConfig(v).schema === 'app');
  const ordered: PgTable[] = [];
  const visit = (table: PgTable, seen: Set<PgTable>) => {
    if (ordered.includes(table) || seen.has(table)) return;
    seen.add(table);
    // Tables that reference this one go first.
    for (const other of appTables) {
      if (other === table) continue;
      const refs = getTableConfig(other).foreignKeys.some((fk) => fk.reference().foreignTable === table);
      if (refs) visit(other, seen);
    }
    ordered.push(table);
  };
  for (const table of appTables) visit(table, new Set());
  return ordered;
}
