import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** An e-mail address, plainly: something@host.tld without spaces, brackets or separators. */
export const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/**
 * The environment, parsed once. Every other module receives a `Config`; nothing else reads
 * `process.env`, so a bad variable fails the start with its name instead of failing a request.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  GROVE_APP_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /**
   * Connections per pool (the owner's, and grove_app's for tenant units). Measured on 2 cores:
   * 10 served the feed 8 % faster than 20, with 15 % less PostgreSQL CPU per request.
   */
  GROVE_DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  GROVE_DATA_DIR: z.string().min(1).default('./.grove'),
  GROVE_PUBLIC_URL: z.url().optional(),
  GROVE_PLATFORM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  GROVE_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** Former master keys, comma-separated: they only unwrap, during a master rotation. */
  GROVE_PREVIOUS_MASTER_KEYS: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => k.trim() === '' || Buffer.from(k.trim(), 'base64').length === 32),
      'must be comma-separated 32-byte keys, base64-encoded',
    )
    .optional(),
  GROVE_ALERT_WEBHOOK_URL: z.url().optional(),
  GROVE_ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** SMTP for alert e-mail: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. */
  GROVE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  GROVE_ALERT_EMAIL_FROM: z.string().min(3).max(320).optional(),
  /** The platform operator's alert recipients, comma-separated. */
  GROVE_ALERT_EMAIL_TO: z
    .string()
    .refine((v) => v.split(',').every((a) => EMAIL.test(a.trim())), 'must be comma-separated e-mail addresses')
    .optional(),
  /** Events of one type for one tenant within this many seconds make one digest message. */
  GROVE_ALERT_DIGEST_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Messages per minute each alert destination receives at most (also its burst). */
  GROVE_ALERT_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** 401s from one IP or for one credential within a minute that raise `authentication_failures`. */
  GROVE_AUTH_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1_000_000).default(20),
  GROVE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset: embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** Logs in as grove_app for tenant transactions (PostgreSQL); see db/client.ts. */
  appDatabaseUrl: string | undefined;
  /** postgres.js pool size, per pool. */
  databasePoolSize: number;
  dataDir: string;
  publicUrl: string;
  platformKey: string;
  masterKey: Buffer;
  /** Accepted for unwrapping only, while `grove keys rotate-master` re-wraps under `masterKey`. */
  previousMasterKeys: Buffer[];
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string;
  /** Set with GROVE_SMTP_URL: alert e-mail goes out through it. Never logged (it may hold a password). */
  smtpUrl: string | undefined;
  alertEmailFrom: string;
  alertEmailTo: string[];
  alertDigestSeconds: number;
  alertMaxPerMinute: number;
  authFailureThreshold: number;
  logLevel: string;
  /** Messages for the operator about generated secrets; printed by the server at start. */
  notices: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env` (default `process.env`); throws a `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const notices: string[] = [];
  const dataDir = resolve(e.GROVE_DATA_DIR);
  const production = e.NODE_ENV === 'production';

  if (production && !e.GROVE_MASTER_KEY) {
    throw new ConfigError('Invalid environment:\n  GROVE_MASTER_KEY: required when NODE_ENV=production');
  }
  if (production && !e.GROVE_PLATFORM_KEY) {
    throw new ConfigError('Invalid environment:\n  GROVE_PLATFORM_KEY: required when NODE_ENV=production');
  }

  const masterKey = e.GROVE_MASTER_KEY
    ? Buffer.from(e.GROVE_MASTER_KEY, 'base64')
    : Buffer.from(
        devSecret(dataDir, 'master.key', () => randomBytes(32).toString('base64'), notices, (f) =>
          `GROVE_MASTER_KEY is not set: using a development master key stored in ${f}. Set it in production.`,
        ),
        'base64',
      );
  const platformKey =
    e.GROVE_PLATFORM_KEY ??
    devSecret(dataDir, 'platform.key', () => `grove_pk_${randomBytes(32).toString('base64url')}`, notices, (f) =>
      `GROVE_PLATFORM_KEY is not set: generated one in ${f}.`,
    );

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.GROVE_APP_DATABASE_URL,
    databasePoolSize: e.GROVE_DB_POOL_SIZE,
    dataDir,
    publicUrl: (e.GROVE_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    platformKey,
    masterKey,
    previousMasterKeys: (e.GROVE_PREVIOUS_MASTER_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((k) => Buffer.from(k, 'base64')),
    alertWebhookUrl: e.GROVE_ALERT_WEBHOOK_URL,
    // Operators who set a webhook but no secret can still verify: the secret is derived from
    // the platform key they already hold (see docs/api.md, "Security alerts").
    alertWebhookSecret: e.GROVE_ALERT_WEBHOOK_SECRET ?? `derived:${platformKey}`,
    smtpUrl: e.GROVE_SMTP_URL,
    alertEmailFrom: e.GROVE_ALERT_EMAIL_FROM ?? `Grove alerts <grove@${new URL(e.GROVE_PUBLIC_URL ?? 'http://localhost').hostname}>`,
    alertEmailTo: e.GROVE_ALERT_EMAIL_TO ? e.GROVE_ALERT_EMAIL_TO.split(',').map((a) => a.trim()) : [],
    alertDigestSeconds: e.GROVE_ALERT_DIGEST_SECONDS,
    alertMaxPerMinute: e.GROVE_ALERT_MAX_PER_MINUTE,
    authFailureThreshold: e.GROVE_AUTH_FAILURE_THRESHOLD,
    logLevel: e.GROVE_LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    notices,
  };
}

/** Reads a development secret from the data dir, creating it (mode 600) on first use. */
function devSecret(
  dataDir: string,
  file: string,
  create: () => string,
  notices: string[],
  notice: (path: string) => string,
): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  notices.push(notice(path));
  return value;
}
