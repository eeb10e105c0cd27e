/** Grove itself, as `grove serve` runs it, on the bench database. Prints its port on stdout. */
import { loadConfig } from '../../api/config.js';
import { startServer } from '../../api/server.js';

const config = loadConfig({ ...process.env, PORT: '0', NODE_ENV: 'production', GROVE_LOG_LEVEL: 'warn' });
const running = await startServer(config, { migrate: false });
console.log(`PORT ${new URL(running.url).port}`);
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
