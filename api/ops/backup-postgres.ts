import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client.js';
import { writeBackupFile, type Manifest } from './backup-file.js';
import { databaseMigrationLevel, isEmpty, occupancy, refusal, RestoreRefused, type RestoreOptions, type RestoreReport } from './database-state.js';

/**
 * PostgreSQL backups are pg_dump's custom format of the whole database: pg_dump reads it in one
 * REPEATABLE READ transaction, so the file is one consistent instant even while Grove writes.
 * The owner must see every row through forced row-level security (superuser or BYPASSRLS, as
 * docs/operations.md asks); pg_dump refuses otherwise rather than dump a partial database.
 */
export async function backupPostgres(url: string, out: string): Promise<Manifest> {
  const { db, sql, close } = connect(url);
  let migration, server;
  try {
    migration = await databaseMigrationLevel(db);
    if (migration.count === 0) throw new Error('The database has no Grove schema (run `grove migrate` first): nothing to back up.');
    server = (await sql<Array<{ server_version: string }>>`show server_version`)[0]!.server_version;
  } finally {
    await close();
  }
  const { connection, env } = libpq(url);
  const pgDump = (await capture('pg_dump', ['--version'], env)).trim();
  return writeBackupFile(
    out,
    (path) => run('pg_dump', ['--format=custom', '--no-password', `--dbname=${connection}`], { env, stdout: createWriteStream(path, { mode: 0o600 }) }),
    { kind: 'postgres', payload: 'pg_dump-custom', migration, postgres: { server, pgDump } },
  );
}

/**
 * Roles belong to the cluster, not the database, so no dump holds them; the grants and policies
 * in the file name grove_app, which must exist first. Then Grove's schemas are dropped (empty
 * ones too: a migrated but empty database still has the tables) and recreated from the file,
 * all in one transaction: a failure leaves the database as it was.
 */
const PREAMBLE = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grove_app') THEN
    CREATE ROLE grove_app NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
  GRANT grove_app TO CURRENT_USER;
EXCEPTION WHEN OTHERS THEN NULL;
END
$$;
DROP SCHEMA IF EXISTS app, platform, drizzle CASCADE;
`;

export async function restorePostgres(
  url: string,
  file: string,
  offset: number,
  manifest: Manifest,
  options: RestoreOptions,
): Promise<RestoreReport> {
  const { db, sql, close } = connect(url);
  let replaced;
  try {
    replaced = await occupancy(db);
    if (!isEmpty(replaced) && !options.force) throw refusal('The target database', replaced);
    const running = await sql<Array<{ n: number }>>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and application_name in ('grove', 'grove-app')`;
    if (running[0]!.n > 0) {
      throw new RestoreRefused(`${running[0]!.n} connection(s) from a running Grove use the target database: stop every instance first.`);
    }
  } finally {
    await close();
  }
  const { connection, env } = libpq(url);
  // pg_restore turns the archive into SQL (owners left out: the restoring owner owns what it
  // creates, as after `grove migrate`); psql runs it after the preamble in one transaction.
  const toSql = spawn('pg_restore', ['--no-owner', '--file=-'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const apply = run(
    'psql',
    ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-c', PREAMBLE, '-f', '-', `--dbname=${connection}`],
    { env, stdin: toSql.stdout },
  );
  const convert = finished(toSql, 'pg_restore');
  createReadStream(file, { start: offset }).pipe(toSql.stdin);
  await Promise.all([convert, apply]);

  // A backup from an older Grove comes up to this one's schema.
  const migrated = await openDatabase({ url, max: 1 });
  try {
    await migrated.migrate();
  } finally {
    await migrated.close();
  }
  return { manifest, replaced };
}

function connect(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'grove-backup' } });
  return { sql, db: drizzle(sql) as unknown as Database, close: () => sql.end({ timeout: 5 }) };
}

/** The URL without its password, which goes in PGPASSWORD: command lines are visible in `ps`. */
function libpq(url: string): { connection: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { connection: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

interface RunOptions {
  env: NodeJS.ProcessEnv;
  stdin?: Readable;
  stdout?: Writable;
}

function run(command: string, args: string[], options: RunOptions): Promise<void> {
  const child = spawn(command, args, { env: options.env, stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'] });
  if (options.stdin) options.stdin.pipe(child.stdin!);
  if (options.stdout) child.stdout!.pipe(options.stdout);
  const done = finished(child, command);
  if (!options.stdout) return done;
  const flushed = new Promise<void>((resolve, reject) => {
    options.stdout!.on('finish', resolve).on('error', reject);
  });
  return Promise.all([done, flushed]).then(() => undefined);
}

async function capture(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await finished(child, command);
  return out;
}

function finished(child: ReturnType<typeof spawn>, command: string): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed: install PostgreSQL's client tools (Debian: apt-get install postgresql-client).`) : error),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}): ${stderr.trim()}`))));
  });
}
