import { randomBytes } from 'node:crypto';
import { and, eq, max, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.js';
import { tenantDataKeys } from '../db/schema/data-keys.js';
import { tenants } from '../db/schema/tenants.js';
import { MasterKeys } from './master-keys.js';

/**
 * GCM with random 96-bit nonces is safe for 2^32 encryptions per key (NIST SP 800-38D §8.3);
 * a tenant's key is replaced by a new version at half that, so blocks already handed out to
 * running instances stay far inside the limit.
 */
export const ROTATE_AT_USES = 2 ** 31;
/** Nonces an instance reserves at once, and the stock below which it reserves more. */
const BLOCK = 4096;
const LOW_WATER = 1024;
/**
 * How long an instance trusts its copy of a tenant's keys: a version created, retired or
 * destroyed on another instance (rotation, tenant deletion) reaches this one within this time.
 */
export const KEY_CACHE_TTL_MS = 1_000;

export const dataKeyContext = (tenantId: string, version: number) => `tenant-data-key:${tenantId}:${version}`;

/** A fresh data key for `tenantId`, wrapped by the current master: the row to insert. */
export function newDataKeyRow(masters: MasterKeys, tenantId: string, version: number) {
  const { wrapped, masterKeyId } = masters.wrap(randomBytes(32), dataKeyContext(tenantId, version));
  return { tenantId, version, wrappedKey: wrapped, masterKeyId, state: 'active' as const };
}

/** Every key of the tenant was destroyed: the tenant is being (or was) deleted. */
export class TenantKeysDestroyed extends Error {
  override name = 'TenantKeysDestroyed';
  constructor(readonly tenantId: string) {
    super(`The data keys of tenant ${tenantId} were destroyed`);
  }
}

interface TenantKeys {
  loadedAt: number;
  /** Unwrapped keys of every version not destroyed, by version. */
  versions: Map<number, { key: Buffer; wrapped: string }>;
  active: number | undefined;
}

/** Nonces reserved in the database for one key version and not used yet. */
interface Budget {
  version: number;
  remaining: number;
}

export interface DataKeyOptions {
  ttlMs?: number;
  rotateAtUses?: number;
  blockSize?: number;
}

/**
 * Per-tenant data keys, unwrapped once and kept in memory. Everything that touches the database
 * is async and runs on the owner connection *before* a tenant unit opens (`prepare`); sealing
 * and opening inside the unit are then synchronous lookups, so encryption adds no round trip
 * to a request and never queries while PGlite's one connection is held by the unit.
 */
export class DataKeys {
  private readonly cache = new Map<string, TenantKeys>();
  private readonly loading = new Map<string, Promise<TenantKeys>>();
  /**
   * Kept apart from the key cache, which is replaced on every reload: a reservation that lands
   * while the keys are being re-read must not be lost (every request would then reserve again).
   */
  private readonly budgets = new Map<string, Budget>();
  private readonly reserving = new Map<string, Promise<void>>();
  /** Told when a tenant's keys leave this instance (what was opened with them goes too). */
  private readonly evictionListeners: Array<(tenantId: string) => void> = [];
  readonly masters: MasterKeys;
  private readonly ttlMs: number;
  private readonly rotateAt: number;
  private readonly block: number;

  constructor(
    private readonly db: Database,
    masters: MasterKeys | Buffer,
    options: DataKeyOptions = {},
  ) {
    this.masters = MasterKeys.of(masters);
    this.ttlMs = options.ttlMs ?? KEY_CACHE_TTL_MS;
    this.rotateAt = options.rotateAtUses ?? ROTATE_AT_USES;
    this.block = options.blockSize ?? BLOCK;
  }

  /**
   * Makes the tenant's keys usable synchronously: loads them if missing or stale, and for
   * writes tops up the nonce budget. Call outside any tenant unit of work.
   */
  async prepare(tenantId: string, { write = false } = {}): Promise<void> {
    let entry = this.cache.get(tenantId);
    if (!entry || Date.now() - entry.loadedAt >= this.ttlMs) {
      entry = await this.load(tenantId).catch((error: unknown) => {
        // Gone from the database: gone from this instance too.
        if (error instanceof TenantKeysDestroyed) this.evict(tenantId);
        throw error;
      });
    }
    if (entry.versions.size === 0) throw new TenantKeysDestroyed(tenantId);
    if (write && entry.active !== undefined && this.remaining(tenantId, entry.active) < Math.min(LOW_WATER, this.block)) {
      // One reservation at a time per tenant: concurrent writers wait for it instead of each
      // taking a block of their own.
      let pending = this.reserving.get(tenantId);
      if (!pending) {
        pending = this.reserveInto(tenantId, entry, this.block).finally(() => this.reserving.delete(tenantId));
        this.reserving.set(tenantId, pending);
      }
      await pending;
    }
  }

  /** The key of `version`, if this instance holds it (prepared, not destroyed). */
  key(tenantId: string, version: number): Buffer | undefined {
    return this.cache.get(tenantId)?.versions.get(version)?.key;
  }

  /** The active key and one nonce of its budget. Throws when `prepare(…, { write })` was not called. */
  takeForSeal(tenantId: string): { version: number; key: Buffer } {
    const entry = this.cache.get(tenantId);
    const key = entry?.active !== undefined ? entry.versions.get(entry.active) : undefined;
    const budget = this.budgets.get(tenantId);
    if (!entry || !key || !budget || budget.version !== entry.active || budget.remaining <= 0) {
      throw new Error(`No data key ready for sealing in tenant ${tenantId}`);
    }
    budget.remaining -= 1;
    return { version: entry.active!, key: key.key };
  }

  /** Reserves exactly `count` nonces (batch jobs), loading the keys first. */
  async reserve(tenantId: string, count: number): Promise<void> {
    const entry = await this.load(tenantId);
    const remaining = entry.active === undefined ? 0 : this.remaining(tenantId, entry.active);
    if (remaining < count) await this.reserveInto(tenantId, entry, count - remaining);
  }

  /** The version new values are sealed under (after `prepare`). */
  activeVersion(tenantId: string): number | undefined {
    return this.cache.get(tenantId)?.active;
  }

  /**
   * Retires the active version and makes a new one (fresh random key). With `expected`, does
   * nothing unless `expected` is still the active version: two instances crossing the use
   * threshold at once make one new version, not two. Returns the active version afterwards.
   */
  async newVersion(tenantId: string, expected?: number): Promise<number> {
    const version = await this.db.transaction(async (tx) => {
      // Serialises rotations of one tenant (the active row may not exist yet).
      await tx.execute(sql`select pg_advisory_xact_lock(7460302, hashtext(${tenantId}))`);
      const [active] = await tx
        .select({ version: tenantDataKeys.version })
        .from(tenantDataKeys)
        .where(and(eq(tenantDataKeys.tenantId, tenantId), eq(tenantDataKeys.state, 'active')));
      if (expected !== undefined && active && active.version !== expected) return active.version;
      const [top] = await tx.select({ v: max(tenantDataKeys.version) }).from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
      const next = (top?.v ?? 0) + 1;
      await tx
        .update(tenantDataKeys)
        .set({ state: 'retired', retiredAt: new Date() })
        .where(and(eq(tenantDataKeys.tenantId, tenantId), eq(tenantDataKeys.state, 'active')));
      await tx.insert(tenantDataKeys).values(newDataKeyRow(this.masters, tenantId, next));
      return next;
    });
    this.cache.delete(tenantId);
    return version;
  }

  /**
   * Crypto-shredding: forgets the wrapped keys of the given versions (all when omitted), so what
   * was sealed under them is unreadable for good, backups included. Evicts them here at once;
   * other instances drop them within the cache TTL.
   */
  async destroy(tenantId: string, versions?: number[], executor: Executor = this.db): Promise<number> {
    const destroyed = await executor
      .update(tenantDataKeys)
      .set({ wrappedKey: null, state: 'destroyed', destroyedAt: new Date() })
      .where(
        and(
          eq(tenantDataKeys.tenantId, tenantId),
          versions ? sql`${tenantDataKeys.version} in (${sql.join(versions.map((v) => sql`${v}`), sql`, `)})` : undefined,
          sql`${tenantDataKeys.state} <> 'destroyed'`,
        ),
      )
      .returning({ version: tenantDataKeys.version });
    this.evict(tenantId);
    return destroyed.length;
  }

  onEvict(listener: (tenantId: string) => void): void {
    this.evictionListeners.push(listener);
  }

  /** Nonces this instance holds for `version` (a budget belongs to its version only). */
  private remaining(tenantId: string, version: number): number {
    const budget = this.budgets.get(tenantId);
    return budget && budget.version === version ? budget.remaining : 0;
  }

  evict(tenantId: string): void {
    this.cache.delete(tenantId);
    this.budgets.delete(tenantId);
    for (const listener of this.evictionListeners) listener(tenantId);
  }

  private load(tenantId: string): Promise<TenantKeys> {
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.read(tenantId).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, pending);
    }
    return pending;
  }

  private async read(tenantId: string): Promise<TenantKeys> {
    let stored = await this.db.select().from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
    if (stored.length === 0) {
      // A tenant created before data keys existed gets its first key on first use; a deleted
      // tenant (its key rows went with it) must not get a new one.
      const [tenant] = await this.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
      if (!tenant) throw new TenantKeysDestroyed(tenantId);
      await this.db.insert(tenantDataKeys).values(newDataKeyRow(this.masters, tenantId, 1)).onConflictDoNothing();
      stored = await this.db.select().from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
    }
    const previous = this.cache.get(tenantId);
    const versions = new Map<number, { key: Buffer; wrapped: string }>();
    let active: number | undefined;
    for (const row of stored) {
      if (!row.wrappedKey || row.state === 'destroyed') continue;
      const known = previous?.versions.get(row.version);
      const key =
        known && known.wrapped === row.wrappedKey
          ? known.key
          : this.masters.unwrap(row.wrappedKey, dataKeyContext(tenantId, row.version), row.masterKeyId);
      versions.set(row.version, { key, wrapped: row.wrappedKey });
      if (row.state === 'active') active = row.version;
    }
    const entry: TenantKeys = {
      loadedAt: Date.now(),
      versions,
      active,
    };
    this.cache.set(tenantId, entry);
    return entry;
  }

  private async reserveInto(tenantId: string, entry: TenantKeys, count: number): Promise<void> {
    const version = entry.active;
    if (version === undefined) throw new Error(`Tenant ${tenantId} has no active data key`);
    const [row] = await this.db
      .update(tenantDataKeys)
      .set({ uses: sql`${tenantDataKeys.uses} + ${count}` })
      .where(and(eq(tenantDataKeys.tenantId, tenantId), eq(tenantDataKeys.version, version), eq(tenantDataKeys.state, 'active')))
      .returning({ uses: tenantDataKeys.uses });
    if (row && Number(row.uses) <= this.rotateAt) {
      const budget = this.budgets.get(tenantId);
      if (budget && budget.version === version) budget.remaining += count;
      else this.budgets.set(tenantId, { version, remaining: count });
      return;
    }
    // Retired meanwhile (a rotation elsewhere), or past the threshold: move to the next version.
    if (row) await this.newVersion(tenantId, version);
    const fresh = await this.load(tenantId);
    if (fresh.active === version) throw new Error(`Could not reserve nonces for tenant ${tenantId}`);
    await this.reserveInto(tenantId, fresh, count);
  }
}
