import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Tx } from '../api/db/client.js';
import type { Viewer } from '../api/http/context.js';
import { praiseFeed } from '../api/modules/praise/praise.service.js';

/**
 * The feed's statement exactly as Grove's `praiseFeed()` writes it for this viewer (a page of 20:
 * giver, recipients' names, reaction counts, the visibility rule), captured rather than run, for
 * the benchmarks that run it beside Grove: messages are left sealed.
 */
export async function feedStatement(tenantId: string, viewerId: string): Promise<{ sql: string; params: unknown[]; statement: SQL }> {
  let captured: SQL | undefined;
  const capture = { execute: async (query: SQL) => ((captured = query), []) } as unknown as Tx;
  const viewer: Viewer = { id: viewerId, tenantId, role: 'employee', managerId: null, team: null, scopes: new Set(['praise:read']) };
  await praiseFeed(capture, viewer, { seal: (_f, p) => p, open: (_f, s) => s }, { limit: 20, scope: 'all' });
  return { ...new PgDialect().sqlToQuery(captured!), statement: captured! };
}
