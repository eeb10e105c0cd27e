import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { tenants } from '../../db/schema/tenants.js';
import { FreshCache } from '../../shared/fresh-cache.js';

export interface TenantInfo {
  id: string;
  name: string;
  origins: string[];
}

/**
 * Tenants and their allowed origins, read on nearly every widget request, so kept in memory for
 * `ttlMs` (shared/fresh-cache.ts: one read at a time, renewed before it expires): a change made
 * on this instance is seen at once, on another within `ttlMs`.
 */
export class TenantRegistry {
  private readonly tenants: FreshCache<TenantInfo | undefined>;
  /** Every tenant's origins, under one key. */
  private readonly origins: FreshCache<Set<string>>;

  constructor(
    private readonly db: Database,
    ttlMs = 1_000,
  ) {
    this.tenants = new FreshCache(ttlMs);
    this.origins = new FreshCache(ttlMs);
  }

  get(id: string): Promise<TenantInfo | undefined> {
    return this.tenants.get(id, async () => {
      const [row] = await this.db
        .select({ id: tenants.id, name: tenants.name, origins: tenants.origins })
        .from(tenants)
        .where(eq(tenants.id, id));
      return row;
    });
  }

  /** Whether any tenant allows `origin`: decides CORS preflights, which carry no credential. */
  async isKnownOrigin(origin: string): Promise<boolean> {
    const all = await this.origins.get('all', async () => {
      const rows = await this.db.select({ origins: tenants.origins }).from(tenants);
      return new Set(rows.flatMap((r) => r.origins));
    });
    return all.has(origin);
  }

  invalidate(id?: string): void {
    if (id) this.tenants.delete(id);
    else this.tenants.clear();
    this.origins.clear();
  }
}
