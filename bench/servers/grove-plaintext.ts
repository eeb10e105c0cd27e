/**
 * Grove exactly as servers/grove.ts runs it, but with a pass-through field cipher: values are
 * stored and returned as they are, no key is loaded. Only for measuring what field encryption
 * costs (`npm run bench -- --encryption`); the real server has no way to switch encryption off
 * (this option of createGrove() is not reachable from the environment or the config).
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { loadConfig } from '../../api/config.js';
import type { FieldCipher } from '../../api/security/field-cipher.js';
import { startServer } from '../../api/server.js';

const passThrough: FieldCipher = {
  prepare: () => Promise.resolve(),
  seal: (_tenantId, _field, plaintext) => plaintext,
  open: (_tenantId, _field, stored) => stored,
};

const config = loadConfig({ ...process.env, PORT: '0', NODE_ENV: 'production', GROVE_LOG_LEVEL: 'warn' });
const rateLimits = {
  mint: new RateLimiterMemory({ keyPrefix: 'mint', points: 1e9, duration: 60 }),
  server: new RateLimiterMemory({ keyPrefix: 'server', points: 1e9, duration: 60 }),
};
const running = await startServer(config, { migrate: false, rateLimits, fieldCipher: () => passThrough });
console.log(`PORT ${new URL(running.url).port}`);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
