import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';
import { purgeTenantAuditLog, tenantAuditStatement } from './audit.service.js';
import { auditEntries, refusal } from '../../../test/support/audit.js';

/**
 * Both trails are append-only below the API: grove_app can neither UPDATE, DELETE nor TRUNCATE
 * the tenant trail (as the real grove_app login on PostgreSQL, by SET ROLE on PGlite), and a
 * trigger refuses even the owner, except the purge of one whole tenant. And the platform trail
 * records the platform key's and the CLI's actions.
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

const ownerCount = (tenantId: string) => auditEntries(t.grove.deps.database.db, tenantId);

describe('one transaction', () => {
  it('the entry and its change commit together: an entry that fails takes the change with it', async () => {
    const valueCount = async () =>
      (await rows<{ n: number }>(t.grove.deps.database.db, sql`select count(*)::int as n from app.company_values where tenant_id = ${A.tenant.id} and key = 'atomic'`))[0]!.n;
    const entries = await ownerCount(A.tenant.id);
    const entry = { tenantId: A.tenant.id, actorKind: 'user' as const, credential: 'jti:test', requestId: 'req-atomic', action: 'values.add' };
    const change = (tx: Parameters<Parameters<typeof t.grove.deps.database.withTenant>[1]>[0]) =>
      tx.execute(sql`insert into app.company_values (tenant_id, key, label) values (${A.tenant.id}, 'atomic', 'Atomic')`);
    // An entry the database refuses (not a uuid): the COMMIT that followed it finds the transaction aborted.
    const failed = await refusal(t.grove.deps.database.withTenant(A.tenant.id, change, { lastStatement: () => tenantAuditStatement({ ...entry, actorId: 'not-a-uuid' }) }));
    expect(failed).toMatch(/uuid/);
    expect(await valueCount()).toBe(0);
    expect(await ownerCount(A.tenant.id)).toBe(entries);
    // The same with a valid entry: both are there.
    await t.grove.deps.database.withTenant(A.tenant.id, change, { lastStatement: () => tenantAuditStatement({ ...entry, actorId: A.ids.ann! }) });
    expect(await valueCount()).toBe(1);
    expect(await ownerCount(A.tenant.id)).toBe(entries + 1);
  });
});

describe('append-only', () => {
  const asApp = (statement: ReturnType<typeof sql>) =>
    t.grove.deps.database.withTenant(A.tenant.id, (tx) => tx.execute(statement));
  /** As the owner (a superuser here), with the tenant set so row-level security is no reason to find nothing. */
  const asOwner = (statement: ReturnType<typeof sql>, purge?: string) =>
    t.grove.deps.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${A.tenant.id}, true)`);
      if (purge) await tx.execute(sql`select set_config('grove.purge_tenant', ${purge}, true)`);
      return tx.execute(statement);
    });

  it('the application role can neither UPDATE, DELETE nor TRUNCATE an entry', async () => {
    const before = await ownerCount(A.tenant.id);
    expect(before).toBeGreaterThan(0);
    expect(
      await refusal(
        asApp(
          sql`update app.audit_log set action = 'praise.nothing' where tenant_id = ${A.tenant.id}`,
        ),
      ),
    ).toMatch(/permission denied/);
    expect(
      await refusal(asApp(sql`delete from app.audit_log where tenant_id = ${A.tenant.id}`)),
    ).toMatch(/permission denied/);
    expect(await refusal(asApp(sql`truncate app.audit_log`))).toMatch(/permission denied/);
    // Naming itself the purger changes nothing: grove_app holds no DELETE to use it with.
    expect(
      await refusal(
        t.grove.deps.database.withTenant(A.tenant.id, async (tx) => {
          await tx.execute(sql`select set_config('grove.purge_tenant', ${A.tenant.id}, true)`);
          await tx.execute(sql`delete from app.audit_log where tenant_id = ${A.tenant.id}`);
        }),
      ),
    ).toMatch(/permission denied/);
    const [privileges] = await rows<Record<string, boolean>>(
      t.grove.deps.database.db,
      sql`
      select has_table_privilege('grove_app', 'app.audit_log', 'INSERT') as insert, has_table_privilege('grove_app', 'app.audit_log', 'SELECT') as select,
             has_table_privilege('grove_app', 'app.audit_log', 'UPDATE') as update, has_table_privilege('grove_app', 'app.audit_log', 'DELETE') as delete,
             has_table_privilege('grove_app', 'app.audit_log', 'TRUNCATE') as truncate`,
    );
    expect(privileges).toEqual({
      insert: true,
      select: true,
      update: false,
      delete: false,
      truncate: false,
    });
    expect(await ownerCount(A.tenant.id)).toBe(before);
  });

  it('even the owner cannot UPDATE, DELETE or TRUNCATE it, nor purge another tenant than the one named', async () => {
    const before = await ownerCount(A.tenant.id);
    expect(
      await refusal(
        asOwner(
          sql`update app.audit_log set action = 'praise.nothing' where tenant_id = ${A.tenant.id}`,
        ),
      ),
    ).toMatch(/append-only/);
    expect(
      await refusal(asOwner(sql`delete from app.audit_log where tenant_id = ${A.tenant.id}`)),
    ).toMatch(/append-only/);
    expect(await refusal(asOwner(sql`truncate app.audit_log`))).toMatch(/append-only/);
    expect(
      await refusal(
        asOwner(sql`delete from app.audit_log where tenant_id = ${A.tenant.id}`, B.tenant.id),
      ),
    ).toMatch(/append-only/);
    // The purge setting admits deletes only: an update stays refused.
    expect(
      await refusal(
        asOwner(
          sql`update app.audit_log set action = 'praise.nothing' where tenant_id = ${A.tenant.id}`,
          A.tenant.id,
        ),
      ),
    ).toMatch(/append-only/);
    expect(await ownerCount(A.tenant.id)).toBe(before);
  });

  it('the platform trail is append-only too, with no purge at all', async () => {
    const db = t.grove.deps.database.db;
    const [{ n }] = (await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from platform.audit_log`,
    )) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    expect(await refusal(db.execute(sql`update platform.audit_log set action = 'x'`))).toMatch(
      /append-only/,
    );
    expect(await refusal(db.execute(sql`delete from platform.audit_log`))).toMatch(/append-only/);
    expect(await refusal(db.execute(sql`truncate platform.audit_log`))).toMatch(/append-only/);
    expect(
      await refusal(
        db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('grove.purge_tenant', ${A.tenant.id}, true)`);
          await tx.execute(sql`delete from platform.audit_log where tenant_id = ${A.tenant.id}`);
        }),
      ),
    ).toMatch(/append-only/);
  });

  it("a whole-tenant purge (tenant deletion) removes that tenant's trail and no other", async () => {
    const other = await t.tenantWithPeople('Audit C', 'https://c.audit.test');
    const bBefore = await ownerCount(B.tenant.id);
    expect(await ownerCount(other.tenant.id)).toBeGreaterThan(0);
    await t.grove.deps.database.db.transaction((tx) => purgeTenantAuditLog(tx, other.tenant.id));
    expect(await ownerCount(other.tenant.id)).toBe(0);
    expect(await ownerCount(B.tenant.id)).toBe(bBefore);
  });
});

describe('platform trail', () => {
  it('records platform-key writes with their request id, readable by the platform key only', async () => {
    const rotated = await t.request('POST', `/v1/platform/tenants/${B.tenant.id}/api-keys`, {
      auth: PLATFORM_KEY,
      body: { graceSeconds: 60 },
      headers: { 'x-request-id': 'req-platform-rotate' },
    });
    expect(rotated.status).toBe(201);
    const signing = await t.request('POST', '/v1/platform/signing-keys/rotate', {
      auth: PLATFORM_KEY,
    });
    expect(signing.status).toBe(201);
    const reply = await t.request(
      'GET',
      `/v1/platform/audit-log?tenantId=${B.tenant.id}&limit=100`,
      { auth: PLATFORM_KEY },
    );
    expect(reply.status).toBe(200);
    const items = reply.body.items as Array<Record<string, any>>;
    expect(items.find((e) => e.action === 'api_key.rotate')).toMatchObject({
      actor: 'platform',
      requestId: 'req-platform-rotate',
      tenantId: B.tenant.id,
      details: { graceSeconds: 60 },
    });
    expect(items.find((e) => e.action === 'tenant.create')).toMatchObject({
      tenantId: B.tenant.id,
      details: { name: 'Audit B' },
    });
    expect(items.find((e) => e.action === 'values.replace')).toBeUndefined(); // values came with the create
    expect(JSON.stringify(items)).not.toContain('grove_sk_');
    const keys = await t.request('GET', '/v1/platform/audit-log?action=signing_key.rotate', {
      auth: PLATFORM_KEY,
    });
    expect(keys.body.items[0]).toMatchObject({
      action: 'signing_key.rotate',
      targetId: signing.body.kid,
    });
    expect(
      (await t.request('GET', '/v1/platform/audit-log', { auth: B.tenant.apiKey })).status,
    ).toBe(403);
  });

  it('records tenant changes, values, revoke-all; one entry per write, none for a failed one', async () => {
    const path = `/v1/platform/tenants/${B.tenant.id}`;
    const renamed = await t.request('PATCH', path, { auth: PLATFORM_KEY, body: { name: 'Audit B2' } });
    expect(renamed.status).toBe(200);
    const values = await t.request('PUT', `${path}/values`, { auth: PLATFORM_KEY, body: { values: [{ key: 'care', label: 'Care' }] } });
    expect(values.status).toBe(200);
    const revoked = await t.request('POST', `${path}/tokens/revoke`, { auth: PLATFORM_KEY });
    expect(revoked.status).toBe(200);
    const refused = await t.request('PUT', `${path}/values`, { auth: PLATFORM_KEY, body: { values: [{ key: 'x', label: 'X' }, { key: 'x', label: 'Y' }] } });
    expect(refused.status).toBe(400);
    const reply = await t.request('GET', `/v1/platform/audit-log?tenantId=${B.tenant.id}&limit=100`, { auth: PLATFORM_KEY });
    const actions = (reply.body.items as Array<{ action: string }>).map((e) => e.action);
    expect(actions.filter((a) => a === 'tenant.update')).toHaveLength(1);
    expect(actions.filter((a) => a === 'values.replace')).toHaveLength(1);
    expect(actions.filter((a) => a === 'tokens.revoke_all')).toHaveLength(1);
    const update = (reply.body.items as Array<Record<string, any>>).find((e) => e.action === 'tenant.update')!;
    expect(update.details).toMatchObject({ changed: ['name'], name: 'Audit B2' });
    expect((reply.body.items as Array<Record<string, any>>).find((e) => e.action === 'values.replace')!.details).toEqual({ keys: ['care'] });
  });

  it('an Idempotency-Key replay of a platform write records nothing more', async () => {
    const headers = { 'idempotency-key': 'audit-platform-replay-1' };
    const body = { name: 'Replayed Co', origins: [] };
    const first = await t.request('POST', '/v1/platform/tenants', { auth: PLATFORM_KEY, body, headers });
    const again = await t.request('POST', '/v1/platform/tenants', { auth: PLATFORM_KEY, body, headers });
    expect(first.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reply = await t.request('GET', `/v1/platform/audit-log?tenantId=${first.body.id}`, { auth: PLATFORM_KEY });
    expect(reply.body.items.map((e: { action: string }) => e.action)).toEqual(['tenant.create']);
  });

  it('records the CLI\'s signing key rotation as actor cli (PostgreSQL: the CLI is another process)', async (context) => {
    if (!t.db.url) return context.skip();
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'api/cli/main.ts', 'keys', 'rotate'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        GROVE_DATA_DIR: t.config.dataDir,
        GROVE_PLATFORM_KEY: PLATFORM_KEY,
        GROVE_MASTER_KEY: t.config.masterKey.toString('base64'),
        GROVE_LOG_LEVEL: 'silent',
      },
      timeout: 60_000,
    });
    const kid = /signing with (k_[0-9a-f]+)/.exec(stdout)?.[1];
    expect(kid, stdout).toBeDefined();
    const reply = await t.request('GET', '/v1/platform/audit-log?action=signing_key.rotate', { auth: PLATFORM_KEY });
    expect(reply.body.items[0]).toMatchObject({ actor: 'cli', targetId: kid, requestId: null });
    const events = await t.request('GET', '/v1/platform/security-events?type=signing_key_rotated', { auth: PLATFORM_KEY });
    expect(events.body.items[0]).toMatchObject({ actor: 'cli', details: { kid } });
  }, 90_000);
});
