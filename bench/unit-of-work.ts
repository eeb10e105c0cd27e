/**
 * What Grove's tenant unit of work costs around one statement, without HTTP: the feed's own
 * statement run by 50 concurrent callers over pools of 10 connections, four ways, in turns.
 *
 *   npm run bench:unit -- [--rounds 3] [--duration 5]
 *
 * - `owner`: the statement alone as the table owner (no RLS), as the bench's baseline runs it;
 * - `app, fixed tenant`: as grove_app under row-level security, the tenant set once per
 *   connection at connect time, no transaction: RLS and the role, nothing else;
 * - `Grove unit`: `withTenant(…, { readOnly: true })` from api/db/client.ts, as every GET runs:
 *   a reserved connection, BEGIN READ ONLY with SET LOCAL of the tenant, the statement through
 *   drizzle, COMMIT;
 * - `same messages, no drizzle`: that unit's protocol messages sent straight through postgres.js
 *   (what the unit costs beyond its messages is drizzle's and client.ts's).
 *
 * Per round: operations a second, and the CPU this process and every PostgreSQL backend spent
 * per operation (`utime + stime` from /proc). Data: the small bench database (bench/seed.ts).
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase, tenantOpening } from '../api/db/client.js';
import { cpuMs, postgresCpuMs } from './cpu-time.js';
import { feedStatement } from './feed-statement.js';
import { dbUrl, ensureSeeded } from './seed.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '5' } } });
const CALLERS = 50;
const POOL = 10;

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seed = await ensureSeeded(adminUrl, 'grove_bench_small', { tenants: 10, people: 1_000, praise: 10_000, typeaheadPeople: 0 }, console.log);
const url = dbUrl(adminUrl, 'grove_bench_small');
const appUrl = Object.assign(new URL(url), { username: 'grove_app', password: '' }).toString();
const tenantId = seed.tenants[0]!.id;
const owner = postgres(url, { max: POOL, onnotice: () => {} });
const [viewer] = await owner<Array<{ id: string }>>`select id from app.people where tenant_id = ${tenantId} and external_id = 'p0'`;
const feed = await feedStatement(tenantId, viewer!.id);

const fixedTenant = postgres(appUrl, { max: POOL, onnotice: () => {}, connection: { 'app.tenant_id': tenantId } as Record<string, string> });
const grove = await openDatabase({ url, appUrl, max: POOL });
const appPool = postgres(appUrl, { max: POOL, onnotice: () => {} });

const ways: Array<{ name: string; once: () => Promise<unknown> }> = [
  { name: 'owner', once: () => owner.unsafe(feed.sql, feed.params as never[], { prepare: true }) },
  { name: 'app, fixed tenant', once: () => fixedTenant.unsafe(feed.sql, feed.params as never[], { prepare: true }) },
  { name: 'Grove unit', once: () => grove.withTenant(tenantId, (tx) => tx.execute(feed.statement), { readOnly: true }) },
  {
    name: 'same messages, no drizzle',
    once: async () => {
      const connection = await appPool.reserve();
      const begun = connection.unsafe(`begin read only; ${tenantOpening(tenantId, { switchRole: false })}`).simple();
      begun.catch(() => {});
      const rows = await connection.unsafe(feed.sql, feed.params as never[], { prepare: true });
      await begun;
      connection.unsafe('commit').catch(() => {});
      connection.release();
      return rows;
    },
  },
];

/** `CALLERS` loops calling `once` until `seconds` are up; how many calls finished. */
async function drive(once: () => Promise<unknown>, seconds: number): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: CALLERS }, async () => {
    while (Date.now() < until) {
      await once();
      done++;
    }
  }));
  return done;
}

const results = new Map<string, Array<{ rate: number; node: number; postgres: number }>>();
try {
  for (const way of ways) await drive(way.once, 1); // warm-up: prepared statements, JIT
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const way of ways) {
      const node0 = cpuMs('self');
      const postgres0 = postgresCpuMs();
      const started = performance.now();
      const n = await drive(way.once, Number(args.duration));
      const seconds = (performance.now() - started) / 1000;
      const row = {
        rate: Math.round(n / seconds),
        node: Math.round(((cpuMs('self') - node0) * 1000) / n),
        postgres: Math.round(((postgresCpuMs() - postgres0) * 1000) / n),
      };
      results.set(way.name, [...(results.get(way.name) ?? []), row]);
      console.log(`  ${way.name}: ${row.rate}/s, CPU per statement: Node ${row.node} µs, PostgreSQL ${row.postgres} µs`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  console.log(`\nthe feed statement, ${CALLERS} callers, pools of ${POOL}, ${args.rounds} × ${args.duration} s each, interleaved; medians:`);
  for (const [name, rows] of results) {
    console.log(`  ${name}: ${median(rows.map((r) => r.rate))}/s, Node ${median(rows.map((r) => r.node))} µs and PostgreSQL ${median(rows.map((r) => r.postgres))} µs of CPU per statement`);
  }
} finally {
  await Promise.all([owner.end(), fixedTenant.end(), appPool.end(), grove.close()]);
}
