import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import { FORMAT, iso, parsed, section, type ArchiveOptions } from './archive.js';
import { revealText } from './reveal.js';
import type { ReadBatch } from './stream.js';
import { personSurveySection } from './survey-archive.js';

type Named = { id: string; name: string };

/**
 * One person's archive (GDPR art. 20, `scope: "person"`): their profile, the praise they gave and
 * received that is still shown (not deleted), with the names of the people on it, and their
 * reactions, and the survey rounds they took part in (never answers: Grove cannot tell which are
 * theirs). Nothing else of the tenant.
 */
export async function* personArchive(read: ReadBatch, consistency: 'snapshot' | 'batches', personId: string, o: ArchiveOptions): AsyncGenerator<string> {
  const t = o.tenant.id;
  const [me] = await read((tx) =>
    rows<{ id: string; external_id: string; name: string; email: string | null; role: string; team: string | null; locale: string | null; created_at: string | Date; manager: Named | string | null }>(
      tx,
      sql`select p.id, p.external_id, p.name, p.email, p.role, p.team, p.locale, p.created_at,
            (select json_build_object('id', m.id, 'name', m.name) from app.people m where m.tenant_id = p.tenant_id and m.id = p.manager_id) as manager
          from app.people p where p.tenant_id = ${t} and p.id = ${personId}`,
    ),
  );
  o.onBatch(1);
  if (!me) throw new Error('the person vanished during the export');
  const person = {
    id: me.id, externalId: me.external_id, name: me.name, email: me.email, role: me.role, team: me.team, locale: me.locale,
    manager: me.manager === null ? null : parsed(me.manager), createdAt: iso(me.created_at),
  };
  yield `{"format":${JSON.stringify(FORMAT)},"scope":"person","exportedAt":${JSON.stringify(new Date().toISOString())},` +
    `"consistency":${JSON.stringify(consistency)},"tenant":${JSON.stringify({ id: t, name: o.tenant.name })},"person":${JSON.stringify(person)}`;

  interface Given { id: string; message: string; values: string[]; visibility: string; created_at: string | Date; recipients: Named[] | string }
  yield* section<Given, string>(
    'praiseGiven', read, o,
    (tx, id, limit) => rows(tx, sql`select p.id, p.message, p.values, p.visibility, p.created_at,
        (select coalesce(json_agg(json_build_object('id', rp.id, 'name', rp.name) order by rp.name), '[]'::json)
           from app.praise_recipients r join app.people rp on rp.tenant_id = r.tenant_id and rp.id = r.recipient_id
          where r.tenant_id = p.tenant_id and r.praise_id = p.id) as recipients
      from app.praise p
      where p.tenant_id = ${t} and p.giver_id = ${personId} and p.deleted_at is null ${id === undefined ? sql`` : sql`and p.id > ${id}`}
      order by p.id limit ${limit}`),
    (p) => p.id,
    async (p) => ({
      id: p.id,
      recipients: parsed(p.recipients),
      message: await revealText(o.reveal, { table: 'praise', column: 'message', rowId: p.id }, p.message),
      values: p.values, visibility: p.visibility, createdAt: iso(p.created_at),
    }),
  );

  interface Received { id: string; message: string; values: string[]; visibility: string; created_at: string | Date; giver_id: string; giver_name: string }
  yield* section<Received, string>(
    'praiseReceived', read, o,
    (tx, id, limit) => rows(tx, sql`select p.id, p.message, p.values, p.visibility, p.created_at, g.id as giver_id, g.name as giver_name
      from app.praise_recipients r
      join app.praise p on p.tenant_id = r.tenant_id and p.id = r.praise_id
      join app.people g on g.tenant_id = p.tenant_id and g.id = p.giver_id
      where r.tenant_id = ${t} and r.recipient_id = ${personId} and p.deleted_at is null ${id === undefined ? sql`` : sql`and r.praise_id > ${id}`}
      order by r.praise_id limit ${limit}`),
    (p) => p.id,
    async (p) => ({
      id: p.id,
      giver: { id: p.giver_id, name: p.giver_name },
      message: await revealText(o.reveal, { table: 'praise', column: 'message', rowId: p.id }, p.message),
      values: p.values, visibility: p.visibility, createdAt: iso(p.created_at),
    }),
  );

  interface Reaction { praise_id: string; reaction: string; created_at: string | Date }
  yield* section<Reaction, [string, string]>(
    'reactions', read, o,
    (tx, k, limit) => rows(tx, sql`select pr.praise_id, pr.reaction, pr.created_at
      from app.praise_reactions pr join app.praise p on p.tenant_id = pr.tenant_id and p.id = pr.praise_id
      where pr.tenant_id = ${t} and pr.person_id = ${personId} and p.deleted_at is null
        ${k === undefined ? sql`` : sql`and (pr.praise_id, pr.reaction) > (${k[0]}::uuid, ${k[1]})`}
      order by pr.praise_id, pr.reaction limit ${limit}`),
    (r) => [r.praise_id, r.reaction],
    async (r) => ({ praiseId: r.praise_id, reaction: r.reaction, createdAt: iso(r.created_at) }),
  );

  yield* personSurveySection(read, personId, o);

  yield ',"complete":true}';
}
