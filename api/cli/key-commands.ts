import pino from 'pino';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/client.js';
import { createAlerts } from '../grove.js';
import { createMetrics } from '../http/metrics.js';
import { recordPlatformAudit } from '../modules/audit/audit.service.js';
import { deleteTenant } from '../modules/platform/tenant-deletion.js';
import { DataKeys } from '../security/data-keys.js';
import { AesFieldCipher } from '../security/field-cipher.js';
import { rotateMasterKey, rotateTenantKey, sealPlaintextRows } from '../security/key-operations.js';
import { MasterKeys } from '../security/master-keys.js';
import { SecurityEvents } from '../security/security-events.js';

/**
 * What the key and tenant commands share: the field cipher over the configured master keys,
 * and security events recorded (and sent to the operator's and the tenant's alert targets) as
 * the API would.
 */
function operations(config: Config, database: DatabaseHandle) {
  const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'warn', base: { service: 'grove-cli' } });
  const metrics = createMetrics();
  const alerts = createAlerts(config, database, log, metrics, { cipher: () => cipher });
  const events = new SecurityEvents(database.db, alerts, log, metrics);
  const masters = new MasterKeys(config.masterKey, config.previousMasterKeys);
  const cipher: AesFieldCipher = new AesFieldCipher(new DataKeys(database.db, masters), events);
  return {
    cipher,
    events,
    async drain() {
      await events.drain();
      await alerts.close();
    },
  };
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `grove migrate`: the SQL migrations, then the data migrations (sealing rows from before). */
export async function migrateAll(config: Config, database: DatabaseHandle): Promise<void> {
  await database.migrate();
  const ops = operations(config, database);
  const { sealed } = await sealPlaintextRows(database, ops.cipher);
  await ops.drain();
  out(`migrated (${database.kind})${sealed ? `; sealed ${sealed} rows written before field encryption` : ''}`);
}

export async function rotateMaster(config: Config, database: DatabaseHandle): Promise<number> {
  const ops = operations(config, database);
  const result = await rotateMasterKey(database, ops.cipher);
  ops.events.record({ type: 'master_key_rotated', actor: 'cli', details: { ...result } });
  await recordPlatformAudit(database.db, { actor: 'cli', action: 'master_key.rotate', targetType: 'master_key', targetId: result.masterKeyId, details: { ...result } });
  await ops.drain();
  out(`re-wrapped ${result.dataKeys} tenant data keys and ${result.signingKeys} signing keys under master ${result.masterKeyId}`);
  if (result.remaining > 0) {
    out(`${result.remaining} keys are still wrapped by another master: run the command again`);
    return 1;
  }
  out('every key is wrapped by the current master: the previous master can be removed from GROVE_PREVIOUS_MASTER_KEYS');
  return 0;
}

export async function rotateTenant(config: Config, database: DatabaseHandle, tenantId: string, batchSize: number | undefined): Promise<number> {
  const ops = operations(config, database);
  const result = await rotateTenantKey(database, ops.cipher, tenantId, {
    batchSize,
    // One line per committed batch: progress for the operator (and for the crash-resume test).
    onBatch: (p) => out(`batch ${p.table}.${p.column}: ${p.resealed} re-sealed, ${p.failed} unreadable, up to ${p.lastKey.join('/')}`),
  });
  ops.events.record({ type: 'data_key_rotated', tenantId, actor: 'cli', details: { ...result } });
  await recordPlatformAudit(database.db, { actor: 'cli', action: 'data_key.rotate', tenantId, targetType: 'tenant', targetId: tenantId, details: { version: result.version, resealed: result.resealed, failed: result.failed } });
  await ops.drain();
  out(
    `${result.resumed ? 'resumed and finished' : 'finished'}: tenant ${tenantId} now seals under version ${result.version}; ` +
      `${result.resealed} values re-sealed, ${result.failed} unreadable; destroyed versions [${result.destroyedVersions.join(', ')}]` +
      (result.keptVersions.length ? `; kept [${result.keptVersions.join(', ')}] (still used by unreadable values)` : ''),
  );
  return result.failed > 0 ? 1 : 0;
}

export async function deleteTenantCommand(config: Config, database: DatabaseHandle, tenantId: string): Promise<number> {
  const ops = operations(config, database);
  const deleted = await deleteTenant(database, ops.cipher.keys, tenantId);
  ops.events.record({ type: 'tenant_deleted', tenantId, actor: 'cli', details: { ...deleted } });
  await recordPlatformAudit(database.db, { actor: 'cli', action: 'tenant.delete', tenantId, targetType: 'tenant', targetId: tenantId, details: { ...deleted } });
  await ops.drain();
  out(`deleted tenant ${tenantId}: ${deleted.dataKeysDestroyed} data keys destroyed, ${deleted.rowsDeleted} rows deleted`);
  return 0;
}
