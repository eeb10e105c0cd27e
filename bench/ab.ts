/**
 * Two builds of Grove, one run: this checkout beside another revision, loaded in turns, with the
 * CPU each spends per request. How every change to the hot paths was judged (bench/README.md).
 *
 *   npm run bench:ab -- --against <git revision> [--scenario feed|write] [--rounds 3]
 *                       [--duration 5] [--connections 50] [--node-options "--max-semi-space-size=32"]
 *
 * Req/s between two runs on a shared machine move by ±30 %; rounds of A, B, A, B… in one run move
 * together, and the CPU time a process spends per request moves least of all. Per round it reads
 * `utime + stime` of the Grove process and of every PostgreSQL backend from /proc and divides by
 * the requests answered. The other revision is checked out with `git worktree` into a temporary
 * directory that uses this checkout's node_modules, and removed at the end. Data: the small bench
 * database (seeded by bench/seed.ts, reused); what a write scenario wrote is removed, and the
 * tables reindexed, afterwards.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { cpuMs, postgresCpuMs } from './cpu-time.js';
import { autocannon, type Sample, type Target } from './load.js';
import { dbUrl, ensureSeeded, ORIGIN } from './seed.js';
import { groveEnv, spawnServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    against: { type: 'string' },
    scenario: { type: 'string', default: 'feed' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'node-options': { type: 'string', default: '--max-semi-space-size=32' },
  },
});
if (!args.against) throw new Error('--against <git revision> is required');
if (!['feed', 'write'].includes(args.scenario!)) throw new Error('--scenario: feed or write');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seed = await ensureSeeded(adminUrl, 'grove_bench_small', { tenants: 10, people: 1_000, praise: 10_000, typeaheadPeople: 0 }, console.log);
const url = dbUrl(adminUrl, 'grove_bench_small');
const owner = postgres(url, { max: 1, onnotice: () => {} });
const tenant = seed.tenants[0]!;
const [giver, recipient] = await owner<Array<{ id: string; externalId: string; name: string }>>`
  select id, external_id as "externalId", name from app.people where tenant_id = ${tenant.id} and external_id in ('p0', 'p1') order by external_id`;

const other = mkdtempSync(join(tmpdir(), 'grove-ab-'));
execFileSync('git', ['worktree', 'add', '--detach', other, args.against], { cwd: root, stdio: 'ignore' });
symlinkSync(join(root, 'node_modules'), join(other, 'node_modules'));

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  token: string;
  rounds: Array<{ rps: number; p99: number; grove: number; postgres: number }>;
}

async function start(name: string, checkout: string): Promise<Server> {
  const env = { ...groveEnv(url, seed.masterKey, join(tmpdir(), `grove-ab-${name}`)), NODE_OPTIONS: args['node-options'] };
  const { child, listening } = spawnServer(join(checkout, 'bench/servers/grove.ts'), { cwd: checkout, env });
  const base = await listening;
  const minted = await fetch(`${base}/v1/embed/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { externalId: giver!.externalId, name: giver!.name }, scopes: ['praise:read', 'praise:write'], origin: ORIGIN, ttlSeconds: 600 }),
  });
  if (!minted.ok) throw new Error(`${name}: minting failed (${minted.status})`);
  return { name, child, base, token: ((await minted.json()) as { token: string }).token, rounds: [] };
}

function load(server: Server, seconds: number): Promise<Sample> {
  const headers = { authorization: `Bearer ${server.token}`, origin: ORIGIN };
  const target: Target =
    args.scenario === 'feed'
      ? { url: `${server.base}/v1/praise?limit=20`, headers }
      : {
          url: `${server.base}/v1/praise`,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ recipientIds: [recipient!.id], message: 'A/B: thank you!' }),
        };
  return autocannon(target, seconds, Number(args.connections));
}

const servers: Server[] = [];
try {
  servers.push(await start('this', root), await start(args.against, other));
  for (const server of servers) await load(server, 2); // warm-up
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const server of servers) {
      const grove0 = cpuMs(server.child.pid!);
      const postgres0 = postgresCpuMs();
      const result = await load(server, Number(args.duration));
      const n = result.requests;
      const row = {
        rps: Math.round(result.rps),
        p99: result.p99,
        grove: Math.round(((cpuMs(server.child.pid!) - grove0) * 1000) / n),
        postgres: Math.round(((postgresCpuMs() - postgres0) * 1000) / n),
      };
      server.rounds.push(row);
      console.log(`  ${server.name}: ${row.rps} req/s, p99 ${row.p99} ms, CPU per request: Grove ${row.grove} µs, PostgreSQL ${row.postgres} µs${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  console.log(`\n${args.scenario}, ${args.connections} connections, ${args.rounds} × ${args.duration} s each, interleaved; medians:`);
  for (const s of servers) {
    const m = (k: keyof Server['rounds'][number]) => median(s.rounds.map((r) => r[k]));
    console.log(`  ${s.name}: ${m('rps')} req/s, p99 ${m('p99')} ms, Grove ${m('grove')} µs and PostgreSQL ${m('postgres')} µs of CPU per request`);
  }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  if (args.scenario === 'write') {
    await owner`delete from app.praise where created_at > (select seeded_at from bench.seed)`;
    for (const table of ['app.praise', 'app.praise_recipients']) await owner.unsafe(`reindex table ${table}`);
    await owner.unsafe('vacuum analyze app.praise, app.praise_recipients, app.audit_log');
  }
  await owner.end();
  execFileSync('git', ['worktree', 'remove', '--force', other], { cwd: root, stdio: 'ignore' });
  rmSync(other, { recursive: true, force: true });
}
