import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { praiseMessageRef } from '../../api/modules/praise/praise.fields.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../support/grove.js';

/**
 * Field encryption end to end: what rests in the database is ciphertext bound to its tenant,
 * table, column and row; moved, it does not open and says so; a tenant's deletion shreds it.
 */
let t: TestGrove;
let acme: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
let globex: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
beforeAll(async () => {
  t = await testGrove();
  acme = await t.tenantWithPeople('Acme');
  globex = await t.tenantWithPeople('Globex', 'https://globex.test');
});
afterAll(() => t.close());

type Tenant = typeof acme;

async function give(tenant: Tenant, message: string, headers: Record<string, string> = {}) {
  const reply = await t.request('POST', '/v1/praise', {
    auth: await tenant.token('ann'),
    origin: tenant.origin,
    body: { recipientIds: [tenant.ids.bob], message },
    headers,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { id: string; message: string };
}

async function read(tenant: Tenant, id: string) {
  return t.request('GET', `/v1/praise/${id}`, { auth: await tenant.token('bob'), origin: tenant.origin });
}

async function feed(tenant: Tenant) {
  const reply = await t.request('GET', '/v1/praise?limit=100', { auth: await tenant.token('bob'), origin: tenant.origin });
  expect(reply.status).toBe(200);
  return reply.body.items as Array<{ id: string; message: string }>;
}

/** The stored value, read below the API through the owner connection. */
async function stored(id: string, tenantId?: string): Promise<string> {
  const [row] = await rows<{ message: string }>(
    t.db.handle.db,
    sql`select message from app.praise where id = ${id}::uuid ${tenantId ? sql`and tenant_id = ${tenantId}::uuid` : sql``}`,
  );
  return row!.message;
}

async function decryptionFailures(rowId: string) {
  await t.grove.drain();
  const reply = await t.request('GET', '/v1/platform/security-events?type=decryption_failed&limit=100', { auth: PLATFORM_KEY });
  return (reply.body.items as Array<{ tenantId: string; details: Record<string, unknown> }>).filter((e) => e.details.rowId === rowId);
}

describe('praise at rest', () => {
  it('is ciphertext in the table, recording its key version, and plaintext through the API', async () => {
    const created = await give(acme, 'Thanks for the thorough review');
    const raw = await stored(created.id);
    expect(raw).toMatch(/^f1\.1\.[A-Za-z0-9_-]+$/);
    expect(raw).not.toContain('thorough');
    expect((await read(acme, created.id)).body.message).toBe('Thanks for the thorough review');
  });
});

describe('a ciphertext moved elsewhere', () => {
  it('to another row of the same tenant does not open: left out of the feed, 404 alone, and recorded', async () => {
    const source = await give(acme, 'The original words');
    const target = await give(acme, 'Words about to be overwritten');
    await t.db.handle.db.execute(sql`update app.praise set message = ${await stored(source.id)} where id = ${target.id}::uuid`);

    const items = await feed(acme);
    expect(items.find((i) => i.id === source.id)?.message).toBe('The original words');
    expect(items.some((i) => i.id === target.id)).toBe(false);
    expect((await read(acme, target.id)).status).toBe(404);

    const events = await decryptionFailures(target.id);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ tenantId: acme.tenant.id, details: { table: 'praise', column: 'message', rowId: target.id } });
    // Where and why, never what.
    const recorded = JSON.stringify(events);
    expect(recorded).not.toContain('original words');
    expect(recorded).not.toContain(await stored(source.id));
  });

  it('to another tenant, under the very same row id, does not open and is recorded for that tenant', async () => {
    const source = await give(acme, 'Acme only');
    // Globex gets a row with Acme's id and Acme's ciphertext: only the tenant differs.
    await t.db.handle.db.execute(sql`insert into app.praise (tenant_id, id, giver_id, message)
      values (${globex.tenant.id}::uuid, ${source.id}::uuid, ${globex.ids.ann}::uuid, ${await stored(source.id, acme.tenant.id)})`);
    await t.db.handle.db.execute(sql`insert into app.praise_recipients (tenant_id, praise_id, recipient_id)
      values (${globex.tenant.id}::uuid, ${source.id}::uuid, ${globex.ids.bob}::uuid)`);

    expect((await read(globex, source.id)).status).toBe(404);
    expect((await feed(globex)).some((i) => i.id === source.id)).toBe(false);
    expect((await read(acme, source.id)).body.message).toBe('Acme only');
    const events = await decryptionFailures(source.id);
    expect(events.some((e) => e.tenantId === globex.tenant.id)).toBe(true);
  });
});

/** drizzle wraps the driver's error: the reason is in its cause. */
const permissionDenied = (error: unknown) => /permission denied/.test(String((error as { cause?: Error }).cause?.message ?? error));

describe('the key tables', () => {
  it('are out of reach of grove_app, even inside a tenant transaction', async () => {
    for (const table of ['platform.tenant_data_keys', 'platform.key_rotations', 'platform.data_migrations']) {
      await expect(
        t.db.handle.withTenant(acme.tenant.id, (tx) => tx.execute(sql.raw(`select * from ${table}`))),
        table,
      ).rejects.toSatisfy(permissionDenied);
      await expect(
        t.db.handle.withTenant(acme.tenant.id, (tx) => tx.execute(sql.raw(`delete from ${table}`))),
        table,
      ).rejects.toSatisfy(permissionDenied);
    }
  });

  it('hold each tenant\'s key only wrapped, naming the master that wrapped it', async () => {
    const keys = await rows<{ tenant_id: string; wrapped_key: string; master_key_id: string; uses: number }>(
      t.db.handle.db,
      sql`select tenant_id, wrapped_key, master_key_id, uses from platform.tenant_data_keys where state = 'active'`,
    );
    expect(keys.map((k) => k.tenant_id).sort()).toEqual([acme.tenant.id, globex.tenant.id].sort());
    for (const key of keys) {
      expect(key.wrapped_key).toMatch(/^v1\./);
      expect(key.master_key_id).toBe(t.grove.deps.dataKeys.masters.current.id);
      expect(Number(key.uses)).toBeGreaterThan(0); // nonces are reserved before use
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a pg_dump of the database', () => {
  it('holds no praise text, which still reads back intact through the API', async () => {
    const marker = `marker-${randomUUID()}`;
    const message = `Thank you ${marker} for everything`;
    // With an Idempotency-Key too: the stored first response must not leak the text either.
    const created = await give(acme, message, { 'idempotency-key': `dump-${randomUUID()}` });
    const { stdout } = await promisify(execFile)('/usr/bin/pg_dump', ['--no-owner', t.db.url!], { maxBuffer: 256 * 1024 * 1024 });
    expect(stdout).toContain('CREATE TABLE app.praise');
    expect(stdout).toContain(created.id);
    expect(stdout).not.toContain(marker);
    expect((await read(acme, created.id)).body.message).toBe(message);
  });
});

describe('deleting a tenant (crypto-shredding)', () => {
  it('destroys its data key first, so a copy of its ciphertext no longer opens, then removes its rows', async () => {
    const doomed = await t.tenantWithPeople('Doomed', 'https://doomed.test');
    const created = await give(doomed, 'Words that must not outlive the company');
    const sibling = await t.sibling({ dataKeys: { ttlMs: 50 } });
    // The sibling instance holds the key in its cache, having served a read.
    const before = await sibling.request('GET', `/v1/praise/${created.id}`, { auth: await doomed.token('bob'), origin: doomed.origin });
    expect(before.body.message).toBe('Words that must not outlive the company');
    const backup = await stored(created.id); // what a backup taken now would hold
    const ref = praiseMessageRef(created.id);
    expect(t.grove.deps.cipher.open(doomed.tenant.id, ref, backup)).toBe('Words that must not outlive the company');

    const reply = await t.request('DELETE', `/v1/platform/tenants/${doomed.tenant.id}`, { auth: PLATFORM_KEY });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: doomed.tenant.id, dataKeysDestroyed: 1 });
    expect(reply.body.rowsDeleted).toBeGreaterThan(5);

    // The key is gone from the database and from this instance's memory.
    const keys = await rows(t.db.handle.db, sql`select 1 from platform.tenant_data_keys where tenant_id = ${doomed.tenant.id}::uuid`);
    expect(keys).toHaveLength(0);
    expect(t.grove.deps.dataKeys.key(doomed.tenant.id, 1)).toBeUndefined();
    expect(t.grove.deps.cipher.open(doomed.tenant.id, ref, backup)).toBeUndefined();
    await expect(t.grove.deps.dataKeys.prepare(doomed.tenant.id)).rejects.toThrow(/destroyed/);
    // The other instance lets go of it once its cache entry lapses, and cannot get it back.
    await expect.poll(async () => sibling.grove.deps.dataKeys.prepare(doomed.tenant.id).then(() => 'open', (e: Error) => e.name)).toBe('TenantKeysDestroyed');
    expect(sibling.grove.deps.cipher.open(doomed.tenant.id, ref, backup)).toBeUndefined();

    // Its rows and credentials are gone; the other tenants are untouched.
    // Its audit trail too (append-only otherwise): the platform trail keeps the deletion.
    const left = await rows<{ n: number }>(
      t.db.handle.db,
      sql`select (select count(*) from app.praise where tenant_id = ${doomed.tenant.id}::uuid)
               + (select count(*) from app.people where tenant_id = ${doomed.tenant.id}::uuid)
               + (select count(*) from app.audit_log where tenant_id = ${doomed.tenant.id}::uuid)
               + (select count(*) from platform.api_keys where tenant_id = ${doomed.tenant.id}::uuid) as n`,
    );
    expect(Number(left[0]!.n)).toBe(0);
    const trail = await t.request('GET', `/v1/platform/audit-log?limit=5`, { auth: PLATFORM_KEY });
    expect(trail.body.items.map((e: { action: string }) => e.action)).toContain('tenant.delete');
    const sync = await t.request('POST', '/v1/directory/users', { auth: doomed.tenant.apiKey, body: { users: [] } });
    expect(sync.status).toBe(401);
    expect((await t.request('GET', `/v1/platform/tenants/${doomed.tenant.id}`, { auth: PLATFORM_KEY })).status).toBe(404);
    expect((await feed(acme)).length).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown tenant and needs the platform key', async () => {
    expect((await t.request('DELETE', `/v1/platform/tenants/${randomUUID()}`, { auth: PLATFORM_KEY })).status).toBe(404);
    expect((await t.request('DELETE', `/v1/platform/tenants/${acme.tenant.id}`, { auth: acme.tenant.apiKey })).status).toBe(403);
    expect((await t.request('DELETE', '/v1/platform/tenants/not-a-uuid', { auth: PLATFORM_KEY })).status).toBe(400);
  });
});
