import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../../../api/config.js';
import { startServer, type RunningGrove } from '../../../api/server.js';
import { freshDatabase } from '../../support/database.js';

export const BUNDLE = fileURLToPath(new URL('../../../dist/grove.js', import.meta.url));
const PLATFORM_KEY = `grove_pk_e2e_${randomBytes(24).toString('base64url')}`;

/** The people of the e2e tenant (directory sync). */
export const PEOPLE = [
  { externalId: 'ann', name: 'Ann Archer', team: 'Core', role: 'manager' },
  { externalId: 'bob', name: 'Bob Brennan', team: 'Core', managerExternalId: 'ann' },
  { externalId: 'cleo', name: 'Cleo Castillo', team: 'Support', managerExternalId: 'ann' },
  { externalId: 'dev', name: 'Devi Dhar', team: 'Support', managerExternalId: 'ann' },
  // Nobody praises or is praised by Zoé: her "mine" wall stays empty.
  { externalId: 'zoe', name: 'Zoé Zimmer', team: 'People' },
] as const;

/** A person of the directory sync; the survey tests add more than PEOPLE. */
export interface StackPerson {
  externalId: string;
  name: string;
  team?: string;
  role?: 'employee' | 'manager' | 'hr_admin' | 'admin';
  managerExternalId?: string;
}

export const VALUES = [
  { key: 'ownership', label: 'Ownership', emoji: '🧭' },
  { key: 'teamwork', label: 'Teamwork', emoji: '🧩' },
  { key: 'craft', label: 'Craft' },
];

/** What a host page shows; every field is a query parameter of the page URL. */
export interface PageOptions {
  /** Signed-in person (externalId); default `bob`. */
  as?: string;
  /** Token lifetime in seconds asked of Grove by the host backend (Grove's minimum is 5). */
  ttl?: number;
  /** Mint the token for this origin instead of the page's own (a misconfigured host). */
  mintOrigin?: string;
  /** Use the tenant whose allowlist does not hold the host's origin. */
  locked?: boolean;
  locale?: string;
  theme?: 'light' | 'dark' | 'auto';
  /** `scope` attribute of the wall. */
  scope?: 'all' | 'team' | 'mine';
  /** The host mints `praise:read` only: the wall can read but not react. */
  readOnly?: boolean;
}

/** A host page with the survey elements (`/surveys`); the host mints survey scopes too. */
export interface SurveyPageOptions {
  as?: string;
  ttl?: number;
  locale?: string;
  theme?: 'light' | 'dark' | 'auto';
  /** `survey` attribute of both elements (omit for "the first open one" / "the newest"). */
  survey?: string;
  layout?: 'paged' | 'single';
  /** Which elements the page holds; default both. */
  show?: 'survey' | 'results' | 'both';
  groupBy?: 'team' | 'manager';
}

export interface Tenant {
  id: string;
  apiKey: string;
  ids: Record<string, string>;
}

export interface Stack {
  api: RunningGrove;
  apiUrl: string;
  hostUrl: string;
  hostOrigin: string;
  /** Another origin on the tenant's allowlist, where no page is served. */
  otherOrigin: string;
  tenant: Tenant;
  /** How many tokens the host backend minted successfully, and how many mints Grove refused. */
  mints: { ok: number; refused: number };
  /** The URL of a host page embedding both widgets. */
  page(options?: PageOptions): string;
  /** The feed as Grove has it (asked as `as`, server side). */
  feed(as?: string): Promise<Array<{ id: string; message: string; values: string[]; recipients: Array<{ id: string }>; reactions: Array<{ reaction: string; count: number }> }>>;
  /** Gives praise server side, as `as`, through the API (to arrange a non-empty wall). */
  give(as: string, recipients: string[], message: string, values?: string[]): Promise<{ id: string }>;
  /** Replaces the tenant's allowed origins (platform API). */
  setOrigins(origins: string[]): Promise<void>;
  /** Revokes every token of the tenant issued until now (platform API). */
  revokeAll(): Promise<void>;
  /** The URL of a host page embedding the survey elements. */
  surveyPage(options?: SurveyPageOptions): string;
  /** Adds people to the tenant's directory (upsert); their `ids` join `tenant.ids`. */
  addPeople(people: StackPerson[]): Promise<void>;
  /** Creates a survey with the tenant API key; returns the API's answer. */
  createSurvey(body: unknown): Promise<{ id: string; questions: Array<{ id: string; type: string }> }>;
  /** Answers a survey as `as`, server side, through the API. Returns the HTTP status. */
  respond(as: string, surveyId: string, answers: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * One Grove API (on a fresh database) and one host intranet on another origin, both on
 * 127.0.0.1 with ports of their own: what a customer's page does, cross-origin, for real.
 */
export async function startStack(): Promise<Stack> {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    GROVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'grove-e2e-')),
    GROVE_PLATFORM_KEY: PLATFORM_KEY,
    GROVE_MASTER_KEY: randomBytes(32).toString('base64'),
  });
  // The host listens first, so its origin can go on the tenant's allowlist.
  const mints = { ok: 0, refused: 0 };
  const people: StackPerson[] = [...PEOPLE];
  let target: { apiUrl: string; open: Tenant; locked: Tenant } | undefined;
  const host = await listen(hostApp(() => target!, mints, people));
  const hostOrigin = `http://127.0.0.1:${port(host)}`;
  const otherOrigin = 'https://elsewhere.example';

  const api = await startServer({ ...config, publicUrl: 'http://grove.e2e' }, { database: db.handle, bundlePath: BUNDLE });
  const apiUrl = api.url;
  const call = async <T>(path: string, auth: string, body: unknown): Promise<T> => {
    const res = await fetch(apiUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const tenant = async (name: string, origins: string[]): Promise<Tenant> => {
    const created = await call<{ id: string; apiKey: string }>('/v1/platform/tenants', PLATFORM_KEY, { name, origins, values: VALUES });
    const sync = await call<{ items: Array<{ id: string; externalId: string }>; errors: unknown[] }>('/v1/directory/users', created.apiKey, {
      users: PEOPLE,
    });
    if (sync.errors.length) throw new Error(`directory sync: ${JSON.stringify(sync.errors)}`);
    return { id: created.id, apiKey: created.apiKey, ids: Object.fromEntries(sync.items.map((i) => [i.externalId, i.id])) };
  };
  const open = await tenant('Acme', [hostOrigin, otherOrigin]);
  const locked = await tenant('Locked Inc', [otherOrigin]);
  target = { apiUrl, open, locked };
  const widgetToken = async (as: string, scopes = ['praise:read', 'praise:write']) => {
    const person = people.find((p) => p.externalId === as)!;
    const { token } = await call<{ token: string }>('/v1/embed/tokens', open.apiKey, {
      user: { externalId: person.externalId, name: person.name },
      scopes,
      origin: hostOrigin,
    });
    return token;
  };

  return {
    api,
    apiUrl,
    hostUrl: hostOrigin,
    hostOrigin,
    otherOrigin,
    tenant: open,
    mints,
    page(options = {}) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== false) q.set(k, String(v));
      return `${hostOrigin}/?${q}`;
    },
    async feed(as = 'ann') {
      const res = await fetch(`${apiUrl}/v1/praise?limit=100`, {
        headers: { authorization: `Bearer ${await widgetToken(as)}`, origin: hostOrigin },
      });
      if (!res.ok) throw new Error(`feed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { items: Awaited<ReturnType<Stack['feed']>> }).items;
    },
    async give(as, recipients, message, values = []) {
      const res = await fetch(`${apiUrl}/v1/praise`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await widgetToken(as)}`,
          origin: hostOrigin,
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({ recipientIds: recipients.map((r) => open.ids[r]), message, values }),
      });
      if (res.status !== 201) throw new Error(`give: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    },
    async setOrigins(origins) {
      const res = await fetch(`${apiUrl}/v1/platform/tenants/${open.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${PLATFORM_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ origins }),
      });
      if (!res.ok) throw new Error(`setOrigins: ${res.status} ${await res.text()}`);
    },
    async revokeAll() {
      await call(`/v1/platform/tenants/${open.id}/tokens/revoke`, PLATFORM_KEY, {});
    },
    surveyPage(options = {}) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(options)) if (v !== undefined) q.set(k, String(v));
      return `${hostOrigin}/surveys?${q}`;
    },
    async addPeople(more) {
      const sync = await call<{ items: Array<{ id: string; externalId: string }>; errors: unknown[] }>('/v1/directory/users', open.apiKey, { users: more });
      if (sync.errors.length) throw new Error(`directory sync: ${JSON.stringify(sync.errors)}`);
      people.push(...more);
      for (const i of sync.items) open.ids[i.externalId] = i.id;
    },
    createSurvey(body) {
      return call('/v1/surveys', open.apiKey, body);
    },
    async respond(as, surveyId, answers) {
      const res = await fetch(`${apiUrl}/v1/surveys/${surveyId}/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await widgetToken(as, ['surveys:respond'])}`,
          origin: hostOrigin,
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({ answers }),
      });
      await res.body?.cancel();
      return res.status;
    },
    async close() {
      await new Promise<void>((resolve) => host.close(() => resolve()));
      await api.stop();
      await db.drop();
    },
  };
}

/**
 * The host intranet: a page that loads Grove by a plain script tag from Grove's origin, and the
 * backend route every host writes, minting a token with the tenant API key for the signed-in
 * person (here named by the page URL) and the page's origin.
 */
function hostApp(target: () => { apiUrl: string; open: Tenant; locked: Tenant }, mints: Stack['mints'], people: StackPerson[]) {
  const app = new Hono();
  app.get('/surveys', (c) => {
    const q = new URL(c.req.url).searchParams;
    const attr = (name: string, value: string | null) => (value ? ` ${name}="${esc(value)}"` : '');
    const common = attr('locale', q.get('locale')) + attr('theme', q.get('theme')) + attr('survey', q.get('survey'));
    const show = q.get('show') ?? 'both';
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Intranet surveys</title>
    <script src="${target().apiUrl}/grove.js"></script>
  </head>
  <body>
    <main>
      <h1>Surveys</h1>
      ${show !== 'results' ? `<section aria-label="Answer"><grove-survey${common}${attr('layout', q.get('layout'))}></grove-survey></section>` : ''}
      ${show !== 'survey' ? `<section aria-label="Results"><grove-survey-results${common}${attr('group-by', q.get('groupBy'))}></grove-survey-results></section>` : ''}
    </main>
    <script src="/host.js"></script>
  </body>
</html>`);
  });

  app.get('/', (c) => {
    const q = new URL(c.req.url).searchParams;
    const attrs = [q.get('locale') && `locale="${esc(q.get('locale')!)}"`, q.get('theme') && `theme="${esc(q.get('theme')!)}"`]
      .filter(Boolean)
      .join(' ');
    const scope = q.get('scope') ? ` scope="${esc(q.get('scope')!)}"` : '';
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Intranet</title>
    <script src="${target().apiUrl}/grove.js"></script>
  </head>
  <body>
    <main>
      <h1>Recognition</h1>
      <section aria-label="Give praise"><grove-praise-composer ${attrs}></grove-praise-composer></section>
      <section aria-label="Latest praise"><grove-praise-wall ${attrs}${scope}></grove-praise-wall></section>
    </main>
    <script src="/host.js"></script>
  </body>
</html>`);
  });

  app.get('/host.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(`window.Grove.configure({
  apiUrl: ${JSON.stringify(target().apiUrl)},
  getToken: async () => {
    const query = new URLSearchParams(location.search);
    if (location.pathname === '/surveys') query.set('surveys', '1');
    const response = await fetch('/grove-token?' + query, { method: 'POST' });
    if (!response.ok) throw new Error('token endpoint answered ' + response.status);
    return (await response.json()).token;
  },
});`);
  });

  app.post('/grove-token', async (c) => {
    const url = new URL(c.req.url);
    const q = url.searchParams;
    const { apiUrl, open, locked } = target();
    const tenant = q.get('locked') ? locked : open;
    const person = people.find((p) => p.externalId === (q.get('as') ?? 'bob'));
    if (!person) return c.json({ error: 'unknown person' }, 403);
    const ttl = Number(q.get('ttl')) || undefined;
    const response = await fetch(`${apiUrl}/v1/embed/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        user: { externalId: person.externalId, name: person.name },
        // Grove narrows the scopes to what the person's role allows (surveys:read for managers…).
        scopes: q.get('surveys')
          ? ['praise:read', 'surveys:respond', 'surveys:read', 'surveys:manage']
          : q.get('readOnly') ? ['praise:read'] : ['praise:read', 'praise:write'],
        origin: q.get('mintOrigin') ?? url.origin,
        ...(ttl ? { ttlSeconds: ttl } : {}),
      }),
    });
    if (!response.ok) {
      mints.refused++;
      return c.json({ error: 'could not mint a token' }, 502);
    }
    mints.ok++;
    c.header('Cache-Control', 'no-store');
    return c.json((await response.json()) as { token: string });
  });
  return app;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function listen(app: Hono): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
}

function port(server: ServerType): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
