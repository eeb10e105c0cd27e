/**
 * `npm run bench:export`: how fast a tenant's export streams and how much memory the server
 * holds while it does, on one large seeded tenant. Not a test, asserts nothing.
 *
 * Seeds (once, reused) `grove_bench_export`: one tenant of `--people` people and `--praise`
 * praise (default 2,000 and 100,000: modest, the machine is shared), starts Grove as deployed
 * (servers/grove.ts, its own process), downloads GET /v1/export with the tenant API key and
 * discards it, then reports rows/s (from grove_export_rows_total), bytes/s, and the server's
 * resident memory before and its peak (VmHWM) after. Run it at two sizes: if the peak does not
 * grow with the row count, the archive never sat in memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureSeeded } from './seed.js';
import { groveEnv, spawnServer } from './server-process.js';

const { values: args } = parseArgs({
  options: { people: { type: 'string', default: '2000' }, praise: { type: 'string', default: '100000' } },
});
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => console.error(line);

const seed = await ensureSeeded(adminUrl, 'grove_bench_export', { tenants: 1, people: Number(args.people), praise: Number(args.praise), typeaheadPeople: 0 }, log);
const tenant = seed.tenants[0]!;

const { child, listening } = spawnServer('bench/servers/grove.ts', { cwd: root, env: groveEnv(seed.url, seed.masterKey, '/tmp/grove-bench-export') });
process.on('exit', () => child.kill('SIGTERM'));
const base = await listening;

/** Resident and peak resident memory of the server process, MB (Linux /proc). */
function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
async function rowsExported(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^grove_export_rows_total (\d+)/m.exec(text)?.[1] ?? 0);
}

const before = memory();
const rowsBefore = await rowsExported();
const started = performance.now();
const response = await fetch(`${base}/v1/export`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
if (response.status !== 200) throw new Error(`export: ${response.status} ${await response.text()}`);
let bytes = 0;
let chunks = 0;
let tail = '';
for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
  bytes += chunk.byteLength;
  chunks += 1;
  tail = (tail + Buffer.from(chunk).toString('utf8')).slice(-40);
}
const seconds = (performance.now() - started) / 1000;
const rows = (await rowsExported()) - rowsBefore;
const after = memory();
if (!tail.endsWith('"complete":true}')) throw new Error(`the archive did not end complete: …${tail}`);

const result = {
  size: { people: seed.spec.people, praise: seed.spec.praise, rowsInDatabase: seed.rows },
  rows,
  seconds: Number(seconds.toFixed(2)),
  rowsPerSecond: Math.round(rows / seconds),
  megabytes: Number((bytes / 1e6).toFixed(1)),
  megabytesPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)),
  chunks,
  serverRssBeforeMb: Math.round(before.rss),
  serverPeakRssBeforeMb: Math.round(before.peak),
  serverPeakRssAfterMb: Math.round(after.peak),
};
console.log(JSON.stringify(result, null, 2));
child.kill('SIGTERM');
process.exit(0);
