import { existsSync, openAsBlob, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../db/client.js';
import { lockDataDir } from '../db/pglite-lock.js';
import { writeBackupFile, type Manifest } from './backup-file.js';
import { databaseMigrationLevel, isEmpty, occupancy, refusal, type Occupancy, type RestoreOptions, type RestoreReport } from './database-state.js';

/**
 * Embedded PGlite: the backup is PGlite's own dump of the data dir (a gzipped tarball), taken
 * while this process holds the data dir's lock, so no Grove can write to it meanwhile (PGlite
 * allows one process per data dir; a running Grove holds the lock and makes this fail with its
 * pid). PGlite builds the tarball in memory: fine at the sizes PGlite is meant for.
 */
export async function backupPglite(dataDir: string, out: string): Promise<Manifest> {
  if (!existsSync(`${dataDir}/PG_VERSION`)) throw new Error(`${dataDir} holds no PGlite database: nothing to back up.`);
  const database = await openDatabase({ dataDir });
  try {
    const migration = await databaseMigrationLevel(database.db);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const tarball = await client.dumpDataDir('gzip');
    return await writeBackupFile(
      out,
      async (path) => writeFileSync(path, Buffer.from(await tarball.arrayBuffer()), { mode: 0o600 }),
      { kind: 'pglite', payload: 'pglite-datadir-tar-gz', migration },
    );
  } finally {
    await database.close();
  }
}

/**
 * Loads the tarball into `dataDir`. A data dir that holds rows is refused without `force`; with
 * it, the old data dir is moved aside to `<dataDir>.before-restore-<time>` (delete it once the
 * restore is checked). An existing data dir without rows is simply replaced.
 */
export async function restorePglite(
  dataDir: string,
  file: string,
  offset: number,
  manifest: Manifest,
  options: RestoreOptions,
): Promise<RestoreReport> {
  let replaced: Occupancy = { tenants: 0, tablesWithRows: [] };
  let movedAside: string | undefined;
  if (existsSync(`${dataDir}/PG_VERSION`)) {
    const current = await openDatabase({ dataDir }); // takes the lock: refused while Grove runs
    try {
      replaced = await occupancy(current.db);
    } finally {
      await current.close();
    }
    if (!isEmpty(replaced) && !options.force) throw refusal(dataDir, replaced);
  }
  const unlock = lockDataDir(dataDir);
  try {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      if (isEmpty(replaced)) rmSync(dataDir, { recursive: true, force: true });
      else {
        movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(dataDir, movedAside);
      }
    }
    const tarball = (await openAsBlob(file)).slice(offset);
    const loaded = new PGlite(dataDir, { loadDataDir: tarball });
    await loaded.waitReady;
    await loaded.close();
  } finally {
    unlock();
  }
  // A backup from an older Grove comes up to this one's schema.
  const migrated = await openDatabase({ dataDir });
  try {
    await migrated.migrate();
  } finally {
    await migrated.close();
  }
  return { manifest, replaced, ...(movedAside ? { movedAside } : {}) };
}
