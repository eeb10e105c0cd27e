import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { rows, type Tx } from '../../db/client.js';
import { companyValues } from '../../db/schema/company-values.js';
import { people } from '../../db/schema/people.js';
import { praise, praiseReactions, praiseRecipients, REACTIONS, type Reaction } from '../../db/schema/praise.js';
import type { Viewer } from '../../http/context.js';
import { Problem } from '../../http/problems.js';
import { decodeIdCursor, encodeIdCursor } from '../../shared/cursor.js';
import type { TenantFields } from '../../security/field-cipher.js';
import { praiseMessageRef } from './praise.fields.js';
import type { FeedQuery, GivePraiseBody, PraiseItem, PraisePage } from './praise.schemas.js';

/** Ids the caller named that are not in its tenant: the routes report them (see violations.ts). */
export class UnknownIds extends Problem {
  constructor(
    readonly table: 'people' | 'praise',
    readonly ids: string[],
    detail: string,
  ) {
    super('not-found', detail);
  }
}

interface GivenRow {
  created_at: Date | string | null;
  giver_name: string;
  giver_team: string | null;
  recipients: Array<{ id: string; name: string; team: string | null }> | string;
  known_values: string[] | string;
}

/**
 * One statement: it checks the recipients (in the tenant, not erased) and the values, inserts the praise and
 * its recipients only when all are known, and answers what the response needs (the names) so
 * nothing is read back afterwards. Lists travel as one JSON parameter each, so the statement
 * text (and its prepared statement) is the same whatever their length; each is made an array
 * first (`= any(array(…))`), which the generic plan probes through the primary key. As
 * `in (select …)` it became a hash join over every person of the tenant (praise-plans.test.ts).
 */
export async function givePraise(tx: Tx, viewer: Viewer, fields: TenantFields, input: GivePraiseBody): Promise<PraiseItem> {
  const recipientIds = [...new Set(input.recipientIds)];
  if (recipientIds.includes(viewer.id)) throw new Problem('unprocessable', 'You cannot praise yourself.', { errors: [{ path: 'json.recipientIds', message: 'contains the giver' }] });
  const values = [...new Set(input.values)];
  const id = uuidv7();
  const sealed = fields.seal(praiseMessageRef(id), input.message);
  const t = viewer.tenantId;
  const [given] = await rows<GivenRow>(
    tx,
    sql`with rec as (
          select pe.id, pe.name, pe.team from app.people pe
           where pe.tenant_id = ${t} and pe.erased_at is null
             and pe.id = any(array(select jsonb_array_elements_text(${JSON.stringify(recipientIds)}::jsonb)::uuid))),
        val as (
          select cv.key from app.company_values cv
           where cv.tenant_id = ${t} and cv.key = any(array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)))),
        ins as (
          insert into app.praise (tenant_id, id, giver_id, message, values, visibility)
          select ${t}, ${id}, ${viewer.id}, ${sealed}, array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)), ${input.visibility}
           where (select count(*) from rec) = ${recipientIds.length} and (select count(*) from val) = ${values.length}
          returning created_at),
        ins_recipients as (
          insert into app.praise_recipients (tenant_id, praise_id, recipient_id)
          select ${t}, ${id}, rec.id from rec where exists (select 1 from ins))
        select (select created_at from ins) as created_at, g.name as giver_name, g.team as giver_team,
               (select coalesce(json_agg(json_build_object('id', rec.id, 'name', rec.name, 'team', rec.team) order by rec.name), '[]'::json) from rec) as recipients,
               (select coalesce(json_agg(key), '[]'::json) from val) as known_values
          from app.people g where g.tenant_id = ${t} and g.id = ${viewer.id}`,
  );
  const recipients = parseJson(given!.recipients);
  if (given!.created_at === null) {
    const known = new Set(recipients.map((p) => p.id));
    const missing = recipientIds.filter((r) => !known.has(r));
    if (missing.length > 0) throw new UnknownIds('people', missing, `No such colleague: ${missing.join(', ')}.`);
    const ok = new Set(parseJson(given!.known_values));
    const unknown = values.filter((v) => !ok.has(v));
    throw new Problem('unprocessable', `Not one of the company's values: ${unknown.join(', ')}.`, {
      errors: unknown.map((v) => ({ path: 'json.values', message: `unknown value "${v}"` })),
    });
  }
  return {
    id,
    giver: { id: viewer.id, name: given!.giver_name, team: given!.giver_team },
    recipients,
    message: input.message,
    values,
    visibility: input.visibility,
    createdAt: new Date(given!.created_at).toISOString(),
    reactions: [],
    canDelete: true,
  };
}

/**
 * Who may see a praise: everyone in the tenant when public; otherwise its giver, its recipients
 * and the recipients' managers.
 *
 * `offset 0` keeps the `exists` a per-row probe of the recipients index. Without it PostgreSQL
 * may turn it into a hashed subplan, and the feed runs a generic plan (see select()): that plan
 * hashed every recipient of the tenant, joined to every person, as soon as one private praise
 * was on the page.
 */
function visibleTo(viewer: Viewer): SQL {
  return sql`(p.visibility = 'public' or p.giver_id = ${viewer.id} or exists (
    select 1 from app.praise_recipients r
    join app.people rp on rp.tenant_id = r.tenant_id and rp.id = r.recipient_id
    where r.tenant_id = p.tenant_id and r.praise_id = p.id
      and (r.recipient_id = ${viewer.id} or rp.manager_id = ${viewer.id})
    offset 0))`;
}

function involves(personFilter: SQL): SQL {
  return sql`exists (
    select 1 from app.people x
    where x.tenant_id = p.tenant_id and ${personFilter}
      and (x.id = p.giver_id or exists (
        select 1 from app.praise_recipients r2
        where r2.tenant_id = p.tenant_id and r2.praise_id = p.id and r2.recipient_id = x.id)))`;
}

/** Reaction counts of praise `p`, and whether the viewer gave each: a JSON array. */
function reactionCounts(viewer: Viewer): SQL {
  return sql`(select coalesce(json_agg(json_build_object('reaction', x.reaction, 'count', x.n, 'reacted', x.mine)), '[]'::json)
     from (select reaction, count(*)::int as n, bool_or(person_id = ${viewer.id}) as mine
             from app.praise_reactions pr
            where pr.tenant_id = p.tenant_id and pr.praise_id = p.id
            group by reaction) x)`;
}

type ReactionCounts = PraiseItem['reactions'];

/** JSON columns arrive parsed from postgres.js and as text from PGlite. */
function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** Reaction counts in the fixed set's order. */
function toReactions(value: ReactionCounts | string): ReactionCounts {
  return parseJson(value).sort((a, b) => REACTIONS.indexOf(a.reaction) - REACTIONS.indexOf(b.reaction));
}

interface Row {
  id: string;
  giver_id: string;
  giver_name: string;
  giver_team: string | null;
  message: string;
  values: string[];
  visibility: 'public' | 'private';
  created_at: Date | string;
  recipients: Array<{ id: string; name: string; team: string | null }> | string;
  reactions: ReactionCounts | string;
}

/**
 * The page size, written into the statement rather than passed as a parameter. With `limit $n`
 * PostgreSQL costs a generic plan for a tenth of the tenant's praise, never chooses it, and
 * plans the feed afresh on every execution (custom plans only), which cost more than running it.
 * With the limit in the text, the prepared statement settles on its generic plan after five
 * executions (one statement per page size: 1 for one praise, 2–101 for the feed).
 */
function limitLiteral(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`Not a page size: ${limit}`);
  return limit;
}

/**
 * One query for a page: praise, giver, recipients and reaction counts, newest first. Messages
 * are opened here; one that does not open (moved from another row or tenant, key destroyed)
 * comes back without its item, the failure already recorded as a `decryption_failed` event.
 */
async function select(tx: Tx, viewer: Viewer, fields: TenantFields, where: SQL[], limit: number): Promise<Array<{ id: string; item: PraiseItem | undefined }>> {
  const result = await rows<Row>(
    tx,
    sql`select p.id, p.giver_id, g.name as giver_name, g.team as giver_team, p.message, p.values,
          p.visibility, p.created_at,
          (select coalesce(json_agg(json_build_object('id', rp.id, 'name', rp.name, 'team', rp.team) order by rp.name), '[]'::json)
             from app.praise_recipients r join app.people rp on rp.tenant_id = r.tenant_id and rp.id = r.recipient_id
            where r.tenant_id = p.tenant_id and r.praise_id = p.id) as recipients,
          ${reactionCounts(viewer)} as reactions
        from app.praise p
        join app.people g on g.tenant_id = p.tenant_id and g.id = p.giver_id
        where p.tenant_id = ${viewer.tenantId} and p.deleted_at is null and ${visibleTo(viewer)}
          ${sql.join(where.map((w) => sql`and ${w}`), sql` `)}
        order by p.id desc
        limit ${sql.raw(String(limitLiteral(limit)))}`,
  );
  const moderator = viewer.scopes.has('praise:moderate');
  return result.map((r) => {
    const message = fields.open(praiseMessageRef(r.id), r.message);
    if (message === undefined) return { id: r.id, item: undefined };
    const item: PraiseItem = {
      id: r.id,
      giver: { id: r.giver_id, name: r.giver_name, team: r.giver_team },
      recipients: parseJson(r.recipients),
      message,
      values: r.values,
      visibility: r.visibility,
      createdAt: new Date(r.created_at).toISOString(),
      reactions: toReactions(r.reactions),
      canDelete: moderator || r.giver_id === viewer.id,
    };
    return { id: r.id, item };
  });
}

/** One praise; an unreadable one answers like a missing one (its failure is recorded). */
export async function getPraise(tx: Tx, viewer: Viewer, fields: TenantFields, id: string): Promise<PraiseItem | undefined> {
  const [found] = await select(tx, viewer, fields, [sql`p.id = ${id}`], 1);
  return found?.item;
}

/**
 * A page of the feed. An unreadable praise is left out of its page rather than failing the
 * whole feed; the cursor still moves past it, so paging neither stalls nor repeats.
 */
export async function praiseFeed(tx: Tx, viewer: Viewer, fields: TenantFields, query: FeedQuery): Promise<PraisePage> {
  const where: SQL[] = [];
  if (query.cursor) where.push(sql`p.id < ${decodeIdCursor(query.cursor)}`);
  if (query.giverId) where.push(sql`p.giver_id = ${query.giverId}`);
  if (query.recipientId) {
    where.push(sql`exists (select 1 from app.praise_recipients r3
      where r3.tenant_id = p.tenant_id and r3.praise_id = p.id and r3.recipient_id = ${query.recipientId})`);
  }
  if (query.value) where.push(sql`p.values @> array[${query.value}]::text[]`);
  if (query.scope === 'mine') where.push(involves(sql`x.id = ${viewer.id}`));
  if (query.scope === 'team') {
    const sameTeam = viewer.team ? sql`x.team = ${viewer.team}` : sql`false`;
    where.push(involves(sql`(x.manager_id = ${viewer.id} or ${sameTeam})`));
  }
  const found = await select(tx, viewer, fields, where, query.limit + 1);
  const more = found.length > query.limit;
  const page = found.slice(0, query.limit);
  return {
    items: page.flatMap((f) => (f.item ? [f.item] : [])),
    nextCursor: more ? encodeIdCursor(page[page.length - 1]!.id) : null,
  };
}

export async function deletePraise(tx: Tx, viewer: Viewer, fields: TenantFields, id: string): Promise<void> {
  const item = await getPraise(tx, viewer, fields, id);
  // A moderator may remove praise they cannot read (private praise between others).
  const moderator = viewer.scopes.has('praise:moderate');
  if (!item && !moderator) throw new UnknownIds('praise', [id], 'No such praise.');
  if (item && !item.canDelete) throw new Problem('forbidden', 'Only the giver or a moderator may delete praise.');
  const deleted = await tx
    .update(praise)
    .set({ deletedAt: new Date(), deletedBy: viewer.id })
    .where(and(eq(praise.tenantId, viewer.tenantId), eq(praise.id, id), isNull(praise.deletedAt)))
    .returning({ id: praise.id });
  if (deleted.length === 0) throw new UnknownIds('praise', [id], 'No such praise.');
}

/**
 * Reacting needs only to know the praise is there for the viewer, and answers only the counts:
 * two narrow queries around the write, not the whole praise twice.
 */
export async function setReaction(tx: Tx, viewer: Viewer, id: string, reaction: Reaction, on: boolean) {
  const visible = await rows<{ id: string }>(
    tx,
    sql`select p.id from app.praise p
        where p.tenant_id = ${viewer.tenantId} and p.id = ${id} and p.deleted_at is null and ${visibleTo(viewer)}`,
  );
  if (visible.length === 0) throw new UnknownIds('praise', [id], 'No such praise.');
  const row = { tenantId: viewer.tenantId, praiseId: id, personId: viewer.id, reaction };
  if (on) await tx.insert(praiseReactions).values(row).onConflictDoNothing();
  else {
    await tx
      .delete(praiseReactions)
      .where(
        and(
          eq(praiseReactions.tenantId, viewer.tenantId),
          eq(praiseReactions.praiseId, id),
          eq(praiseReactions.personId, viewer.id),
          eq(praiseReactions.reaction, reaction),
        ),
      );
  }
  const [counts] = await rows<{ reactions: ReactionCounts | string }>(
    tx,
    sql`select ${reactionCounts(viewer)} as reactions from app.praise p where p.tenant_id = ${viewer.tenantId} and p.id = ${id}`,
  );
  return { reactions: toReactions(counts!.reactions) };
}
