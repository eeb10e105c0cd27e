import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { rows, type DatabaseHandle } from '../db/client.js';
import { dataMigrations, keyRotations, tenantDataKeys } from '../db/schema/data-keys.js';
import { signingKeys } from '../db/schema/signing-keys.js';
import { tenants } from '../db/schema/tenants.js';
import { dataKeyContext, KEY_CACHE_TTL_MS } from './data-keys.js';
import { ENCRYPTED_COLUMNS, storedText, type EncryptedColumn } from './encrypted-columns.js';
import { sealedPattern, type AesFieldCipher } from './field-cipher.js';
import { signingKeyContext } from './keyring.js';
import { resealColumn, type BatchProgress } from './reseal.js';

/**
 * Seals the values written before field encryption existed, tenant by tenant, in batches. Runs
 * after the SQL migrations (at start and in `grove migrate`); each column is done once and then
 * remembered in `platform.data_migrations`, so later starts cost one query. Re-running after a
 * crash picks up what is still plaintext.
 */
export async function sealPlaintextRows(
  database: DatabaseHandle,
  cipher: AesFieldCipher,
  options: { batchSize?: number; columns?: readonly EncryptedColumn[] } = {},
): Promise<{ sealed: number }> {
  const columns = options.columns ?? ENCRYPTED_COLUMNS;
  const done = new Set((await database.db.select({ name: dataMigrations.name }).from(dataMigrations)).map((m) => m.name));
  const pending = columns.filter((c) => !done.has(migrationName(c)));
  if (pending.length === 0) return { sealed: 0 };
  let sealed = 0;
  const all = await database.db.select({ id: tenants.id }).from(tenants);
  for (const column of pending) {
    for (const tenant of all) {
      sealed += (await resealColumn(database, cipher, tenant.id, column, { mode: 'plaintext', batchSize: options.batchSize })).resealed;
    }
    await database.db.insert(dataMigrations).values({ name: migrationName(column) }).onConflictDoNothing();
  }
  return { sealed };
}

const migrationName = (c: EncryptedColumn) => `seal-plaintext:${c.table}.${c.column}`;

export interface TenantRotationResult {
  tenantId: string;
  version: number;
  resumed: boolean;
  resealed: number;
  /** Values that did not open: left as they were; their key version is kept. */
  failed: number;
  destroyedVersions: number[];
  keptVersions: number[];
}

/**
 * `grove keys rotate-tenant`: a fresh data-key version for new writes, then every registered
 * column of the tenant re-sealed under it in batches (each batch its own transaction, keyset
 * by primary key), progress recorded per batch in `platform.key_rotations`, so a crashed run
 * resumes where it stopped. Last, each retired version that no value uses any more is destroyed.
 */
export async function rotateTenantKey(
  database: DatabaseHandle,
  cipher: AesFieldCipher,
  tenantId: string,
  options: { batchSize?: number; onBatch?: (p: BatchProgress) => void | Promise<void>; settleMs?: number } = {},
): Promise<TenantRotationResult> {
  const db = database.db;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw new Error(`No such tenant: ${tenantId}`);
  const running = await db
    .select()
    .from(keyRotations)
    .where(and(eq(keyRotations.tenantId, tenantId), eq(keyRotations.state, 'running')));
  const resumed = running.length > 0;
  let version: number;
  let startedAt: Date;
  if (resumed) {
    version = Math.max(...running.map((r) => r.toVersion));
    startedAt = running[0]!.startedAt;
  } else {
    await cipher.keys.prepare(tenantId);
    version = await cipher.keys.newVersion(tenantId);
    startedAt = new Date();
    await db
      .insert(keyRotations)
      .values(ENCRYPTED_COLUMNS.map((c) => ({ tenantId, toVersion: version, tableName: c.table, columnName: c.column, startedAt })));
  }
  const progress = await db
    .select()
    .from(keyRotations)
    .where(and(eq(keyRotations.tenantId, tenantId), eq(keyRotations.toVersion, version)));
  const totals = { resealed: 0, failed: 0 };
  for (const column of ENCRYPTED_COLUMNS) {
    const row = progress.find((p) => p.tableName === column.table && p.columnName === column.column);
    if (row?.state === 'done') continue;
    const where = and(
      eq(keyRotations.tenantId, tenantId),
      eq(keyRotations.toVersion, version),
      eq(keyRotations.tableName, column.table),
      eq(keyRotations.columnName, column.column),
    );
    const result = await resealColumn(database, cipher, tenantId, column, {
      mode: 'rotate',
      batchSize: options.batchSize,
      after: row?.lastKey ?? undefined,
      onBatch: async (p) => {
        await db
          .update(keyRotations)
          .set({ lastKey: p.lastKey, rowsDone: sql`${keyRotations.rowsDone} + ${p.resealed}`, updatedAt: new Date() })
          .where(where);
        await options.onBatch?.(p);
      },
    });
    totals.resealed += result.resealed;
    totals.failed += result.failed;
    await db.update(keyRotations).set({ state: 'done', updatedAt: new Date() }).where(where);
  }

  // An instance that had not yet seen the new version may have sealed under the old one for up
  // to its cache lifetime: wait that out, then sweep once more from the start.
  const settle = options.settleMs ?? 2 * KEY_CACHE_TTL_MS;
  const wait = startedAt.getTime() + settle - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  for (const column of ENCRYPTED_COLUMNS) {
    const sweep = await resealColumn(database, cipher, tenantId, column, { mode: 'rotate', batchSize: options.batchSize });
    totals.resealed += sweep.resealed;
    totals.failed = Math.max(totals.failed, sweep.failed);
  }
  const { destroyed, kept } = await destroyUnusedVersions(database, cipher, tenantId);
  return { tenantId, version, resumed, ...totals, destroyedVersions: destroyed, keptVersions: kept };
}

/** Destroys each retired version of the tenant that no sealed value refers to any more. */
export async function destroyUnusedVersions(database: DatabaseHandle, cipher: AesFieldCipher, tenantId: string) {
  const retired = await database.db
    .select({ version: tenantDataKeys.version })
    .from(tenantDataKeys)
    .where(and(eq(tenantDataKeys.tenantId, tenantId), eq(tenantDataKeys.state, 'retired')));
  const destroyed: number[] = [];
  const kept: number[] = [];
  for (const { version } of retired) {
    const inUse = await database.withTenant(tenantId, async (tx) => {
      for (const column of ENCRYPTED_COLUMNS) {
        const found = await rows(
          tx,
          sql`select 1 from ${sql.raw(`app."${column.table}"`)} where tenant_id = ${tenantId}
                and ${sql.raw(storedText(column))} like ${sealedPattern(version)} limit 1`,
        );
        if (found.length > 0) return true;
      }
      return false;
    });
    if (inUse) kept.push(version);
    else {
      await cipher.keys.destroy(tenantId, [version]);
      destroyed.push(version);
    }
  }
  return { destroyed, kept };
}

/**
 * `grove keys rotate-master`: re-wraps every tenant data key and every signing key that the
 * current master did not wrap, under the current master. Former masters must be listed in
 * GROVE_PREVIOUS_MASTER_KEYS meanwhile. Each row is updated only if nobody changed it since it
 * was read, so running instances and a second run are harmless. Returns what remains wrapped by
 * another master (0 when the rotation is complete).
 */
export async function rotateMasterKey(database: DatabaseHandle, cipher: AesFieldCipher) {
  const db = database.db;
  const masters = cipher.keys.masters;
  const current = masters.current.id;
  let dataKeys = 0;
  let signing = 0;
  const keys = await db.select().from(tenantDataKeys).where(isNotNull(tenantDataKeys.wrappedKey));
  for (const row of keys) {
    if (row.masterKeyId === current) continue;
    const context = dataKeyContext(row.tenantId, row.version);
    const rewrapped = masters.wrap(masters.unwrap(row.wrappedKey!, context, row.masterKeyId), context);
    const updated = await db
      .update(tenantDataKeys)
      .set({ wrappedKey: rewrapped.wrapped, masterKeyId: rewrapped.masterKeyId })
      .where(and(eq(tenantDataKeys.tenantId, row.tenantId), eq(tenantDataKeys.version, row.version), eq(tenantDataKeys.wrappedKey, row.wrappedKey!)))
      .returning({ version: tenantDataKeys.version });
    dataKeys += updated.length;
  }
  for (const row of await db.select().from(signingKeys)) {
    if (row.masterKeyId === current) continue;
    const context = signingKeyContext(row.kid);
    const rewrapped = masters.wrap(masters.unwrap(row.privateKeyEnc, context, row.masterKeyId), context);
    const updated = await db
      .update(signingKeys)
      .set({ privateKeyEnc: rewrapped.wrapped, masterKeyId: rewrapped.masterKeyId })
      .where(and(eq(signingKeys.kid, row.kid), eq(signingKeys.privateKeyEnc, row.privateKeyEnc)))
      .returning({ kid: signingKeys.kid });
    signing += updated.length;
  }
  const [left] = await rows<{ n: number }>(
    db,
    sql`select ((select count(*) from platform.tenant_data_keys where wrapped_key is not null and master_key_id is distinct from ${current})
             + (select count(*) from platform.signing_keys where master_key_id is distinct from ${current}))::int as n`,
  );
  return { masterKeyId: current, dataKeys, signingKeys: signing, remaining: Number(left!.n) };
}
