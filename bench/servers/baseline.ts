/**
 * The bare baseline: plain Hono on @hono/node-server with postgres.js running the same indexed
 * queries as Grove's feed read and praise write, with no auth, no RLS, no transaction, no
 * validation. Prints its port on stdout.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';

const sql = postgres(process.env.DATABASE_URL!, { max: 10 });
const tenantId = process.env.TENANT_ID!;
const giverId = process.env.GIVER_ID!;
const recipientId = process.env.RECIPIENT_ID!;
const app = new Hono();

app.get('/feed', async (c) => {
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

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`PORT ${info.port}`));
process.on('SIGTERM', () => server.close(() => void sql.end().then(() => process.exit(0))));
