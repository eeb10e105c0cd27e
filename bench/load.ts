import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** One request, as autocannon repeats it. */
export interface Target {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
}

/** One load run's figures. */
export interface Sample {
  rps: number;
  /** Requests answered in the run. */
  requests: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon');

/** Loads `target` from autocannon in its own process, so the load generator is not the server's. */
export function autocannon(target: Target, seconds: number, connections: number): Promise<Sample> {
  const argv = [autocannonBin, '--json', '-c', String(connections), '-d', String(seconds), '-m', target.method ?? 'GET'];
  for (const [k, v] of Object.entries(target.headers)) argv.push('-H', `${k}=${v}`);
  if (target.body) argv.push('-b', target.body);
  argv.push(target.url);
  return new Promise((resolveSample, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
        resolveSample({ rps: r.requests.average, requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
      } catch (error) {
        reject(error);
      }
    });
  });
}
