import { backupPglite, restorePglite } from './backup-pglite.js';
import { backupPostgres, restorePostgres } from './backup-postgres.js';
import { readBackupFile, type BackupKind, type Manifest } from './backup-file.js';
import { codeMigrationLevel, RestoreRefused, type RestoreOptions, type RestoreReport } from './database-state.js';

export { RestoreRefused, type RestoreOptions, type RestoreReport };

/**
 * `grove backup` and `grove restore`: a consistent snapshot of the whole Grove database made
 * with the platform's own tool (pg_dump, or PGlite's data-dir dump), wrapped in a file that says
 * what it holds. Ciphertext stays ciphertext; the master key is never in the file.
 */
export interface Target {
  /** postgres:// URL of the owner; unset: the PGlite data dir. */
  databaseUrl?: string | undefined;
  /** The PGlite data directory (GROVE_DATA_DIR/pgdata). */
  dataDir: string;
}

export async function backup(target: Target, out: string): Promise<Manifest> {
  return target.databaseUrl ? backupPostgres(target.databaseUrl, out) : backupPglite(target.dataDir, out);
}

/**
 * Restores `file` into the target. Refused before anything changes when: the file is of the
 * other database kind; it was made by a Grove migrated further than this one; its digest does
 * not match; or the target holds any tenant or any row and `force` is not set. With `force`,
 * PostgreSQL's schemas app, platform and drizzle are dropped and recreated from the file in one
 * transaction (all or nothing); a PGlite data dir is moved aside, not deleted.
 * Afterwards the database is migrated up to this Grove's level.
 */
export async function restore(target: Target, file: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  const kind: BackupKind = target.databaseUrl ? 'postgres' : 'pglite';
  const { manifest, offset } = await readBackupFile(file);
  if (manifest.kind !== kind) {
    throw new RestoreRefused(
      `${file} is a ${manifest.kind} backup and this Grove is configured for ${kind} (${kind === 'postgres' ? 'DATABASE_URL is set' : 'DATABASE_URL is unset'}). ` +
        'To move between them, export tenants with GET /v1/platform/tenants/{id}/export instead.',
    );
  }
  const code = codeMigrationLevel();
  if (manifest.migration.when > code.when) {
    throw new RestoreRefused(
      `${file} was made by a newer Grove (migration ${manifest.migration.tag ?? manifest.migration.when}, Grove ${manifest.groveVersion}); ` +
        `this Grove knows migrations up to ${code.tag}. Restore it with that Grove version or later.`,
    );
  }
  return target.databaseUrl
    ? restorePostgres(target.databaseUrl, file, offset, manifest, options)
    : restorePglite(target.dataDir, file, offset, manifest, options);
}
