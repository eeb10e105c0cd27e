import { and, desc, eq, gt, isNull, lt, or, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { tenantSettings, type DatabaseHandle } from '../../db/client.js';
import { securityEvents } from '../../db/schema/security-events.js';
import { apiKeys, tenants } from '../../db/schema/tenants.js';
import { Problem } from '../../http/problems.js';
import { newApiKey } from '../../security/secrets.js';
import { newDataKeyRow } from '../../security/data-keys.js';
import type { MasterKeys } from '../../security/master-keys.js';
import { tenantDataKeys } from '../../db/schema/data-keys.js';
import type { CompanyValue } from '../directory/people.schemas.js';
import { replaceValues } from '../directory/people.service.js';
import { decodeIdCursor, encodeIdCursor } from '../../shared/cursor.js';

const view = (t: typeof tenants.$inferSelect) => ({
  id: t.id,
  name: t.name,
  origins: t.origins,
  createdAt: t.createdAt.toISOString(),
});

export async function createTenant(
  database: DatabaseHandle,
  masters: MasterKeys,
  input: { name: string; origins: string[]; values?: CompanyValue[] | undefined },
) {
  const id = uuidv7();
  const key = newApiKey();
  // One transaction: values that fail (duplicate keys, a NUL byte) must not leave a tenant behind.
  const [tenant] = await database.db.transaction(async (tx) => {
    const created = await tx.insert(tenants).values({ id, name: input.name, origins: dedupe(input.origins) }).returning();
    await tx.insert(apiKeys).values({ id: uuidv7(), tenantId: id, hint: key.hint, secretHash: key.hash });
    // The tenant's data key is born with it, stored only wrapped by the master key.
    await tx.insert(tenantDataKeys).values(newDataKeyRow(masters, id, 1));
    if (input.values?.length) {
      // The platform rows are written; the tenant data goes in as grove_app under RLS, like withTenant.
      await tx.execute(tenantSettings(id));
      await replaceValues(tx, id, input.values);
    }
    return created;
  });
  return { ...view(tenant!), apiKey: key.key };
}

export async function listTenants(database: DatabaseHandle, limit: number, cursor: string | undefined) {
  const found = await database.db
    .select()
    .from(tenants)
    .where(cursor ? lt(tenants.id, decodeIdCursor(cursor)) : undefined)
    .orderBy(desc(tenants.id))
    .limit(limit + 1);
  const more = found.length > limit;
  const items = found.slice(0, limit).map(view);
  return { items, nextCursor: more ? encodeIdCursor(items[items.length - 1]!.id) : null };
}

export async function getTenant(database: DatabaseHandle, id: string) {
  const [tenant] = await database.db.select().from(tenants).where(eq(tenants.id, id));
  if (!tenant) throw new Problem('not-found', 'No such tenant.');
  return view(tenant);
}

export async function updateTenant(database: DatabaseHandle, id: string, input: { name?: string | undefined; origins?: string[] | undefined }) {
  const [tenant] = await database.db
    .update(tenants)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.origins !== undefined ? { origins: dedupe(input.origins) } : {}),
      updatedAt: new Date(),
    })
    .where(eq(tenants.id, id))
    .returning();
  if (!tenant) throw new Problem('not-found', 'No such tenant.');
  return view(tenant);
}

/** Issues a new key; every older key of the tenant stops working after `graceSeconds`. */
export async function rotateApiKey(database: DatabaseHandle, tenantId: string, graceSeconds: number) {
  await getTenant(database, tenantId);
  const key = newApiKey();
  const expiresAt = new Date(Date.now() + graceSeconds * 1000);
  await database.db.transaction(async (tx) => {
    await tx
      .update(apiKeys)
      .set({ expiresAt })
      .where(and(eq(apiKeys.tenantId, tenantId), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, expiresAt))));
    await tx.insert(apiKeys).values({ id: uuidv7(), tenantId, hint: key.hint, secretHash: key.hash });
  });
  return { apiKey: key.key, previousKeysExpireAt: expiresAt.toISOString() };
}

export async function listSecurityEvents(
  database: DatabaseHandle,
  query: { limit: number; cursor?: string | undefined; tenantId?: string | undefined; type?: string | undefined },
) {
  const where: SQL[] = [];
  if (query.cursor) where.push(lt(securityEvents.id, decodeIdCursor(query.cursor)));
  if (query.tenantId) where.push(or(eq(securityEvents.tenantId, query.tenantId), eq(securityEvents.targetTenantId, query.tenantId))!);
  if (query.type) where.push(eq(securityEvents.type, query.type as typeof securityEvents.$inferSelect.type));
  const found = await database.db
    .select()
    .from(securityEvents)
    .where(and(...where))
    .orderBy(desc(securityEvents.id))
    .limit(query.limit + 1);
  const more = found.length > query.limit;
  const items = found.slice(0, query.limit).map((e) => ({ ...e, at: e.at.toISOString() }));
  return { items, nextCursor: more ? encodeIdCursor(items[items.length - 1]!.id) : null };
}

function dedupe(origins: string[]): string[] {
  return [...new Set(origins)];
}
