import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { groveTables } from '../../ops/database-state.js';
import { tombstoneExternalId } from './erasure.service.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';

let t: TestGrove;
let acme: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
let globex: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
const MARKER = `ann-wrote-${crypto.randomUUID()}`;

beforeAll(async () => {
  t = await testGrove();
  acme = await t.tenantWithPeople('Acme');
  globex = await t.tenantWithPeople('Globex');
});
afterAll(() => t.close());

const as = async (tenant: typeof acme, who: string) => {
  const token = await tenant.token(who);
  return (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    t.request(method, path, { auth: token, origin: tenant.origin, body, ...(headers ? { headers } : {}) });
};
const erase = (apiKey: string, externalId: string) =>
  t.request('POST', `/v1/directory/users/${encodeURIComponent(externalId)}/erase`, { auth: apiKey });

/** Rows of every app table whose text contains `needle` (as the owner sees them, all tenants). */
async function rowsMentioning(needle: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of await groveTables(t.db.handle.db)) {
    if (!table.startsWith('app.')) continue;
    const [row] = await rows<{ n: number | string }>(t.db.handle.db, sql.raw(`select count(*) as n from ${table} t where t::text ilike '%${needle.replace(/'/g, "''")}%'`));
    if (Number(row!.n) > 0) found[table] = Number(row!.n);
  }
  return found;
}

describe('erasing one person (GDPR art. 17)', () => {
  let annPraise: string[];
  let toAnn: string;
  let reactionsBefore: unknown;
  let erasedId: string;

  beforeAll(async () => {
    const ann = await as(acme, 'ann');
    const bob = await as(acme, 'bob');
    annPraise = [];
    for (const [i, recipients] of [[acme.ids.bob], [acme.ids.bob, acme.ids.cat]].entries()) {
      const reply = await ann('POST', '/v1/praise', { recipientIds: recipients, message: `${MARKER} ${i}`, values: ['kindness'] }, { 'idempotency-key': `ann-praise-${i}` });
      expect(reply.status).toBe(201);
      annPraise.push(reply.body.id);
    }
    toAnn = (await bob('POST', '/v1/praise', { recipientIds: [acme.ids.ann], message: 'Thanks Ann for the review' })).body.id;
    await ann('PUT', `/v1/praise/${toAnn}/reactions/heart`);
    await bob('PUT', `/v1/praise/${toAnn}/reactions/heart`);
    await bob('PUT', `/v1/praise/${annPraise[0]}/reactions/clap`);
    reactionsBefore = (await bob('GET', `/v1/praise/${toAnn}`)).body.reactions;
    expect(await rowsMentioning('Acme Ann')).not.toEqual({});
  });

  it('turns the person into a tombstone, removes their writing and says what it did', async () => {
    const annToken = await acme.token('ann');
    const reply = await erase(acme.tenant.apiKey, 'ann');
    expect(reply.status).toBe(200);
    erasedId = reply.body.id;
    expect(erasedId).toBe(acme.ids.ann);
    expect(reply.body).toMatchObject({
      alreadyErased: false,
      counts: { praiseTextsRemoved: 2, praiseReceivedKept: 1, reactionsKept: 1, idempotencyRecordsDeleted: 2, reportsUnassigned: 0, surveyParticipationKept: 0 },
    });
    expect(reply.body.counts.searchTermsDeleted).toBeGreaterThan(0);
    // Nothing stored in any tenant table still names them or holds what they wrote.
    expect(await rowsMentioning('Acme Ann')).toEqual({});
    expect(await rowsMentioning(MARKER)).toEqual({});
    // Their tokens stop working at once.
    const me = await t.request('GET', '/v1/me', { auth: annToken, origin: acme.origin });
    expect(me.status).toBe(401);
  });

  it('keeps the aggregates: praise others received from them, praise they received, reaction counts', async () => {
    const bob = await as(acme, 'bob');
    const fromAnn = await bob('GET', `/v1/praise/${annPraise[1]}`);
    expect(fromAnn.body).toMatchObject({ giver: { id: erasedId, name: 'Former colleague', team: null }, message: '', values: ['kindness'] });
    expect(fromAnn.body.recipients.map((r: { id: string }) => r.id).sort()).toEqual([acme.ids.bob, acme.ids.cat].sort());
    const received = await bob('GET', `/v1/praise/${toAnn}`);
    expect(received.body.recipients).toEqual([{ id: erasedId, name: 'Former colleague', team: null }]);
    expect(received.body.reactions).toEqual(reactionsBefore);
    const bobsFeed = await bob('GET', `/v1/praise?recipientId=${acme.ids.bob}&limit=50`);
    expect(bobsFeed.body.items.filter((p: { giver: { id: string } }) => p.giver.id === erasedId)).toHaveLength(2);
    // Not findable, not praisable.
    expect((await bob('GET', '/v1/people?q=ann')).body.items).toEqual([]);
    const praiseTombstone = await bob('POST', '/v1/praise', { recipientIds: [erasedId], message: 'hello?' });
    expect(praiseTombstone.status).toBe(404);
  });

  it('is idempotent, frees the external id for someone new, and clears a manager\'s reports', async () => {
    const again = await erase(acme.tenant.apiKey, 'ann');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: erasedId, alreadyErased: true, counts: { praiseTextsRemoved: 0 } });
    const byId = await t.request('POST', `/v1/directory/people/${erasedId}/erase`, { auth: acme.tenant.apiKey });
    expect(byId.body).toMatchObject({ id: erasedId, alreadyErased: true });

    const revive = await t.request('POST', '/v1/directory/users', {
      auth: acme.tenant.apiKey,
      body: { users: [{ externalId: tombstoneExternalId(t.config.masterKey, acme.tenant.id, 'ann'), name: 'Ann Again' }] },
    });
    expect(revive.body).toMatchObject({ items: [], errors: [{ index: 0, errors: [{ path: 'externalId' }] }] });

    const newcomer = await t.mint(acme.tenant.apiKey, { externalId: 'ann', name: 'Another Ann' });
    expect(newcomer.user.id).not.toBe(erasedId);

    const boss = await erase(acme.tenant.apiKey, 'boss');
    expect(boss.body.counts.reportsUnassigned).toBe(1); // bob (ann, their other report, is erased and has no manager)
    const bobMe = await (await as(acme, 'bob'))('GET', '/v1/me');
    expect(bobMe.body.managerId).toBeNull();
  });

  it('never reaches another tenant: same external id elsewhere untouched, a foreign person id is a 404 and is reported', async () => {
    const globexAnn = await as(globex, 'ann');
    expect((await globexAnn('GET', '/v1/me')).body).toMatchObject({ name: 'Globex Ann', team: 'Core' });
    const foreign = await t.request('POST', `/v1/directory/people/${globex.ids.cat}/erase`, { auth: acme.tenant.apiKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('urn:grove:problem:not-found');
    const missing = await t.request('POST', `/v1/directory/people/${crypto.randomUUID()}/erase`, { auth: acme.tenant.apiKey });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ ...foreign.body, requestId: missing.body.requestId });
    expect((await erase(acme.tenant.apiKey, 'nobody')).status).toBe(404);
    expect((await (await as(globex, 'cat'))('GET', '/v1/me')).status).toBe(200);
    await t.grove.drain();
    const events = await t.request('GET', '/v1/platform/security-events?type=tenant_violation_attempt', { auth: PLATFORM_KEY });
    expect(events.body.items.some((e: { targetTenantId: string; details: { id: string } }) => e.targetTenantId === globex.tenant.id && e.details.id === globex.ids.cat)).toBe(true);
  });

  it('can be done by the platform operator, within the tenant named', async () => {
    const wrongTenant = await t.request('POST', `/v1/platform/tenants/${acme.tenant.id}/people/${globex.ids.bob}/erase`, { auth: PLATFORM_KEY });
    expect(wrongTenant.status).toBe(404);
    expect((await (await as(globex, 'bob'))('GET', '/v1/me')).body.name).toBe('Globex Bob');
    const unknownTenant = await t.request('POST', `/v1/platform/tenants/${crypto.randomUUID()}/people/${globex.ids.bob}/erase`, { auth: PLATFORM_KEY });
    expect(unknownTenant.status).toBe(404);
    const done = await t.request('POST', `/v1/platform/tenants/${globex.tenant.id}/people/${globex.ids.bob}/erase`, { auth: PLATFORM_KEY });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: globex.ids.bob, alreadyErased: false });
    expect((await t.request('POST', `/v1/platform/tenants/${globex.tenant.id}/people/${globex.ids.bob}/erase`, { auth: globex.tenant.apiKey })).status).toBe(403);
  });

  it('needs the tenant API key', async () => {
    const admin = await as(acme, 'root');
    expect((await admin('POST', '/v1/directory/users/cat/erase')).status).toBe(403);
    expect((await t.request('POST', '/v1/directory/users/cat/erase', { auth: PLATFORM_KEY })).status).toBe(403);
    expect((await t.request('POST', '/v1/directory/people/not-a-uuid/erase', { auth: acme.tenant.apiKey })).status).toBe(400);
  });
});
