import { ConfigError, loadConfig, type Config } from '../config.js';
import { Problem } from '../http/problems.js';
import { DataDirInUse } from '../db/pglite-lock.js';
import { BackupFileError } from '../ops/backup-file.js';
import { backup, restore, RestoreRefused } from '../ops/backup.js';
import { openDatabase } from '../db/client.js';
import pino from 'pino';
import { createAlerts } from '../grove.js';
import { createMetrics } from '../http/metrics.js';
import { recordPlatformAudit } from '../modules/audit/audit.service.js';
import { KeyRing } from '../security/keyring.js';
import { MasterKeys } from '../security/master-keys.js';
import { deleteTenantCommand, migrateAll, rotateMaster, rotateTenant } from './key-commands.js';
import { SecurityEvents } from '../security/security-events.js';
import { CLOCK_LEEWAY_SECONDS, MAX_TTL_SECONDS } from '../security/tokens.js';
import { startServer, stopOnSignals } from '../server.js';

const HELP = `grove <command>

  serve            run the API (PORT, DATABASE_URL, … from the environment)
  migrate          apply database migrations and exit
  keys rotate      start signing widget tokens with a new key; old keys keep
                   verifying until the tokens they signed have expired
  keys list        list signing keys and their state
  keys rotate-master
                   re-wrap every tenant data key and signing key under
                   GROVE_MASTER_KEY (former masters in GROVE_PREVIOUS_MASTER_KEYS)
  keys rotate-tenant <tenantId> [--batch-size N]
                   a fresh data key for the tenant, its rows re-sealed in
                   batches; resumes an interrupted run; old key destroyed after
  tenants delete <tenantId>
                   destroy the tenant's data keys (crypto-shredding), then
                   delete its rows, keys and the tenant
  backup --out FILE
                   a consistent snapshot of the whole database (pg_dump, or the
                   PGlite data dir) with a manifest; NOT the master key: back
                   GROVE_MASTER_KEY up separately
  restore FILE [--force]
                   restore a backup into an empty database (stop Grove first);
                   --force replaces a database that holds data (PostgreSQL: drops
                   and recreates schemas app, platform and drizzle in one
                   transaction; PGlite: moves the data dir aside)
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  if (command === 'serve') {
    stopOnSignals(await startServer(config));
    return -1; // keep running
  }
  if (command === 'backup' || command === 'restore') return backupCommand(command, argv.slice(1), config);
  const database = await openDatabase({ url: config.databaseUrl, appUrl: config.appDatabaseUrl, dataDir: `${config.dataDir}/pgdata` });
  try {
    if (command === 'migrate') {
      await migrateAll(config, database);
      return 0;
    }
    if (command === 'keys' && sub === 'rotate-master') {
      await migrateAll(config, database);
      return await rotateMaster(config, database);
    }
    if (command === 'keys' && sub === 'rotate-tenant' && argv[2]) {
      await migrateAll(config, database);
      const size = argv.indexOf('--batch-size');
      return await rotateTenant(config, database, argv[2], size > 0 ? Number(argv[size + 1]) : undefined);
    }
    if (command === 'tenants' && sub === 'delete' && argv[2]) {
      await migrateAll(config, database);
      return await deleteTenantCommand(config, database, argv[2]);
    }
    if (command === 'keys' && (sub === 'rotate' || sub === 'list')) {
      await database.migrate();
      const keys = new KeyRing(database.db, new MasterKeys(config.masterKey, config.previousMasterKeys), (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000);
      if (sub === 'rotate') {
        await keys.reload();
        const { kid, retired } = await keys.rotate();
        // Like the HTTP route: the platform trail, and a signing_key_rotated alert.
        await recordPlatformAudit(database.db, { actor: 'cli', action: 'signing_key.rotate', targetType: 'signing_key', targetId: kid, details: { retired } });
        const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn' });
        const metrics = createMetrics();
        const alerts = createAlerts(config, database, log, metrics);
        const events = new SecurityEvents(database.db, alerts, log, metrics);
        events.record({ type: 'signing_key_rotated', actor: 'cli', details: { kid, retired } });
        await events.drain();
        await alerts.close();
        process.stdout.write(`signing with ${kid}; retired ${retired.join(', ') || 'none'} (still verifying for ${MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS} s)\n`);
        process.stdout.write('running instances start signing with it within 10 s (they re-read keys every 10 s)\n');
      } else {
        await keys.reload();
        for (const key of keys.jwks().keys) process.stdout.write(`${key.kid}${key.kid === keys.current()?.kid ? '  (signing)' : '  (verifying only)'}\n`);
      }
      return 0;
    }
    process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
    return 2;
  } finally {
    await database.close();
  }
}

async function backupCommand(command: 'backup' | 'restore', args: string[], config: Config): Promise<number> {
  const target = { databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pgdata` };
  if (command === 'backup') {
    const at = args.indexOf('--out');
    const out = at >= 0 ? args[at + 1] : undefined;
    if (!out || args.length !== 2) return usage('grove backup --out FILE');
    const manifest = await backup(target, out);
    process.stdout.write(
      `backed up ${manifest.kind} at migration ${manifest.migration.tag} to ${out} (${manifest.bytes} bytes, sha256 ${manifest.sha256})\n` +
        'the file holds every tenant row: keep it as safe as the database. It does NOT hold GROVE_MASTER_KEY: back that up separately.\n',
    );
    return 0;
  }
  const force = args.includes('--force');
  const files = args.filter((a) => a !== '--force');
  if (files.length !== 1 || files[0]!.startsWith('--')) return usage('grove restore FILE [--force]');
  const report = await restore(target, files[0]!, { force });
  const replaced = report.replaced.tablesWithRows.length > 0 ? `replaced ${report.replaced.tenants} tenant(s) and the rows of ${report.replaced.tablesWithRows.length} table(s)` : 'the target was empty';
  process.stdout.write(
    `restored ${files[0]} (${report.manifest.kind}, made ${report.manifest.createdAt} at migration ${report.manifest.migration.tag}); ${replaced}` +
      `${report.movedAside ? `; the old data dir is at ${report.movedAside}` : ''}\n` +
      'start Grove with the same GROVE_MASTER_KEY as the backed-up deployment.\n',
  );
  return 0;
}

function usage(line: string): number {
  process.stderr.write(`usage: ${line}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    // Expected refusals (a bad variable, an unknown tenant, a refused restore) say what is wrong, without a stack.
    const expected = error instanceof ConfigError || error instanceof Problem || error instanceof RestoreRefused || error instanceof BackupFileError || error instanceof DataDirInUse;
    process.stderr.write(`${expected ? (error as Error).message : (error as Error).stack}\n`);
    process.exit(1);
  },
);
