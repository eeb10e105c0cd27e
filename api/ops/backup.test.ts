import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { DataDirInUse } from '../db/pglite-lock.js';
import { createGrove } from '../grove.js';
import { ORIGIN, PLATFORM_KEY, testGrove, type TestGrove } from '../../test/support/grove.js';
import { seedTenants } from '../../test/support/seed.js';
import { backup, restore, RestoreRefused } from './backup.js';
import { codeMigrationLevel, tableFingerprints } from './database-state.js';

const scratch = mkdtempSync(join(tmpdir(), 'grove-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The feed as a person of each seeded tenant sees it, through a Grove on `database`. */
async function feeds(database: DatabaseHandle, tenants: Awaited<ReturnType<typeof seedTenants>>, config = baseConfig) {
  const grove = await createGrove(config, { database, migrate: false });
  try {
    const out: unknown[] = [];
    for (const tenant of tenants) {
      const call = (path: string, init: RequestInit) => grove.app.request(`https://grove.test${path}`, init);
      const minted = await call('/v1/embed/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { externalId: 'ann', name: `${tenant.tenant.name} Ann` }, scopes: ['praise:read'], origin: ORIGIN }),
      });
      const { token } = (await minted.json()) as { token: string };
      const feed = await call('/v1/praise?limit=50', { headers: { authorization: `Bearer ${token}`, origin: ORIGIN } });
      expect(feed.status).toBe(200);
      out.push(await feed.json());
    }
    return out;
  } finally {
    await grove.close();
  }
}

const baseConfig = loadConfig({
  NODE_ENV: 'test',
  GROVE_DATA_DIR: scratch,
  GROVE_PLATFORM_KEY: PLATFORM_KEY,
  GROVE_MASTER_KEY: randomBytes(32).toString('base64'),
  GROVE_PUBLIC_URL: 'https://grove.test',
});

describe.skipIf(!process.env.DATABASE_URL)('backup and restore on PostgreSQL', () => {
  let t: TestGrove;
  let tenants: Awaited<ReturnType<typeof seedTenants>>;
  const admin = postgres(process.env.DATABASE_URL ?? 'postgres://unused', { max: 1, onnotice: () => {} });
  const emptyName = `grove_restore_${randomBytes(6).toString('hex')}`;
  let emptyUrl: string;
  const file = join(scratch, 'pg.grove');

  beforeAll(async () => {
    t = await testGrove({ GROVE_MASTER_KEY: baseConfig.masterKey.toString('base64') });
    tenants = await seedTenants(t);
    await admin.unsafe(`create database ${emptyName}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${emptyName}`;
    emptyUrl = url.toString();
  });
  afterAll(async () => {
    await t.close();
    await admin.unsafe(`drop database if exists ${emptyName} with (force)`);
    await admin.end();
  });

  let atBackup: Awaited<ReturnType<typeof tableFingerprints>> | undefined;

  it('restores into an empty database every row of every table, byte for byte, and the API serves the same praise', async () => {
    const manifest = await backup({ databaseUrl: t.db.url, dataDir: scratch }, file);
    expect(manifest).toMatchObject({ kind: 'postgres', payload: 'pg_dump-custom', migration: { count: codeMigrationLevel().count } });

    const report = await restore({ databaseUrl: emptyUrl, dataDir: scratch }, file);
    expect(report.replaced).toEqual({ tenants: 0, tablesWithRows: [] });

    const restored = await openDatabase({ url: emptyUrl, max: 2 });
    try {
      const before = await tableFingerprints(t.db.handle.db);
      const after = await tableFingerprints(restored.db);
      atBackup = before;
      expect(Object.keys(before)).toContain('app.praise_reactions');
      expect(before['app.praise']!.rows).toBe(12);
      expect(after).toEqual(before);
      expect(await feeds(restored, tenants)).toEqual(await feeds(t.db.handle, tenants));
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over a database that holds data without --force, and changes nothing', async () => {
    const before = await tableFingerprints(t.db.handle.db);
    await expect(restore({ databaseUrl: t.db.url, dataDir: scratch }, file)).rejects.toThrow(/not empty \(2 tenant\(s\); rows in .*platform\.tenants/);
    expect(await tableFingerprints(t.db.handle.db)).toEqual(before);
  });

  it('with --force replaces the data in one go; refuses a file of the other kind', async () => {
    // Reading the feeds above minted tokens (audit entries, nonce reservations) in both
    // databases: what the file holds is the state fingerprinted at the backup.
    const original = atBackup!;
    const other = await openDatabase({ url: emptyUrl, max: 1 });
    await other.db.execute('delete from platform.security_events');
    await other.close();
    const report = await restore({ databaseUrl: emptyUrl, dataDir: scratch }, file, { force: true });
    expect(report.replaced.tenants).toBe(2);
    const again = await openDatabase({ url: emptyUrl, max: 1 });
    expect(await tableFingerprints(again.db)).toEqual(original);
    await again.close();
    await expect(restore({ dataDir: join(scratch, 'never') }, file)).rejects.toThrow(RestoreRefused);
  });
});

describe('backup and restore of the PGlite data dir', () => {
  const dataDir = join(scratch, 'pgdata');
  const restoredDir = join(scratch, 'restored', 'pgdata');
  const file = join(scratch, 'pglite.grove');
  let tenants: Awaited<ReturnType<typeof seedTenants>>;

  beforeAll(async () => {
    const database = await openDatabase({ dataDir });
    const t = await testGrove({ GROVE_MASTER_KEY: baseConfig.masterKey.toString('base64') }, { database });
    try {
      tenants = await seedTenants(t);
      // A Grove holds the data dir: a backup must not read it underneath.
      await expect(backup({ dataDir }, file)).rejects.toThrow(DataDirInUse);
    } finally {
      await t.close();
      await database.close();
    }
  });

  it('restores into an empty data dir every row of every table, byte for byte, and the API serves the same praise', async () => {
    const manifest = await backup({ dataDir }, file);
    expect(manifest).toMatchObject({ kind: 'pglite', payload: 'pglite-datadir-tar-gz', migration: { count: codeMigrationLevel().count } });
    await restore({ dataDir: restoredDir }, file);
    const original = await openDatabase({ dataDir });
    const before = await tableFingerprints(original.db);
    const originalFeeds = await feeds(original, tenants);
    await original.close();
    const restored = await openDatabase({ dataDir: restoredDir });
    try {
      expect(before['app.praise']!.rows).toBe(12);
      expect(await tableFingerprints(restored.db)).toEqual(before);
      expect(await feeds(restored, tenants)).toEqual(originalFeeds);
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over a data dir that holds data unless forced, then moves it aside', async () => {
    await expect(restore({ dataDir }, file)).rejects.toThrow(/not empty/);
    const report = await restore({ dataDir }, file, { force: true });
    expect(report.replaced.tenants).toBe(2);
    expect(existsSync(`${report.movedAside}/PG_VERSION`)).toBe(true);
    if (process.env.DATABASE_URL) {
      await expect(restore({ databaseUrl: process.env.DATABASE_URL, dataDir }, file)).rejects.toThrow(/pglite backup/);
    }
  });

  it('refuses a file that is not a Grove backup, whose payload was altered, or from a newer Grove', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(join(scratch, 'altered.grove'), bytes);
    await expect(restore({ dataDir: join(scratch, 'x', 'pgdata') }, join(scratch, 'altered.grove'))).rejects.toThrow(/corrupt/);
    // A manifest from a Grove migrated further than this one.
    const text = readFileSync(file);
    const firstLine = text.indexOf(10) + 1;
    const end = text.indexOf(10, firstLine);
    const manifest = JSON.parse(text.subarray(firstLine, end).toString());
    manifest.migration = { tag: '0999_from_the_future', when: codeMigrationLevel().when + 1, count: 999 };
    writeFileSync(join(scratch, 'future.grove'), Buffer.concat([text.subarray(0, firstLine), Buffer.from(JSON.stringify(manifest)), text.subarray(end)]));
    await expect(restore({ dataDir: join(scratch, 'x', 'pgdata') }, join(scratch, 'future.grove'))).rejects.toThrow(/newer Grove \(migration 0999_from_the_future/);
    writeFileSync(join(scratch, 'junk.grove'), 'hello');
    await expect(restore({ dataDir: join(scratch, 'x', 'pgdata') }, join(scratch, 'junk.grove'))).rejects.toThrow(/not a Grove backup/);
  });
});
