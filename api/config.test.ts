import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'grove-config-'));

describe('configuration', () => {
  it('defaults to port 8787 and PGlite, generating development secrets into the data dir', () => {
    const dataDir = dir();
    const config = loadConfig({ GROVE_DATA_DIR: dataDir });
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.masterKey).toHaveLength(32);
    expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
    expect(readFileSync(join(dataDir, 'platform.key'), 'utf8').trim()).toBe(config.platformKey);
    expect(config.notices.join('\n')).toMatch(/GROVE_MASTER_KEY is not set/);
    // the same secrets on the next start
    expect(loadConfig({ GROVE_DATA_DIR: dataDir }).platformKey).toBe(config.platformKey);
  });

  it('reads the alert e-mail and throttling settings, and refuses bad ones by name', () => {
    const config = loadConfig({
      GROVE_DATA_DIR: dir(),
      GROVE_SMTP_URL: 'smtps://grove:pw@smtp.example.com:465',
      GROVE_ALERT_EMAIL_TO: 'ops@example.com, security@example.com',
      GROVE_ALERT_DIGEST_SECONDS: '30',
    });
    expect(config.smtpUrl).toBe('smtps://grove:pw@smtp.example.com:465');
    expect(config.alertEmailTo).toEqual(['ops@example.com', 'security@example.com']);
    expect(config.alertEmailFrom).toBe('Grove alerts <grove@localhost>');
    expect(config.alertDigestSeconds).toBe(30);
    expect(config.alertMaxPerMinute).toBe(10);
    expect(config.authFailureThreshold).toBe(20);
    expect(() => loadConfig({ GROVE_DATA_DIR: dir(), GROVE_SMTP_URL: 'http://smtp.example.com' })).toThrow(/GROVE_SMTP_URL/);
    expect(() => loadConfig({ GROVE_DATA_DIR: dir(), GROVE_ALERT_EMAIL_TO: 'ops@example.com, nobody' })).toThrow(/GROVE_ALERT_EMAIL_TO/);
    expect(() => loadConfig({ GROVE_DATA_DIR: dir(), GROVE_ALERT_MAX_PER_MINUTE: '0' })).toThrow(/GROVE_ALERT_MAX_PER_MINUTE/);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ GROVE_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/GROVE_MASTER_KEY: must be 32 bytes/);
    expect(() => loadConfig({ GROVE_PUBLIC_URL: 'not a url' })).toThrow(ConfigError);
  });

  it('requires real secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', GROVE_DATA_DIR: dir() })).toThrow(/GROVE_MASTER_KEY: required/);
  });
});
