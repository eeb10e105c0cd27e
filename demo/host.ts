import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DEMO_PEOPLE, type DemoPerson } from './seed.js';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export interface DemoHostOptions {
  port: number;
  hostname?: string;
  /** Where the browser reaches Grove's API (another origin than this page). */
  apiUrl: string;
  /** The demo tenant's API key: it stays on this server, never reaches the page. */
  apiKey: string;
}

/**
 * The demo intranet: a page on its own origin that embeds Grove by script tag, and the tiny
 * backend every host writes: it knows who is signed in (here, a cookie set by the person
 * switcher) and mints a Grove token for them with the tenant API key.
 */
export function demoHost(options: DemoHostOptions) {
  const app = new Hono();
  const signedIn = (c: Context) => {
    const who = getCookie(c, 'demo_user');
    return DEMO_PEOPLE.find((p) => p.externalId === who) ?? DEMO_PEOPLE[3]!;
  };

  app.get('/', async (c) => {
    const html = (await readFile(`${PUBLIC}index.html`, 'utf8')).replaceAll('{{API_URL}}', options.apiUrl);
    c.header('Content-Security-Policy', hostCsp(options.apiUrl));
    return c.html(html);
  });

  app.get('/me', (c) => c.json({ current: signedIn(c).externalId, people: DEMO_PEOPLE.map(({ externalId, name, role, team }) => ({ externalId, name, role: role ?? 'employee', team })) }));

  // The person switcher: a real host would sign people in; the demo lets you pick anyone.
  app.post('/switch', async (c) => {
    const form = await c.req.parseBody();
    const person = DEMO_PEOPLE.find((p) => p.externalId === form.as);
    if (person) setCookie(c, 'demo_user', person.externalId, { httpOnly: true, sameSite: 'Lax', path: '/' });
    return c.redirect('/', 303);
  });

  // What every host backend writes: mint a token for the signed-in person, for this origin.
  app.post('/grove-token', async (c) => {
    const person = signedIn(c);
    const origin = new URL(c.req.url).origin;
    const ttl = Number(new URL(c.req.url).searchParams.get('ttl')) || undefined;
    const response = await fetch(`${options.apiUrl}/v1/embed/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        user: { externalId: person.externalId, name: person.name, email: person.email },
        scopes: scopesFor(person.role),
        origin,
        ...(ttl ? { ttlSeconds: ttl } : {}),
      }),
    });
    if (!response.ok) return c.json({ error: 'could not mint a token' }, 502);
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt });
  });

  app.get('/:file{[a-z-]+\\.(js|css)}', async (c) => {
    const file = c.req.param('file');
    const body = await readFile(`${PUBLIC}${file}`, 'utf8').catch(() => undefined);
    if (body === undefined) return c.notFound();
    return c.body(body, 200, { 'Content-Type': TYPES[file.split('.').pop()!]! });
  });

  return app;
}

/**
 * What the host asks Grove for, by the person's role in the intranet: everyone answers surveys;
 * managers, HR and admins read results (Grove limits managers to their own reporting line); HR
 * and admins manage surveys and moderate praise. Grove narrows the list to the role it knows too.
 */
export function scopesFor(role: DemoPerson['role']): string[] {
  const everyone = ['praise:read', 'praise:write', 'surveys:respond'];
  if (role === 'manager') return [...everyone, 'surveys:read'];
  if (role === 'hr_admin' || role === 'admin') return [...everyone, 'praise:moderate', 'surveys:read', 'surveys:manage'];
  return everyone;
}

/** The Content-Security-Policy a host page needs for Grove (see docs/embedding.md). */
export function hostCsp(apiUrl: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${apiUrl}`,
    `connect-src 'self' ${apiUrl}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function startDemoHost(options: DemoHostOptions): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: demoHost(options).fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1' }, () => resolve(server));
  });
}
