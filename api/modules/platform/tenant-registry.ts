import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { tenants } from '../../db/schema/tenants.js';

export interface TenantInfo {
  id: string;
  name: string;
  origins: string[];
}

/**
 * Tenants and their allowed origins, read on nearly every widget request, so cached in memory
 * for `ttlMs`: a change made on this instance is seen at once, on another within `ttlMs`.
 */
export class TenantRegistry {
  private readonly cache = new Map<string, { info: TenantInfo | undefined; at: number }>();
  private allOrigins: { set: Set<string>; at: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 1_000,
  ) {}

  async get(id: string): Promise<TenantInfo | undefined> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.info;
    const [row] = await this.db
      .select({ id: tenants.id, name: tenants.name, origins: tenants.origins })
      .from(tenants)
      .where(eq(tenants.id, id));
    this.cache.set(id, { info: row, at: Date.now() });
    return row;
  }

  /** Whether any tenant allows `origin`: decides CORS preflights, which carry no credential. */
  async isKnownOrigin(origin: string): Promise<boolean> {
    if (!this.allOrigins || Date.now() - this.allOrigins.at >= this.ttlMs) {
      const rows = await this.db.select({ origins: tenants.origins }).from(tenants);
      this.allOrigins = { set: new Set(rows.flatMap((r) => r.origins)), at: Date.now() };
    }
    return this.allOrigins.set.has(origin);
  }

  invalidate(id?: string): void {
    if (id) this.cache.delete(id);
    else this.cache.clear();
    this.allOrigins = undefined;
  }
}
