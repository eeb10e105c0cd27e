import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client.js';
import type { TenantInfo } from '../platform/tenant-registry.js';
import { revealText, type RevealContext } from './reveal.js';
import type { ReadBatch } from './stream.js';
import { tenantSurveySections } from './survey-archive.js';

/**
 * The tenant archive, `grove-export/1` (docs/export.md), as a sequence of JSON text chunks: one
 * chunk per batch of rows, each batch one keyset query (`… where key > last key order by key
 * limit n`), so memory holds one batch whatever the tenant's size.
 */
export const FORMAT = 'grove-export/1';

export interface ArchiveOptions {
  tenant: TenantInfo;
  reveal: RevealContext;
  batchSize: number;
  /** Called after each batch is read (metrics; tests count batches with it). */
  onBatch: (rowCount: number) => void;
}

export const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
/** JSON columns arrive parsed from postgres.js and as text from PGlite. */
export const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/**
 * One array of the archive: `,"name":[…]`, read in keyset batches. `fetch(after, limit)` returns
 * rows after the cursor; `cursor` makes the next cursor from a batch's last row.
 */
export async function* section<R, C>(
  name: string,
  read: ReadBatch,
  options: Pick<ArchiveOptions, 'batchSize' | 'onBatch'>,
  fetch: (tx: Tx, after: C | undefined, limit: number) => Promise<R[]>,
  cursor: (row: R) => C,
  toJson: (row: R) => Promise<unknown>,
): AsyncGenerator<string> {
  let after: C | undefined;
  let open = `,${JSON.stringify(name)}:[`;
  for (;;) {
    const batch = await read((tx) => fetch(tx, after, options.batchSize));
    options.onBatch(batch.length);
    if (batch.length === 0) break;
    const items: string[] = [];
    for (const row of batch) items.push(JSON.stringify(await toJson(row)));
    yield `${open}${items.join(',')}`;
    open = ',';
    if (batch.length < options.batchSize) break;
    after = cursor(batch[batch.length - 1]!);
  }
  yield open === ',' ? ']' : `${open}]`;
}

const after = (condition: SQL | undefined) => condition ?? sql``;

interface ValueRow { key: string; label: string; description: string | null; emoji: string | null; position: number }
interface PersonRow {
  id: string; external_id: string; name: string; email: string | null; role: string; manager_id: string | null;
  team: string | null; locale: string | null; created_at: string | Date; updated_at: string | Date; erased_at: string | Date | null;
}
interface PraiseRow {
  id: string; giver_id: string; message: string; values: string[]; visibility: string; created_at: string | Date;
  deleted_at: string | Date | null; deleted_by: string | null; recipient_ids: string[];
}
interface ReactionRow { praise_id: string; person_id: string; reaction: string; created_at: string | Date }

export async function* tenantArchive(read: ReadBatch, consistency: 'snapshot' | 'batches', o: ArchiveOptions): AsyncGenerator<string> {
  const t = o.tenant.id;
  yield `{"format":${JSON.stringify(FORMAT)},"scope":"tenant","exportedAt":${JSON.stringify(new Date().toISOString())},` +
    `"consistency":${JSON.stringify(consistency)},"tenant":${JSON.stringify({ id: t, name: o.tenant.name, origins: o.tenant.origins })}`;

  yield* section<ValueRow, string>(
    'values', read, o,
    (tx, key, limit) => rows(tx, sql`select key, label, description, emoji, position from app.company_values
      where tenant_id = ${t} ${after(key === undefined ? undefined : sql`and key > ${key}`)} order by key limit ${limit}`),
    (v) => v.key,
    async (v) => ({
      key: v.key,
      label: await revealText(o.reveal, { table: 'company_values', column: 'label', rowId: v.key }, v.label),
      description: await revealText(o.reveal, { table: 'company_values', column: 'description', rowId: v.key }, v.description),
      emoji: v.emoji,
      position: v.position,
    }),
  );

  yield* section<PersonRow, string>(
    'people', read, o,
    (tx, id, limit) => rows(tx, sql`select id, external_id, name, email, role, manager_id, team, locale, created_at, updated_at, erased_at
      from app.people where tenant_id = ${t} ${after(id === undefined ? undefined : sql`and id > ${id}`)} order by id limit ${limit}`),
    (p) => p.id,
    async (p) => ({
      id: p.id, externalId: p.external_id, name: p.name, email: p.email, role: p.role, managerId: p.manager_id, team: p.team,
      locale: p.locale, createdAt: iso(p.created_at), updatedAt: iso(p.updated_at), erasedAt: iso(p.erased_at),
    }),
  );

  yield* section<PraiseRow, string>(
    'praise', read, o,
    (tx, id, limit) => rows(tx, sql`select p.id, p.giver_id, p.message, p.values, p.visibility, p.created_at, p.deleted_at, p.deleted_by,
        coalesce((select array_agg(r.recipient_id::text order by r.recipient_id) from app.praise_recipients r
                  where r.tenant_id = p.tenant_id and r.praise_id = p.id), '{}') as recipient_ids
      from app.praise p where p.tenant_id = ${t} ${after(id === undefined ? undefined : sql`and p.id > ${id}`)} order by p.id limit ${limit}`),
    (p) => p.id,
    async (p) => ({
      id: p.id,
      giverId: p.giver_id,
      recipientIds: p.recipient_ids,
      message: await revealText(o.reveal, { table: 'praise', column: 'message', rowId: p.id }, p.message),
      values: p.values,
      visibility: p.visibility,
      createdAt: iso(p.created_at),
      deletedAt: iso(p.deleted_at),
      deletedBy: p.deleted_by,
    }),
  );

  yield* section<ReactionRow, [string, string, string]>(
    'reactions', read, o,
    (tx, k, limit) => rows(tx, sql`select praise_id, person_id, reaction, created_at from app.praise_reactions
      where tenant_id = ${t} ${after(k === undefined ? undefined : sql`and (praise_id, person_id, reaction) > (${k[0]}::uuid, ${k[1]}::uuid, ${k[2]})`)}
      order by praise_id, person_id, reaction limit ${limit}`),
    (r) => [r.praise_id, r.person_id, r.reaction],
    async (r) => ({ praiseId: r.praise_id, personId: r.person_id, reaction: r.reaction, createdAt: iso(r.created_at) }),
  );

  yield* tenantSurveySections(read, o);

  yield ',"complete":true}';
}
