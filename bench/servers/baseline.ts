/**
 * The bare baseline: plain Hono on @hono/node-server with postgres.js running the same indexed
 * queries as Grove's feed read, praise write and people typeahead, with no auth, no RLS, no
 * transaction, no validation, no encryption; and a bare route signing an EdDSA JWT with jose
 * beside Grove's token minting. Prints its port on stdout.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { generateKeyPair, SignJWT } from 'jose';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { feedStatement } from '../feed-statement.js';

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
const tenantId = process.env.TENANT_ID!;
const giverId = process.env.GIVER_ID!;
const recipientId = process.env.RECIPIENT_ID!;
const peopleTenantId = process.env.PEOPLE_TENANT_ID ?? tenantId;
const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const app = new Hono();

/** Grove's own feed statement for this viewer, run as the owner: what Grove adds on top of it is what the feed figure measures. */
const feed = await feedStatement(tenantId, giverId);

app.get('/feed', async (c) => {
  const rows = await sql.unsafe(feed.sql, feed.params as never[], { prepare: true });
  return c.json({ items: rows.slice(0, 20) });
});

// For reference only: the smallest read of a page, one table, no joins, no names, no reactions.
app.get('/feed-bare', async (c) => {
  const rows = await sql`
    select p.id, p.giver_id, p.message, p.values, p.visibility, p.created_at
    from app.praise p
    where p.tenant_id = ${tenantId} and p.deleted_at is null
    order by p.id desc limit 20`;
  return c.json({ items: rows });
});

app.post('/praise', async (c) => {
  const body = await c.req.json<{ message: string }>();
  const id = uuidv7();
  await sql`insert into app.praise (tenant_id, id, giver_id, message) values (${tenantId}, ${id}, ${giverId}, ${body.message})`;
  await sql`insert into app.praise_recipients (tenant_id, praise_id, recipient_id) values (${tenantId}, ${id}, ${recipientId})`;
  return c.json({ id }, 201);
});

// The typeahead's index range scans on (tenant_id, term) for the first word and the whole
// phrase, capped at 500 candidates each (as people.service.ts searchPeople does).
app.get('/people', async (c) => {
  const words = (c.req.query('q') ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
  if (words.length === 0) return c.json({ items: [] });
  const phrase = words.join(' ');
  const rows = await sql`
    select p.id, p.name, p.email, p.team
    from ((select t.person_id, t.term from app.person_search_terms t
           where t.tenant_id = ${peopleTenantId} and t.term ~>=~ ${words[0]!} and t.term ~<~ ${`${words[0]!}\u{10FFFF}`}
           order by t.term using ~<~ limit 500)
          union all
          (select t.person_id, t.term from app.person_search_terms t
           where t.tenant_id = ${peopleTenantId} and t.term ~>=~ ${phrase} and t.term ~<~ ${`${phrase}\u{10FFFF}`}
           order by t.term using ~<~ limit 500)) c
    join app.people p on p.tenant_id = ${peopleTenantId} and p.id = c.person_id
    group by p.id, p.name, p.email, p.team
    order by min(c.term), p.name
    limit 8`;
  return c.json({ items: rows });
});

// A bare EdDSA signature, the cryptographic core of minting a widget token.
app.post('/token', async (c) => {
  const body = await c.req.json<{ user: { externalId: string } }>();
  const token = await new SignJWT({ tid: tenantId, scp: 'praise:read praise:write' })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setSubject(body.user.externalId)
    .setIssuedAt()
    .setExpirationTime('10m')
    .setJti(uuidv7())
    .sign(privateKey);
  return c.json({ token }, 201);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`PORT ${info.port}`));
process.on('SIGTERM', () => server.close(() => void sql.end().then(() => process.exit(0))));
