import { bigserial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { platform } from './namespaces.js';

/**
 * An append-only log of revocations that every API instance tails (by `seq`) into memory, so
 * checking a token costs no query and a revocation reaches every instance within a second.
 * A row with a `jti` denies one token; a row without one revokes every token of the tenant
 * issued before `notBefore`.
 */
export const tokenRevocations = platform.table('token_revocations', {
  seq: bigserial({ mode: 'number' }).primaryKey(),
  tenantId: uuid().notNull(),
  jti: text(),
  notBefore: timestamp({ withTimezone: true }),
  /** When the revoked token would have expired anyway; the row can be forgotten after that. */
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
