import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { isSealed } from '../../security/field-cipher.js';
import { webhookSecretRef } from './alert-settings.fields.js';
import { SmtpListener, validSignature, WebhookListener } from '../../../test/support/alert-listeners.js';
import { PLATFORM_KEY, testGrove, type TestGrove } from '../../../test/support/grove.js';

/**
 * Alerts reach people through real local listeners: a node:http webhook receiver (the platform's
 * and each tenant's endpoints) and an in-process SMTP server. Each event arrives within a second;
 * a burst of 1,000 arrives as a handful of digests that state the total.
 */

const PLATFORM_SECRET = 'whsec_platform_0123456789abcdef';
const OPS = 'ops@grove.test';
const webhooks = new WebhookListener();
const smtp = new SmtpListener();
let t: TestGrove;
type Tenant = Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
let A: Tenant;
let B: Tenant;
let secretA: string;
let secretB: string;

/** Deliveries of one event id (or digests that began with it), to one webhook path. */
const hooked = (path: string, eventId: string) => webhooks.at(path).filter((d) => d.headers['grove-event-id'] === eventId);
const mailed = (to: string, eventId: string) => smtp.to(to).filter((m) => m.eventId === eventId);

beforeAll(async () => {
  await Promise.all([webhooks.start(), smtp.start()]);
  t = await testGrove(
    {
      GROVE_ALERT_WEBHOOK_URL: webhooks.url('/platform'),
      GROVE_ALERT_WEBHOOK_SECRET: PLATFORM_SECRET,
      GROVE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      GROVE_ALERT_EMAIL_FROM: 'alerts@grove.test',
      GROVE_ALERT_EMAIL_TO: OPS,
    },
    // A short digest window, so a burst's digest arrives while the test waits.
    { alerts: { windowMs: 500, burst: 5, perMinute: 600 }, authFailures: { threshold: 5 }, webhook: { attempts: 2, baseDelayMs: 50 } },
  );
  A = await t.tenantWithPeople('Alerts A', 'https://a.alerts.test');
  B = await t.tenantWithPeople('Alerts B', 'https://b.alerts.test');
  const setUp = async (tenant: Tenant, path: string, email: string) => {
    const reply = await t.request('PUT', '/v1/alert-settings', { auth: tenant.tenant.apiKey, body: { webhookUrl: webhooks.url(path), emails: [email] } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.webhookSecret as string;
  };
  secretA = await setUp(A, '/tenant-a', 'security@a.alerts.test');
  secretB = await setUp(B, '/tenant-b', 'security@b.alerts.test');
});

afterAll(async () => {
  await t?.close();
  await Promise.all([webhooks.stop(), smtp.stop()]);
});

describe('alert settings', () => {
  it('show the webhook secret once, keep it sealed, and never show it again', async () => {
    expect(secretA).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await t.request('GET', '/v1/alert-settings', { auth: A.tenant.apiKey });
    expect(read.body).toEqual({ webhookUrl: webhooks.url('/tenant-a'), emails: ['security@a.alerts.test'], webhookSecretSet: true, updatedAt: expect.any(String) });
    const [stored] = await rows<{ sealed: string }>(t.grove.deps.database.db, sql`select webhook_secret_sealed as sealed from app.alert_settings where tenant_id = ${A.tenant.id}`);
    // Sealed under the tenant's data key, bound to its row: shredded with the tenant, rotated with its key.
    expect(isSealed(stored!.sealed)).toBe(true);
    expect(stored!.sealed).not.toContain(secretA);
    const { cipher } = t.grove.deps;
    await cipher.prepare(A.tenant.id);
    expect(cipher.open(A.tenant.id, webhookSecretRef(A.tenant.id), stored!.sealed)).toBe(secretA);
    // Same URL again: no new secret. Rotation on request: a new one, shown once.
    const same = await t.request('PUT', '/v1/alert-settings', { auth: A.tenant.apiKey, body: { webhookUrl: webhooks.url('/tenant-a'), emails: ['security@a.alerts.test'] } });
    expect(same.body.webhookSecret).toBeUndefined();
  });

  it('are the admins\' business: an admin token with alerts:manage may, an employee may not, and each tenant sees its own', async () => {
    const admin = await B.token('root', ['alerts:manage']);
    const ok = await t.request('GET', '/v1/alert-settings', { auth: admin, origin: B.origin });
    expect(ok.status).toBe(200);
    expect(ok.body.webhookUrl).toBe(webhooks.url('/tenant-b'));
    const employee = await B.token('ann');
    expect((await t.request('GET', '/v1/alert-settings', { auth: employee, origin: B.origin })).status).toBe(403);
    expect((await t.request('PUT', '/v1/alert-settings', { auth: employee, origin: B.origin, body: { webhookUrl: null } })).status).toBe(403);
    expect((await t.request('GET', '/v1/alert-settings', { auth: PLATFORM_KEY })).status).toBe(403);
    const [seen] = await t.grove.deps.database.withTenant(B.tenant.id, (tx) =>
      rows<{ n: number }>(tx, sql`select count(*)::int as n from app.alert_settings where tenant_id = ${A.tenant.id}`),
    );
    expect(seen!.n).toBe(0);
    // The change is in B's audit trail, without the secret.
    const trail = await t.request('GET', '/v1/audit-log?action=alert_settings.update', { auth: B.tenant.apiKey });
    expect(trail.body.items[0]).toMatchObject({ details: { webhook: `http://127.0.0.1:${webhooks.port}`, emails: 1, secretIssued: true } });
    expect(JSON.stringify(trail.body)).not.toContain(secretB);
  });

  it('refuse a URL that is not https (but loopback outside production), carries credentials, or bad e-mail', async () => {
    const bad: unknown[] = [
      { webhookUrl: 'http://hooks.example.com/x' },
      { webhookUrl: 'ftp://hooks.example.com/x' },
      { webhookUrl: 'https://user:pw@hooks.example.com/x' },
      { webhookUrl: 'https://hooks.example.com/x#frag' },
      { webhookUrl: 'not a url' },
      { webhookUrl: `https://x.example.com/${'a'.repeat(2100)}` },
      { webhookUrl: null, emails: ['not-an-address'] },
      { webhookUrl: null, emails: Array.from({ length: 11 }, (_, i) => `p${i}@a.test`) },
      { webhookUrl: null, extra: true },
      { emails: [] },
    ];
    for (const body of bad) {
      const reply = await t.request('PUT', '/v1/alert-settings', { auth: A.tenant.apiKey, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.type).toBe('urn:grove:problem:validation');
    }
    const read = await t.request('GET', '/v1/alert-settings', { auth: A.tenant.apiKey });
    expect(read.body.webhookUrl).toBe(webhooks.url('/tenant-a'));
  });
});

describe('alert settings by the platform operator', () => {
  it('reads and sets a tenant\'s settings, recorded in the platform trail', async () => {
    const path = `/v1/platform/tenants/${B.tenant.id}/alert-settings`;
    const read = await t.request('GET', path, { auth: PLATFORM_KEY });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ webhookUrl: webhooks.url('/tenant-b'), emails: ['security@b.alerts.test'], webhookSecretSet: true });
    const body = { webhookUrl: webhooks.url('/tenant-b'), emails: ['security@b.alerts.test', 'ciso@b.alerts.test'] };
    const set = await t.request('PUT', path, { auth: PLATFORM_KEY, body, headers: { 'x-request-id': 'req-platform-alerts' } });
    expect(set.status).toBe(200);
    expect(set.body.webhookSecret).toBeUndefined(); // same URL: the tenant's secret stays
    expect(set.body.emails).toEqual(body.emails);
    const trail = await t.request('GET', `/v1/platform/audit-log?tenantId=${B.tenant.id}&action=alert_settings.update`, { auth: PLATFORM_KEY });
    expect(trail.body.items[0]).toMatchObject({ actor: 'platform', requestId: 'req-platform-alerts', details: { emails: 2, secretIssued: false } });
    const back = await t.request('PUT', path, { auth: PLATFORM_KEY, body: { webhookUrl: webhooks.url('/tenant-b'), emails: ['security@b.alerts.test'] } });
    expect(back.status).toBe(200);
    const unknown = await t.request('GET', `/v1/platform/tenants/${randomUUID()}/alert-settings`, { auth: PLATFORM_KEY });
    expect(unknown.status).toBe(404);
    expect((await t.request('PUT', path, { auth: PLATFORM_KEY, body: { webhookUrl: 'http://example.com/x' } })).status).toBe(400);
    expect((await t.request('GET', path, { auth: B.tenant.apiKey })).status).toBe(403);
  });
});

describe('delivery', () => {
  it('an event reaches the platform and the tenant\'s webhooks and inboxes within a second, correctly signed', async () => {
    const token = await A.token('ann');
    const started = Date.now();
    const reply = await t.request('GET', '/v1/praise', { auth: token, origin: 'https://evil.alerts.test' });
    expect(reply.status).toBe(403);
    const requestId = reply.headers.get('x-request-id');
    const poll = { timeout: 1_000, interval: 10 };
    // The platform's delivery names the request; its event id finds the others.
    await expect.poll(() => webhooks.at('/platform').some((d) => d.body.requestId === requestId), poll).toBe(true);
    const eventId = webhooks.at('/platform').find((d) => d.body.requestId === requestId)!.body.id as string;
    await expect.poll(() => hooked('/platform', eventId).length, poll).toBe(1);
    await expect.poll(() => hooked('/tenant-a', eventId).length, poll).toBe(1);
    await expect.poll(() => mailed(OPS, eventId).length, poll).toBe(1);
    await expect.poll(() => mailed('security@a.alerts.test', eventId).length, poll).toBe(1);
    const arrivals = [hooked('/platform', eventId), hooked('/tenant-a', eventId), mailed(OPS, eventId), mailed('security@a.alerts.test', eventId)];
    for (const at of arrivals.map((a) => a[0]!.receivedAt)) {
      expect(at - started).toBeLessThan(1_000);
    }
    const platform = hooked('/platform', eventId)[0]!;
    const tenant = hooked('/tenant-a', eventId)[0]!;
    expect(validSignature(platform, PLATFORM_SECRET)).toBe(true);
    expect(validSignature(tenant, secretA)).toBe(true);
    expect(validSignature(tenant, PLATFORM_SECRET)).toBe(false);
    expect(platform.body).toMatchObject({ id: eventId, type: 'tenant_violation_attempt', tenantId: A.tenant.id, requestId, count: 1 });
    expect(tenant.body).toMatchObject({ id: eventId, type: 'tenant_violation_attempt', tenantId: A.tenant.id, count: 1 });
    const mail = mailed(OPS, eventId)[0]!;
    expect(mail.from).toBe('alerts@grove.test');
    expect(mail.subject).toContain('tenant_violation_attempt');
    // Tenant B hears nothing of A's event.
    await t.grove.drain();
    expect(hooked('/tenant-b', eventId)).toEqual([]);
    expect(mailed('security@b.alerts.test', eventId)).toEqual([]);
  });

  it('the attacked tenant learns of an attempt on its data, without who made it; the acting tenant learns nothing', async () => {
    const id = randomUUID();
    const eventId = t.grove.deps.events.record({
      type: 'tenant_violation_attempt',
      tenantId: A.tenant.id,
      targetTenantId: B.tenant.id,
      actor: `user:${A.ids.ann}`,
      requestId: 'req-cross-tenant',
      details: { reason: 'praise id of another tenant', table: 'praise', id, path: `/v1/praise/${id}` },
    });
    await expect.poll(() => hooked('/tenant-b', eventId).length, { timeout: 1_000, interval: 10 }).toBe(1);
    const seen = hooked('/tenant-b', eventId)[0]!;
    expect(validSignature(seen, secretB)).toBe(true);
    expect(seen.body).toMatchObject({ type: 'tenant_violation_attempt', targetTenantId: B.tenant.id, tenantId: null, details: { table: 'praise', id } });
    expect(seen.raw).not.toContain(A.tenant.id);
    expect(seen.raw).not.toContain(A.ids.ann!);
    expect(seen.raw).not.toContain('req-cross-tenant');
    // The acting tenant is not told: it would learn that the id exists in another tenant.
    await t.grove.drain();
    expect(hooked('/tenant-a', eventId)).toEqual([]);
    expect(mailed('security@a.alerts.test', eventId)).toEqual([]);
    expect(hooked('/platform', eventId)).toHaveLength(1);
  });

  it('1,000 events in a burst become a handful of deliveries per listener that state the total, and all 1,000 are kept', async () => {
    const before = await t.request('GET', '/metrics');
    const counted = (text: string) => Number(/grove_security_events_total\{type="decryption_failed"\} (\d+)/.exec(text)?.[1] ?? 0);
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      ids.add(t.grove.deps.events.record({ type: 'decryption_failed', tenantId: B.tenant.id, details: { table: 'praise', column: 'message', row: randomUUID() } }));
    }
    const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    const mine = <T extends { count: number; id: string }>(items: T[]) => items.filter((d) => ids.has(d.id));
    const platformHooks = () => mine(webhooks.at('/platform').map((d) => ({ id: d.body.id as string, count: d.body.count as number })));
    const tenantHooks = () => mine(webhooks.at('/tenant-b').map((d) => ({ id: d.body.id as string, count: d.body.count as number })));
    const opsMail = () => mine(smtp.to(OPS).map((m) => ({ id: m.eventId, count: m.count })));
    const tenantMail = () => mine(smtp.to('security@b.alerts.test').map((m) => ({ id: m.eventId, count: m.count })));
    for (const listener of [platformHooks, tenantHooks, opsMail, tenantMail]) {
      await expect.poll(() => total(listener().map((d) => d.count)), { timeout: 5_000, interval: 20 }).toBe(1000);
      expect(listener().length).toBeGreaterThanOrEqual(1);
      expect(listener().length).toBeLessThanOrEqual(3);
    }
    // The first one went out alone and at once; the rest as digests that say how many they stand for.
    expect(platformHooks()[0]!.count).toBe(1);
    const digest = webhooks.at('/platform').find((d) => ids.has(d.body.id as string) && d.body.count > 1)!;
    expect(validSignature(digest, PLATFORM_SECRET)).toBe(true);
    expect(digest.body.eventIds).toHaveLength(20);
    for (const mail of smtp.to(OPS).filter((m) => ids.has(m.eventId) && m.count > 1)) expect(mail.subject).toContain(`(${mail.count} events)`);
    // Nothing is lost where the events are kept.
    await t.grove.drain();
    const [stored] = await rows<{ n: number }>(t.grove.deps.database.db, sql`select count(*)::int as n from platform.security_events where type = 'decryption_failed' and tenant_id = ${B.tenant.id}`);
    expect(stored!.n).toBe(1000);
    const after = (await t.request('GET', '/metrics')).body as string;
    expect(counted(after) - counted(before.body as string)).toBe(1000);
    expect(after).toMatch(/grove_alert_messages_total\{channel="webhook",outcome="delivered"\} \d+/);
    expect(after).not.toMatch(/outcome="failed"/);
    // Tenant A heard nothing of B's burst.
    expect(webhooks.at('/tenant-a').filter((d) => ids.has(d.body.id as string))).toEqual([]);
  });
});

describe('repeated authentication failures', () => {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    server = serve({ fetch: t.grove.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('one event per credential fingerprint past the threshold, with no secret in it, delivered within a second', async () => {
    const key = `grove_sk_${'z'.repeat(43)}`;
    for (let i = 0; i < 12; i++) {
      const reply = await t.request('GET', '/v1/values', { auth: key });
      expect(reply.status).toBe(401);
    }
    await t.grove.drain();
    const events = await t.request('GET', '/v1/platform/security-events?type=authentication_failures&limit=100', { auth: PLATFORM_KEY });
    const mine = (events.body.items as Array<Record<string, any>>).filter((e) => e.details.by === 'credential' && e.details.path === '/v1/values');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.details).toMatchObject({ failures: 5, windowSeconds: 60, fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
    expect(JSON.stringify(mine[0])).not.toContain('zzzz');
    await expect.poll(() => hooked('/platform', mine[0]!.id as string).length, { timeout: 1_000, interval: 10 }).toBe(1);
  });

  it('one event per IP past the threshold, whatever credentials it tries', async () => {
    for (let i = 0; i < 7; i++) {
      const response = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer not.a.token-${randomUUID()}` } });
      expect(response.status).toBe(401);
    }
    await t.grove.drain();
    const events = await t.request('GET', '/v1/platform/security-events?type=authentication_failures&limit=100', { auth: PLATFORM_KEY });
    const byIp = (events.body.items as Array<Record<string, any>>).filter((e) => e.details.by === 'ip');
    expect(byIp).toHaveLength(1);
    expect(byIp[0]).toMatchObject({ ip: '127.0.0.1', details: { failures: 5, path: '/v1/me' } });
  });
});
