import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import type { GroveDeps } from './http/context.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { sweepIdempotencyKeys } from './http/idempotency.js';
import { memoryRateLimits, type RateLimits } from './http/rate-limit.js';
import { ViewerCache } from './http/viewer-cache.js';
import { TenantRegistry } from './modules/platform/tenant-registry.js';
import { createTransport } from 'nodemailer';
import { AuthFailureCounter, DEFAULT_AUTH_FAILURES, type AuthFailureOptions } from './http/auth-failures.js';
import { tenantTargetsReader } from './modules/alerts/alert-settings.service.js';
import { AlertDispatcher } from './security/alerts.js';
import type { ThrottleOptions } from './security/alert-throttle.js';
import { mixSurveyAnswers } from './modules/surveys/mixing.js';
import { KeyRing } from './security/keyring.js';
import { DataKeys, type DataKeyOptions } from './security/data-keys.js';
import { AesFieldCipher, type FieldCipher } from './security/field-cipher.js';
import { sealPlaintextRows } from './security/key-operations.js';
import { MasterKeys } from './security/master-keys.js';
import { RevocationList } from './security/revocations.js';
import { SecurityEvents } from './security/security-events.js';
import { CLOCK_LEEWAY_SECONDS, MAX_TTL_SECONDS, TokenService } from './security/tokens.js';

/** How often survey answers are mixed: the longest an answer stays in arrival order. */
export const SURVEY_MIX_INTERVAL_MS = 5 * 60_000;

export interface GroveOptions {
  /** An open database; by default one is opened from the config. */
  database?: DatabaseHandle;
  log?: Logger;
  rateLimits?: RateLimits;
  /** Apply migrations at start (default true). */
  migrate?: boolean;
  bundlePath?: string;
  /** How often revocations from other instances are read (ms). */
  revocationPollMs?: number;
  /** Alert delivery retries (webhooks and e-mail). */
  webhook?: { attempts?: number; baseDelayMs?: number };
  /** Data-key cache lifetime and rotation threshold (tests). */
  dataKeys?: DataKeyOptions;
  /**
   * Replaces the field cipher. Only the benchmark uses it, to measure what encryption costs
   * against a pass-through; deliberately not reachable from the environment or config.
   */
  fieldCipher?: (real: AesFieldCipher) => FieldCipher;
  /** Digest window and per-destination limits; default from the config (GROVE_ALERT_*). */
  alerts?: Partial<ThrottleOptions> & { targetsTtlMs?: number };
  /** Repeated authentication failures; default from the config (GROVE_AUTH_FAILURE_THRESHOLD). */
  authFailures?: Partial<AuthFailureOptions>;
  /** Rows per keyset batch of a data export (default 1,000). */
  exportBatchSize?: number;
  /** An export whose reader takes nothing for this long is stopped (default 60 s). */
  exportIdleMs?: number;
}

export interface Grove {
  app: ReturnType<typeof createApp>;
  deps: GroveDeps;
  /** Waits for background work (security events, alert deliveries) to finish; digests still waiting for their window are not forced out. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The alert dispatcher from the config: the operator's webhook and e-mail, each tenant's own
 * targets, digests and per-destination limits. The CLI builds one too, for the events it raises.
 */
export function createAlerts(
  config: Config,
  database: DatabaseHandle,
  log: Logger,
  metrics: Metrics,
  options: Pick<GroveOptions, 'alerts' | 'webhook'> & { cipher?: () => FieldCipher } = {},
): AlertDispatcher {
  const { targetsTtlMs, ...throttle } = options.alerts ?? {};
  const alerts = new AlertDispatcher({
    webhookUrl: config.alertWebhookUrl,
    webhookSecret: config.alertWebhookSecret,
    email: config.smtpUrl ? { transport: createTransport(config.smtpUrl), from: config.alertEmailFrom, to: config.alertEmailTo } : undefined,
    log,
    metrics,
    delivery: options.webhook,
    throttle: { windowMs: config.alertDigestSeconds * 1000, burst: config.alertMaxPerMinute, perMinute: config.alertMaxPerMinute, ...throttle },
    ...(targetsTtlMs !== undefined ? { targetsTtlMs } : {}),
  });
  // Tenant webhook secrets are sealed under the tenant's data key: without a cipher, only the operator's targets.
  if (options.cipher) alerts.readTenantTargetsWith(tenantTargetsReader(database, options.cipher));
  return alerts;
}

/** Opens (and migrates) the database, loads keys and revocations, and builds the app. */
export async function createGrove(config: Config, options: GroveOptions = {}): Promise<Grove> {
  const log =
    options.log ??
    pino({
      level: config.logLevel,
      base: { service: 'grove' },
      // Belt and braces: nothing secret should reach a log call, and these paths never print.
      redact: { paths: ['*.authorization', '*.token', '*.apiKey', '*.platformKey', 'req.headers.authorization'], censor: '[redacted]' },
    });
  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, appUrl: config.appDatabaseUrl, max: config.databasePoolSize, dataDir: `${config.dataDir}/pgdata` }));
  if (options.migrate !== false) await database.migrate();

  const metrics = createMetrics();
  const masters = new MasterKeys(config.masterKey, config.previousMasterKeys);
  const keys = new KeyRing(database.db, masters, (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000);
  await keys.init();
  const revocations = new RevocationList(database.db, options.revocationPollMs);
  await revocations.start();
  // The cipher records decryption failures as events, and events reach tenants through alerts whose
  // webhook secrets the cipher opens: hence the getter, resolved once deps exist.
  const alerts = createAlerts(config, database, log, metrics, { ...options, cipher: () => deps.cipher });
  const events = new SecurityEvents(database.db, alerts, log, metrics);
  const dataKeys = new DataKeys(database.db, masters, options.dataKeys);
  const realCipher = new AesFieldCipher(dataKeys, events);
  // The data migration after the SQL ones: rows written before encryption get sealed.
  if (options.migrate !== false) {
    const { sealed } = await sealPlaintextRows(database, realCipher);
    if (sealed > 0) log.info({ sealed }, 'sealed plaintext rows from before field encryption');
  }
  const deps: GroveDeps = {
    config,
    database,
    log,
    metrics,
    keys,
    dataKeys,
    cipher: options.fieldCipher ? options.fieldCipher(realCipher) : realCipher,
    revocations,
    tokens: new TokenService(keys, revocations, config.publicUrl),
    events,
    alerts,
    authFailures: new AuthFailureCounter({ ...DEFAULT_AUTH_FAILURES, threshold: config.authFailureThreshold, ...options.authFailures }),
    tenants: new TenantRegistry(database.db),
    rateLimits: options.rateLimits ?? memoryRateLimits(),
    viewers: new ViewerCache(),
    exportBatchSize: options.exportBatchSize ?? 1_000,
    exportIdleMs: options.exportIdleMs ?? 60_000,
    bundlePath: options.bundlePath ?? fileURLToPath(new URL('../dist/grove.js', import.meta.url)),
  };
  // Stored first responses of POSTs are kept for a day (IDEMPOTENCY_RETENTION_HOURS).
  const sweep = () => void sweepIdempotencyKeys(database.db).catch((error: unknown) => log.error({ err: (error as Error).message }, 'idempotency sweep failed'));
  const sweeper = setInterval(sweep, 3_600_000);
  sweeper.unref();
  // Survey answers are rewritten in random order every few minutes (mixing.ts explains why).
  const mix = () => void mixSurveyAnswers(database).catch((error: unknown) => log.error({ err: (error as Error).message }, 'survey answer mixing failed'));
  const mixer = setInterval(mix, SURVEY_MIX_INTERVAL_MS);
  mixer.unref();
  const drain = async () => {
    await events.drain();
    await alerts.drain();
  };
  return {
    app: createApp(deps),
    deps,
    drain,
    async close() {
      clearInterval(sweeper);
      clearInterval(mixer);
      revocations.stop();
      keys.stop();
      await events.drain();
      await alerts.close();
      if (!options.database) await database.close();
    },
  };
}
