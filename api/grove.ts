import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import type { GroveDeps } from './http/context.js';
import { createMetrics } from './http/metrics.js';
import { sweepIdempotencyKeys } from './http/idempotency.js';
import { memoryRateLimits, type RateLimits } from './http/rate-limit.js';
import { ViewerCache } from './http/viewer-cache.js';
import { TenantRegistry } from './modules/platform/tenant-registry.js';
import { mixSurveyAnswers } from './modules/surveys/mixing.js';
import { AlertWebhook } from './security/alerts.js';
import { KeyRing } from './security/keyring.js';
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
  webhook?: { attempts?: number; baseDelayMs?: number };
}

export interface Grove {
  app: ReturnType<typeof createApp>;
  deps: GroveDeps;
  /** Waits for background work (security events, webhook deliveries) to finish. */
  drain(): Promise<void>;
  close(): Promise<void>;
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
  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, appUrl: config.appDatabaseUrl, dataDir: `${config.dataDir}/pgdata` }));
  if (options.migrate !== false) await database.migrate();

  const metrics = createMetrics();
  const keys = new KeyRing(database.db, config.masterKey, (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000);
  await keys.init();
  const revocations = new RevocationList(database.db, options.revocationPollMs);
  await revocations.start();
  const webhook = new AlertWebhook(config.alertWebhookUrl, config.alertWebhookSecret, log, options.webhook);
  const events = new SecurityEvents(database.db, webhook, log, metrics);
  const deps: GroveDeps = {
    config,
    database,
    log,
    metrics,
    keys,
    revocations,
    tokens: new TokenService(keys, revocations, config.publicUrl),
    events,
    webhook,
    tenants: new TenantRegistry(database.db),
    rateLimits: options.rateLimits ?? memoryRateLimits(),
    viewers: new ViewerCache(),
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
    await webhook.drain();
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
      await drain();
      if (!options.database) await database.close();
    },
  };
}
