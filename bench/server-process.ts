import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Starts a bench server script under tsx (bench/servers/*: each prints `PORT <n>` once it
 * listens). The child is returned at once, so a caller can arrange to stop it even while it
 * starts; `listening` gives its base URL, or fails if the script exits first.
 */
export function spawnServer(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; nodeArgs?: string[] }): { child: ChildProcess; listening: Promise<string> } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const listening = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, listening };
}

/**
 * What Grove (bench/servers/grove.ts) needs to serve a seeded bench database as deployed: tenant
 * units log in as grove_app, with the seed's master key and a fresh platform key.
 */
export function groveEnv(url: string, masterKey: string, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: url,
    GROVE_APP_DATABASE_URL: Object.assign(new URL(url), { username: 'grove_app', password: '' }).toString(),
    GROVE_PLATFORM_KEY: `grove_pk_bench_${randomBytes(24).toString('base64url')}`,
    GROVE_MASTER_KEY: masterKey,
    GROVE_DATA_DIR: dataDir,
  };
}
