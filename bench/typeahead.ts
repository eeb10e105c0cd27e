/**
 * People typeahead on a tenant of 100,000 people (beside 9 other tenants of 1,000): the plan
 * and the time of each query shape, measured in the tenant transaction the API uses.
 *
 *   npm run bench:typeahead
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../api/db/client.js';
import { searchPeople, upsertPeople } from '../api/modules/directory/people.service.js';
import { randomBytes } from 'node:crypto';
import { createTenant } from '../api/modules/platform/platform.service.js';
import { MasterKeys } from '../api/security/master-keys.js';

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = 'grove_bench_typeahead';
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
const exists = (await admin`select 1 from pg_database where datname = ${dbName}`).length > 0;
if (!exists) await admin.unsafe(`create database ${dbName}`);
await admin.end();
const url = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
const database = await openDatabase({ url });
await database.migrate();

const FIRST = ['Marie', 'Jean', 'Hélène', 'Lucas', 'Chloé', 'Noah', 'Emma', 'Hugo', 'Léa', 'Louis', 'Priya', 'Kenji', 'Amina', 'Olivia', 'Mateo', 'Zoé', 'Ines', 'Tom', 'Sofia', 'Yusuf'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Chen', 'Natarajan', 'Watanabe', 'Okafor', 'Garcia', 'Rossi', 'Novak', 'Schmidt', 'Kowalski', 'Haddad'];
const rows = (await database.db.execute(sql`select id from platform.tenants where name = 'Typeahead 100k'`)) as unknown as Array<{ id: string }>;
let tenantId = rows[0]?.id;
if (!tenantId) {
  const started = Date.now();
  for (let t = 0; t < 10; t++) {
    const size = t === 0 ? 100_000 : 1_000;
    // No API serves these tenants, so their data keys are wrapped by a throwaway master.
    const tenant = await createTenant(database, new MasterKeys(randomBytes(32)), { name: t === 0 ? 'Typeahead 100k' : `Typeahead other ${t}`, origins: [] });
    if (t === 0) tenantId = tenant.id;
    for (let i = 0; i < size; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, size - i) }, (_, j) => {
        const n = i + j;
        const name = `${FIRST[n % 20]} ${LAST[Math.floor(n / 20) % 20]}-${Math.floor(n / 400)}`;
        return { externalId: `e${n}`, name, email: `p${n}@t${t}.example`, team: `Team ${n % 50}` };
      });
      await database.withTenant(tenant.id, (tx) => upsertPeople(tx, tenant.id, batch));
    }
  }
  await database.db.execute(sql`analyze`);
  console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}

for (const q of ['ma', 'hél', 'marie mar', 'chen', 'p4711@', 'zzz']) {
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    found = (await database.withTenant(tenantId!, (tx) => searchPeople(tx, tenantId!, q, 8))).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`q=${JSON.stringify(q).padEnd(12)} ${found} matches  median ${times[15]!.toFixed(2)} ms  p90 ${times[27]!.toFixed(2)} ms`);
}
await database.close();
