import { and, eq, lt } from 'drizzle-orm';
import type { Context, Next } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Database, Tx } from '../db/client.js';
import { idempotencyKeys, platformIdempotencyKeys } from '../db/schema/idempotency.js';
import { sha256 } from '../security/secrets.js';
import type { AppEnv } from './context.js';
import { Problem } from './problems.js';
import { idempotentResponseRef } from './idempotency.fields.js';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,255}$/;

/**
 * `Idempotency-Key` on POST: the first response is stored and a retry with the same key gets it
 * back, never a second write. The key is scoped to the credential that sent it, and reusing it
 * for a different request is refused. Tenant requests store the response in the same transaction
 * as the write itself; platform requests use a claim row ("in progress") instead.
 */
export async function runIdempotent(c: Context<AppEnv>, next: Next, tx: Tx | undefined, fingerprintBody = true): Promise<void> {
  const key = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || key === undefined) {
    await next();
    return;
  }
  if (!KEY_PATTERN.test(key)) {
    throw new Problem('validation', 'Idempotency-Key must be 8–255 characters of A–Z a–z 0–9 _ . : -');
  }
  const credential = c.get('credential');
  if (credential.kind === 'none') throw new Problem('unauthorized');
  const fingerprint = sha256(`${c.req.method} ${c.req.path}\n${fingerprintBody ? await c.req.text() : ''}`);
  return tx
    ? tenantScoped(c, next, tx, credential.principal, key, fingerprint)
    : platformScoped(c, next, credential.principal, key, fingerprint);
}

async function tenantScoped(c: Context<AppEnv>, next: Next, tx: Tx, principal: string, key: string, fingerprint: string) {
  const tenantId = (c.get('credential') as { tenantId: string }).tenantId;
  // Blocks on a concurrent twin until it commits, then finds its row.
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ tenantId, principal, key, fingerprint, status: 0, body: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    const [stored] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
    if (!stored) throw new Problem('conflict', 'Retry the request.');
    if (stored.fingerprint !== fingerprint) throw new Problem('idempotency-key-reuse');
    // A JSON null (an empty response stored before responses were sealed) holds nothing to open.
    if (typeof stored.body !== 'string') return replay(c, stored.fingerprint, fingerprint, stored.status, stored.body);
    const opened = c.get('fields').open(idempotentResponseRef(principal, key), stored.body);
    // Unreadable (recorded as decryption_failed): better no replay than a wrong one.
    if (opened === undefined) throw new Problem('conflict', 'The first response to this Idempotency-Key can no longer be read.');
    replay(c, stored.fingerprint, fingerprint, stored.status, JSON.parse(opened) as unknown);
    return;
  }
  await next();
  if (c.error || c.res.status >= 400) return; // rolled back with the rest
  await tx
    .update(idempotencyKeys)
    .set({ status: c.res.status, body: c.get('fields').seal(idempotentResponseRef(principal, key), JSON.stringify(await responseBody(c))) })
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
}

async function platformScoped(c: Context<AppEnv>, next: Next, principal: string, key: string, fingerprint: string) {
  const db = c.get('deps').database.db;
  const where = and(eq(platformIdempotencyKeys.principal, principal), eq(platformIdempotencyKeys.key, key));
  const claimed = await db
    .insert(platformIdempotencyKeys)
    .values({ principal, key, fingerprint })
    .onConflictDoNothing()
    .returning({ key: platformIdempotencyKeys.key });
  if (claimed.length === 0) {
    const [stored] = await db.select().from(platformIdempotencyKeys).where(where);
    if (!stored || stored.status === null) throw new Problem('idempotency-in-progress');
    replay(c, stored.fingerprint, fingerprint, stored.status, stored.body);
    return;
  }
  try {
    await next();
  } finally {
    if (c.error || c.res.status >= 400) await db.delete(platformIdempotencyKeys).where(where);
    else await db.update(platformIdempotencyKeys).set({ status: c.res.status, body: await responseBody(c) }).where(where);
  }
}

function replay(c: Context<AppEnv>, storedFingerprint: string, fingerprint: string, status: number, body: unknown) {
  if (storedFingerprint !== fingerprint) throw new Problem('idempotency-key-reuse');
  c.header('Idempotent-Replayed', 'true');
  c.res = body === null ? c.body(null, status as 204) : c.json(body, status as ContentfulStatusCode);
}

async function responseBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.res.clone().text();
  return text ? (JSON.parse(text) as unknown) : null;
}

/** How long a first response stays replayable; a retry comes within minutes, not days. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

/**
 * Forgets stored responses older than the retention window, in every tenant. Runs on the owner
 * connection, which must see across tenants (superuser or BYPASSRLS, as docs/operations.md asks).
 */
export async function sweepIdempotencyKeys(db: Database, retentionHours = IDEMPOTENCY_RETENTION_HOURS): Promise<void> {
  const cutoff = new Date(Date.now() - retentionHours * 3_600_000);
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoff));
  await db.delete(platformIdempotencyKeys).where(lt(platformIdempotencyKeys.createdAt, cutoff));
}
