import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';

let t: TestGrove;
beforeAll(async () => {
  t = await testGrove();
});
afterAll(() => t.close());

const platform = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  t.request(method, path, { auth: PLATFORM_KEY, body, headers });

describe('tenants', () => {
  it('creates a tenant whose API key is shown once and stored only as a hash', async () => {
    const created = await platform('POST', '/v1/platform/tenants', { name: 'Globex', origins: ['https://globex.test'] });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^grove_sk_[A-Za-z0-9_-]{43}$/);
    const read = await platform('GET', `/v1/platform/tenants/${created.body.id}`);
    expect(read.body).toEqual({ id: created.body.id, name: 'Globex', origins: ['https://globex.test'], createdAt: created.body.createdAt });
    const dump = JSON.stringify(await t.grove.deps.database.db.execute('select * from platform.api_keys'));
    expect(dump).not.toContain(created.body.apiKey);
    expect(dump).not.toContain(created.body.apiKey.slice(20));
  });

  it('lists tenants newest first by cursor', async () => {
    for (const name of ['L1', 'L2', 'L3']) await platform('POST', '/v1/platform/tenants', { name });
    const first = await platform('GET', '/v1/platform/tenants?limit=2');
    expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(['L3', 'L2']);
    const second = await platform('GET', `/v1/platform/tenants?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].name).toBe('L1');
  });

  it('changes origins and refuses paths, wildcards and other schemes', async () => {
    const { body } = await platform('POST', '/v1/platform/tenants', { name: 'Origins' });
    const ok = await platform('PATCH', `/v1/platform/tenants/${body.id}`, { origins: ['https://a.test', 'http://localhost:8788'] });
    expect(ok.body.origins).toEqual(['https://a.test', 'http://localhost:8788']);
    for (const origin of ['https://a.test/', 'https://*.a.test', 'ftp://a.test', 'https://a.test/path', 'null']) {
      const bad = await platform('PATCH', `/v1/platform/tenants/${body.id}`, { origins: [origin] });
      expect(bad.status, origin).toBe(400);
    }
    expect((await platform('PATCH', `/v1/platform/tenants/${crypto.randomUUID()}`, { name: 'x' })).status).toBe(404);
  });

  it('rotates the API key with a grace period for the old one', async () => {
    const tenant = await t.createTenant('Rotating');
    const works = async (key: string) => (await t.request('POST', '/v1/directory/users', { auth: key, body: { users: [{ externalId: 'x', name: 'X' }] } })).status;
    const graceful = await platform('POST', `/v1/platform/tenants/${tenant.id}/api-keys`, { graceSeconds: 3600 });
    expect(graceful.status).toBe(201);
    expect(await works(tenant.apiKey)).toBe(200);
    expect(await works(graceful.body.apiKey)).toBe(200);
    const immediate = await platform('POST', `/v1/platform/tenants/${tenant.id}/api-keys`, {});
    expect(await works(tenant.apiKey)).toBe(401);
    expect(await works(graceful.body.apiKey)).toBe(401);
    expect(await works(immediate.body.apiKey)).toBe(200);
  });

  it('sets company values', async () => {
    const tenant = await t.createTenant('Valued');
    const reply = await platform('PUT', `/v1/platform/tenants/${tenant.id}/values`, {
      values: [
        { key: 'customer-first', label: 'Customer first', emoji: '🤝' },
        { key: 'ownership', label: 'Ownership' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((v: { key: string }) => v.key)).toEqual(['customer-first', 'ownership']);
    const dup = await platform('PUT', `/v1/platform/tenants/${tenant.id}/values`, { values: [{ key: 'a', label: 'A' }, { key: 'a', label: 'B' }] });
    expect(dup.status).toBe(400);
    const token = (await t.mint(tenant.apiKey, { externalId: 'v', name: 'V' }, ['praise:read'], {})).token;
    const values = await t.request('GET', '/v1/values', { auth: token });
    expect(values.body.items).toHaveLength(2);
  });

  it('refuses tenant keys, widget tokens and nothing at all', async () => {
    const tenant = await t.createTenant('Nope');
    expect((await t.request('GET', '/v1/platform/tenants', { auth: tenant.apiKey })).status).toBe(403);
    expect((await t.request('GET', '/v1/platform/tenants')).status).toBe(401);
    expect((await t.request('GET', '/v1/platform/tenants', { auth: `${PLATFORM_KEY}x` })).status).toBe(401);
  });

  it('replays a retried tenant creation instead of creating a twin', async () => {
    const headers = { 'idempotency-key': `create-${crypto.randomUUID()}` };
    const a = await platform('POST', '/v1/platform/tenants', { name: 'Once' }, headers);
    const b = await platform('POST', '/v1/platform/tenants', { name: 'Once' }, headers);
    expect(b.body.id).toBe(a.body.id);
    const all = await platform('GET', '/v1/platform/tenants?limit=100');
    expect(all.body.items.filter((i: { name: string }) => i.name === 'Once')).toHaveLength(1);
  });
});
