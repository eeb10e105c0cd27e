import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { AppEnv } from '../http/context.js';
import { onError } from '../http/errors.js';
import { rows } from './client.js';
import { AnswerWriteFailed } from '../modules/surveys/responses.service.js';
import { connectionLost, errorCode } from './driver-errors.js';

/**
 * A database connection lost in the middle of a unit of work (a restart, a failover, an
 * administrator ending the session): the request fails at once, the process survives, and the
 * pool goes on serving. Sending ROLLBACK on the dead reserved connection used to crash the
 * process from a timer inside postgres.js (porsager/postgres#1208) and leave the request hanging.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
let db: Awaited<ReturnType<typeof freshDatabase>>;
let admin: postgres.Sql;
const tenantId = '01a2438c-06ec-735c-a1b2-8683425f62d8';

beforeAll(async () => {
  db = await freshDatabase();
  if (!db.url) await db.handle.migrate();
  admin = postgres(db.url ?? 'postgres://unused', { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await admin.end();
  await db.drop();
});

describe.skipIf(!onPostgres)('a connection lost during a unit of work', () => {
  it('fails the unit at once, crashes nothing, and the pool goes on serving', async () => {
    const unit = db.handle.withTenant(tenantId, (tx) => rows(tx, sql`select pg_sleep(5) as slept`));
    const failed = unit.then(
      () => undefined,
      (error: unknown) => error,
    );
    // Wait until the unit's statement runs, then end its session from outside.
    for (let i = 0; i < 100; i++) {
      const [sleeping] = await admin`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(5)%'`;
      if (sleeping!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [ended] = await admin`select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where query like 'select pg_sleep(5)%') t`;
    expect(ended!.n).toBe(1);

    const error = await Promise.race([failed, new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000))]);
    expect(error).toBeInstanceOf(Error);
    expect(connectionLost(error)).toBe(true);

    // Units started while the pool takes the dead connection back may fail too (a waiter handed
    // the reconnecting connection can receive the old session's FATAL), but only as a lost
    // connection, and none hangs; after that, every unit runs.
    const unit12 = () =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          db.handle.withTenant(tenantId, (tx) => rows<{ n: number }>(tx, sql`select ${i}::int as n`)).then(
            ([row]) => row!.n,
            (lost: unknown) => (connectionLost(lost) ? 'lost' : lost),
          ),
        ),
      );
    const settling = await Promise.race([unit12(), new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000))]);
    expect(settling).toHaveLength(12);
    expect((settling as unknown[]).filter((n) => typeof n !== 'number' && n !== 'lost')).toEqual([]);
    expect(await unit12()).toEqual([...Array(12).keys()]);
  });
});

describe('onError', () => {
  it('answers a lost database connection with 503 and Retry-After, not a 500', async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.get('/lost', () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    });
    app.get('/closed', () => {
      throw new Error('Failed query', { cause: Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }) });
    });
    for (const path of ['/lost', '/closed']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { type: string }).type).toBe('urn:grove:problem:unavailable');
    }
  });

  it('does not take a statement that failed on a live connection for a lost one', () => {
    expect(connectionLost(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(connectionLost(Object.assign(new Error('canceling statement'), { code: '57014' }))).toBe(false);
    expect(connectionLost(new Error('plain'))).toBe(false);
  });

  it('still sees a lost connection behind an error raised in place of the driver\'s (survey answers)', () => {
    const driver = new Error('Failed query', { cause: Object.assign(new Error('terminating connection'), { code: '57P01' }) });
    const hidden = new AnswerWriteFailed(errorCode(driver));
    expect(hidden.message).not.toMatch(/terminating|Failed query/);
    expect(connectionLost(hidden)).toBe(true);
    expect(connectionLost(new AnswerWriteFailed(errorCode(Object.assign(new Error('dup'), { code: '23505' }))))).toBe(false);
  });
});
