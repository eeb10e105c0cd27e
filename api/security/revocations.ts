import { asc, gt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { tokenRevocations } from '../db/schema/token-revocations.js';

/**
 * Token revocations held in memory and kept current by tailing `platform.token_revocations`:
 * checking a token costs no query, and a revocation made on any instance is seen by every
 * other within `pollMs` (revocations made here are seen at once).
 */
export class RevocationList {
  private lastSeq = 0;
  private readonly notBefore = new Map<string, number>();
  private readonly deniedJti = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly pollMs = 500,
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll().catch(() => {}), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** True when a token of `tenantId` with this `jti`, issued at `iatSeconds`, is revoked. */
  isRevoked(tenantId: string, jti: string, iatSeconds: number): boolean {
    if (this.deniedJti.has(`${tenantId}:${jti}`)) return true;
    const cutoff = this.notBefore.get(tenantId);
    return cutoff !== undefined && issuedAtMs(jti, iatSeconds) <= cutoff;
  }

  async revokeAll(tenantId: string, maxTokenLifetimeMs: number): Promise<Date> {
    const now = new Date();
    await this.db.insert(tokenRevocations).values({
      tenantId,
      notBefore: now,
      expiresAt: new Date(now.getTime() + maxTokenLifetimeMs),
    });
    await this.poll();
    return now;
  }

  async deny(tenantId: string, jti: string, expiresAt: Date): Promise<void> {
    await this.db.insert(tokenRevocations).values({ tenantId, jti, expiresAt });
    await this.poll();
  }

  /** Reads revocations newer than the last one seen. Concurrent callers share one read. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    const fresh = await this.db
      .select()
      .from(tokenRevocations)
      // `seq` values are taken when rows are inserted but become visible when their transactions
      // commit, possibly out of order: re-read the last few seconds too. Applying is idempotent.
      .where(or(gt(tokenRevocations.seq, this.lastSeq), gt(tokenRevocations.createdAt, sql`now() - interval '10 seconds'`)))
      .orderBy(asc(tokenRevocations.seq))
      .limit(10_000);
    const now = Date.now();
    for (const r of fresh) {
      this.lastSeq = Math.max(this.lastSeq, r.seq);
      if (r.expiresAt.getTime() < now) continue;
      if (r.jti) this.deniedJti.set(`${r.tenantId}:${r.jti}`, r.expiresAt.getTime());
      else if (r.notBefore) {
        const previous = this.notBefore.get(r.tenantId) ?? 0;
        this.notBefore.set(r.tenantId, Math.max(previous, r.notBefore.getTime()));
      }
    }
    for (const [key, until] of this.deniedJti) if (until < now) this.deniedJti.delete(key);
    if (fresh.length === 10_000) await this.read();
  }
}

/**
 * When a token was issued, to the millisecond: Grove's `jti` is a UUIDv7 whose first 48 bits are
 * the issue time, so a token minted in the very second of a revoke-all but after it still works.
 * Other tokens fall back to the end of their `iat` second (so a token of the revoking second is refused).
 */
export function issuedAtMs(jti: string, iatSeconds: number): number {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(jti)) {
    const ms = Number.parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16);
    // Trust it only where it agrees with the signed `iat`.
    if (Math.abs(ms - iatSeconds * 1000) < 1000) return ms;
  }
  return iatSeconds * 1000 + 999;
}
