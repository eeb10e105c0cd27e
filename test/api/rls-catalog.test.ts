import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { testGrove, type TestGrove } from '../support/grove.js';

/**
 * The schema's tenant wall, read from the catalog after the real migrations ran: a new table
 * that forgets RLS, FORCE, its policy or a tenant-leading primary key fails here.
 */

let t: TestGrove;
beforeAll(async () => {
  t = await testGrove();
});
afterAll(() => t.close());

const q = <T>(query: ReturnType<typeof sql>) => rows<T>(t.grove.deps.database.db, query);

interface TableInfo {
  name: string;
  rls: boolean;
  forced: boolean;
  has_tenant_id: boolean;
  pk_first_column: string | null;
  owner: string;
}

async function appTables(): Promise<TableInfo[]> {
  return q<TableInfo>(sql`
    select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                   and not a.attisdropped) as has_tenant_id,
           (select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
             where i.indrelid = c.oid and i.indisprimary) as pk_first_column,
           pg_get_userbyid(c.relowner) as owner
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'app' and c.relkind in ('r', 'p')
     order by c.relname`);
}

describe('row-level security catalog', () => {
  it('finds the tenant tables (the checks below are not vacuous)', async () => {
    const names = (await appTables()).map((r) => r.name);
    for (const expected of ['people', 'person_search_terms', 'company_values', 'praise', 'praise_recipients', 'praise_reactions', 'idempotency_keys', 'audit_log', 'alert_settings', 'surveys', 'survey_participation', 'survey_responses', 'survey_answers']) {
      expect(names).toContain(expected);
    }
  });

  it('every table in schema app carries tenant_id (app holds tenant data only)', async () => {
    const missing = (await appTables()).filter((r) => !r.has_tenant_id).map((r) => r.name);
    expect(missing).toEqual([]);
  });

  it('every tenant table has row-level security enabled AND forced', async () => {
    const tenantTables = (await appTables()).filter((r) => r.has_tenant_id);
    const bad = tenantTables.filter((r) => !r.rls || !r.forced).map((r) => `${r.name} (rls=${r.rls}, forced=${r.forced})`);
    expect(bad).toEqual([]);
  });

  it('every tenant table has a policy whose USING and WITH CHECK key on app.tenant_id, and no policy that admits more', async () => {
    const policies = await q<{ tablename: string; policyname: string; permissive: string; cmd: string; roles: string[] | string; qual: string | null; with_check: string | null }>(
      sql`select tablename, policyname, permissive, cmd, roles, qual, with_check from pg_policies where schemaname = 'app'`,
    );
    const keyed = (expr: string | null) => !!expr && /tenant_id/.test(expr) && /current_setting\('app\.tenant_id'/.test(expr);
    const problems: string[] = [];
    for (const table of (await appTables()).filter((r) => r.has_tenant_id)) {
      const mine = policies.filter((p) => p.tablename === table.name);
      const guarding = mine.filter((p) => p.cmd === 'ALL' && keyed(p.qual) && keyed(p.with_check));
      if (guarding.length === 0) problems.push(`${table.name}: no FOR ALL policy with USING and WITH CHECK on app.tenant_id`);
      // A permissive policy is OR-ed with the others: one that is not keyed on the tenant opens the table.
      for (const p of mine.filter((p) => p.permissive === 'PERMISSIVE')) {
        if (!keyed(p.qual) || (p.cmd !== 'SELECT' && p.cmd !== 'DELETE' && !keyed(p.with_check) && p.with_check !== null)) {
          problems.push(`${table.name}: permissive policy ${p.policyname} is not keyed on app.tenant_id`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('tenant_id is the first column of every tenant table\'s primary key', async () => {
    const bad = (await appTables())
      .filter((r) => r.has_tenant_id && r.pk_first_column !== 'tenant_id')
      .map((r) => `${r.name}: primary key starts with ${r.pk_first_column ?? '(no primary key)'}`);
    expect(bad).toEqual([]);
  });

  it('every foreign key between tenant tables leads with tenant_id on both sides', async () => {
    const fks = await q<{ name: string; table: string; first_local: string; first_remote: string }>(sql`
      select con.conname as name, c.relname as table,
             (select attname from pg_attribute where attrelid = con.conrelid and attnum = con.conkey[1]) as first_local,
             (select attname from pg_attribute where attrelid = con.confrelid and attnum = con.confkey[1]) as first_remote
        from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'app' and con.contype = 'f'`);
    expect(fks.length).toBeGreaterThan(0);
    const bad = fks.filter((f) => f.first_local !== 'tenant_id' || f.first_remote !== 'tenant_id').map((f) => `${f.table}.${f.name}`);
    expect(bad).toEqual([]);
  });

  it('grove_app is not superuser, cannot bypass RLS or create roles, and owns nothing', async () => {
    // It may log in (production connects as grove_app through GROVE_APP_DATABASE_URL, and so does
    // this suite on PostgreSQL); what matters is that the login can see nothing past RLS.
    const [role] = await q<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      sql`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = 'grove_app'`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const [owned] = await q<{ n: number; names: string[] | string | null }>(sql`
      select count(*)::int as n, array_agg(n.nspname || '.' || c.relname) as names
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relowner = (select oid from pg_roles where rolname = 'grove_app')`);
    expect(owned!.n, String(owned!.names)).toBe(0);
    const [schemas] = await q<{ n: number }>(sql`
      select count(*)::int as n from pg_namespace where nspowner = (select oid from pg_roles where rolname = 'grove_app')`);
    expect(schemas!.n).toBe(0);
    // It inherits no other role (a member of a BYPASSRLS or owner role would be one SET ROLE away from it).
    const [member] = await q<{ n: number }>(sql`
      select count(*)::int as n from pg_auth_members where member = (select oid from pg_roles where rolname = 'grove_app')`);
    expect(member!.n).toBe(0);
  });

  it('the table owner is not grove_app, and grove_app has no privilege on schema platform', async () => {
    for (const table of await appTables()) expect(table.owner, table.name).not.toBe('grove_app');
    const [priv] = await q<{ usage: boolean; create: boolean }>(sql`
      select has_schema_privilege('grove_app', 'platform', 'USAGE') as usage,
             has_schema_privilege('grove_app', 'platform', 'CREATE') as create`);
    expect(priv).toEqual({ usage: false, create: false });
    const [appCreate] = await q<{ create: boolean }>(sql`select has_schema_privilege('grove_app', 'app', 'CREATE') as create`);
    expect(appCreate!.create).toBe(false);
  });
});
