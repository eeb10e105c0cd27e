/**
 * Grove itself, as `grove serve` runs it, on the bench database. Prints its port on stdout.
 * The in-memory rate limiters are still consulted on every request, with limits no load run
 * reaches: token minting is otherwise capped at 1,200 a minute per API key and a load run would
 * measure 429s.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { loadConfig } from '../../api/config.js';
import { startServer } from '../../api/server.js';

const config = loadConfig({ ...process.env, PORT: '0', NODE_ENV: 'production', GROVE_LOG_LEVEL: 'warn' });
const rateLimits = {
  mint: new RateLimiterMemory({ keyPrefix: 'mint', points: 1e9, duration: 60 }),
  server: new RateLimiterMemory({ keyPrefix: 'server', points: 1e9, duration: 60 }),
};
const running = await startServer(config, { migrate: false, rateLimits });
console.log(`PORT ${new URL(running.url).port}`);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
