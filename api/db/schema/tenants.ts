import { sql } from 'drizzle-orm';
import { index, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { platform } from './namespaces.js';

/** A customer company. Not tenant data itself: its id *is* the tenant id. */
export const tenants = platform.table('tenants', {
  id: uuid().primaryKey(),
  name: text().notNull(),
  /** Origins (scheme://host[:port]) whose pages may use widget tokens of this tenant. */
  origins: text().array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Tenant API keys, stored only as SHA-256 digests of the random key. */
export const apiKeys = platform.table(
  'api_keys',
  {
    id: uuid().primaryKey(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** First characters of the key, shown in listings so people can tell keys apart. */
    hint: text().notNull(),
    secretHash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set on rotation: the key keeps working until then (the grace period). */
    expiresAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('api_keys_tenant').on(t.tenantId)],
);
