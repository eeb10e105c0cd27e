import { sql } from 'drizzle-orm';
import { integer, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app, platform, tenantIsolation } from './namespaces.js';

/**
 * Stored first responses of POSTs carrying `Idempotency-Key`. Tenant requests record theirs in
 * the same transaction as the write they describe, so a retry can never see one without the other.
 */
export const idempotencyKeys = app.table(
  'idempotency_keys',
  {
    tenantId: uuid().notNull(),
    /** Who sent it (user id or API key id): keys are scoped per credential. */
    principal: text().notNull(),
    key: text().notNull(),
    fingerprint: text().notNull(),
    status: integer().notNull(),
    body: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.principal, t.key] }), tenantIsolation('idempotency_keys')],
).enableRLS();

/** The same for platform-key requests, which touch no single tenant. */
export const platformIdempotencyKeys = platform.table(
  'idempotency_keys',
  {
    principal: text().notNull(),
    key: text().notNull(),
    fingerprint: text().notNull(),
    /** Null while the first request is still running. */
    status: integer(),
    body: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] })],
);
