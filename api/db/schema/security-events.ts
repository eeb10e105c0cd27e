import { index, inet, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { platform } from './namespaces.js';

export type SecurityEventType =
  | 'tenant_violation_attempt'
  | 'token_rejected'
  | 'api_key_rejected'
  | 'signing_key_rotated'
  | 'api_key_rotated'
  | 'tokens_revoked'
  | 'tenant_deleted'
  /** Past the threshold of 401s from one IP or for one credential fingerprint in a window. */
  | 'authentication_failures'
  /** Field encryption: a ciphertext that does not open under its context. */
  | 'decryption_failed'
  | 'data_key_rotated'
  | 'master_key_rotated'
  | 'alert_settings_changed';

/** What the platform operator and a tenant's admins are told about. Append-only by convention. */
export const securityEvents = platform.table(
  'security_events',
  {
    id: uuid().primaryKey(),
    type: text().$type<SecurityEventType>().notNull(),
    /** The tenant whose credential acted (null when no credential could be resolved). */
    tenantId: uuid(),
    /** The tenant whose object was targeted, when that differs (a cross-tenant attempt). */
    targetTenantId: uuid(),
    actor: text(),
    requestId: text(),
    ip: inet(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('security_events_tenant_at').on(t.tenantId, t.id), index('security_events_type').on(t.type, t.id)],
);
