/**
 * Seeded benchmark databases, created once and reused while their seed parameters match.
 *
 * Each database carries a marker (`bench.seed`) written last, in the same transaction as nothing
 * else: a database whose marker is missing (an interrupted seed) or records other parameters is
 * dropped and seeded again. Tenants are created through `createTenant()` (which issues the API
 * key the run needs; the key is kept in the marker); everything else is set-based SQL run as the
 * owner: INSERT … SELECT over generate_series, time-ordered UUIDv7 praise ids built in SQL.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { openDatabase } from '../api/db/client.js';
import { searchTerms } from '../api/modules/directory/people.service.js';
import { createTenant } from '../api/modules/platform/platform.service.js';
import { DataKeys } from '../api/security/data-keys.js';
import { AesFieldCipher } from '../api/security/field-cipher.js';
import { sealPlaintextRows } from '../api/security/key-operations.js';
import { MasterKeys } from '../api/security/master-keys.js';

export const ORIGIN = 'https://bench.example';
/** Bump when the generated data changes shape: every database is then seeded again. */
const SEED_VERSION = 4; // 3: praise messages are sealed (field encryption); 4: recipients name existing praise

export interface SeedSpec {
  /** Tenants carrying praise. */
  tenants: number;
  /** People per tenant. */
  people: number;
  /** Praise in all, spread evenly over the tenants. */
  praise: number;
  /** People of one extra tenant used by the typeahead figure (0: none). */
  typeaheadPeople: number;
}

export interface SeededTenant {
  id: string;
  apiKey: string;
  people: number;
}

export interface Seeded {
  name: string;
  url: string;
  spec: SeedSpec;
  tenants: SeededTenant[];
  typeahead: SeededTenant | null;
  /** Seconds the seed took (when it was made, possibly by an earlier run). */
  seedSeconds: number;
  seededAt: string;
  reused: boolean;
  /** GROVE_MASTER_KEY for this database: the signing keys Grove stores are encrypted under it. */
  masterKey: string;
  rows: Record<string, number>;
}

const FIRST = ['Marie', 'Jean', 'Hélène', 'Lucas', 'Chloé', 'Noah', 'Emma', 'Hugo', 'Léa', 'Louis', 'Priya', 'Kenji', 'Amina', 'Olivia', 'Mateo', 'Zoé', 'Inès', 'Tom', 'Sofia', 'Yusuf', 'Martha', 'Mark', 'Maya', 'Manon', 'Björn', 'Ana', 'Chen', 'Ravi', 'Fatima', 'Oscar', 'Jules', 'Nora', 'Ivan', 'Lena', 'Omar', 'Sara', 'Diego', 'Aiko', 'Felix', 'Grace'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Chen', 'Natarajan', 'Watanabe', 'Okafor', 'Garcia', 'Rossi', 'Novak', 'Schmidt', 'Kowalski', 'Haddad', 'Müller', 'Núñez', 'Lefèvre', 'Marchand', 'Mason', 'Smith', 'Johnson', 'Brown', 'Nguyen', 'Kim', 'Silva', 'Santos', 'Costa', 'Jensen', 'Larsen', 'Dupont-Roy', "O'Brien", 'Andersson', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Ivanov', 'Popescu', 'Horvat', 'Kaya', 'Yilmaz', 'Tanaka', 'Sato'];
const VALUES = [
  { key: 'ownership', label: 'Ownership', emoji: '🧭' },
  { key: 'customer-first', label: 'Customer first', emoji: '🤝' },
  { key: 'craft', label: 'Craft', emoji: '🛠️' },
  { key: 'courage', label: 'Courage', emoji: '🦁' },
  { key: 'kindness', label: 'Kindness', emoji: '💛' },
];
const MESSAGES = [
  'Thanks for jumping on the incident last night and writing such a clear post-mortem.',
  'Your onboarding doc saved me a week. Thank you!',
  'Great demo today: the customer was delighted.',
  'Thank you for reviewing my pull request so carefully.',
  'You made the planning meeting fun and short. Impressive.',
  'Thanks for covering for me while I was out.',
  'The new dashboard is beautiful and fast. Well done!',
  'Thank you for mentoring the interns this quarter.',
];
/** What `normalise()` does for the accents our names use (verified against `searchTerms()` below). */
const ACCENTED = 'éèêëáàâäíìîïóòôöúùûüçñ';
const PLAIN = 'eeeeaaaaiiiioooouuuucn';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (xs: string[]) => `array[${xs.map(lit).join(', ')}]::text[]`;

export function dbUrl(adminUrl: string, name: string): string {
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

export async function ensureSeeded(adminUrl: string, name: string, spec: SeedSpec, log: (line: string) => void): Promise<Seeded> {
  const url = dbUrl(adminUrl, name);
  const wanted = { version: SEED_VERSION, ...spec };
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (exists) {
      const found = await readMarker(url);
      if (found && canonical(found.spec) === canonical(wanted)) {
        log(`${name}: reusing (seeded ${found.seededAt} in ${found.seedSeconds} s)`);
        // A seed made by an older Grove gets this one's migrations (the servers start with
        // migrate: false, so that no run pays for them): as an upgrade would.
        const database = await openDatabase({ url, max: 1 });
        await database.migrate();
        await database.close();
        const masterKey = await ensureMasterKey(url);
        return { name, url, spec, tenants: found.tenants, typeahead: found.typeahead, seedSeconds: found.seedSeconds, seededAt: found.seededAt, reused: true, rows: found.rows, masterKey };
      }
      log(`${name}: ${found ? 'seed parameters changed' : 'no complete seed'}: seeding again`);
      await admin.unsafe(`drop database ${name} with (force)`);
    }
    await admin.unsafe(`create database ${name}`);
    // Grove runs as deployed: tenant transactions log in as grove_app (trust auth here). The role
    // is created by the first migration; it is cluster-wide.
  } finally {
    await admin.end();
  }

  const started = performance.now();
  const database = await openDatabase({ url, max: 4 });
  await database.migrate();
  const masterKey = await ensureMasterKey(url);
  const masters = new MasterKeys(Buffer.from(masterKey, 'base64'));
  const tenants: SeededTenant[] = [];
  for (let t = 0; t < spec.tenants; t++) {
    const created = await createTenant(database, masters, { name: `Bench ${t}`, origins: [ORIGIN], values: VALUES });
    tenants.push({ id: created.id, apiKey: created.apiKey, people: spec.people });
  }
  let typeahead: SeededTenant | null = null;
  if (spec.typeaheadPeople > 0) {
    const created = await createTenant(database, masters, { name: 'Typeahead', origins: [ORIGIN], values: VALUES });
    typeahead = { id: created.id, apiKey: created.apiKey, people: spec.typeaheadPeople };
  }

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const step = async (label: string, text: string) => {
    const t0 = performance.now();
    const result = await sql.unsafe(text);
    log(`${name}: ${label} (${result.count ?? 0} rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    // Consistent by construction: foreign keys are not re-checked row by row while seeding.
    await sql.unsafe(`set session_replication_role = replica`);
    await sql.unsafe(`set maintenance_work_mem = '256MB'`);
    await sql.unsafe(`set work_mem = '64MB'`);
    await sql.unsafe(`set synchronous_commit = off`);
    await sql.unsafe(`create schema if not exists bench`);
    await sql.unsafe(`create table bench.tenants (idx int primary key, id uuid not null, people int not null, praise bool not null)`);
    const all = [...tenants.map((t) => ({ ...t, praise: true })), ...(typeahead ? [{ ...typeahead, praise: false }] : [])];
    await sql.unsafe(`insert into bench.tenants values ${all.map((t, i) => `(${i}, ${lit(t.id)}, ${t.people}, ${t.praise})`).join(', ')}`);
    // A person's id: derived from (tenant, index), so praise can name people without a join; a
    // valid version-4 UUID (the API's schemas check the version and variant).
    await sql.unsafe(`create function bench.pid(t uuid, i int) returns uuid language sql immutable parallel safe
      as $$ select (substr(h, 1, 12) || '4' || substr(h, 14, 3) || substr('89ab', (get_byte(decode(h, 'hex'), 8) % 4) + 1, 1) || substr(h, 18, 15))::uuid
            from md5(t::text || ':' || i) h $$`);
    // A UUIDv7 from a timestamp (48-bit milliseconds) and 74 pseudo-random bits from a seed.
    await sql.unsafe(`create function bench.v7(ts timestamptz, seed text) returns uuid language sql immutable parallel safe
      as $$ select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(seed), 1, 3)
                   || substr('89ab', (get_byte(decode(md5(seed), 'hex'), 15) % 4) + 1, 1) || substr(md5(seed), 4, 15))::uuid $$`);
    await sql.unsafe(`create function bench.norm(s text) returns text language sql immutable parallel safe
      as $$ select translate(lower(s), ${lit(ACCENTED)}, ${lit(PLAIN)}) $$`);

    const first = arr(FIRST);
    const last = arr(LAST);
    await step(
      'people',
      `insert into app.people (tenant_id, id, external_id, name, email, role, manager_id, team, locale, created_at, updated_at)
       select t.id, bench.pid(t.id, i), 'p' || i, n.name,
              bench.norm(replace(replace(n.f, ' ', ''), '''', '')) || '.' || bench.norm(replace(replace(n.l, ' ', ''), '''', '')) || '.' || i || '@t' || t.idx || '.example',
              case when i = 0 then 'admin' when i < t.people / 8 then 'manager' else 'employee' end,
              case when i > 0 then bench.pid(t.id, i / 8) end,
              'Team ' || (i % 40), case when i % 3 = 0 then 'fr' else 'en' end,
              now() - interval '400 days', now() - interval '400 days'
         from bench.tenants t
         cross join lateral generate_series(0, t.people - 1) i
         cross join lateral (select f, l, f || ' ' || l as name
                               from (select (${first})[1 + i % ${FIRST.length}] as f,
                                            (${last})[1 + (i / ${FIRST.length} + i) % ${LAST.length}] as l) x) n
        order by t.idx, i`,
    );
    // Exactly what searchTerms() produces: the words of the name, the whole name, the email.
    await step(
      'person_search_terms',
      `insert into app.person_search_terms (tenant_id, term, person_id)
       select p.tenant_id, left(term, 200), p.id
         from app.people p
         cross join lateral unnest(regexp_split_to_array(bench.norm(p.name), '[^a-z0-9]+')
                                   || btrim(regexp_replace(bench.norm(p.name), '\\s+', ' ', 'g'))
                                   || lower(p.email)) term
        where term <> ''
       on conflict do nothing`,
    );

    // One instant for every statement: praise ids are computed from it, in the praise step and
    // again in the recipients step (now() differs between statements; up to seed version 3 every
    // recipient row named a praise id that did not exist, so the feed read no recipients).
    const anchor = `${lit(new Date().toISOString())}::timestamptz`;
    const perTenant = Math.max(1, Math.floor(spec.praise / spec.tenants));
    const T = spec.tenants;
    const P = spec.people;
    // Praise n belongs to tenant n % T; ids and created_at advance with n over the past year.
    const praiseRows = `
      from generate_series(0::bigint, ${spec.praise - 1}) n
      join bench.tenants t on t.idx = n % ${T}
      cross join lateral (select ${anchor} - interval '365 days' + (n * (interval '365 days' / ${spec.praise})) as ts,
                                 ((n * 7919) % ${P})::int as g) x
      cross join lateral (select bench.v7(x.ts, 'praise' || n) as id) y`;
    await step(
      'praise',
      `insert into app.praise (tenant_id, id, giver_id, message, values, visibility, created_at, deleted_at, deleted_by)
       select t.id, y.id, bench.pid(t.id, x.g),
              (${arr(MESSAGES)})[1 + n % ${MESSAGES.length}],
              case n % 3 when 0 then '{}'::text[]
                         when 1 then array[(${arr(VALUES.map((v) => v.key))})[1 + n % 5]]
                         else array[(${arr(VALUES.map((v) => v.key))})[1 + n % 5], (${arr(VALUES.map((v) => v.key))})[1 + (n + 2) % 5]] end,
              case when n % 20 = 7 then 'private' else 'public' end,
              x.ts,
              case when n % 100 = 99 then x.ts + interval '1 day' end,
              case when n % 100 = 99 then bench.pid(t.id, x.g) end
      ${praiseRows}
       order by n`,
    );
    // One recipient each, a second for every fifth; never the giver.
    await step(
      'praise_recipients',
      `insert into app.praise_recipients (tenant_id, praise_id, recipient_id)
       select t.id, y.id, bench.pid(t.id, ((x.g + 1 + (n * 31) % ${Math.max(1, P - 1)}) % ${P})::int)
      ${praiseRows}
       union all
       select t.id, y.id, bench.pid(t.id, ((x.g + 2 + (n * 17) % ${Math.max(1, P - 2)}) % ${P})::int)
      ${praiseRows}
        where n % 5 = 0
       on conflict do nothing`,
    );
    const [orphans] = await sql.unsafe(`select count(*)::int as n from app.praise_recipients r
      where not exists (select 1 from app.praise p where p.tenant_id = r.tenant_id and p.id = r.praise_id)`);
    if (orphans!.n !== 0) throw new Error(`${orphans!.n} recipients name no praise`);
    // Reactions on about a third of the praise, up to three each. (bigint: a hash near 2^31 plus j
    // overflowed int4 at the large size.)
    await step(
      'praise_reactions',
      `insert into app.praise_reactions (tenant_id, praise_id, person_id, reaction, created_at)
       select p.tenant_id, p.id, bench.pid(p.tenant_id, (hashtext(p.id::text || j) & 2147483647) % ${P}),
              (array['clap', 'heart', 'tada', 'rocket', 'raised_hands', 'smile'])[1 + ((hashtext(p.id::text) & 2147483647)::bigint + j) % 6],
              p.created_at + interval '1 hour'
         from app.praise p
         cross join generate_series(0, 2) j
        where j < (hashtext(p.id::text) & 7) - 4
       on conflict do nothing`,
    );
    // Praise rests sealed, as the API writes it: the SQL above wrote plaintext, which Grove's own
    // data migration (the one that seals rows from before encryption) now seals in batches.
    const t0 = performance.now();
    const { sealed } = await sealPlaintextRows(database, new AesFieldCipher(new DataKeys(database.db, masters)), { batchSize: 5000 });
    log(`${name}: sealed praise messages (${sealed} rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await database.close();
    await step('vacuum analyze', `vacuum analyze`);

    // The SQL terms must be exactly what the API writes for these names.
    const sample = await sql<Array<{ name: string; email: string; terms: string[] }>>`
      select p.name, p.email, array_agg(t.term order by t.term) as terms
        from app.people p join app.person_search_terms t on t.tenant_id = p.tenant_id and t.person_id = p.id
       where p.tenant_id = ${all[0]!.id}::uuid and p.external_id = any(${Array.from({ length: 60 }, (_, i) => `p${i * 3}`)})
       group by p.name, p.email`;
    for (const s of sample) {
      const expected = [...searchTerms(s.name, s.email)].sort();
      const got = [...s.terms].sort();
      if (JSON.stringify(expected) !== JSON.stringify(got)) throw new Error(`search terms differ for ${s.name}: ${got.join('|')} ≠ ${expected.join('|')}`);
    }

    const rows: Record<string, number> = {};
    for (const table of ['people', 'person_search_terms', 'praise', 'praise_recipients', 'praise_reactions', 'company_values']) {
      rows[table] = Number((await sql.unsafe(`select count(*)::bigint as n from app.${table}`))[0]!.n);
    }
    const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
    const seededAt = new Date().toISOString();
    await sql.unsafe(`create table bench.seed (spec jsonb not null, tenants jsonb not null, typeahead jsonb, rows jsonb not null, seed_seconds numeric not null, seeded_at timestamptz not null)`);
    await sql`insert into bench.seed ${sql({ spec: JSON.stringify(wanted), tenants: JSON.stringify(tenants), typeahead: JSON.stringify(typeahead), rows: JSON.stringify(rows), seed_seconds: seedSeconds, seeded_at: seededAt })}`;
    log(`${name}: seeded in ${seedSeconds} s (${Object.entries(rows).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    return { name, url, spec, tenants, typeahead, seedSeconds, seededAt, reused: false, rows, masterKey };
  } finally {
    await sql.end();
  }
}

/** One master key per database, kept beside the seed so a reused database's signing keys still decrypt. */
async function ensureMasterKey(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`create schema if not exists bench`;
    await sql`create table if not exists bench.secrets (master_key text not null)`;
    const [row] = await sql<Array<{ master_key: string }>>`select master_key from bench.secrets`;
    if (row) return row.master_key;
    const key = randomBytes(32).toString('base64');
    await sql`insert into bench.secrets values (${key})`;
    return key;
  } finally {
    await sql.end();
  }
}

/** jsonb reorders keys: compare specs with sorted keys. */
function canonical(value: unknown): string {
  return JSON.stringify(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}

async function readMarker(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Array<{ spec: unknown; tenants: SeededTenant[]; typeahead: SeededTenant | null; rows: Record<string, number>; seed_seconds: string; seeded_at: Date }>>`
      select spec, tenants, typeahead, rows, seed_seconds, seeded_at from bench.seed`;
    if (!row) return undefined;
    const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
    return {
      spec: parse<unknown>(row.spec),
      tenants: parse<SeededTenant[]>(row.tenants),
      typeahead: parse<SeededTenant | null>(row.typeahead),
      rows: parse<Record<string, number>>(row.rows),
      seedSeconds: Number(row.seed_seconds),
      seededAt: row.seeded_at.toISOString(),
    };
  } catch {
    return undefined; // no marker table: an interrupted or foreign database
  } finally {
    await sql.end();
  }
}
