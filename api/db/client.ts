import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres, PostgresJsSession } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { connectionLost } from './driver-errors.js';
import { lockDataDir } from './pglite-lock.js';
import * as schema from './schema/index.js';
import { APP_ROLE } from './schema/namespaces.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/**
 * The handle a unit of work gives its code: every query made through it runs inside the unit's
 * transaction (on PostgreSQL, a drizzle handle bound to the unit's reserved connection; on
 * PGlite, drizzle's transaction object).
 */
export type Tx = Database;
/** Anything that runs queries: the database (owner connection) or a unit's handle. */
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
  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options?: UnitOptions): Promise<T>;
}

export interface UnitOptions {
  /**
   * A read-only unit (GET requests): the transaction is READ ONLY, so a stray write fails, and
   * on PostgreSQL its COMMIT is not waited for, there being nothing to make durable.
   */
  readOnly?: boolean;
  /**
   * The unit's last statement, decided once `fn` has succeeded (a request's audit entry). On
   * PostgreSQL it leaves in the same write as the COMMIT, so it costs no round trip of its own;
   * if it fails, the COMMIT finds the transaction aborted and nothing of the unit is kept.
   */
  lastStatement?: () => SQL | undefined;
  /**
   * PostgreSQL: REPEATABLE READ READ ONLY, so every statement of the unit sees one snapshot (a
   * long export reads a consistent tenant across many batches). Implies `readOnly`. PGlite runs
   * one transaction at a time on its one connection, so long readers there use short units.
   */
  snapshot?: boolean;
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
  return options.url ? openPostgres(options.url, options.max ?? 20, options.appUrl) : openPglite(options.dataDir);
}

/**
 * drizzle asks postgres.js to prepare only statements built with `.prepare(name)`; everything
 * else (raw `sql` included) was parsed and planned on each call, which cost more than running
 * it. This asks postgres.js to prepare every parameterised statement; it keeps one per statement
 * text and connection, and Grove's statement texts are a bounded set written in code.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, args: postgres.ParameterOrJSON<never>[] = [], options: postgres.UnsafeQueryOptions = {}) =>
          target.unsafe(query, args, { ...options, prepare: args.length > 0 });
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * One tenant unit of work on PostgreSQL: a reserved connection, a transaction on it, and a
 * drizzle handle bound to it. BEGIN and the tenant setting are one simple-protocol message, sent
 * without waiting: it leaves in the same write as the unit's first statement (postgres.js sends
 * what is queued on a connection together, and runs it in order), so a unit costs one round
 * trip more than its statements, not three. A read-only unit does not wait for its COMMIT
 * either: the connection goes back to the pool with the COMMIT queued on it, and whoever takes it
 * next is queued behind that COMMIT (under load, in the same write).
 * (postgres.js queries are lazy: attaching `.catch` is what sends them.)
 */
const dialect = new PgDialect({ casing: 'snake_case' });

async function unitOfWork<T>(pool: postgres.Sql, opening: string, fn: (tx: Tx) => Promise<T>, options: UnitOptions = {}): Promise<T> {
  const snapshot = options.snapshot === true;
  const readOnly = options.readOnly === true || snapshot;
  const connection = await pool.reserve();
  const begin = snapshot ? 'begin isolation level repeatable read read only' : readOnly ? 'begin read only' : 'begin';
  const begun = connection.unsafe(`${begin}; ${opening}`).simple();
  begun.catch(() => {}); // surfaced by the statements queued behind it, and awaited below
  let released = false;
  try {
    // What drizzle's own transaction() does: a session on the connection, no schema (Grove uses
    // the query builder, not relational queries, which would be built per table per unit).
    const session = new PostgresJsSession(preparing(connection), dialect, undefined);
    const result = await fn(new PgDatabase(dialect, session, undefined) as unknown as Tx);
    await begun;
    const last = readOnly ? undefined : options.lastStatement?.();
    if (readOnly) {
      connection.unsafe('commit').catch(() => {});
      connection.release();
      released = true;
    } else if (last) {
      // `.then` sends a postgres.js query; called in this order, the statement precedes the COMMIT.
      const query = dialect.sqlToQuery(last);
      const statement = preparing(connection).unsafe(query.sql, query.params as never[]).then(() => undefined);
      const commit = connection.unsafe('commit').then(() => undefined);
      await Promise.all([statement, commit]);
    } else {
      await connection.unsafe('commit');
    }
    return result;
  } catch (error) {
    if (connectionLost(error)) {
      // The backend is gone and its transaction with it. postgres.js has taken the connection
      // back as closed: a ROLLBACK sent on it now is written to a null socket from a timer, an
      // uncaught exception that takes the process down (porsager/postgres#1208), and releasing
      // it would put the dead connection in the pool's open queue. Leave it to the pool.
      released = true;
      throw error;
    }
    await connection.unsafe('rollback').catch(() => {});
    throw error;
  } finally {
    if (!released) connection.release();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The statements that put a PostgreSQL transaction under one tenant (as grove_app, unless the
 * pool logs in as grove_app already), sent with its BEGIN as one simple-protocol message, which
 * takes no parameters: the tenant id is written into the text, so it must be a UUID, nothing else.
 * Both settings are transaction-local: a pooled connection never carries them over.
 */
export function tenantOpening(tenantId: string, { switchRole = true } = {}): string {
  if (!UUID.test(tenantId)) throw new Error('A tenant id is a UUID');
  return `${switchRole ? `set local role ${APP_ROLE}; ` : ''}set local app.tenant_id = '${tenantId}'`;
}

async function openPostgres(url: string, max: number, appUrl: string | undefined): Promise<DatabaseHandle> {
  const client = preparing(postgres(url, { max, onnotice: () => {}, connection: { application_name: 'grove' } }));
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Database;
  const appClient = appUrl ? preparing(postgres(appUrl, { max, onnotice: () => {}, connection: { application_name: 'grove-app' } })) : undefined;
  // drizzle() installs its value parsers on the pool it is given; units on this pool rely on them.
  if (appClient) drizzlePostgres(appClient, { casing: 'snake_case' });
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
    async withTenant(tenantId, fn, options) {
      if (appClient) {
        await checkAppRole();
        // Logged in as grove_app already: only the tenant to set.
        return unitOfWork(appClient, tenantOpening(tenantId, { switchRole: false }), fn, options);
      }
      return unitOfWork(client, tenantOpening(tenantId), fn, options);
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const client = new PGlite(dataDir);
  try {
    await client.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
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
      unlock();
    },
    withTenant: (tenantId, fn, options) => tenantTransaction(db, tenantId, fn, options),
  };
}

/** PGlite: one connection, so drizzle's transaction as is, switching to grove_app inside it. */
function tenantTransaction<T>(db: Database, tenantId: string, fn: (tx: Tx) => Promise<T>, options: UnitOptions = {}): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await scoped(tx as unknown as Tx, tenantSettings(tenantId), fn);
    const last = options.lastStatement?.();
    if (last) await tx.execute(last);
    return result;
  });
}

/**
 * The statement that puts a transaction under one tenant, as grove_app: both settings are
 * transaction-local, so a pooled connection never carries them into the next transaction.
 */
export function tenantSettings(tenantId: string, { switchRole = true } = {}): SQL {
  return switchRole
    ? sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`
    : sql`select set_config('app.tenant_id', ${tenantId}, true)`;
}

/**
 * Sends the tenant settings without waiting for their answer, so they share a round trip with
 * the first statement of `fn`; statements on one connection run in order, so that statement
 * already runs under them.
 */
async function scoped<T>(tx: Tx, settings: SQL, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const applied = tx.execute(settings);
  applied.catch(() => {});
  const result = await fn(tx);
  await applied;
  return result;
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
