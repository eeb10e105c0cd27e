import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirInUse } from '../db/pglite-lock.js';
import { BackupFileError } from '../ops/backup-file.js';
import { backup, restore, RestoreRefused } from '../ops/backup.js';
import { openDatabase } from '../db/client.js';
import { KeyRing } from '../security/keyring.js';
import { CLOCK_LEEWAY_SECONDS, MAX_TTL_SECONDS } from '../security/tokens.js';
import { startServer, stopOnSignals } from '../server.js';

const HELP = `grove <command>

  serve            run the API (PORT, DATABASE_URL, … from the environment)
  migrate          apply database migrations and exit
  keys rotate      start signing widget tokens with a new key; old keys keep
                   verifying until the tokens they signed have expired
  keys list        list signing keys and their state
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
      await database.migrate();
      process.stdout.write(`migrated (${database.kind})\n`);
      return 0;
    }
    if (command === 'keys' && (sub === 'rotate' || sub === 'list')) {
      await database.migrate();
      const keys = new KeyRing(database.db, config.masterKey, (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000);
      if (sub === 'rotate') {
        await keys.reload();
        const { kid, retired } = await keys.rotate();
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
    const expected = error instanceof ConfigError || error instanceof RestoreRefused || error instanceof BackupFileError || error instanceof DataDirInUse;
    process.stderr.write(`${expected ? (error as Error).message : (error as Error).stack}\n`);
    process.exit(1);
  },
);
