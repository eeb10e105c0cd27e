import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';
import { auditEntries, refusal } from '../../../test/support/audit.js';
import { decodeJwt } from 'jose';

/**
 * The tenant audit trail: one entry per change of state, written in the change's own transaction,
 * readable by the tenant's admins only, and append-only below the API (grove_app can neither
 * UPDATE, DELETE nor TRUNCATE it; a trigger refuses even the owner, except a whole-tenant purge).
 */

let t: TestGrove;
type Tenant = Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
let A: Tenant;
let B: Tenant;

beforeAll(async () => {
  t = await testGrove();
  A = await t.tenantWithPeople('Audit A', 'https://a.audit.test');
  B = await t.tenantWithPeople('Audit B', 'https://b.audit.test');
});
afterAll(() => t.close());

const trail = async (tenant: Tenant, query = 'limit=100') => {
  const reply = await t.request('GET', `/v1/audit-log?${query}`, { auth: tenant.tenant.apiKey });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.items as Array<Record<string, any>>;
};
const ownerCount = (tenantId: string) => auditEntries(t.grove.deps.database.db, tenantId);

describe('entries', () => {
  it('every kind of write leaves one entry naming its actor, credential and request id', async () => {
    const token = await A.token('ann');
    const jti = decodeJwt(token).jti;
    const as = (method: string, path: string, requestId: string, body?: unknown) =>
      t.request(method, path, {
        auth: token,
        origin: A.origin,
        headers: { 'x-request-id': requestId },
        ...(body ? { body } : {}),
      });

    const given = await as('POST', '/v1/praise', 'req-audit-create', {
      recipientIds: [A.ids.bob],
      message: 'secret words of thanks',
      values: ['ownership'],
    });
    expect(given.status).toBe(201);
    const id = given.body.id as string;
    expect((await as('PUT', `/v1/praise/${id}/reactions/clap`, 'req-audit-react')).status).toBe(
      200,
    );
    expect(
      (await as('DELETE', `/v1/praise/${id}/reactions/clap`, 'req-audit-unreact')).status,
    ).toBe(200);
    expect((await as('DELETE', `/v1/praise/${id}`, 'req-audit-delete')).status).toBe(204);
    const revoked = await t.request('POST', '/v1/embed/tokens/revoke', {
      auth: A.tenant.apiKey,
      body: { jti },
      headers: { 'x-request-id': 'req-audit-revoke' },
    });
    expect(revoked.status).toBe(200);

    const items = await trail(A);
    const byRequest = (requestId: string) => items.filter((e) => e.requestId === requestId);
    const user = { kind: 'user', id: A.ids.ann };
    expect(byRequest('req-audit-create')).toMatchObject([
      {
        action: 'praise.create',
        actor: user,
        credential: `jti:${jti}`,
        target: { type: 'praise', id },
        details: { recipientIds: [A.ids.bob], values: ['ownership'], visibility: 'public' },
      },
    ]);
    expect(byRequest('req-audit-react')).toMatchObject([
      {
        action: 'praise.react',
        actor: user,
        target: { type: 'praise', id },
        details: { reaction: 'clap' },
      },
    ]);
    expect(byRequest('req-audit-unreact')).toMatchObject([
      { action: 'praise.unreact', actor: user, details: { reaction: 'clap' } },
    ]);
    expect(byRequest('req-audit-delete')).toMatchObject([
      {
        action: 'praise.delete',
        actor: user,
        credential: `jti:${jti}`,
        target: { type: 'praise', id },
      },
    ]);
    const [revoke] = byRequest('req-audit-revoke');
    expect(revoke).toMatchObject({
      action: 'tokens.revoke',
      actor: { kind: 'tenant_key' },
      target: { type: 'token', id: jti },
    });
    expect(revoke!.credential).toBe(`key:${revoke!.actor.id}`);
    // The fixture's directory sync and every mint are there too, by the API key.
    expect(items.filter((e) => e.action === 'directory.upsert')).toHaveLength(1);
    expect(items.find((e) => e.action === 'directory.upsert')!.details).toMatchObject({
      upserted: 5,
      rejected: 0,
    });
    const mint = items.find(
      (e) => e.action === 'tokens.mint' && e.target.id === A.ids.ann && e.details.jti === jti,
    );
    expect(mint).toMatchObject({
      actor: { kind: 'tenant_key' },
      details: { scopes: ['praise:read', 'praise:write'], origin: A.origin },
    });
    // Newest first, and nothing people wrote.
    expect(items.map((e) => e.id)).toEqual([...items.map((e) => e.id)].sort().reverse());
    expect(JSON.stringify(items)).not.toContain('secret words');
  });

  it('a failed write leaves no entry, and an idempotent replay no second one', async () => {
    const token = await A.token('bob');
    const before = await ownerCount(A.tenant.id);
    const self = await t.request('POST', '/v1/praise', {
      auth: token,
      origin: A.origin,
      body: { recipientIds: [A.ids.bob], message: 'me' },
    });
    expect(self.status).toBe(422);
    const unknownValue = await t.request('POST', '/v1/praise', {
      auth: token,
      origin: A.origin,
      body: { recipientIds: [A.ids.ann], message: 'x', values: ['nope'] },
    });
    expect(unknownValue.status).toBe(422);
    expect(await ownerCount(A.tenant.id)).toBe(before);

    const body = { recipientIds: [A.ids.ann], message: 'once' };
    const headers = { 'idempotency-key': 'audit-replay-0001' };
    const first = await t.request('POST', '/v1/praise', {
      auth: token,
      origin: A.origin,
      body,
      headers,
    });
    const again = await t.request('POST', '/v1/praise', {
      auth: token,
      origin: A.origin,
      body,
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await ownerCount(A.tenant.id)).toBe(before + 1);
  });
});

describe('reading the trail', () => {
  it('an admin token with audit:read reads it; other people cannot', async () => {
    const admin = await A.token('root', ['audit:read']);
    const ok = await t.request('GET', '/v1/audit-log?limit=2', { auth: admin, origin: A.origin });
    expect(ok.status).toBe(200);
    expect(ok.body.items).toHaveLength(2);
    const ann = await A.token('ann');
    const refused = await t.request('GET', '/v1/audit-log', { auth: ann, origin: A.origin });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:grove:problem:insufficient-scope');
    // The scope cannot be minted for an employee at all.
    const mint = await t.request('POST', '/v1/embed/tokens', {
      auth: A.tenant.apiKey,
      body: {
        user: { externalId: 'ann', name: 'Audit A Ann' },
        scopes: ['audit:read'],
        origin: A.origin,
      },
    });
    expect(mint.status).toBe(403);
    expect((await t.request('GET', '/v1/audit-log', { auth: PLATFORM_KEY })).status).toBe(403);
  });

  it('pages newest first with a cursor, and filters by action, actor and time', async () => {
    const all = await trail(A);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: { body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await t.request('GET', `/v1/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
          auth: A.tenant.apiKey,
        });
      pages.push(...reply.body.items.map((i) => i.id));
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((e) => e.id));

    const creates = await trail(A, 'action=praise.create&limit=100');
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((e) => e.action === 'praise.create')).toBe(true);
    const byAnn = await trail(A, `actor=${A.ids.ann}&limit=100`);
    expect(byAnn.length).toBeGreaterThan(0);
    expect(byAnn.every((e) => e.actor.id === A.ids.ann)).toBe(true);
    const future = await trail(
      A,
      `since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future).toEqual([]);
    const past = await trail(
      A,
      `since=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}&limit=100`,
    );
    expect(past.length).toBe(all.length);
  });

  it('refuses bad queries with a validation problem', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'cursor=bm90LWEtdXVpZA',
      'action=DROP%20TABLE',
      'actor=12',
      'since=yesterday',
      'extra=1',
    ]) {
      const reply = await t.request('GET', `/v1/audit-log?${query}`, { auth: A.tenant.apiKey });
      expect(reply.status, query).toBe(400);
      expect(reply.body.type, query).toBe('urn:grove:problem:validation');
    }
  });

  it('each tenant sees only its own entries, through the API and in the database', async () => {
    const mine = await trail(B);
    expect(mine.length).toBeGreaterThan(0);
    const aIds = new Set((await trail(A)).map((e) => e.id));
    expect(mine.some((e) => aIds.has(e.id))).toBe(false);
    // Another tenant's actor id finds nothing.
    expect(await trail(B, `actor=${A.ids.ann}`)).toEqual([]);
    const seen = await t.grove.deps.database.withTenant(B.tenant.id, (tx) =>
      rows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from app.audit_log where tenant_id = ${A.tenant.id}`,
      ),
    );
    expect(seen[0]!.n).toBe(0);
    expect(
      await refusal(
        t.grove.deps.database.withTenant(B.tenant.id, (tx) =>
          tx.execute(sql`insert into app.audit_log (tenant_id, id, actor_kind, actor_id, credential, request_id, action)
                       values (${A.tenant.id}, gen_random_uuid(), 'user', ${A.ids.ann}, 'jti:x', 'forged', 'praise.create')`),
        ),
      ),
    ).toMatch(/row-level security/);
  });
});
