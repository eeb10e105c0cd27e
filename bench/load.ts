/**
 * A load run: Grove beside the bare baseline (bench/servers/baseline.ts) on the same PostgreSQL,
 * in the same run. Each server runs in its own process; autocannon loads it from another.
 * Runs are interleaved (Grove, baseline, Grove, …) so drift on a shared machine hits both.
 *
 *   npm run bench:load [-- --duration 10 --runs 3 --connections 50]
 *
 * Needs PostgreSQL (DATABASE_URL, default the machine's). Writes bench/results/load-latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../api/db/client.js';
import { upsertPeople } from '../api/modules/directory/people.service.js';
import { createTenant } from '../api/modules/platform/platform.service.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    praise: { type: 'string', default: '10000' },
  },
});
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = 'grove_bench_load';
const platformKey = `grove_pk_bench_${randomBytes(24).toString('base64url')}`;
const masterKey = randomBytes(32).toString('base64');

// A fresh database each run: the figures should not depend on what an earlier run left.
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
await admin.end();
const url = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();

const database = await openDatabase({ url });
await database.migrate();
const origin = 'https://bench.example';
const tenant = await createTenant(database, { name: 'Bench', origins: [origin] });
const people = Array.from({ length: 1000 }, (_, i) => ({ externalId: `p${i}`, name: `Person ${i}`, team: `T${i % 20}` }));
const ids = await database.withTenant(tenant.id, async (tx) => (await upsertPeople(tx, tenant.id, people)).items);
const total = Number(args.praise);
await database.withTenant(tenant.id, async (tx) => {
  const start = Date.now() - total * 60_000;
  for (let i = 0; i < total; i += 2000) {
    const batch = Array.from({ length: Math.min(2000, total - i) }, (_, j) => {
      const n = i + j;
      return { id: uuidv7({ msecs: start + n * 60_000 }), giver: ids[n % ids.length]!.id, recipient: ids[(n + 7) % ids.length]!.id, n };
    });
    await tx.execute(
      sql`insert into app.praise (tenant_id, id, giver_id, message, values)
        select ${tenant.id}::uuid, x.id::uuid, x.giver::uuid, 'Thanks for the help with release ' || x.n, '{}'::text[]
        from json_to_recordset(${JSON.stringify(batch)}::json) as x(id text, giver text, n int)`,
    );
    await tx.execute(
      sql`insert into app.praise_recipients (tenant_id, praise_id, recipient_id)
        select ${tenant.id}::uuid, x.id::uuid, x.recipient::uuid
        from json_to_recordset(${JSON.stringify(batch)}::json) as x(id text, recipient text)`,
    );
  }
});
await database.db.execute(sql`analyze`);
await database.close();
// Grove as it should be deployed: tenant transactions log in as grove_app (trust auth here).
const admin2 = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin2.unsafe('alter role grove_app login');
await admin2.end();
const appUrl = Object.assign(new URL(url), { username: 'grove_app', password: '' }).toString();

const env = { ...process.env, DATABASE_URL: url, GROVE_APP_DATABASE_URL: appUrl, GROVE_PLATFORM_KEY: platformKey, GROVE_MASTER_KEY: masterKey, GROVE_DATA_DIR: '/tmp/grove-bench' };
const grove = await startProcess('bench/servers/grove.ts', env);
const baseline = await startProcess('bench/servers/baseline.ts', {
  ...env,
  TENANT_ID: tenant.id,
  GIVER_ID: ids[0]!.id,
  RECIPIENT_ID: ids[1]!.id,
});

// A widget token, reused for every request as a widget would until it nears expiry.
const minted = await fetch(`http://127.0.0.1:${grove.port}/v1/embed/tokens`, {
  method: 'POST',
  headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ user: { externalId: 'p0', name: 'Person 0' }, scopes: ['praise:read', 'praise:write'], origin, ttlSeconds: 600 }),
});
const { token } = (await minted.json()) as { token: string };
const auth = { authorization: `Bearer ${token}`, origin };

interface Figure {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}
interface Target {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
}
const scenarios: Array<{ name: string; grove: Target; baseline: Target }> = [
  {
    name: 'feed read (20 items)',
    grove: { url: `http://127.0.0.1:${grove.port}/v1/praise?limit=20`, headers: auth },
    baseline: { url: `http://127.0.0.1:${baseline.port}/feed`, headers: {} },
  },
  {
    name: 'praise write',
    grove: {
      url: `http://127.0.0.1:${grove.port}/v1/praise`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ recipientIds: [ids[1]!.id], message: 'Load test: thank you!' }),
    },
    baseline: {
      url: `http://127.0.0.1:${baseline.port}/praise`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Load test: thank you!' }),
    },
  },
];

const results: Record<string, { grove: Figure[]; baseline: Figure[] }> = {};
try {
  for (const scenario of scenarios) {
    results[scenario.name] = { grove: [], baseline: [] };
    await autocannon(scenario.grove, 3); // warm-up
    await autocannon(scenario.baseline, 3);
    for (let run = 0; run < Number(args.runs); run++) {
      results[scenario.name]!.grove.push(await autocannon(scenario.grove, Number(args.duration)));
      results[scenario.name]!.baseline.push(await autocannon(scenario.baseline, Number(args.duration)));
    }
  }
} finally {
  grove.child.kill('SIGTERM');
  baseline.child.kill('SIGTERM');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = Object.entries(results).map(([name, r]) => {
  const g = median(r.grove.map((f) => f.rps));
  const b = median(r.baseline.map((f) => f.rps));
  return {
    scenario: name,
    groveRps: Math.round(g),
    baselineRps: Math.round(b),
    ratio: Number((g / b).toFixed(2)),
    groveP50: median(r.grove.map((f) => f.p50)),
    groveP99: median(r.grove.map((f) => f.p99)),
    baselineP99: median(r.baseline.map((f) => f.p99)),
    groveSpread: `${Math.round(Math.min(...r.grove.map((f) => f.rps)))}–${Math.round(Math.max(...r.grove.map((f) => f.rps)))}`,
    non2xx: r.grove.reduce((n, f) => n + f.non2xx, 0) + r.baseline.reduce((n, f) => n + f.non2xx, 0),
  };
});
const report = { at: new Date().toISOString(), connections: Number(args.connections), durationSeconds: Number(args.duration), runs: Number(args.runs), praiseRows: total, rows, raw: results };
writeFileSync(new URL('./results/load-latest.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n| scenario | Grove req/s | baseline req/s | ratio | Grove p50 / p99 ms | baseline p99 ms | Grove spread |\n|---|---|---|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.scenario} | ${r.groveRps} | ${r.baselineRps} | ${r.ratio} | ${r.groveP50} / ${r.groveP99} | ${r.baselineP99} | ${r.groveSpread} |`);
if (rows.some((r) => r.non2xx > 0)) console.log('\nWARNING: some responses were not 2xx; see load-latest.json');
process.exit(0);

function startProcess(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function autocannon(target: Target, seconds: number): Promise<Figure> {
  const argv = ['autocannon', '--json', '-c', args.connections!, '-d', String(seconds), '-m', target.method ?? 'GET'];
  for (const [k, v] of Object.entries(target.headers)) argv.push('-H', `${k}=${v}`);
  if (target.body) argv.push('-b', target.body);
  argv.push(target.url);
  return new Promise((resolve, reject) => {
    const child = spawn('npx', argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number };
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx });
      } catch (error) {
        reject(error);
      }
    });
  });
}
