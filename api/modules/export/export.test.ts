import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { isSealed } from '../../security/field-cipher.js';
import { praiseMessageRef } from '../praise/praise.fields.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';
import { seedTenants } from '../../../test/support/seed.js';
import { MAX_CONCURRENT_EXPORTS } from './export.routes.js';

const BATCH = 7;
let t: TestGrove;
let acme: Awaited<ReturnType<typeof seedTenants>>[number];
let globex: Awaited<ReturnType<typeof seedTenants>>[number];

beforeAll(async () => {
  t = await testGrove({}, { exportBatchSize: BATCH });
  [acme, globex] = (await seedTenants(t)) as [typeof acme, typeof globex];
  // Enough praise for several batches.
  const bob = await acme.token('bob');
  for (let i = 0; i < 30; i++) {
    const reply = await t.request('POST', '/v1/praise', { auth: bob, origin: acme.origin, body: { recipientIds: [acme.ids.cat], message: `More ${i}` } });
    expect(reply.status).toBe(201);
  }
});
afterAll(() => t.close());

const owner = <T>(query: ReturnType<typeof sql>) => rows<T>(t.db.handle.db, query);
const batches = async () => (await t.grove.deps.metrics.exportBatches.get()).values[0]?.value ?? 0;

/** Every row the tenant holds, as the owner reads it from the database. */
async function stored(tenantId: string) {
  const ids = async (table: string, column = 'id') =>
    (await owner<{ id: string }>(sql`select ${sql.raw(column)}::text as id from ${sql.raw(table)} where tenant_id = ${tenantId} order by 1`)).map((r) => r.id);
  return {
    people: await ids('app.people'),
    praise: await ids('app.praise'),
    values: await ids('app.company_values', 'key'),
    reactions: await ids('app.praise_reactions', `praise_id::text || '/' || person_id::text || '/' || reaction`),
    recipients: await ids('app.praise_recipients', `praise_id::text || '/' || recipient_id::text`),
    messages: Object.fromEntries((await owner<{ id: string; message: string }>(sql`select id, message from app.praise where tenant_id = ${tenantId}`)).map((r) => [r.id, r.message])),
  };
}

describe('tenant export (GDPR art. 20)', () => {
  it('is a complete, parseable archive of every row of the tenant and of no other', async () => {
    const reply = await t.request('GET', '/v1/export', { auth: acme.apiKey });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.headers.get('content-disposition')).toMatch(/^attachment; filename="grove-export-/);
    const archive = reply.body;
    expect(archive).toMatchObject({ format: 'grove-export/1', scope: 'tenant', complete: true, tenant: { id: acme.tenant.id, name: 'Acme' } });
    const db = await stored(acme.tenant.id);
    expect(db.praise.length).toBeGreaterThan(4 * BATCH);
    expect(archive.people.map((p: { id: string }) => p.id)).toEqual(db.people);
    expect(archive.praise.map((p: { id: string }) => p.id)).toEqual(db.praise);
    expect(archive.values.map((v: { key: string }) => v.key)).toEqual(db.values);
    expect(archive.reactions.map((r: { praiseId: string; personId: string; reaction: string }) => `${r.praiseId}/${r.personId}/${r.reaction}`)).toEqual(db.reactions);
    expect(archive.praise.flatMap((p: { id: string; recipientIds: string[] }) => p.recipientIds.map((r) => `${p.id}/${r}`)).sort()).toEqual(db.recipients);
    // Stored sealed, exported as written: each message opened with the tenant's data key.
    await t.grove.deps.cipher.prepare(acme.tenant.id);
    for (const p of archive.praise as Array<{ id: string; message: string }>) {
      expect(isSealed(db.messages[p.id]!)).toBe(true);
      expect(p.message).toBe(t.grove.deps.cipher.open(acme.tenant.id, praiseMessageRef(p.id), db.messages[p.id]!));
    }
    expect(archive.praise.some((p: { message: string }) => p.message.startsWith('Acme thanks'))).toBe(true);
    // The deleted praise is there, marked; people carry what the directory holds.
    expect(archive.praise.filter((p: { deletedAt: string | null }) => p.deletedAt !== null)).toHaveLength(1);
    expect(archive.people.find((p: { externalId: string }) => p.externalId === 'ann')).toMatchObject({ name: 'Acme Ann', team: 'Core', managerId: acme.ids.boss, erasedAt: null });
    // Nothing of Globex.
    const text = JSON.stringify(archive);
    expect(text).not.toMatch(/Globex/);
    for (const id of [...Object.values(globex.ids), ...globex.given, globex.tenant.id]) expect(text).not.toContain(id);
  });

  it('is the same for the operator, and for an admin\'s token with data:export; others are refused', async () => {
    const byKey = (await t.request('GET', '/v1/export', { auth: globex.apiKey })).body;
    const byOperator = (await t.request('GET', `/v1/platform/tenants/${globex.tenant.id}/export`, { auth: PLATFORM_KEY })).body;
    const admin = await globex.token('root', ['praise:read', 'data:export']);
    const byAdmin = (await t.request('GET', '/v1/export', { auth: admin, origin: globex.origin })).body;
    const strip = ({ exportedAt: _, ...rest }: Record<string, unknown>) => rest;
    expect(byKey.praise).toHaveLength(6);
    expect(strip(byOperator)).toEqual(strip(byKey));
    expect(strip(byAdmin)).toEqual(strip(byKey));

    const employee = await globex.token('ann');
    const refused = await t.request('GET', '/v1/export', { auth: employee, origin: globex.origin });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:grove:problem:insufficient-scope');
    // An employee cannot even be granted the scope.
    const minted = await t.mint(globex.apiKey, { externalId: 'ann', name: 'Globex Ann' }, ['praise:read', 'data:export']);
    expect(minted.scopes).toEqual(['praise:read']);
    expect((await t.request('GET', `/v1/platform/tenants/${crypto.randomUUID()}/export`, { auth: PLATFORM_KEY })).status).toBe(404);
    expect((await t.request('GET', '/v1/platform/tenants/not-a-uuid/export', { auth: PLATFORM_KEY })).status).toBe(400);
    expect((await t.request('GET', `/v1/platform/tenants/${globex.tenant.id}/export`, { auth: globex.apiKey })).status).toBe(403);
  });
});

describe('personal export', () => {
  it('holds the person\'s profile, the praise they gave and received, and their reactions: nothing else', async () => {
    const token = await acme.token('bob');
    const reply = await t.request('GET', '/v1/me/export', { auth: token, origin: acme.origin });
    expect(reply.status).toBe(200);
    const archive = reply.body;
    expect(archive).toMatchObject({ format: 'grove-export/1', scope: 'person', complete: true, person: { id: acme.ids.bob, name: 'Acme Bob', manager: { id: acme.ids.boss, name: 'Acme Boss' } } });
    const gave = await owner<{ id: string }>(sql`select id::text from app.praise where tenant_id = ${acme.tenant.id} and giver_id = ${acme.ids.bob} and deleted_at is null order by id`);
    const got = await owner<{ id: string }>(sql`select r.praise_id::text as id from app.praise_recipients r join app.praise p on p.tenant_id = r.tenant_id and p.id = r.praise_id
      where r.tenant_id = ${acme.tenant.id} and r.recipient_id = ${acme.ids.bob} and p.deleted_at is null order by 1`);
    expect(archive.praiseGiven.map((p: { id: string }) => p.id)).toEqual(gave.map((r) => r.id));
    expect(archive.praiseReceived.map((p: { id: string }) => p.id)).toEqual(got.map((r) => r.id));
    expect(archive.praiseGiven.length).toBeGreaterThan(BATCH);
    expect(archive.praiseReceived[0]).toMatchObject({ giver: { id: acme.ids.ann, name: 'Acme Ann' } });
    expect(archive.reactions.map((r: { reaction: string }) => r.reaction).sort()).toEqual(['clap', 'heart']);
    expect(archive.praiseGiven.some((p: { message: string }) => p.message === 'Acme private note')).toBe(true);
    expect(archive.people).toBeUndefined();
    expect(JSON.stringify(archive)).not.toMatch(/Globex/);
  });

  it('leaves out praise between others, even in the same tenant', async () => {
    const archive = (await t.request('GET', '/v1/me/export', { auth: await acme.token('cat'), origin: acme.origin })).body;
    expect(archive.person.id).toBe(acme.ids.cat);
    expect(archive.praiseGiven).toEqual([]);
    expect(archive.praiseReceived).toHaveLength(4 + 30); // ann's five less the deleted one, bob's thirty
    expect(archive.reactions).toEqual([{ praiseId: acme.given[0], reaction: 'clap', createdAt: expect.any(String) }]);
    expect(JSON.stringify(archive)).not.toContain('private note'); // bob → ann
  });

  it('refuses a token locked to one praise', async () => {
    const locked = await t.mint(acme.apiKey, { externalId: 'bob', name: 'Acme Bob' }, ['praise:read'], { origin: acme.origin, resource: `praise:${acme.given[0]}` });
    const reply = await t.request('GET', '/v1/me/export', { auth: locked.token, origin: acme.origin });
    expect(reply.status).toBe(403);
    expect(reply.body.type).toBe('urn:grove:problem:resource-locked');
  });
});

describe('streaming', () => {
  it('reads the next batch only when the reader asks for more: a slow reader holds few batches, never the tenant', async () => {
    const before = await batches();
    const response = await t.grove.app.request('https://grove.test/v1/export', { headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let i = 0; i < 2; i++) text += decoder.decode((await reader.read()).value, { stream: true });
    // The reader pauses. The producer must be parked, not reading on.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = (await batches()) - before;
    expect(whilePaused).toBeLessThanOrEqual(2);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const total = (await batches()) - before;
    expect(total).toBeGreaterThanOrEqual(8);
    expect(JSON.parse(text).complete).toBe(true);
  });

  it('stops an export whose reader takes nothing for too long, and frees its place', async () => {
    const idle = await t.sibling({ exportIdleMs: 50, exportBatchSize: BATCH });
    const response = await idle.grove.app.request('https://grove.test/v1/export', { headers: { authorization: `Bearer ${acme.apiKey}` } });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a reader gone quiet
    await expect(reader.read()).rejects.toThrow(/took nothing for 50 ms/);
    // Its place is free: MAX_CONCURRENT_EXPORTS others can run side by side.
    const open = [];
    for (let i = 0; i < MAX_CONCURRENT_EXPORTS; i++) {
      const again = await idle.grove.app.request('https://grove.test/v1/export', { headers: { authorization: `Bearer ${acme.apiKey}` } });
      expect(again.status).toBe(200);
      open.push(again.body!.getReader());
    }
    for (const other of open) await other.cancel();
  });

  it(`runs at most ${MAX_CONCURRENT_EXPORTS} exports per instance; a cancelled export frees its place`, async () => {
    const open = [];
    for (let i = 0; i < MAX_CONCURRENT_EXPORTS; i++) {
      const response = await t.grove.app.request('https://grove.test/v1/export', { headers: { authorization: `Bearer ${acme.apiKey}` } });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read(); // started: a snapshot is open on PostgreSQL
      open.push(reader);
    }
    const refused = await t.request('GET', '/v1/export', { auth: acme.apiKey });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    for (const reader of open) await reader.cancel();
    // The producer notices the cancel at its next write; the place frees when it stops.
    let again = await t.request('GET', '/v1/export', { auth: acme.apiKey });
    for (let i = 0; again.status === 503 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await t.request('GET', '/v1/export', { auth: acme.apiKey });
    }
    expect(again.status).toBe(200);
    expect(again.body.complete).toBe(true);
  });
});
