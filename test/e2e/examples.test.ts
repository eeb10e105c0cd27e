/**
 * The framework examples under examples/ are real: each is bundled with esbuild, served from a
 * host origin of its own (with the Content-Security-Policy of docs/embedding.md and the token
 * endpoint every host writes), and opened in Chromium against a real Grove API whose tenant
 * allows exactly that origin. Run after `npm run build` (the examples import `grove`, which
 * resolves to dist/).
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config.js';
import { startServer, type RunningGrove } from '../../api/server.js';
import { hostCsp } from '../../demo/host.js';
import { freshDatabase } from '../support/database.js';
import { launchChromium } from './support/browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist/grove.js');
const PLATFORM_KEY = `grove_pk_examples_${randomBytes(24).toString('base64url')}`;
/** What the examples' index.html files name as the API; the host swaps in the real one. */
const PLACEHOLDER_API = 'http://localhost:8787';

const EXAMPLES = { html: 'main.js', react: 'main.jsx', vue: 'main.js' } as const;
type ExampleName = keyof typeof EXAMPLES;

const PEOPLE = [
  { externalId: 'ada', name: 'Ada Lovelace', team: 'Engines' },
  { externalId: 'grace', name: 'Grace Hopper', team: 'Compilers', role: 'manager' },
];
const SEEDED = 7;
const PAGE_SIZE = 5;

interface Host {
  name: ExampleName;
  origin: string;
  server: Server;
  tenant?: { id: string; apiKey: string };
  mints: number;
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: RunningGrove;
let browser: Browser;
let outDir: string;
const hosts = new Map<ExampleName, Host>();

/** Bundles one example the way its README says (esbuild, ESM, production React/Vue). */
async function buildExample(name: ExampleName): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'examples', name, EXAMPLES[name])],
    outfile: join(outDir, name, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    logLevel: 'silent',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  });
  await copyFile(join(ROOT, 'examples', name, 'index.html'), join(outDir, name, 'index.html'));
}

/** The host site of one example: its page, its bundle, and its token endpoint. */
function startHost(name: ExampleName): Promise<Host> {
  const host: Host = { name, origin: '', server: undefined as unknown as Server, mints: 0 };
  host.server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
        const html = (await readFile(join(outDir, name, 'index.html'), 'utf8')).replaceAll(PLACEHOLDER_API, api.url);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': hostCsp(api.url) });
        res.end(html);
      } else if (req.method === 'GET' && path === '/main.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(await readFile(join(outDir, name, 'main.js')));
      } else if (req.method === 'POST' && path === '/grove-token') {
        // A real host knows who is signed in from its session; here it is always Ada.
        const minted = await fetch(`${api.url}/v1/embed/tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${host.tenant!.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ user: PEOPLE[0], scopes: ['praise:read', 'praise:write'], origin: host.origin }),
        });
        if (!minted.ok) {
          res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"could not mint a token"}');
          return;
        }
        host.mints++;
        const { token, expiresAt } = (await minted.json()) as { token: string; expiresAt: string };
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ token, expiresAt }));
      } else if (path === '/favicon.ico') {
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  return new Promise((resolve) => {
    host.server.listen(0, '127.0.0.1', () => {
      const address = host.server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      host.origin = `http://127.0.0.1:${address.port}`;
      resolve(host);
    });
  });
}

async function call<T>(path: string, auth: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(api.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A tenant allowing only this example's origin, with two people and SEEDED praise from Grace to Ada. */
async function seedTenant(host: Host): Promise<void> {
  const tenant = await call<{ id: string; apiKey: string }>('/v1/platform/tenants', PLATFORM_KEY, {
    name: `Examples ${host.name}`,
    origins: [host.origin],
    values: [{ key: 'craft', label: 'Craft', emoji: '🛠️' }],
  });
  host.tenant = tenant;
  const sync = await call<{ items: Array<{ id: string; externalId: string }> }>('/v1/directory/users', tenant.apiKey, { users: PEOPLE });
  const ada = sync.items.find((i) => i.externalId === 'ada')!.id;
  // A server token (no origin) for the seeding script: refused from any browser, fine from here.
  const { token } = await call<{ token: string }>('/v1/embed/tokens', tenant.apiKey, { user: PEOPLE[1], scopes: ['praise:write'] });
  for (let i = 1; i <= SEEDED; i++) {
    await call('/v1/praise', token, { recipientIds: [ada], message: `${host.name} seeded praise #${i}`, values: ['craft'] }, {
      'idempotency-key': `seed-${host.name}-${i}`,
    });
  }
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'grove-examples-'));
  await Promise.all((Object.keys(EXAMPLES) as ExampleName[]).map(buildExample));
  db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    GROVE_DATA_DIR: await mkdtemp(join(tmpdir(), 'grove-examples-data-')),
    GROVE_PLATFORM_KEY: PLATFORM_KEY,
    GROVE_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  api = await startServer({ ...config, publicUrl: 'http://grove.examples' }, { database: db.handle, bundlePath: BUNDLE });
  for (const name of Object.keys(EXAMPLES) as ExampleName[]) {
    const host = await startHost(name);
    hosts.set(name, host);
    await seedTenant(host);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const host of hosts.values()) await new Promise<void>((resolve) => host.server.close(() => resolve()));
  await api?.stop();
  await db?.drop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe.each(Object.keys(EXAMPLES) as ExampleName[])('examples/%s', (name) => {
  it('renders the seeded praise, upgrades the composer, and praise sent from it reaches the wall', async () => {
    const host = hosts.get(name)!;
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    // Any Content-Security-Policy violation (inline style, eval…) is recorded and fails the test.
    await page.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    try {
      const response = await page.goto(`${host.origin}/`);
      expect(response?.headers()['content-security-policy']).toBe(hostCsp(api.url));

      // The wall: the newest PAGE_SIZE praise of the tenant, then "Load more".
      await page.waitForFunction(
        (n) => document.querySelector('grove-praise-wall')?.shadowRoot?.querySelectorAll('[part="item"]').length === n,
        PAGE_SIZE,
        { timeout: 20_000 },
      );
      const wall = await page.evaluate(() => {
        const el = document.querySelector('grove-praise-wall')!;
        const root = el.shadowRoot!;
        return {
          upgraded: customElements.get('grove-praise-wall') === el.constructor,
          pageSize: (el as unknown as { pageSize: number }).pageSize,
          messages: [...root.querySelectorAll('[part="message"]')].map((m) => m.textContent),
          values: [...root.querySelectorAll('[part="value"]')].map((m) => m.textContent?.trim()),
          loadMore: !!root.querySelector('[part="load-more-button"]'),
        };
      });
      expect(wall.upgraded).toBe(true);
      expect(wall.pageSize).toBe(PAGE_SIZE);
      expect(wall.messages).toEqual([7, 6, 5, 4, 3].map((i) => `${name} seeded praise #${i}`));
      expect(wall.values[0]).toBe('🛠️ Craft');
      expect(wall.loadMore).toBe(true);

      // The composer: defined, upgraded, and loaded (company values come from the API with the token).
      await page.locator('grove-praise-composer [part="value"]').first().waitFor({ timeout: 20_000 });
      const composer = await page.evaluate(() => {
        const el = document.querySelector('grove-praise-composer')!;
        const root = el.shadowRoot!;
        return {
          upgraded: el.matches(':defined') && customElements.get('grove-praise-composer') === el.constructor,
          form: !!root.querySelector('form[part="form"]'),
          submitEnabled: !(root.querySelector('[part="submit-button"]') as HTMLButtonElement | null)?.disabled,
          alert: root.querySelector('[role="alert"]')?.textContent ?? null,
        };
      });
      expect(composer).toEqual({ upgraded: true, form: true, submitEnabled: true, alert: null });

      // Send praise through the composer: the wall shows it first, and the example's own
      // `grove-submitted` listener (JSX prop, Vue `on…` prop, document listener) reports it.
      const message = `${name}: thanks for the compiler!`;
      await page.locator('grove-praise-composer input[role="combobox"]').fill('Grace');
      await page.locator('grove-praise-composer [role="option"]', { hasText: 'Grace Hopper' }).click();
      await page.locator('grove-praise-composer textarea').fill(message);
      await page.locator('grove-praise-composer [part="submit-button"]').click();
      await page.locator('[role="status"]', { hasText: 'Praise sent to Grace Hopper.' }).first().waitFor({ timeout: 20_000 });
      await page.waitForFunction(
        (text) => document.querySelector('grove-praise-wall')?.shadowRoot?.querySelector('[part="message"]')?.textContent === text,
        message,
        { timeout: 20_000 },
      );

      expect(host.mints).toBeGreaterThanOrEqual(1);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
