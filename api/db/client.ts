import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.js';
import { APP_ROLE } from './schema/namespaces.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database (owner connection) or a transaction. */
export type Executor = Database | Tx;

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
/** Serialises concurrent `migrate()` calls of several instances on one PostgreSQL. */
const MIGRATION_LOCK = 7_460_301;

export interface DatabaseHandle {
  kind: 'postgres' | 'pglite';
  /** The owner connection: platform tables, migrations. Never used for tenant data. */
  db: Database;
  migrate(): Promise<void>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction as `grove_app` with `app.tenant_id` set: the only door to tenant
   * data. Both settings are transaction-local, so a pooled connection never carries them over.
   */
  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface OpenOptions {
  /** postgres:// URL; unset opens PGlite. */
  url?: string | undefined;
  /** PGlite data directory; unset keeps PGlite in memory (tests). */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  max?: number;
  /**
   * PostgreSQL only: a URL that logs in *as* `grove_app` for tenant transactions. Without it,
   * tenant transactions switch to grove_app with SET ROLE on the owner's connection, which SQL
   * injected into a tenant transaction could undo (RESET ROLE); with it, there is nothing to undo.
   */
  appUrl?: string | undefined;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options.max ?? 10, options.appUrl) : openPglite(options.dataDir);
}

async function openPostgres(url: string, max: number, appUrl: string | undefined): Promise<DatabaseHandle> {
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'grove' } });
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Database;
  const appClient = appUrl ? postgres(appUrl, { max, onnotice: () => {}, connection: { application_name: 'grove-app' } }) : undefined;
  const appDb = appClient ? (drizzlePostgres(appClient, { schema, casing: 'snake_case' }) as unknown as Database) : undefined;
  let appRoleChecked = false;
  /** Refuses to serve tenant data through a login that could see past row-level security. */
  const checkAppRole = async () => {
    if (appRoleChecked || !appClient) return;
    const [role] = await appClient<Array<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owns: boolean }>>`
      select r.rolname, r.rolsuper, r.rolbypassrls,
             exists (select 1 from pg_tables t where t.schemaname = 'app' and t.tableowner = r.rolname) as owns
      from pg_roles r where r.rolname = current_user`;
    if (!role || role.rolsuper || role.rolbypassrls || role.owns) {
      throw new Error(`GROVE_APP_DATABASE_URL logs in as ${role?.rolname}, which bypasses row-level security or owns tables`);
    }
    appRoleChecked = true;
  };
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const one = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await one`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(one, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS });
      } finally {
        await one.end();
      }
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), appClient?.end({ timeout: 5 })]);
    },
    withTenant: appDb
      ? async (tenantId, fn) => {
          await checkAppRole();
          return appDb.transaction(async (tx) => {
            await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
            return fn(tx);
          });
        }
      : (tenantId, fn) => tenantTransaction(db, tenantId, fn),
  };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  const db = drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    async migrate() {
      await migratePglite(drizzlePglite(client, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS });
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (!client.closed) await client.close();
    },
    withTenant: (tenantId, fn) => tenantTransaction(db, tenantId, fn),
  };
}

function tenantTransaction<T>(db: Database, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`,
    );
    return fn(tx);
  });
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
