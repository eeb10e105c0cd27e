import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, testGrove, type TestGrove } from '../../../test/support/grove.js';

let t: TestGrove;
const bundle = join(mkdtempSync(join(tmpdir(), 'grove-bundle-')), 'grove.js');
const chunk = 'grove-surveys.0123456789abcdef.js';
beforeAll(async () => {
  writeFileSync(bundle, 'window.Grove={};');
  writeFileSync(join(bundle, '..', chunk), 'export {};');
  writeFileSync(join(bundle, '..', 'secret.txt'), 'not for the web');
  t = await testGrove({}, { bundlePath: bundle });
  await t.createTenant('Ops', [ORIGIN]);
});
afterAll(() => t.close());

describe('operations', () => {
  it('answers health and readiness', async () => {
    expect((await t.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(200);
  });

  it('exposes Prometheus metrics by route pattern, never by raw id', async () => {
    await t.request('GET', `/v1/praise/${crypto.randomUUID()}`);
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/grove_http_requests_total\{method="GET",route="\/v1\/praise\/:id",status="401"\} 1/);
    expect(metrics.body).toContain('grove_tokens_minted_total');
    expect(metrics.body).toContain('grove_security_events_total');
  });

  it('sends security headers and a request id on every response', async () => {
    const reply = await t.request('GET', '/health');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers.get('strict-transport-security')).toContain('max-age=31536000');
  });

  it('answers widget preflights for allowed origins only', async () => {
    const allowed = await t.request('OPTIONS', '/v1/praise', {
      origin: ORIGIN,
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    const stranger = await t.request('OPTIONS', '/v1/praise', { origin: 'https://evil.test', headers: { 'access-control-request-method': 'POST' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the bundle cross-origin, revalidated by ETag, and immutable under its hash', async () => {
    const reply = await t.request('GET', '/grove.js');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(reply.headers.get('content-type')).toMatch(/javascript/);
    const etag = reply.headers.get('etag')!;
    expect((await t.request('GET', '/grove.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const hashed = /<(\/grove\.[0-9a-f]{16}\.js)>/.exec(reply.headers.get('link')!)![1]!;
    const immutable = await t.request('GET', hashed);
    expect(immutable.headers.get('cache-control')).toContain('immutable');
    expect(immutable.body).toBe('window.Grove={};');
  });

  it('serves the lazily loaded chunks beside the bundle, cross-origin and immutable, and nothing else there', async () => {
    const reply = await t.request('GET', `/${chunk}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('export {};');
    expect(reply.headers.get('content-type')).toMatch(/javascript/);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('cache-control')).toContain('immutable');
    expect((await t.request('GET', '/grove-surveys.fedcba9876543210.js')).status).toBe(404);
    for (const path of ['/secret.txt', '/grove-surveys.js', '/grove-surveys.0123456789abcdef.js.map', '/grove-..%2Fsecret.0123456789abcdef.js']) {
      expect((await t.request('GET', path)).status, path).toBe(404);
    }
  });

  it('publishes an OpenAPI 3.1 document of every route', async () => {
    const doc = await t.request('GET', '/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/praise', '/v1/praise/{id}', '/v1/embed/tokens', '/v1/platform/tenants', '/v1/directory/users', '/v1/people']),
    );
  });

  it('answers unknown routes and methods with a problem document', async () => {
    const missing = await t.request('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body.type).toBe('urn:grove:problem:not-found');
  });

  it('says 503 when the database is gone', async () => {
    const other = await testGrove();
    await other.db.handle.close();
    const ready = await other.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.type).toBe('urn:grove:problem:unavailable');
    await other.db.drop().catch(() => {});
  });
});
