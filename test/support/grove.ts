import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config.js';
import { createGrove, type Grove, type GroveOptions } from '../../api/grove.js';
import { freshDatabase } from './database.js';

export const PLATFORM_KEY = `grove_pk_test_${'x'.repeat(32)}`;
export const ORIGIN = 'https://intranet.acme.test';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body text, sent as is. */
  raw?: string;
  auth?: string;
  origin?: string | null;
  headers?: Record<string, string>;
}

/**
 * A Grove on a fresh database with helpers to call it in-process. Tokens, keys and RLS are all
 * real: nothing is mocked.
 */
export async function testGrove(env: Record<string, string> = {}, options: GroveOptions = {}) {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    GROVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'grove-test-')),
    GROVE_PLATFORM_KEY: PLATFORM_KEY,
    GROVE_MASTER_KEY: randomBytes(32).toString('base64'),
    GROVE_PUBLIC_URL: 'https://grove.test',
    ...env,
  });
  const grove: Grove = await createGrove(config, { database: db.handle, revocationPollMs: 100, ...options });

  const request = requester(grove);
  const siblings: Grove[] = [];

  /**
   * Another Grove instance on the same database and config (same master key, hence the same
   * signing keys), as a second API process of one deployment would be. `close()` closes it.
   */
  async function sibling(options: GroveOptions = {}) {
    const other = await createGrove(config, { revocationPollMs: 100, ...options, database: db.handle, migrate: false });
    siblings.push(other);
    return { grove: other, request: requester(other) };
  }

  async function createTenant(name = 'Acme', origins: string[] = [ORIGIN], values?: Array<{ key: string; label: string }>) {
    const reply = await request('POST', '/v1/platform/tenants', { auth: PLATFORM_KEY, body: { name, origins, ...(values ? { values } : {}) } });
    if (reply.status !== 201) throw new Error(`createTenant: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { id: string; name: string; origins: string[]; apiKey: string };
  }

  async function mint(
    apiKey: string,
    user: Record<string, unknown>,
    scopes: string[] = ['praise:read', 'praise:write'],
    extra: Record<string, unknown> = { origin: ORIGIN },
  ) {
    const reply = await request('POST', '/v1/embed/tokens', { auth: apiKey, body: { user, scopes, ...extra } });
    if (reply.status !== 201) throw new Error(`mint: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { token: string; expiresAt: string; scopes: string[]; user: { id: string; externalId: string } };
  }

  /** A tenant with people and a token for each, ready to praise. */
  async function tenantWithPeople(name: string, origin = ORIGIN) {
    const tenant = await createTenant(name, [origin], [
      { key: 'ownership', label: 'Ownership' },
      { key: 'kindness', label: 'Kindness' },
    ]);
    const users = [
      { externalId: 'boss', name: `${name} Boss`, role: 'manager', team: 'Leads' },
      { externalId: 'ann', name: `${name} Ann`, managerExternalId: 'boss', team: 'Core' },
      { externalId: 'bob', name: `${name} Bob`, managerExternalId: 'boss', team: 'Core' },
      { externalId: 'cat', name: `${name} Cat`, team: 'Other' },
      { externalId: 'root', name: `${name} Admin`, role: 'admin' },
    ];
    const sync = await request('POST', '/v1/directory/users', { auth: tenant.apiKey, body: { users } });
    if (sync.status !== 200 || sync.body.errors.length) throw new Error(`sync: ${JSON.stringify(sync.body)}`);
    const ids = Object.fromEntries((sync.body.items as Array<{ id: string; externalId: string }>).map((i) => [i.externalId, i.id]));
    const nameOf = (externalId: string) => users.find((u) => u.externalId === externalId)?.name ?? externalId;
    const token = async (externalId: string, scopes?: string[]) =>
      (await mint(tenant.apiKey, { externalId, name: nameOf(externalId) }, scopes, { origin })).token;
    return { tenant, ids, token, origin };
  }

  return {
    grove,
    request,
    createTenant,
    mint,
    tenantWithPeople,
    sibling,
    config,
    db,
    async close() {
      for (const other of siblings) await other.close();
      await grove.close();
      await db.drop();
    },
  };
}

export type TestGrove = Awaited<ReturnType<typeof testGrove>>;

/** Calls `grove` in-process. */
function requester(grove: Grove) {
  return async function request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = `Bearer ${options.auth}`;
    if (options.origin) headers.origin = options.origin;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await grove.app.request(`https://grove.test${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
}
