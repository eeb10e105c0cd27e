import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../../api/db/client.js';

/**
 * A fresh, empty database for one test file: a new database on the PostgreSQL named by
 * DATABASE_URL (dropped afterwards), or an in-memory PGlite when DATABASE_URL is unset.
 */
export async function freshDatabase(): Promise<{ handle: DatabaseHandle; url: string | undefined; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDatabase({});
    return { handle, url: undefined, drop: () => handle.close() };
  }
  const name = `grove_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Migrate as the owner first (it creates grove_app), then let tenant transactions log in as
  // grove_app itself, as production does (GROVE_APP_DATABASE_URL); trust auth needs no password.
  const owner = await openDatabase({ url: url.toString(), max: 1 });
  await owner.migrate();
  await owner.close();
  await allowAppLogin(admin);
  const appUrl = new URL(url);
  appUrl.username = 'grove_app';
  appUrl.password = '';
  const handle = await openDatabase({ url: url.toString(), appUrl: appUrl.toString(), max: 5 });
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Roles are shared by the cluster and test files start in parallel: two ALTER ROLEs at once fail
 * one of them with "tuple concurrently updated" (XX000). The role only needs LOGIN once.
 */
async function allowAppLogin(admin: postgres.Sql) {
  for (let attempt = 1; ; attempt++) {
    const [role] = await admin<Array<{ rolcanlogin: boolean }>>`select rolcanlogin from pg_roles where rolname = 'grove_app'`;
    if (role?.rolcanlogin) return;
    try {
      await admin.unsafe('alter role grove_app login');
      return;
    } catch (error) {
      if (attempt >= 5 || !/tuple concurrently updated/.test(String((error as Error).message))) throw error;
    }
  }
}
