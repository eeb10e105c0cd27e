import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rows, type Database } from '../../api/db/client.js';
import type { Reply } from './grove.js';

/**
 * Every row of each table, as a count and a digest (read as the owner): equal before and after
 * a refused request means the request changed nothing.
 */
export async function tableDigests(db: Database, tables: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await rows<{ n: number; d: string }>(
      db,
      sql`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from ${sql.raw(table)} x`,
    );
    out[table] = `${row!.n}:${row!.d}`;
  }
  return out;
}

/** A 4xx RFC 9457 problem document with a stable type, and nothing of the server's insides. */
export function expectProblem(reply: Reply, label: string) {
  const text = JSON.stringify(reply.body);
  expect(reply.status, `${label}: ${reply.status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(reply.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(reply.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
  expect(typeof reply.body, label).toBe('object');
  expect(reply.body.type, label).toMatch(/^urn:grove:problem:[a-z-]+$/);
  expect(reply.body.status, label).toBe(reply.status);
  expect(typeof reply.body.title, label).toBe('string');
  // Never a stack trace or a raw database message.
  expect(text, label).not.toMatch(/\bat .+\.(ts|js):\d+|stack|violates|invalid byte sequence|syntax error at|drizzle|Failed query/i);
}
