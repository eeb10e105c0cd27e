/**
 * Survey results over 100,000 responses (about 410,000 answers) in 50 teams: the results
 * endpoint, in-process (authentication, the tenant unit as grove_app under RLS, every
 * aggregation query, suppression, JSON), beside a baseline measured in the same run on the same
 * rows: one bare aggregation query (count, mean and the favourability/eNPS counts per question)
 * as the owner, with no RLS, no transaction and no HTTP. Interleaved, medians and min–max.
 *
 *   npm run bench:surveys [-- --runs 9] [--mix] [--json FILE]
 *
 * `--mix` also times one pass of the answer mixer over the whole round (mixing.ts), as grove_app.
 * `--json FILE` also writes the figures as JSON: `npm run bench` (run.ts) runs this script so and
 * puts them in bench/results/latest.*.
 *
 * The data (`grove_bench_surveys`) is seeded once with set-based SQL and reused while its marker
 * (`bench.surveys_seed`) matches SEED_VERSION.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../api/config.js';
import { MasterKeys } from '../api/security/master-keys.js';
import { openDatabase } from '../api/db/client.js';
import { createGrove } from '../api/grove.js';
import { createTenant } from '../api/modules/platform/platform.service.js';
import { mixRound } from '../api/modules/surveys/mixing.js';

const SEED_VERSION = 4;
/** A deterministic id shaped like a v4 UUID (the API validates ids as RFC 9562 UUIDs). */
const v4 = (text: string) => `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
const RESPONDENTS = 100_000;
const TEAMS = 50;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = 'grove_bench_surveys';
const url = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
const appUrl = Object.assign(new URL(url), { username: 'grove_app', password: '' }).toString();

interface Marker {
  version: number;
  tenantId: string;
  apiKey: string;
  surveyId: string;
  masterKey: string;
  answers: number;
  seconds: number;
}

async function marker(): Promise<Marker | undefined> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const exists = (await admin`select 1 from pg_database where datname = ${dbName}`).length > 0;
  await admin.end();
  if (!exists) return undefined;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Array<{ marker: Marker | string }>>`select marker from bench.surveys_seed`;
    const found = typeof row?.marker === 'string' ? (JSON.parse(row.marker) as Marker) : row?.marker;
    return found?.version === SEED_VERSION ? found : undefined;
  } catch {
    return undefined;
  } finally {
    await sql.end();
  }
}

async function seed(): Promise<Marker> {
  const started = performance.now();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`create database ${dbName}`);
  await admin.unsafe('alter role grove_app login');
  await admin.end();
  const database = await openDatabase({ url, max: 2 });
  await database.migrate();
  // The master key is made first: the tenant's data key is wrapped under it.
  const masterKey = randomBytes(32).toString('base64');
  const tenant = await createTenant(database, new MasterKeys(Buffer.from(masterKey, 'base64')), { name: 'Survey bench', origins: [] });
  await database.close();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const t = tenant.id;
  const q = (n: number) => v4(`'${t}q${n}'`);
  const questions = JSON.stringify([
    { id: '$Q1', type: 'likert', prompt: 'I feel recognised for my work.', required: true },
    { id: '$Q2', type: 'likert', prompt: 'I have what I need.', required: true },
    { id: '$Q3', type: 'enps', prompt: 'Would you recommend us?', required: true },
    { id: '$Q4', type: 'single_choice', prompt: 'Office days', required: false, options: ['None', '1–2', '3–4', 'Every day'] },
    { id: '$Q5', type: 'text', prompt: 'One thing to change?', required: false },
  ]);
  const person = (kind: string, n: string) => v4(`'${t}${kind}' || ${n}`);
  await sql.begin(async (tx) => {
    await tx.unsafe(`set session_replication_role = replica`); // foreign keys are not re-checked while seeding
    await tx.unsafe(`insert into app.people (tenant_id, id, external_id, name, role, team)
      values ('${t}', ${person('ceo', "'0'")}, 'ceo', 'Chief', 'manager', 'Leadership')`);
    await tx.unsafe(`insert into app.people (tenant_id, id, external_id, name, role, team, manager_id)
      select '${t}', ${person('dir', 'd::text')}, 'dir' || d, 'Director ' || d, 'manager', 'Leadership', ${person('ceo', "'0'")}
        from generate_series(0, 4) d`);
    await tx.unsafe(`insert into app.people (tenant_id, id, external_id, name, role, team, manager_id)
      select '${t}', ${person('mgr', 'm::text')}, 'mgr' || m, 'Manager ' || m, 'manager', 'Team ' || m, ${person('dir', '(m % 5)::text')}
        from generate_series(0, ${TEAMS - 1}) m`);
    await tx.unsafe(`insert into app.people (tenant_id, id, external_id, name, team, manager_id)
      select '${t}', ${person('emp', 'n::text')}, 'emp' || n, 'Person ' || n, 'Team ' || (n % ${TEAMS}), ${person('mgr', `(n % ${TEAMS})::text`)}
        from generate_series(1, ${RESPONDENTS}) n`);
    const survey = (await tx.unsafe(`insert into app.surveys (tenant_id, id, title, questions, audience, opens_at, closes_at, anonymity_threshold, comment_threshold)
      values ('${t}', gen_random_uuid(), 'Bench pulse',
              replace(replace(replace(replace(replace('${questions}', '$Q1', ${q(1)}::text), '$Q2', ${q(2)}::text), '$Q3', ${q(3)}::text), '$Q4', ${q(4)}::text), '$Q5', ${q(5)}::text)::jsonb,
              '{"kind":"tenant"}', now() - interval '1 day', now() + interval '6 days', 5, 10)
      returning id`)) as unknown as Array<{ id: string }>;
    const s = survey[0]!.id;
    await tx.unsafe(`insert into app.survey_participation (tenant_id, survey_id, round, person_id)
      select '${t}', '${s}', 1, ${person('emp', 'n::text')} from generate_series(1, ${RESPONDENTS}) n`);
    // Responses in random order under random ids, as the mixer leaves them.
    await tx.unsafe(`insert into app.survey_responses (tenant_id, id, survey_id, round, team, managers, mixed)
      select '${t}', ${v4(`'${t}r' || n`)}, '${s}', 1, 'Team ' || (n % ${TEAMS}),
             array[${person('mgr', `(n % ${TEAMS})::text`)}, ${person('dir', `((n % ${TEAMS}) % 5)::text`)}, ${person('ceo', "'0'")}], true
        from generate_series(1, ${RESPONDENTS}) n order by random()`);
    // Scores lean on the team so the breakdown is not flat; hashtext spreads them.
    const h = (salt: string) => `abs(hashtext('${salt}' || n))`;
    await tx.unsafe(`insert into app.survey_answers (tenant_id, response_id, survey_id, round, question_id, team, managers, value, choices, text)
      select '${t}', ${v4(`'${t}r' || n`)}, '${s}', 1, x.q, 'Team ' || (n % ${TEAMS}),
             array[${person('mgr', `(n % ${TEAMS})::text`)}, ${person('dir', `((n % ${TEAMS}) % 5)::text`)}, ${person('ceo', "'0'")}], x.v, null, x.txt
        from generate_series(1, ${RESPONDENTS}) n
        cross join lateral (values
          (${q(1)}, (1 + least(4, (${h('a')} % 5 + (n % ${TEAMS}) % 3) / 1))::smallint, null::text),
          (${q(2)}, (1 + ${h('b')} % 5)::smallint, null),
          (${q(3)}, (${h('c')} % 11)::smallint, null),
          (${q(4)}, case when n % 4 = 0 then null else (${h('d')} % 4)::smallint end, null),
          (${q(5)}, null, case when n % 10 = 0 then 'Comment number ' || n else null end)) as x(q, v, txt)
       where x.v is not null or x.txt is not null
       order by random()`);
    await tx.unsafe(`create schema bench`);
    await tx.unsafe(`create table bench.surveys_seed (marker jsonb not null)`);
  });
  await sql.unsafe('vacuum analyze');
  const [{ n }] = (await sql.unsafe(`select count(*)::int as n from app.survey_answers`)) as unknown as [{ n: number }];
  const [{ id }] = (await sql.unsafe(`select id from app.surveys`)) as unknown as [{ id: string }];
  const made: Marker = {
    version: SEED_VERSION,
    tenantId: t,
    apiKey: tenant.apiKey,
    surveyId: id,
    masterKey,
    answers: n,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  await sql`insert into bench.surveys_seed ${sql({ marker: JSON.stringify(made) })}`;
  await sql.end();
  return made;
}

let data = await marker();
const reused = data !== undefined;
if (!data) {
  console.log(`seeding ${dbName}: ${RESPONDENTS} responses in ${TEAMS} teams…`);
  data = await seed();
}
console.log(`${dbName}: ${data.answers} answers from ${RESPONDENTS} responses (${reused ? 'reused' : `seeded in ${data.seconds} s`})`);

const config = loadConfig({
  NODE_ENV: 'production',
  GROVE_LOG_LEVEL: 'warn',
  GROVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'grove-bench-surveys-')),
  GROVE_PLATFORM_KEY: `grove_pk_bench_${randomBytes(24).toString('base64url')}`,
  GROVE_MASTER_KEY: data.masterKey,
  GROVE_PUBLIC_URL: 'https://grove.bench',
});
const database = await openDatabase({ url, appUrl, max: 4 });
// Migrating (a no-op for the schema) also runs the data migration, which seals the seeded
// comments with the tenant's data key, as every answer text is stored.
const grove = await createGrove(config, { database });
const owner = postgres(url, { max: 1, onnotice: () => {} });

const scenarios: Array<[string, string]> = [
  ['whole tenant', ''],
  ['by team (50 groups)', '?groupBy=team'],
  ['by manager under a director', `?groupBy=manager&manager=${(await owner`select id from app.people where external_id = 'dir0'`)[0]!.id}`],
  ['one team', '?team=Team%207'],
];

async function endpoint(query: string): Promise<number> {
  const t0 = performance.now();
  const response = await grove.app.request(`https://grove.bench/v1/surveys/${data!.surveyId}/results${query}`, { headers: { authorization: `Bearer ${data!.apiKey}` } });
  const body = (await response.json()) as { participation?: { responded: number } };
  if (response.status !== 200 || !body.participation) throw new Error(`results: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  return performance.now() - t0;
}

async function baseline(): Promise<number> {
  const t0 = performance.now();
  await owner`select question_id, count(*)::int, avg(value), count(*) filter (where value >= 4), count(*) filter (where value >= 9), count(*) filter (where value <= 6)
      from app.survey_answers where tenant_id = ${data!.tenantId} and survey_id = ${data!.surveyId} and round = 1 group by question_id`;
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => ms.toFixed(1);
// Warm-up: caches, prepared statements, the viewer and tenant caches.
for (const [, query] of scenarios) await endpoint(query);
await baseline();

const base: number[] = [];
const timings = new Map<string, number[]>(scenarios.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, query] of scenarios) {
    timings.get(name)!.push(await endpoint(query));
    base.push(await baseline());
  }
}
const baseMedian = median(base);
const lines = [
  `Survey results, ${data.answers} answers from ${RESPONDENTS} responses in ${TEAMS} teams, ${runs} runs per scenario interleaved with the baseline (sequential, one request at a time).`,
  '',
  '| scenario | endpoint median ms | spread (min–max) | baseline median ms | ratio |',
  '|---|---|---|---|---|',
  ...scenarios.map(([name]) => {
    const xs = timings.get(name)!;
    return `| ${name} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} | ${fmt(baseMedian)} | ${(median(xs) / baseMedian).toFixed(1)} |`;
  }),
  '',
  `Baseline: one aggregation query over the same answers as the owner (no RLS, no transaction, no HTTP); spread ${fmt(Math.min(...base))}–${fmt(Math.max(...base))} ms.`,
];
if (process.argv.includes('--mix')) {
  const t0 = performance.now();
  await database.withTenant(data.tenantId, (tx) => mixRound(tx, data!.tenantId, data!.surveyId, 1));
  const mixed = performance.now() - t0;
  const t1 = performance.now();
  await owner.unsafe('vacuum app.survey_responses, app.survey_answers');
  lines.push(`Mixer: one pass over the round (${RESPONDENTS} responses, ${data.answers} answers) ${(mixed / 1000).toFixed(1)} s, then VACUUM ${((performance.now() - t1) / 1000).toFixed(1)} s.`);
}
console.log(lines.join('\n'));
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  writeFileSync(
    process.argv[jsonAt + 1]!,
    JSON.stringify({
      answers: data.answers,
      respondents: RESPONDENTS,
      teams: TEAMS,
      runs,
      baseline: { medianMs: Number(fmt(baseMedian)), minMs: Number(fmt(Math.min(...base))), maxMs: Number(fmt(Math.max(...base))) },
      scenarios: scenarios.map(([name]) => {
        const xs = timings.get(name)!;
        return { name, medianMs: Number(fmt(median(xs))), minMs: Number(fmt(Math.min(...xs))), maxMs: Number(fmt(Math.max(...xs))), ratio: Number((median(xs) / baseMedian).toFixed(2)) };
      }),
    }),
  );
}
await owner.end();
await grove.close();
await database.close();
