import { sql } from 'drizzle-orm';
import { bigint, integer, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { platform } from './namespaces.js';
import { tenants } from './tenants.js';

export type DataKeyState = 'active' | 'retired' | 'destroyed';

/**
 * Each tenant's AES-256 data keys (see security/data-keys.ts), one row per version. The key is
 * stored only wrapped by the master key; `master_key_id` names which master (a fingerprint,
 * never the key) so a master rotation knows what is left to re-wrap. `uses` counts the GCM
 * nonces handed out under this key: instances reserve them in blocks, and the key is replaced
 * well before the 2^32 random-nonce limit. Destroying a key nulls `wrapped_key`: the row stays
 * as the record that the tenant's ciphertext under that version can no longer be read.
 */
export const tenantDataKeys = platform.table(
  'tenant_data_keys',
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    wrappedKey: text(),
    masterKeyId: text(),
    uses: bigint({ mode: 'number' }).notNull().default(0),
    state: text().$type<DataKeyState>().notNull().default('active'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp({ withTimezone: true }),
    destroyedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.version] }),
    // At most one version seals new values; the others only open.
    uniqueIndex('tenant_data_keys_one_active').on(t.tenantId).where(sql`state = 'active'`),
  ],
);

/**
 * Progress of re-encrypting one tenant's column under a new key version (`grove keys
 * rotate-tenant`): the last primary key done, so a crashed rotation resumes where it stopped.
 */
export const keyRotations = platform.table(
  'key_rotations',
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    toVersion: integer().notNull(),
    tableName: text().notNull(),
    columnName: text().notNull(),
    /** The primary key (tenant_id aside) of the last row re-encrypted, as text values. */
    lastKey: jsonb().$type<string[]>(),
    rowsDone: integer().notNull().default(0),
    state: text().$type<'running' | 'done'>().notNull().default('running'),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.toVersion, t.tableName, t.columnName] })],
);

/** Data migrations that run once after the SQL ones (e.g. sealing rows written before encryption). */
export const dataMigrations = platform.table('data_migrations', {
  name: text().primaryKey(),
  completedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
