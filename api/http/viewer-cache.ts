import type { Role } from '../db/schema/people.js';
import { FreshCache } from '../shared/fresh-cache.js';

export interface ViewerFacts {
  role: Role;
  managerId: string | null;
  team: string | null;
}

/**
 * What the directory says about a token's user (role, manager, team), read on every widget
 * request, so kept for `ttlMs` (shared/fresh-cache.ts: one read at a time, renewed before it
 * expires). A directory write on this instance clears its tenant at once; on other instances a
 * change shows within `ttlMs`, well inside a token's five minutes.
 */
export class ViewerCache {
  private readonly facts: FreshCache<ViewerFacts>;

  constructor(ttlMs = 1_000, maxEntries = 50_000) {
    this.facts = new FreshCache(ttlMs, maxEntries);
  }

  /** The user's facts, from `read` (the request's own unit of work) when not fresh here. */
  get(tenantId: string, personId: string, read: () => Promise<ViewerFacts>): Promise<ViewerFacts> {
    return this.facts.get(`${tenantId}:${personId}`, read);
  }

  forget(tenantId: string, personId: string): void {
    this.facts.delete(`${tenantId}:${personId}`);
  }

  forgetTenant(tenantId: string): void {
    this.facts.deleteWhere((key) => key.startsWith(`${tenantId}:`));
  }
}
