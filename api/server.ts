import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config.js';
import { createGrove, type Grove, type GroveOptions } from './grove.js';

export interface RunningGrove {
  grove: Grove;
  server: ServerType;
  url: string;
  stop(): Promise<void>;
}

/** Serves the API; resolves once it listens. */
export async function startServer(config: Config, options: GroveOptions = {}): Promise<RunningGrove> {
  const grove = await createGrove(config, options);
  for (const notice of config.notices) grove.deps.log.warn(notice);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: grove.app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  grove.deps.log.info({ url, database: grove.deps.database.kind }, 'grove listening');
  return {
    grove,
    server,
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await grove.close();
    },
  };
}

/** Stops cleanly on SIGINT/SIGTERM: no new connections, background deliveries drained. */
export function stopOnSignals(running: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
