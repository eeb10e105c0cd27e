import { sql } from 'drizzle-orm';
import { pgPolicy, pgSchema } from 'drizzle-orm/pg-core';

/**
 * Two PostgreSQL schemas, two trust levels.
 * - `app` holds tenant data. Every table carries `tenant_id`, leads its keys with it and is
 *   guarded by a forced row-level-security policy. The application role `grove_app` may touch
 *   only this schema, only inside a transaction that has set `app.tenant_id`.
 * - `platform` holds what spans tenants (tenants, API key hashes, signing keys, security
 *   events). `grove_app` has no privilege on it at all, so even an injected query inside a
 *   tenant transaction cannot read another tenant's key hash or events.
 */
export const app = pgSchema('app');
export const platform = pgSchema('platform');

/** The role tenant transactions run as: owns nothing, no BYPASSRLS. Created by a migration. */
export const APP_ROLE = 'grove_app';

/**
 * The tenant wall. `current_setting(..., true)` yields NULL or '' when no tenant was set, the
 * comparison is then NULL, and the policy admits nothing: it fails closed.
 */
export function tenantIsolation(table: string) {
  const predicate = sql`tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid`;
  return pgPolicy(`${table}_tenant_isolation`, { for: 'all', using: predicate, withCheck: predicate });
}
