import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { companyValues } from '../../api/db/schema/company-values.js';
import { idempotencyKeys } from '../../api/db/schema/idempotency.js';
import { people, personSearchTerms } from '../../api/db/schema/people.js';
import { praise, praiseReactions, praiseRecipients } from '../../api/db/schema/praise.js';
import { PLATFORM_KEY, testGrove, type Reply, type TestGrove } from '../support/grove.js';

/**
 * Tenant A must not read, change, react to, delete or even detect tenant B's praise and people,
 * through any route; every attempt is recorded as a `tenant_violation_attempt` and pushed to a
 * real, signed webhook. Below the API, the database itself refuses the same things to grove_app.
 */

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
const ORIGIN_A = 'https://a.example.test';
const ORIGIN_B = 'https://b.example.test';

// ---------------------------------------------------------------------------------------------
// A real webhook receiver on 127.0.0.1
// ---------------------------------------------------------------------------------------------

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  /** The status we answered (undefined while held). */
  answered?: number;
}

class Receiver {
  readonly deliveries: Delivery[] = [];
  /** Statuses to answer the next deliveries with; 200 once empty. */
  plan: number[] = [];
  /** When set, answers wait for it. */
  gate: Promise<void> | undefined;
  private server!: Server;
  port = 0;

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const delivery: Delivery = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
        this.deliveries.push(delivery);
        const status = req.url === '/hook' ? (this.plan.shift() ?? 200) : 404;
        void (this.gate ?? Promise.resolve()).then(() => {
          delivery.answered = status;
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  forEvent(id: string) {
    return this.deliveries.filter((d) => d.headers['grove-event-id'] === id);
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Verifies `grove-signature: t=<ts>,v1=<hex>` = HMAC-SHA256(secret, `${t}.${rawBody}`). */
function verifySignature(delivery: Delivery, secret = WEBHOOK_SECRET): boolean {
  const header = delivery.headers['grove-signature'];
  if (typeof header !== 'string') return false;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const [, t, v1] = match;
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${delivery.raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1!, 'hex'));
}

// ---------------------------------------------------------------------------------------------
// Fixtures: two tenants whose people have IDENTICAL names
// ---------------------------------------------------------------------------------------------

const receiver = new Receiver();
let t: TestGrove;
type Tenant = Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
let A: Tenant;
let B: Tenant;
let bPublic: string; // B's public praise (ann → bob)
let bPrivate: string; // B's private praise (ann → cat)
let aPraise: string; // A's own praise (ann → bob)
let tokenA: { ann: string; admin: string };
let tokenB: { ann: string };

beforeAll(async () => {
  await receiver.start();
  t = await testGrove(
    {
      GROVE_ALERT_WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/hook`,
      GROVE_ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    // Each attempt here must reach the webhook as its own message: no digests, no per-destination
    // limit. Digests and limits have their own tests (api/modules/alerts/alerts.test.ts).
    { alerts: { windowMs: 0, burst: 10_000, perMinute: 600_000 } },
  );
  // Same display names in both tenants ("Same Ann", "Same Bob", …).
  A = await t.tenantWithPeople('Same', ORIGIN_A);
  B = await t.tenantWithPeople('Same', ORIGIN_B);
  tokenA = {
    ann: await A.token('ann'),
    admin: await A.token('root', ['praise:read', 'praise:write', 'praise:moderate']),
  };
  tokenB = { ann: await B.token('ann') };
  const give = async (tenant: Tenant, token: string, body: Record<string, unknown>) => {
    const r = await t.request('POST', '/v1/praise', { auth: token, origin: tenant.origin, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  bPublic = await give(B, tokenB.ann, { recipientIds: [B.ids.bob], message: 'B secret public praise', values: ['ownership'] });
  bPrivate = await give(B, tokenB.ann, { recipientIds: [B.ids.cat], message: 'B secret private praise', visibility: 'private' });
  // B reacts to its own praise, so there is reaction state that A must not disturb.
  const reacted = await t.request('PUT', `/v1/praise/${bPublic}/reactions/clap`, { auth: tokenB.ann, origin: B.origin });
  expect(reacted.status).toBe(200);
  aPraise = await give(A, tokenA.ann, { recipientIds: [A.ids.bob], message: 'A praise' });
  await t.grove.drain();
});

afterAll(async () => {
  await t?.close();
  await receiver.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const asA = (method: string, path: string, token = tokenA.ann, body?: unknown) =>
  t.request(method, path, { auth: token, origin: A.origin, ...(body !== undefined ? { body } : {}) });

/** What a caller can observe of a reply, minus what differs per request (request id, rate-limit counters). */
function observable(reply: Reply, replace: Array<[string, string]> = []) {
  let text = JSON.stringify(reply.body);
  for (const [from, to] of replace) text = text.split(from).join(to);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (body && typeof body === 'object') delete body.requestId;
  const headers = [...reply.headers.keys()].filter((h) => !['x-request-id', 'ratelimit-remaining', 'date'].includes(h)).sort();
  return { status: reply.status, contentType: reply.headers.get('content-type'), headers, body };
}

interface SecurityEvent {
  id: string;
  type: string;
  tenantId: string | null;
  targetTenantId: string | null;
  actor: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

async function violationEvents(): Promise<SecurityEvent[]> {
  await t.grove.drain();
  const reply = await t.request('GET', '/v1/platform/security-events?type=tenant_violation_attempt&limit=100', { auth: PLATFORM_KEY });
  expect(reply.status).toBe(200);
  return reply.body.items as SecurityEvent[];
}

/**
 * Runs `attempt`, then asserts it left at least one `tenant_violation_attempt` from A against B
 * naming `targetId`, with the request id of the attempt, and that each such event reached the
 * webhook correctly signed.
 */
async function expectViolation(targetId: string, attempt: () => Promise<Reply>): Promise<Reply> {
  const before = new Set((await violationEvents()).map((e) => e.id));
  const reply = await attempt();
  const fresh = (await violationEvents()).filter((e) => !before.has(e.id));
  const mine = fresh.filter((e) => e.details.id === targetId);
  expect(mine.length, `no violation event for ${targetId}: ${JSON.stringify(fresh)}`).toBeGreaterThanOrEqual(1);
  for (const event of mine) {
    expect(event).toMatchObject({ type: 'tenant_violation_attempt', tenantId: A.tenant.id, targetTenantId: B.tenant.id });
    expect(event.requestId).toBe(reply.headers.get('x-request-id'));
    const delivered = receiver.forEvent(event.id);
    expect(delivered.length, `no webhook delivery for event ${event.id}`).toBeGreaterThanOrEqual(1);
    const ok = delivered.find((d) => d.answered === 200)!;
    expect(ok).toBeDefined();
    expect(verifySignature(ok)).toBe(true);
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    const payload = JSON.parse(ok.raw) as Record<string, unknown>;
    expect(payload).toMatchObject({ id: event.id, type: 'tenant_violation_attempt', tenantId: A.tenant.id, targetTenantId: B.tenant.id });
  }
  return reply;
}

/** B's stored state, read through the owner connection, to prove nothing of it changed. */
async function bSnapshot() {
  const db = t.grove.deps.database.db;
  const digest = async (table: string) =>
    (
      await rows<{ d: string | null; n: number }>(
        db,
        sql`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d, count(*)::int as n
            from ${sql.raw(table)} x where x.tenant_id = ${B.tenant.id}`,
      )
    )[0];
  return {
    praise: await digest('app.praise'),
    recipients: await digest('app.praise_recipients'),
    reactions: await digest('app.praise_reactions'),
    people: await digest('app.people'),
    terms: await digest('app.person_search_terms'),
  };
}

// ---------------------------------------------------------------------------------------------
// The API wall
// ---------------------------------------------------------------------------------------------

describe('tenant isolation through the API', () => {
  it('the webhook signature check used below rejects a tampered body or another secret', () => {
    const raw = '{"id":"x"}';
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${raw}`).digest('hex');
    const good: Delivery = { headers: { 'grove-signature': `t=${ts},v1=${sig}` }, raw };
    expect(verifySignature(good)).toBe(true);
    expect(verifySignature({ ...good, raw: '{"id":"y"}' })).toBe(false);
    expect(verifySignature(good, 'whsec_other_0123456789abcdef')).toBe(false);
  });

  it('GET of B\'s praise answers exactly like an id that exists nowhere, and is recorded', async () => {
    for (const token of [tokenA.ann, tokenA.admin]) {
      for (const target of [bPublic, bPrivate]) {
        const foreign = await expectViolation(target, () => asA('GET', `/v1/praise/${target}`, token));
        const nowhere = await asA('GET', `/v1/praise/${uuidv7()}`, token);
        const nowhereV4 = await asA('GET', `/v1/praise/${randomUUID()}`, token);
        expect(foreign.status).toBe(404);
        expect(foreign.body.type).toBe('urn:grove:problem:not-found');
        expect(observable(foreign)).toEqual(observable(nowhere));
        expect(observable(foreign)).toEqual(observable(nowhereV4));
        expect(JSON.stringify(foreign.body)).not.toContain('secret');
      }
    }
  });

  it('PUT and DELETE reactions on B\'s praise answer 404 like a missing id and change nothing', async () => {
    const before = await bSnapshot();
    for (const method of ['PUT', 'DELETE']) {
      for (const reaction of ['clap', 'heart']) {
        const foreign = await expectViolation(bPublic, () => asA(method, `/v1/praise/${bPublic}/reactions/${reaction}`));
        const nowhere = await asA(method, `/v1/praise/${uuidv7()}/reactions/${reaction}`);
        expect(foreign.status).toBe(404);
        expect(observable(foreign)).toEqual(observable(nowhere));
      }
    }
    expect(await bSnapshot()).toEqual(before);
    // B still sees its own clap.
    const mine = await t.request('GET', `/v1/praise/${bPublic}`, { auth: tokenB.ann, origin: B.origin });
    expect(mine.body.reactions).toEqual([{ reaction: 'clap', count: 1, reacted: true }]);
  });

  it('DELETE of B\'s praise, by an employee or a moderator of A, answers 404 like a missing id and deletes nothing', async () => {
    const before = await bSnapshot();
    for (const token of [tokenA.ann, tokenA.admin]) {
      for (const target of [bPublic, bPrivate]) {
        const foreign = await expectViolation(target, () => asA('DELETE', `/v1/praise/${target}`, token));
        const nowhere = await asA('DELETE', `/v1/praise/${uuidv7()}`, token);
        expect(foreign.status).toBe(404);
        expect(observable(foreign)).toEqual(observable(nowhere));
      }
    }
    expect(await bSnapshot()).toEqual(before);
    const still = await t.request('GET', `/v1/praise/${bPublic}`, { auth: tokenB.ann, origin: B.origin });
    expect(still.status).toBe(200);
  });

  it('POST praise naming B\'s people answers like unknown ids and creates nothing', async () => {
    const count = async () =>
      (await rows<{ n: number }>(t.grove.deps.database.db, sql`select count(*)::int as n from app.praise`))[0]!.n;
    const before = { n: await count(), b: await bSnapshot() };
    const random = uuidv7();
    const foreign = await expectViolation(B.ids.bob!, () => asA('POST', '/v1/praise', tokenA.ann, { recipientIds: [B.ids.bob], message: 'hi' }));
    const nowhere = await asA('POST', '/v1/praise', tokenA.ann, { recipientIds: [random], message: 'hi' });
    expect(foreign.status).toBe(404);
    // The detail names the id the caller sent; with that substituted, nothing else may differ.
    expect(observable(foreign, [[B.ids.bob!, '<id>']])).toEqual(observable(nowhere, [[random, '<id>']]));

    // Mixed with a legitimate colleague of A: still refused as a whole, B's id still reported.
    const mixed = await expectViolation(B.ids.cat!, () =>
      asA('POST', '/v1/praise', tokenA.ann, { recipientIds: [A.ids.bob, B.ids.cat], message: 'hi' }),
    );
    expect(mixed.status).toBe(404);
    expect(await count()).toBe(before.n);
    expect(await bSnapshot()).toEqual(before.b);
  });

  it('feed filters with B\'s person ids answer like unknown ids (empty page) and are recorded', async () => {
    for (const [param, id] of [
      ['recipientId', B.ids.bob!],
      ['giverId', B.ids.ann!],
    ] as const) {
      const foreign = await expectViolation(id, () => asA('GET', `/v1/praise?${param}=${id}`));
      const nowhere = await asA('GET', `/v1/praise?${param}=${uuidv7()}`);
      expect(foreign.status).toBe(200);
      expect(foreign.body).toEqual({ items: [], nextCursor: null });
      expect(observable(foreign)).toEqual(observable(nowhere));
    }
  });

  it('the feed never contains B\'s praise, whatever the scope or viewer', async () => {
    for (const token of [tokenA.ann, tokenA.admin]) {
      for (const scope of ['all', 'team', 'mine']) {
        const feed = await asA('GET', `/v1/praise?limit=100&scope=${scope}`, token);
        expect(feed.status).toBe(200);
        const text = JSON.stringify(feed.body);
        expect(text).not.toContain(bPublic);
        expect(text).not.toContain(bPrivate);
        expect(text).not.toContain('B secret');
        for (const id of Object.values(B.ids)) expect(text).not.toContain(id);
      }
    }
    const own = await asA('GET', '/v1/praise?limit=100');
    expect(own.body.items.map((i: { id: string }) => i.id)).toEqual([aPraise]);
  });

  it('/v1/people?q= never returns B\'s people, even with identical names', async () => {
    const aIds = new Set(Object.values(A.ids));
    for (const q of ['Same', 'same bob', 'Same Ann', 'sa', 'Admin', 'b']) {
      const reply = await asA('GET', `/v1/people?q=${encodeURIComponent(q)}&limit=25`);
      expect(reply.status).toBe(200);
      for (const item of reply.body.items as Array<{ id: string }>) expect(aIds.has(item.id), `${q}: ${item.id}`).toBe(true);
    }
    const bob = await asA('GET', '/v1/people?q=Same%20Bob');
    expect(bob.body.items).toEqual([{ id: A.ids.bob, name: 'Same Bob', email: null, team: 'Core' }]);
    // B sees its own Bob under the same name: the names really are identical.
    const theirs = await t.request('GET', '/v1/people?q=Same%20Bob', { auth: tokenB.ann, origin: B.origin });
    expect(theirs.body.items).toEqual([{ id: B.ids.bob, name: 'Same Bob', email: null, team: 'Core' }]);
  });

  it('a failing webhook is retried until it succeeds, and never fails or slows the request', async () => {
    await t.grove.drain();
    let release!: () => void;
    receiver.gate = new Promise<void>((r) => (release = r));
    receiver.plan = [500, 500, 500];
    const since = receiver.deliveries.length;
    try {
      const started = performance.now();
      const reply = await asA('GET', `/v1/praise/${bPublic}`);
      const elapsed = performance.now() - started;
      expect(reply.status).toBe(404);
      expect(reply.body.type).toBe('urn:grove:problem:not-found');
      expect(elapsed).toBeLessThan(1_000);
      // The delivery reaches the receiver, which holds it unanswered: the request had already returned.
      await expect.poll(() => receiver.deliveries.length, { timeout: 5_000 }).toBeGreaterThan(since);
      expect(receiver.deliveries[since]!.answered).toBeUndefined();
    } finally {
      release();
      receiver.gate = undefined;
    }
    await t.grove.drain();
    const attempts = receiver.deliveries.slice(since);
    const eventId = attempts[0]!.headers['grove-event-id'] as string;
    expect(attempts.every((d) => d.headers['grove-event-id'] === eventId)).toBe(true);
    expect(attempts.map((d) => d.answered)).toEqual([500, 500, 500, 200]);
    // Every retry is signed afresh, and carries the same event.
    for (const d of attempts) {
      expect(verifySignature(d)).toBe(true);
      expect(JSON.parse(d.raw)).toMatchObject({ id: eventId, tenantId: A.tenant.id, targetTenantId: B.tenant.id });
    }
    const events = await violationEvents();
    expect(events.find((e) => e.id === eventId)).toMatchObject({ tenantId: A.tenant.id, targetTenantId: B.tenant.id });
  }, 30_000);

  it('B\'s data is intact after every attempt', async () => {
    const theirs = await t.request('GET', '/v1/praise?limit=100', { auth: tokenB.ann, origin: B.origin });
    expect(theirs.body.items.map((i: { id: string }) => i.id).sort()).toEqual([bPublic, bPrivate].sort());
    expect(theirs.body.items.find((i: { id: string }) => i.id === bPublic).message).toBe('B secret public praise');
  });
});

// ---------------------------------------------------------------------------------------------
// The database wall, as grove_app
// ---------------------------------------------------------------------------------------------

/** The SQLSTATE of a driver error, wherever drizzle put it. */
function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) parts.push(String((e as Error).message));
  return parts.join(' / ');
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the database to refuse');
}

async function appTables(): Promise<string[]> {
  const found = await rows<{ name: string }>(
    t.grove.deps.database.db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'app' and c.relkind in ('r', 'p') order by 1`,
  );
  return found.map((r) => r.name);
}

describe('tenant isolation in the database (as grove_app)', () => {
  const database = () => t.grove.deps.database;

  it('runs tenant transactions as grove_app, which is neither superuser nor BYPASSRLS', async () => {
    const [who] = await database().withTenant(A.tenant.id, (tx) =>
      rows<{ role: string; tenant: string; rolsuper: boolean; rolbypassrls: boolean }>(
        tx,
        sql`select current_user as role, current_setting('app.tenant_id') as tenant, r.rolsuper, r.rolbypassrls
            from pg_roles r where r.rolname = current_user`,
      ),
    );
    expect(who).toEqual({ role: 'grove_app', tenant: A.tenant.id, rolsuper: false, rolbypassrls: false });
  });

  it('selecting B\'s rows from A\'s transaction returns nothing, on every tenant table', async () => {
    const tables = await appTables();
    expect(tables.length).toBeGreaterThanOrEqual(7);
    const db = database().db;
    for (const table of tables) {
      const [owner] = await rows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.raw(`app.${table}`)} where tenant_id = ${B.tenant.id}`);
      const [seen] = await database().withTenant(A.tenant.id, (tx) =>
        rows<{ n: number; other: number }>(
          tx,
          sql`select count(*) filter (where tenant_id = ${B.tenant.id})::int as n,
                     count(*) filter (where tenant_id <> ${A.tenant.id})::int as other
              from ${sql.raw(`app.${table}`)}`,
        ),
      );
      expect(seen, table).toEqual({ n: 0, other: 0 });
      if (['people', 'praise', 'praise_recipients', 'person_search_terms', 'company_values'].includes(table)) {
        expect(owner!.n, `${table}: B should have rows for this test to mean something`).toBeGreaterThan(0);
      }
    }
    // By primary key too.
    const direct = await database().withTenant(A.tenant.id, (tx) =>
      tx.select().from(praise).where(and(eq(praise.tenantId, B.tenant.id), eq(praise.id, bPublic))),
    );
    expect(direct).toEqual([]);
  });

  it('inserting a row carrying B\'s tenant_id fails with SQLSTATE 42501', async () => {
    const tb = B.tenant.id;
    const attempts: Array<[string, (tx: Parameters<Parameters<ReturnType<typeof database>['withTenant']>[1]>[0]) => Promise<unknown>]> = [
      ['people', (tx) => tx.insert(people).values({ tenantId: tb, id: uuidv7(), externalId: 'intruder', name: 'Intruder' })],
      ['praise', (tx) => tx.insert(praise).values({ tenantId: tb, id: uuidv7(), giverId: B.ids.ann!, message: 'forged' })],
      ['praise_recipients', (tx) => tx.insert(praiseRecipients).values({ tenantId: tb, praiseId: bPublic, recipientId: B.ids.cat! })],
      ['praise_reactions', (tx) => tx.insert(praiseReactions).values({ tenantId: tb, praiseId: bPublic, personId: B.ids.cat!, reaction: 'heart' })],
      ['person_search_terms', (tx) => tx.insert(personSearchTerms).values({ tenantId: tb, term: 'intruder', personId: B.ids.ann! })],
      ['company_values', (tx) => tx.insert(companyValues).values({ tenantId: tb, key: 'forged', label: 'Forged' })],
      ['idempotency_keys', (tx) => tx.insert(idempotencyKeys).values({ tenantId: tb, principal: 'x', key: 'forged-key', fingerprint: 'f', status: 200, body: {} })],
      // Moving one of A's own rows over to B is refused by WITH CHECK.
      ['praise (update to B)', (tx) => tx.update(praise).set({ tenantId: tb }).where(eq(praise.id, aPraise))],
    ];
    const before = await bSnapshot();
    for (const [name, attempt] of attempts) {
      const error = await failure(database().withTenant(A.tenant.id, attempt));
      expect(sqlState(error), `${name}: ${messages(error)}`).toBe('42501');
      expect(messages(error), name).toMatch(/row-level security/);
    }
    expect(await bSnapshot()).toEqual(before);
  });

  it('updating or deleting B\'s rows from A\'s transaction affects 0 rows', async () => {
    const tb = B.tenant.id;
    const before = await bSnapshot();
    const affected = await database().withTenant(A.tenant.id, async (tx) => ({
      praiseUpdate: (await tx.update(praise).set({ message: 'pwned' }).where(eq(praise.tenantId, tb)).returning()).length,
      praiseUpdateById: (await tx.update(praise).set({ deletedAt: new Date() }).where(eq(praise.id, bPublic)).returning()).length,
      peopleUpdate: (await tx.update(people).set({ name: 'pwned' }).where(eq(people.tenantId, tb)).returning()).length,
      reactionsDelete: (await tx.delete(praiseReactions).where(eq(praiseReactions.tenantId, tb)).returning()).length,
      recipientsDelete: (await tx.delete(praiseRecipients).where(eq(praiseRecipients.praiseId, bPublic)).returning()).length,
      termsDelete: (await tx.delete(personSearchTerms).where(eq(personSearchTerms.tenantId, tb)).returning()).length,
      valuesDelete: (await tx.delete(companyValues).where(eq(companyValues.tenantId, tb)).returning()).length,
      praiseDelete: (await tx.delete(praise).where(eq(praise.tenantId, tb)).returning()).length,
      // Raw SQL without any tenant predicate at all: only A's rows are in reach.
      rawUpdate: (
        await rows<{ id: string }>(tx, sql`update app.praise set message = message where id in (${bPublic}::uuid, ${bPrivate}::uuid) returning id`)
      ).length,
      rawDelete: (await rows<{ id: string }>(tx, sql`delete from app.people where id = ${B.ids.cat!}::uuid returning id`)).length,
    }));
    expect(affected).toEqual({
      praiseUpdate: 0,
      praiseUpdateById: 0,
      peopleUpdate: 0,
      reactionsDelete: 0,
      recipientsDelete: 0,
      termsDelete: 0,
      valuesDelete: 0,
      praiseDelete: 0,
      rawUpdate: 0,
      rawDelete: 0,
    });
    expect(await bSnapshot()).toEqual(before);
  });

  it('with no tenant set, grove_app sees 0 rows in every tenant table', async () => {
    const tables = await appTables();
    const db = database().db;
    for (const setting of [undefined, '']) {
      const counts = await db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('role', 'grove_app', true)`);
        if (setting !== undefined) await tx.execute(sql`select set_config('app.tenant_id', ${setting}, true)`);
        const [who] = await rows<{ u: string }>(tx, sql`select current_user as u`);
        expect(who!.u).toBe('grove_app');
        const out: Record<string, number> = {};
        for (const table of tables) {
          out[table] = (await rows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(`app.${table}`)}`))[0]!.n;
        }
        return out;
      });
      expect(counts).toEqual(Object.fromEntries(tables.map((name) => [name, 0])));
    }
    // …while the owner connection confirms the tables are not empty.
    const [total] = await rows<{ n: number }>(db, sql`select count(*)::int as n from app.praise`);
    expect(total!.n).toBeGreaterThan(0);
  });

  it('grove_app cannot read platform.api_keys or platform.security_events (permission denied)', async () => {
    for (const table of ['platform.api_keys', 'platform.security_events', 'platform.tenants', 'platform.signing_keys']) {
      const error = await failure(database().withTenant(A.tenant.id, (tx) => tx.execute(sql`select * from ${sql.raw(table)} limit 1`)));
      expect(sqlState(error), `${table}: ${messages(error)}`).toBe('42501');
      expect(messages(error), table).toMatch(/permission denied/);
    }
    const write = await failure(
      database().withTenant(A.tenant.id, (tx) =>
        tx.execute(sql`insert into platform.security_events (id, type) values (${uuidv7()}::uuid, 'forged')`),
      ),
    );
    expect(sqlState(write)).toBe('42501');
  });
});

describe('the application login (PostgreSQL with GROVE_APP_DATABASE_URL)', () => {
  it.runIf(!!process.env.DATABASE_URL)('cannot switch itself back to the owner from inside a tenant transaction', async () => {
    const t = await testGrove();
    try {
      const tenant = await t.createTenant('Escape');
      const error = await t.grove.deps.database
        .withTenant(tenant.id, (tx) => tx.execute(sql`set local role postgres`))
        .then(() => undefined, (e: unknown) => e);
      expect(String((error as { cause?: unknown })?.cause ?? error)).toMatch(/permission denied/);
    } finally {
      await t.close();
    }
  });
});
