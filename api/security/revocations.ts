import { gt, asc } from 'drizzle-orm';
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
    // `iat` has one-second resolution: a token from the revoking second itself is refused too.
    return cutoff !== undefined && iatSeconds * 1000 <= cutoff;
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
      .where(gt(tokenRevocations.seq, this.lastSeq))
      .orderBy(asc(tokenRevocations.seq))
      .limit(10_000);
    const now = Date.now();
    for (const r of fresh) {
      this.lastSeq = r.seq;
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
