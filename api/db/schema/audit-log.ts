import { index, jsonb, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app, platform, tenantIsolation } from './namespaces.js';

export const AUDIT_ACTOR_KINDS = ['user', 'tenant_key'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/**
 * Every change of a tenant's state: who (a person or an API key), with which credential (a
 * token's jti or the API key's id, never a secret), in which request, what, on what. Written in
 * the same transaction as the change. Append-only: grove_app may only INSERT and SELECT, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE to anyone, the owner included, except the deliberate
 * purge of one whole tenant (see the 0004 migration and `purgeTenantAuditLog`).
 */
export const auditLog = app.table(
  'audit_log',
  {
    tenantId: uuid().notNull(),
    /** UUIDv7: newest first is id descending, and ids are the cursor. */
    id: uuid().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorKind: text().$type<AuditActorKind>().notNull(),
    /** The person's id (user) or the API key's id (tenant_key). */
    actorId: uuid().notNull(),
    /** The token's jti, or the API key's id. */
    credential: text().notNull(),
    requestId: text().notNull(),
    /** `praise.create`, `directory.upsert`, `tokens.mint`, … */
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    /** Ids, counts and names of things: never text that people wrote. */
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantIsolation('audit_log'),
  ],
).enableRLS();

/**
 * What the platform operator did (platform key or CLI): tenants created, changed or deleted, keys
 * rotated, tokens revoked. Same append-only protections, and no purge: it outlives the tenants
 * it names.
 */
export const platformAuditLog = platform.table(
  'audit_log',
  {
    id: uuid().primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** `platform` (the platform key over HTTP) or `cli` (an operator on the host). */
    actor: text().notNull(),
    requestId: text(),
    action: text().notNull(),
    /** The tenant acted on, if any. */
    tenantId: uuid(),
    targetType: text(),
    targetId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_tenant').on(t.tenantId, t.id)],
);
