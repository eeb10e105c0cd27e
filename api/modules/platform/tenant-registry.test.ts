import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../db/client.js';
import { tenants } from '../../db/schema/tenants.js';
import { freshDatabase } from '../../../test/support/database.js';
import { TenantRegistry } from './tenant-registry.js';

/**
 * The registry over the real database, with the reads it sends counted: the statements are
 * real, only their number is observed (the `select()` calls on the owner's handle).
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
let reads = 0;
let counted: Database;
const id = uuidv7();

beforeAll(async () => {
  database = await freshDatabase();
  await database.handle.migrate();
  await database.handle.db.insert(tenants).values({ id, name: 'Acme', origins: ['https://intranet.acme.test'] });
  const db = database.handle.db;
  counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'select') reads++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
});
afterAll(() => database.drop());

describe('TenantRegistry', () => {
  it('reads a tenant once for concurrent requests that find it missing', async () => {
    const registry = new TenantRegistry(counted, 1_000);
    reads = 0;
    const found = await Promise.all(Array.from({ length: 20 }, () => registry.get(id)));
    expect(found.every((t) => t?.name === 'Acme')).toBe(true);
    expect(reads).toBe(1);
  });

  it('reads the origin allowlist once for concurrent preflights', async () => {
    const registry = new TenantRegistry(counted, 1_000);
    reads = 0;
    const known = await Promise.all(Array.from({ length: 20 }, () => registry.isKnownOrigin('https://intranet.acme.test')));
    expect(known.every(Boolean)).toBe(true);
    expect(reads).toBe(1);
  });

  it('sees a change made elsewhere within its TTL, and one made through it at once', async () => {
    const registry = new TenantRegistry(counted, 50);
    expect((await registry.get(id))?.origins).toEqual(['https://intranet.acme.test']);
    await database.handle.db.update(tenants).set({ origins: ['https://hr.acme.test'] });
    await new Promise((done) => setTimeout(done, 60));
    expect((await registry.get(id))?.origins).toEqual(['https://hr.acme.test']);
    await database.handle.db.update(tenants).set({ origins: [] });
    registry.invalidate(id);
    expect((await registry.get(id))?.origins).toEqual([]);
    expect(await registry.isKnownOrigin('https://hr.acme.test')).toBe(false);
  });
});
