import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { app, tenantIsolation } from './namespaces.js';

/**
 * Where a tenant's own security alerts go: its webhook (the signing secret sealed under the
 * master key, bound to the tenant, because signing needs it back) and e-mail recipients.
 * Set by the tenant's admins through `PUT /v1/alert-settings`.
 */
export const alertSettings = app.table(
  'alert_settings',
  {
    tenantId: uuid().primaryKey(),
    webhookUrl: text(),
    webhookSecretSealed: text(),
    emails: text().array().notNull().default(sql`'{}'::text[]`),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  () => [tenantIsolation('alert_settings')],
).enableRLS();
