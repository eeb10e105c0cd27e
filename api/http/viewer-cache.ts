import type { Role } from '../db/schema/people.js';

export interface ViewerFacts {
  role: Role;
  managerId: string | null;
  team: string | null;
}

/**
 * What the directory says about a token's user (role, manager, team), read on every widget
 * request, so kept for `ttlMs`. A directory write on this instance clears its tenant at once;
 * on other instances a change shows within `ttlMs`, well inside a token's five minutes.
 */
export class ViewerCache {
  private readonly entries = new Map<string, { facts: ViewerFacts; at: number }>();

  constructor(
    private readonly ttlMs = 1_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(tenantId: string, personId: string): ViewerFacts | undefined {
    const hit = this.entries.get(`${tenantId}:${personId}`);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.facts : undefined;
  }

  set(tenantId: string, personId: string, facts: ViewerFacts): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(`${tenantId}:${personId}`, { facts, at: Date.now() });
  }

  forget(tenantId: string, personId: string): void {
    this.entries.delete(`${tenantId}:${personId}`);
  }

  forgetTenant(tenantId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${tenantId}:`)) this.entries.delete(key);
  }
}
