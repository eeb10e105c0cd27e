import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './context.js';
import { onError } from './errors.js';
import { bodyLimit } from './middleware.js';

/**
 * The body limit over a real socket, as @hono/node-server delivers requests: a declared length
 * is checked before anything is read; a chunked body (no length) is counted as it arrives.
 */
const LIMIT = 1024;
let server: ServerType;
let port: number;

beforeAll(async () => {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use('*', bodyLimit(LIMIT));
  app.post('/echo', async (c) => c.json(await c.req.json<unknown>()));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      port = info.port;
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(body: string, { chunked = false, length }: { chunked?: boolean; length?: string } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = length ?? String(Buffer.byteLength(body));
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/echo', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 100) req.write(body.slice(i, i + 100));
    else req.write(body);
    req.end();
  });
}

const json = (size: number) => JSON.stringify({ text: 'x'.repeat(size - 11) });

describe('bodyLimit', () => {
  it('passes bodies within the limit, declared or chunked, to the route intact', async () => {
    for (const chunked of [false, true]) {
      const reply = await post(json(LIMIT), { chunked });
      expect(reply.status, `chunked: ${chunked}`).toBe(200);
      expect(JSON.parse(reply.body).text).toHaveLength(LIMIT - 11);
    }
  });

  it('refuses a body over the limit with a 413 problem, declared or chunked', async () => {
    for (const chunked of [false, true]) {
      const reply = await post(json(LIMIT + 1), { chunked });
      expect(reply.status, `chunked: ${chunked}`).toBe(413);
      expect(reply.type).toMatch(/application\/problem\+json/);
      expect(JSON.parse(reply.body).type).toBe('urn:grove:problem:payload-too-large');
    }
  });
});
