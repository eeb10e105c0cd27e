/**
 * The benchmark: Grove beside the bare stack it runs on, on the machine's PostgreSQL, in one run.
 *
 *   npm run bench [-- --quick] [-- --duration 10 --runs 3 --warmup 3 --connections 50]
 *
 * 1. Seeds (or reuses) databases at two sizes (bench/seed.ts).
 * 2. Starts Grove (servers/grove.ts) and the bare baseline (servers/baseline.ts) on each, every
 *    server in its own process, and loads them from another process with autocannon: a warm-up,
 *    then counted runs interleaved Grove, baseline, Grove, … so drift on a shared machine hits both.
 * 3. Checks the feed's plan with EXPLAIN, measures the widget bundles beside Lit alone, and runs
 *    the survey results benchmark (bench/surveys.ts) in its own process.
 * 4. Writes bench/results/latest.json and latest.md (`--quick`: quick.json and quick.md).
 *
 * `--quick` is a smoke run (one small seed, 1 s runs, one counted run) that proves the harness
 * works; CI runs it and asserts nothing about speed.
 *
 * `--encryption` measures only what field encryption costs: praise write and feed read on the
 * quick seed, Grove as deployed beside Grove with a pass-through cipher (servers/grove-plaintext.ts),
 * interleaved; it writes bench/results/encryption.json and encryption.md.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserModule from '@rollup/plugin-terser';
import postgres from 'postgres';
import { rollup } from 'rollup';
import { feedStatement } from './feed-statement.js';
import { autocannon, type Sample, type Target } from './load.js';
import { groveEnv, spawnServer } from './server-process.js';
import { ensureSeeded, ORIGIN, type SeedSpec, type Seeded } from './seed.js';

type Terser = typeof terserModule.default;
const terser: Terser = (terserModule as unknown as { default?: Terser }).default ?? (terserModule as unknown as Terser);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    encryption: { type: 'boolean', default: false },
    duration: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '50' },
    /** Comma-separated scenarios to measure: feed, write, tokens, typeahead (default: all). */
    only: { type: 'string' },
    /** Comma-separated sizes to run: small, large (default: both; --quick has one). */
    sizes: { type: 'string' },
    /** A directory: Grove runs with `node --cpu-prof` and writes its profile there on exit. */
    profile: { type: 'string' },
  },
});
const encryptionOnly = args.encryption!;
const quick = args.quick! || encryptionOnly;
const duration = Number(args.duration ?? (quick ? 1 : 10));
const runs = Number(args.runs ?? (quick ? 1 : 3));
const warmup = Number(args.warmup ?? (quick ? 1 : 3));
const connections = Number(args.connections);
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const MESSAGE = 'Load test: thank you!';
const SCENARIOS = ['feed', 'write', 'tokens', 'typeahead'] as const;
const only = new Set(args.only ? args.only.split(',').map((x) => x.trim()) : SCENARIOS);
for (const o of only) if (!(SCENARIOS as readonly string[]).includes(o)) throw new Error(`--only: unknown scenario ${o} (${SCENARIOS.join(', ')})`);
/** A targeted run (--only or --sizes) measures what it is asked and writes no results files. */
const targeted = args.only !== undefined || args.sizes !== undefined;
const profileDir = args.profile ? resolve(args.profile) : undefined;

interface Size {
  label: 'small' | 'large';
  db: string;
  spec: SeedSpec;
}
const ALL_SIZES: Size[] = encryptionOnly
  ? [{ label: 'small', db: 'grove_bench_encryption', spec: { tenants: 2, people: 200, praise: 2_000, typeaheadPeople: 0 } }]
  : quick
  ? [{ label: 'small', db: 'grove_bench_quick', spec: { tenants: 2, people: 200, praise: 2_000, typeaheadPeople: 2_000 } }]
  : [
      { label: 'small', db: 'grove_bench_small', spec: { tenants: 10, people: 1_000, praise: 10_000, typeaheadPeople: 0 } },
      { label: 'large', db: 'grove_bench_large', spec: { tenants: 100, people: 10_000, praise: 1_000_000, typeaheadPeople: 100_000 } },
    ];
const SIZES = args.sizes ? ALL_SIZES.filter((s) => args.sizes!.split(',').includes(s.label)) : ALL_SIZES;
if (SIZES.length === 0) throw new Error(`--sizes: none of ${args.sizes} (${ALL_SIZES.map((s) => s.label).join(', ')})`);

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

const seeded: Record<string, Seeded> = {};
for (const size of SIZES) seeded[size.label] = await ensureSeeded(adminUrl, size.db, size.spec, log);
{
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('alter role grove_app login');
  await admin.end();
}

interface Person {
  id: string;
  externalId: string;
  name: string;
}
interface SizeContext {
  size: Size;
  seed: Seeded;
  viewer: Person;
  recipient: Person;
  /** The first person of the typeahead tenant, when this size has one. */
  typeaheadViewer: Person | null;
  grove: Server;
  baseline: Server;
}

async function people(url: string, tenantId: string): Promise<Person[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql<Person[]>`select id, external_id as "externalId", name from app.people
      where tenant_id = ${tenantId} and external_id in ('p0', 'p1') order by external_id`;
  } finally {
    await sql.end();
  }
}

/** Praise written by earlier load runs would change what the feed reads: remove it. */
async function cleanWrites(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Sealed, a written message no longer reads as MESSAGE: what was written after the seed goes.
    const deleted = await sql`delete from app.praise where message = ${MESSAGE} or created_at > (select seeded_at from bench.seed)`;
    if (deleted.count > 0) {
      // VACUUM frees the rows but not the index pages the writes appended to (UUIDv7 ids, the
      // right edge of the feed's index): the feed's backward scan would walk the empty pages
      // of every earlier run's writes (10 MB of index over 10,000 praise, seen here).
      await sql.unsafe('reindex table app.praise');
      await sql.unsafe('reindex table app.praise_recipients');
      await sql.unsafe('vacuum analyze app.praise, app.praise_recipients');
    }
    return deleted.count;
  } finally {
    await sql.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  base: string;
}
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

/**
 * The young generation `npm run grove -- serve` gives Grove (docs/operations.md), given to the
 * baseline too: both servers run on the same runtime settings, so the ratio measures Grove.
 */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

async function startServer(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Server> {
  const { child, listening } = spawnServer(join(root, script), { cwd: root, env, nodeArgs: [...SERVER_NODE_FLAGS, ...nodeArgs] });
  children.push(child);
  return { child, base: await listening };
}

/**
 * One size's servers at a time: a Grove instance opens up to 10 + 10 connections
 * (GROVE_DB_POOL_SIZE per role), a baseline 10, and the survey bench its own; one size at a
 * time keeps well inside PostgreSQL's default 100.
 */
const contexts: Record<string, SizeContext> = {};
async function startSize(size: Size): Promise<SizeContext> {
  const seed = seeded[size.label]!;
  const removed = await cleanWrites(seed.url);
  if (removed > 0) log(`${seed.name}: removed ${removed} praise written by an earlier run`);
  const tenant = seed.tenants[0]!;
  const [viewer, recipient] = await people(seed.url, tenant.id);
  const typeaheadViewer = seed.typeahead ? ((await people(seed.url, seed.typeahead.id))[0] ?? null) : null;
  const env = groveEnv(seed.url, seed.masterKey, `/tmp/grove-bench-${size.label}`);
  const [grove, baseline] = await Promise.all([
    startServer('bench/servers/grove.ts', env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    startServer(encryptionOnly ? 'bench/servers/grove-plaintext.ts' : 'bench/servers/baseline.ts', {
      ...env,
      TENANT_ID: tenant.id,
      GIVER_ID: viewer!.id,
      RECIPIENT_ID: recipient!.id,
      PEOPLE_TENANT_ID: seed.typeahead?.id ?? tenant.id,
    }),
  ]);
  const ctx = { size, seed, viewer: viewer!, recipient: recipient!, typeaheadViewer, grove, baseline };
  contexts[size.label] = ctx;
  log(`${size.label}: Grove on ${grove.base}, baseline on ${baseline.base}`);
  return ctx;
}

async function stopSize(ctx: SizeContext) {
  for (const server of [ctx.grove, ctx.baseline]) {
    if (server.child.exitCode !== null) continue;
    const exited = new Promise((done) => server.child.once('exit', done));
    server.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
  }
  await cleanWrites(ctx.seed.url);
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

interface Series {
  scenario: string;
  size: string;
  /** `reference`: a second, barer baseline reported beside the first (the feed's one-table SELECT). */
  server: 'grove' | 'baseline' | 'reference';
  /** Built afresh before each run: widget tokens live at most 10 minutes. */
  target: () => Promise<Target>;
  samples: Sample[];
  /** Requests answered during the warm-up (with the samples': what a CPU-time reading divides by). */
  warmupRequests?: number;
}

async function mint(ctx: SizeContext, tenantApiKey: string, user: Person): Promise<string> {
  const response = await fetch(`${ctx.grove.base}/v1/embed/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenantApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { externalId: user.externalId, name: user.name }, scopes: ['praise:read', 'praise:write'], origin: ORIGIN, ttlSeconds: 600 }),
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`minting failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

function feed(ctx: SizeContext): Series[] {
  const label = `feed read (20 items)`;
  return [
    {
      scenario: label,
      size: ctx.size.label,
      server: 'grove',
      target: async () => ({
        url: `${ctx.grove.base}/v1/praise?limit=20`,
        headers: { authorization: `Bearer ${await mint(ctx, ctx.seed.tenants[0]!.apiKey, ctx.viewer)}`, origin: ORIGIN },
      }),
      samples: [],
    },
    { scenario: label, size: ctx.size.label, server: 'baseline', target: async () => ({ url: `${ctx.baseline.base}/feed`, headers: {} }), samples: [] },
    { scenario: label, size: ctx.size.label, server: 'reference', target: async () => ({ url: `${ctx.baseline.base}/feed-bare`, headers: {} }), samples: [] },
  ];
}

function write(ctx: SizeContext): Series[] {
  const body = JSON.stringify({ recipientIds: [ctx.recipient.id], message: MESSAGE });
  return [
    {
      scenario: 'praise write',
      size: ctx.size.label,
      server: 'grove',
      target: async () => ({
        url: `${ctx.grove.base}/v1/praise`,
        method: 'POST',
        headers: { authorization: `Bearer ${await mint(ctx, ctx.seed.tenants[0]!.apiKey, ctx.viewer)}`, origin: ORIGIN, 'content-type': 'application/json' },
        body,
      }),
      samples: [],
    },
    {
      scenario: 'praise write',
      size: ctx.size.label,
      server: 'baseline',
      target: async () => ({ url: `${ctx.baseline.base}/praise`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: MESSAGE }) }),
      samples: [],
    },
  ];
}

function tokens(ctx: SizeContext): Series[] {
  const body = JSON.stringify({ user: { externalId: ctx.viewer.externalId, name: ctx.viewer.name }, scopes: ['praise:read', 'praise:write'], origin: ORIGIN, ttlSeconds: 600 });
  return [
    {
      scenario: 'token minting',
      size: ctx.size.label,
      server: 'grove',
      target: async () => ({
        url: `${ctx.grove.base}/v1/embed/tokens`,
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.seed.tenants[0]!.apiKey}`, 'content-type': 'application/json' },
        body,
      }),
      samples: [],
    },
    {
      scenario: 'token minting',
      size: ctx.size.label,
      server: 'baseline',
      target: async () => ({ url: `${ctx.baseline.base}/token`, method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      samples: [],
    },
  ];
}

function typeahead(ctx: SizeContext): Series[] {
  const scenario = `people typeahead "ma" (${ctx.seed.typeahead!.people.toLocaleString('en')} people)`;
  return [
    {
      scenario,
      size: ctx.size.label,
      server: 'grove',
      target: async () => ({
        url: `${ctx.grove.base}/v1/people?q=ma`,
        headers: { authorization: `Bearer ${await mint(ctx, ctx.seed.typeahead!.apiKey, ctx.typeaheadViewer!)}`, origin: ORIGIN },
      }),
      samples: [],
    },
    { scenario, size: ctx.size.label, server: 'baseline', target: async () => ({ url: `${ctx.baseline.base}/people?q=ma`, headers: {} }), samples: [] },
  ];
}

/** Each Grove series with the baseline (and reference, if any) measured beside it. */
function comparisons(all: Series[]): Array<{ g: Series; b: Series; ref: Series | undefined }> {
  const beside = (g: Series, server: Series['server']) => all.find((s) => s.server === server && s.scenario === g.scenario && s.size === g.size);
  return all.filter((s) => s.server === 'grove').map((g) => ({ g, b: beside(g, 'baseline')!, ref: beside(g, 'reference') }));
}

/** A warm-up of each series, then `runs` rounds that visit every series once, in order. */
async function measure(group: Series[]) {
  for (const s of group) s.warmupRequests = (await autocannon(await s.target(), warmup, connections)).requests;
  for (let run = 0; run < runs; run++) {
    for (const s of group) {
      const sample = await autocannon(await s.target(), duration, connections);
      s.samples.push(sample);
      log(`  ${s.scenario} [${s.size}] ${s.server}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms${sample.non2xx + sample.errors > 0 ? `, ${sample.non2xx} non-2xx, ${sample.errors} errors` : ''}`);
    }
  }
}

const series: Series[] = [];
for (const size of SIZES) {
  const ctx = await startSize(size);
  const groups: Series[][] = encryptionOnly ? await encryptionGroups(ctx) : only.has('feed') ? [feed(ctx)] : [];
  if (size.label === 'small' && !encryptionOnly) {
    if (only.has('write')) groups.push(write(ctx));
    if (only.has('tokens')) groups.push(tokens(ctx));
  }
  if (ctx.seed.typeahead && only.has('typeahead')) groups.push(typeahead(ctx));
  try {
    for (const group of groups) {
      series.push(...group);
      log(`${group[0]!.scenario} [${size.label}]: ${warmup} s warm-up, ${runs} × ${duration} s per server, ${connections} connections`);
      await measure(group);
    }
  } finally {
    await stopSize(ctx);
  }
}

if (targeted && !encryptionOnly) {
  // Medians of what was asked, printed only: a targeted run is for before/after comparisons of
  // one change under the same conditions, not the record (results/latest.* come from full runs).
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  console.log(`\n${connections} connections, ${warmup} s warm-up, ${runs} × ${duration} s per server, interleaved; medians (load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}).`);
  console.log('| scenario | size | Grove req/s | baseline req/s | ratio | Grove p50 / p99 ms | baseline p50 / p99 ms | Grove spread | baseline spread | requests served, Grove / baseline |');
  for (const { g, b, ref } of comparisons(series)) {
    const rps = (s: Series) => s.samples.map((x) => x.rps);
    const range = (s: Series) => `${Math.round(Math.min(...rps(s)))}–${Math.round(Math.max(...rps(s)))}`;
    const failed = [...g.samples, ...b.samples, ...(ref?.samples ?? [])].reduce((n, x) => n + x.non2xx + x.errors, 0);
    const served = (s: Series) => (s.warmupRequests ?? 0) + s.samples.reduce((n, x) => n + x.requests, 0);
    console.log(`| ${g.scenario}${failed ? ` (${failed} failed)` : ''} | ${g.size} | ${Math.round(mid(rps(g)))} | ${Math.round(mid(rps(b)))} | ${(mid(rps(g)) / mid(rps(b))).toFixed(2)} | ${mid(g.samples.map((x) => x.p50))} / ${mid(g.samples.map((x) => x.p99))} | ${mid(b.samples.map((x) => x.p50))} / ${mid(b.samples.map((x) => x.p99))} | ${range(g)} | ${range(b)} | ${served(g)} / ${served(b)} |`);
    if (ref) console.log(`|   beside the bare one-table SELECT | ${g.size} | ${Math.round(mid(rps(g)))} | ${Math.round(mid(rps(ref)))} | ${(mid(rps(g)) / mid(rps(ref))).toFixed(2)} | | ${mid(ref.samples.map((x) => x.p50))} / ${mid(ref.samples.map((x) => x.p99))} | | ${range(ref)} | ${served(ref)} |`);
  }
  if (profileDir) log(`Grove's CPU profile: ${profileDir}`);
  process.exit(0);
}

if (encryptionOnly) {
  const { reportEncryption } = await import('./encryption-report.js');
  process.exit(reportEncryption({ root, series, seed: Object.values(seeded)[0]!, connections, warmup, duration, runs, log }));
}

/**
 * Grove as deployed (the "grove" series, tenant 0) beside Grove with a pass-through cipher (in
 * the "baseline" slot, tenant 1 of the same seed, so neither reads what the other wrote).
 */
async function encryptionGroups(ctx: SizeContext): Promise<Series[][]> {
  const other = ctx.seed.tenants[1]!;
  const [viewer, recipient] = await people(ctx.seed.url, other.id);
  const plain: SizeContext = { ...ctx, grove: ctx.baseline, viewer: viewer!, recipient: recipient!, seed: { ...ctx.seed, tenants: [other] } };
  const pair = (encrypted: Series[], passThrough: Series[], scenario: string): Series[] => [
    { ...encrypted[0]!, scenario },
    { ...passThrough[0]!, scenario, server: 'baseline' },
  ];
  return [pair(feed(ctx), feed(plain), 'feed read (20 items): encrypted vs pass-through'), pair(write(ctx), write(plain), 'praise write: encrypted vs pass-through')];
}

// ---------------------------------------------------------------------------------------------
// EXPLAIN of the feed as Grove sends it
// ---------------------------------------------------------------------------------------------

interface Plan {
  size: string;
  /** The plan PostgreSQL picks for these parameter values (EXPLAIN ANALYZE). */
  customIndex: string;
  customMs: number;
  /** The generic plan a prepared statement settles on after five executions. */
  genericIndex: string;
  genericMs: number;
  text: string;
}

async function explainFeed(ctx: SizeContext): Promise<Plan> {
  const tenantId = ctx.seed.tenants[0]!.id;
  const query = await feedStatement(tenantId, ctx.viewer.id);
  const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const appUrl = Object.assign(new URL(ctx.seed.url), { username: 'grove_app', password: '' }).toString();
  const sql = postgres(appUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql.begin(async (tx) => {
      await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
      const custom = (await tx.unsafe(`explain (analyze, buffers) ${query.sql}`, query.params as never[])).map((r) => r['QUERY PLAN'] as string);
      await tx.unsafe(`prepare bench_feed as ${query.sql}`);
      await tx.unsafe(`set local plan_cache_mode = force_generic_plan`);
      const generic = (await tx.unsafe(`explain (analyze) execute bench_feed(${query.params.map(literal).join(', ')})`)).map((r) => r['QUERY PLAN'] as string);
      await tx.unsafe(`deallocate bench_feed`);
      const index = (lines: string[]) => /Index (?:Only )?Scan (?:Backward )?using (\S+) on praise p\b/.exec(lines.join('\n'))?.[1] ?? `no index scan on praise (${/(\w+ Scan)[^\n]* on praise p\b/.exec(lines.join('\n'))?.[1] ?? 'see plan'})`;
      const ms = (lines: string[]) => Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? NaN);
      return { size: ctx.size.label, customIndex: index(custom), customMs: ms(custom), genericIndex: index(generic), genericMs: ms(generic), text: custom.join('\n') };
    });
  } finally {
    await sql.end();
  }
}
const plans: Plan[] = [];
for (const ctx of Object.values(contexts)) plans.push(await explainFeed(ctx));

// ---------------------------------------------------------------------------------------------
// Bundles
// ---------------------------------------------------------------------------------------------

const gzip = (code: string | Buffer) => gzipSync(code, { level: 9 }).length;
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'grove.js')) || !existsSync(join(dist, 'esm/praise/praise-wall.js')) || !existsSync(join(dist, 'esm/surveys/survey.js'))) {
  log('dist/ is missing: npm run build');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}
const minifier = () => terser({ ecma: 2021, module: true, compress: { passes: 2 }, format: { comments: false } });
async function bundle(input: string, external: (id: string) => boolean): Promise<string> {
  const build = await rollup({ input, external, plugins: [nodeResolve({ browser: true }), minifier()], onwarn: () => {} });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return (output.find((o) => o.type === 'chunk' && o.isEntry) as { code: string }).code;
}
// Lit alone, bundled and minified as dist/grove.js bundles it.
const tmp = join(root, 'node_modules/.cache/grove-bench');
mkdirSync(tmp, { recursive: true });
writeFileSync(join(tmp, 'lit-alone.js'), `export * from 'lit';\n`);
const litCode = await bundle(join(tmp, 'lit-alone.js'), () => false);
writeFileSync(join(tmp, 'lit-alone.min.js'), litCode);
const wallCode = await bundle(join(dist, 'esm/praise/praise-wall.js'), (id) => id === 'lit' || id.startsWith('lit/'));
const groveJs = readFileSync(join(dist, 'grove.js'));
const wallJs = readFileSync(join(dist, 'esm/praise/praise-wall.js'));
// The survey elements: the chunk grove.js imports on first use (Lit and core come from grove.js),
// and what a bundler user pays for the survey form with its own imports, Lit external.
const surveysChunkFile = readdirSync(dist).find((f) => /^grove-surveys\.[0-9a-f]{16}\.js$/.test(f));
const surveysChunk = surveysChunkFile ? readFileSync(join(dist, surveysChunkFile)) : undefined;
const surveyCode = await bundle(join(dist, 'esm/surveys/survey.js'), (id) => id === 'lit' || id.startsWith('lit/'));
const bundles = [
  { file: 'dist/grove.js (praise widgets, core, Lit, survey loader; IIFE)', min: groveJs.length, gzip: gzip(groveJs) },
  ...(surveysChunk ? [{ file: 'dist/grove-surveys.<hash>.js (both survey elements, loaded on first use)', min: surveysChunk.length, gzip: gzip(surveysChunk) }] : []),
  { file: 'survey form with its own imports, Lit external', min: Buffer.byteLength(surveyCode), gzip: gzip(surveyCode) },
  { file: 'dist/esm/praise/praise-wall.js (the module alone)', min: wallJs.length, gzip: gzip(wallJs) },
  { file: 'praise wall with its own imports, Lit external', min: Buffer.byteLength(wallCode), gzip: gzip(wallCode) },
  { file: 'Lit alone (`lit`, rollup + terser)', min: Buffer.byteLength(litCode), gzip: gzip(litCode) },
];
const builtAt = statSync(join(dist, 'grove.js')).mtime.toISOString();

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
const rows: Array<Record<string, number | string> & { scenario: string; size: string; groveRps: number; failed: number }> = [];
const references: Array<{ scenario: string; size: string; groveRps: number; referenceRps: number; ratio: number; referenceP50: number; referenceP99: number; referenceSpread: string }> = [];
for (const { g, b, ref } of comparisons(series)) {
  const gr = median(g.samples.map((s) => s.rps));
  const br = median(b.samples.map((s) => s.rps));
  if (ref) {
    const rr = median(ref.samples.map((s) => s.rps));
    references.push({
      scenario: g.scenario,
      size: g.size,
      groveRps: Math.round(gr),
      referenceRps: Math.round(rr),
      ratio: Number((gr / rr).toFixed(2)),
      referenceP50: median(ref.samples.map((s) => s.p50)),
      referenceP99: median(ref.samples.map((s) => s.p99)),
      referenceSpread: spread(ref.samples.map((s) => s.rps)),
    });
  }
  rows.push({
    scenario: g.scenario,
    size: g.size,
    groveRps: Math.round(gr),
    baselineRps: Math.round(br),
    ratio: Number((gr / br).toFixed(2)),
    groveP50: median(g.samples.map((s) => s.p50)),
    groveP99: median(g.samples.map((s) => s.p99)),
    baselineP50: median(b.samples.map((s) => s.p50)),
    baselineP99: median(b.samples.map((s) => s.p99)),
    groveSpread: spread(g.samples.map((s) => s.rps)),
    baselineSpread: spread(b.samples.map((s) => s.rps)),
    failed: [...g.samples, ...b.samples, ...(ref?.samples ?? [])].reduce((n, s) => n + s.non2xx + s.errors, 0),
  });
}
const feedRow = (size: string) => rows.find((r) => r.scenario.startsWith('feed read') && r.size === size);
const growth = feedRow('large')
  ? {
      smallRps: feedRow('small')!.groveRps,
      largeRps: feedRow('large')!.groveRps,
      ratio: Number((feedRow('large')!.groveRps / feedRow('small')!.groveRps).toFixed(2)),
      /** The same, each size's Grove figure first divided by the baseline measured beside it. */
      baselineNormalised: Number(((feedRow('large')!.ratio as number) / (feedRow('small')!.ratio as number)).toFixed(2)),
    }
  : null;

/**
 * Survey results over 100,000 responses: bench/surveys.ts in its own process (its own seeded
 * database, the endpoint in-process beside a bare aggregation query), its figures read back as
 * JSON. Not in --quick or targeted runs: its seed alone takes a while.
 */
interface SurveyFigures {
  answers: number;
  respondents: number;
  teams: number;
  runs: number;
  baseline: { medianMs: number; minMs: number; maxMs: number };
  scenarios: Array<{ name: string; medianMs: number; minMs: number; maxMs: number; ratio: number }>;
}
let surveys: SurveyFigures | null = null;
if (!quick && !targeted) {
  const file = join(root, 'bench/results/.surveys.json');
  log('survey results: npm run bench:surveys (seeds grove_bench_surveys once)');
  const run = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/surveys.ts'), '--runs', String(Math.max(runs * 3, 9)), '--json', file], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  if (run.status !== 0) throw new Error('bench/surveys.ts failed');
  surveys = JSON.parse(readFileSync(file, 'utf8')) as SurveyFigures;
}
const SURVEYS = surveys
  ? `survey results over ${surveys.answers.toLocaleString('en')} answers (${surveys.respondents.toLocaleString('en')} responses, ${surveys.teams} teams)`
  : 'survey results over 100,000 responses: not in --quick or targeted runs (npm run bench:surveys)';

const sizeLine = (s: Seeded) =>
  `${s.name}: ${s.spec.tenants} tenants × ${s.spec.people.toLocaleString('en')} people × ${s.spec.praise.toLocaleString('en')} praise` +
  (s.typeahead ? ` + one tenant of ${s.typeahead.people.toLocaleString('en')} people` : '') +
  ` (${Object.entries(s.rows).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}); seeded in ${s.seedSeconds} s${s.reused ? ` on ${s.seededAt.slice(0, 10)}, reused` : ''}`;

const md: string[] = [];
md.push(`${quick ? '`npm run bench -- --quick`' : '`npm run bench`'} on ${new Date().toISOString().slice(0, 10)}: ${connections} connections, ${warmup} s warm-up, ${runs} × ${duration} s per server, interleaved; medians.`);
md.push('');
md.push('| scenario | size | Grove req/s | baseline req/s | ratio | Grove p50 / p99 ms | baseline p50 / p99 ms | Grove spread | baseline spread |');
md.push('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  md.push(`| ${r.scenario}${r.failed > 0 ? ` (**${r.failed} failed**)` : ''} | ${r.size} | ${r.groveRps} | ${r.baselineRps} | ${r.ratio} | ${r.groveP50} / ${r.groveP99} | ${r.baselineP50} / ${r.baselineP99} | ${r.groveSpread} | ${r.baselineSpread} |`);
}
md.push('');
if (references.length > 0) {
  md.push(
    'The feed\'s baseline runs Grove\'s own feed statement (giver, recipients\' names, reaction counts, the visibility rule). ' +
      'For reference, the same Grove runs beside the barest read of a page, one table with no joins (`SELECT … FROM praise … ORDER BY id DESC LIMIT 20`), measured in the same rounds:',
  );
  md.push('');
  md.push('| scenario | size | Grove req/s | bare SELECT req/s | ratio | bare SELECT p50 / p99 ms | bare SELECT spread |');
  md.push('|---|---|---|---|---|---|---|');
  for (const r of references) md.push(`| ${r.scenario} | ${r.size} | ${r.groveRps} | ${r.referenceRps} | ${r.ratio} | ${r.referenceP50} / ${r.referenceP99} | ${r.referenceSpread} |`);
  md.push('');
}
if (surveys) {
  md.push(`${SURVEYS}: the results endpoint in-process (authentication, the tenant unit as grove_app under RLS, every aggregation, suppression, JSON), one request at a time, beside one bare aggregation query over the same answers as the owner, interleaved, ${surveys.runs} runs each; medians in ms.`);
  md.push('');
  md.push('| scenario | Grove median ms | Grove spread | baseline median ms | ratio (Grove / baseline time) |');
  md.push('|---|---|---|---|---|');
  for (const x of surveys.scenarios) md.push(`| ${x.name} | ${x.medianMs} | ${x.minMs}–${x.maxMs} | ${surveys.baseline.medianMs} | ${x.ratio} |`);
} else md.push(`${SURVEYS}.`);
md.push('');
if (growth) {
  md.push(
    `Growth: Grove's feed read at the large size / at the small size = ${growth.largeRps} / ${growth.smallRps} req/s = **${growth.ratio}** ` +
      `(${growth.baselineNormalised} once each is divided by the baseline measured beside it: the two sizes run one after the other, not interleaved).`,
  );
}
else md.push('Growth: not measured by `--quick` (one size only).');
md.push('');
for (const p of plans) {
  md.push(`Feed plan (${p.size}, EXPLAIN as grove_app under RLS): ${p.customIndex} (${p.customMs} ms); generic plan of the prepared statement: ${p.genericIndex} (${p.genericMs} ms).`);
}
md.push('');
md.push(`Bundles (dist/ built ${builtAt}), minified and gzipped at level 9:`);
md.push('');
md.push('| bundle | min bytes | gzip bytes |');
md.push('|---|---|---|');
for (const b of bundles) md.push(`| ${b.file} | ${b.min} | ${b.gzip} |`);
md.push('');
md.push('Data:');
md.push('');
for (const s of Object.values(seeded)) md.push(`- ${sizeLine(s)}`);
md.push('');
if (rows.some((r) => r.failed > 0)) md.push('WARNING: some responses were not 2xx or failed; see the JSON report.');
md.push(`Grove runs as deployed (tenant units log in as grove_app, NODE_ENV=production), its rate limits lifted out of reach; the baseline runs the same SQL as the owner with no auth, no RLS, no transaction.`);

const report = {
  at: new Date().toISOString(),
  quick,
  connections,
  warmupSeconds: warmup,
  durationSeconds: duration,
  runs,
  rows,
  references,
  growth,
  plans,
  bundles,
  surveys,
  data: Object.values(seeded).map((s) => ({ name: s.name, spec: s.spec, rows: s.rows, seedSeconds: s.seedSeconds, seededAt: s.seededAt, reused: s.reused })),
  raw: series.map((s) => ({ scenario: s.scenario, size: s.size, server: s.server, samples: s.samples })),
  totalSeconds: Math.round((performance.now() - started) / 1000),
};
const out = join(root, 'bench/results');
mkdirSync(out, { recursive: true });
const base = quick ? 'quick' : 'latest';
writeFileSync(join(out, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(out, `${base}.md`), `${md.join('\n')}\n`);
console.log(`\n${md.join('\n')}\n`);
log(`wrote bench/results/${base}.json and ${base}.md`);
// A figure made of error responses measures nothing: the run fails (never on speed).
const failed = rows.filter((r) => r.failed > 0);
if (failed.length > 0) {
  console.error(`FAILED: non-2xx responses or errors in ${failed.map((r) => `${r.scenario} [${r.size}]`).join(', ')}`);
  process.exit(1);
}
process.exit(0);
