/**
 * `npm start`: Grove's API on one origin and the demo intranet on another, so what the demo
 * does is the cross-origin embedding a customer does. Embedded PGlite unless DATABASE_URL.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../api/config.js';
import { startServer, stopOnSignals } from '../api/server.js';
import { startDemoHost } from '../demo/host.js';
import { ensureDemoTenant } from '../demo/seed.js';

const config = loadConfig({ ...process.env, HOST: process.env.HOST ?? '127.0.0.1' });
const demoPort = Number(process.env.GROVE_DEMO_PORT ?? config.port + 1);
const apiUrl = `http://localhost:${config.port}`;
const demoOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];

if (!existsSync(fileURLToPath(new URL('../dist/grove.js', import.meta.url)))) {
  console.error('dist/grove.js is missing: run `npm run build` first (npm start does it for you).');
  process.exit(1);
}

const api = await startServer({ ...config, publicUrl: process.env.GROVE_PUBLIC_URL ?? apiUrl });
const demo = await ensureDemoTenant(api.grove.deps, config.dataDir, demoOrigins);
const host = await startDemoHost({ port: demoPort, apiUrl, apiKey: demo.apiKey });
stopOnSignals({
  async stop() {
    host.close();
    await api.stop();
  },
});

console.log(`
  Grove is running (${api.grove.deps.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}).

  API           ${apiUrl}          (OpenAPI: ${apiUrl}/v1/openapi.json)
  Demo intranet http://localhost:${demoPort}    (another origin, embedding Grove by script tag)

  Try:
    • open the demo, give praise to a colleague: it appears in the wall at once;
    • "Signed in as": act as someone else (Marcus manages Engineering, Amélie is an admin);
    • the Dark and Français buttons: the widgets follow the host's theme and language;
    • curl ${apiUrl}/health, ${apiUrl}/metrics, ${apiUrl}/.well-known/jwks.json
  Platform key: ${config.platformKey.slice(0, 12)}… (in ${config.dataDir}/platform.key)
`);
