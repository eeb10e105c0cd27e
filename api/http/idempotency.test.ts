import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../test/support/grove.js';
import { rows } from '../db/client.js';
import { sweepIdempotencyKeys } from './idempotency.js';

let t: TestGrove;
beforeAll(async () => {
  t = await testGrove();
});
afterAll(() => t.close());

describe('idempotency retention', () => {
  it('forgets stored responses older than a day, in every tenant, and keeps the rest', async () => {
    const acme = await t.tenantWithPeople('Sweep');
    const token = await acme.token('ann');
    for (const key of ['sweep-old-0001', 'sweep-new-0001']) {
      const reply = await t.request('POST', '/v1/praise', {
        auth: token,
        origin: acme.origin,
        body: { recipientIds: [acme.ids.bob], message: key },
        headers: { 'idempotency-key': key },
      });
      expect(reply.status).toBe(201);
    }
    const tenant = await t.request('POST', '/v1/platform/tenants', {
      auth: PLATFORM_KEY,
      body: { name: 'Old' },
      headers: { 'idempotency-key': 'sweep-platform-01' },
    });
    expect(tenant.status).toBe(201);
    const db = t.grove.deps.database.db;
    await db.execute(sql`update app.idempotency_keys set created_at = now() - interval '25 hours' where key = 'sweep-old-0001'`);
    await db.execute(sql`update platform.idempotency_keys set created_at = now() - interval '25 hours' where key = 'sweep-platform-01'`);

    await sweepIdempotencyKeys(db);

    const tenantKeys = await rows<{ key: string }>(db, sql`select key from app.idempotency_keys order by key`);
    expect(tenantKeys.map((r) => r.key)).toEqual(['sweep-new-0001']);
    expect(await rows(db, sql`select key from platform.idempotency_keys`)).toEqual([]);
  });
});
