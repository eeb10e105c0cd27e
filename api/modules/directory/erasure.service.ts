import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client.js';
import { people } from '../../db/schema/people.js';

/** What an erased person is called wherever their praise or reactions still appear. */
export const ERASED_NAME = 'Former colleague';

/**
 * The external id a tombstone keeps: a keyed digest of the one it replaces, so the host can give
 * the original id to someone new, nobody can read the old one back, and erasing the same
 * external id again finds the tombstone (and answers "already erased") instead of a 404.
 * Keyed with a key derived from the master key: without it the digest cannot be recomputed.
 */
export function tombstoneExternalId(masterKey: Buffer, tenantId: string, externalId: string): string {
  const key = createHmac('sha256', masterKey).update('grove:erasure-tombstone:v1').digest();
  return `erased:${createHmac('sha256', key).update(`${tenantId}\0${externalId}`).digest('base64url')}`;
}

export interface ErasureReport {
  id: string;
  erasedAt: string;
  alreadyErased: boolean;
  counts: {
    /** Praise they gave: the message text (their writing) is removed, the praise stays. */
    praiseTextsRemoved: number;
    /** Praise they received: kept for its givers; they now appear as the tombstone. */
    praiseReceivedKept: number;
    /** Their reactions: kept as anonymous counts (the rows point to the tombstone). */
    reactionsKept: number;
    searchTermsDeleted: number;
    /** Stored responses of their requests (which may quote what they wrote). */
    idempotencyRecordsDeleted: number;
    /** People they managed, who now have no manager. */
    reportsUnassigned: number;
    /**
     * Survey rounds they took part in: kept, pointing at the tombstone, so participation counts
     * and rates (aggregates) stay what they were. Their answers were never linked to them
     * (docs/surveys.md) and are neither found nor touched.
     */
    surveyParticipationKept: number;
  };
}

export type PersonRef = { externalId: string } | { id: string };

/**
 * GDPR article 17 for one person, in the caller's tenant transaction (all or nothing). The row
 * becomes a tombstone rather than disappearing, so every count that involves them (praise others
 * received from them, reactions on others' praise) stays what it was, while nothing in it
 * identifies them: name, email, team, locale, manager and external id are replaced or cleared.
 * Their tokens stop working at the next request (`requires()` refuses an erased user).
 * Returns undefined when the tenant has no such person.
 */
export async function erasePerson(tx: Tx, tenantId: string, masterKey: Buffer, ref: PersonRef): Promise<ErasureReport | undefined> {
  const where =
    'id' in ref
      ? eq(people.id, ref.id)
      : sql`${people.externalId} in (${ref.externalId}, ${tombstoneExternalId(masterKey, tenantId, ref.externalId)})`;
  // Locks the row: two erasures of one person run one after the other.
  const [person] = await tx
    .select({ id: people.id, externalId: people.externalId, erasedAt: people.erasedAt })
    .from(people)
    .where(and(eq(people.tenantId, tenantId), where))
    .orderBy(sql`${people.erasedAt} is not null`) // a live holder of the external id before a tombstone
    .limit(1)
    .for('update');
  if (!person) return undefined;
  if (person.erasedAt) {
    const zero = { praiseTextsRemoved: 0, praiseReceivedKept: 0, reactionsKept: 0, searchTermsDeleted: 0, idempotencyRecordsDeleted: 0, reportsUnassigned: 0, surveyParticipationKept: 0 };
    return { id: person.id, erasedAt: person.erasedAt.toISOString(), alreadyErased: true, counts: zero };
  }
  const id = person.id;
  const count = async (query: ReturnType<typeof sql>) => Number((await rows<{ n: number | string }>(tx, query))[0]?.n ?? 0);

  // Their writing. '' is "no text": the praise, its recipients and its values stay, so what the
  // recipients were given still counts.
  const praiseTextsRemoved = await count(sql`
    with cleared as (update app.praise set message = '' where tenant_id = ${tenantId} and giver_id = ${id} and message <> '' returning 1)
    select count(*) as n from cleared`);
  const praiseReceivedKept = await count(sql`select count(*) as n from app.praise_recipients where tenant_id = ${tenantId} and recipient_id = ${id}`);
  const reactionsKept = await count(sql`select count(*) as n from app.praise_reactions where tenant_id = ${tenantId} and person_id = ${id}`);
  const searchTermsDeleted = await count(sql`
    with gone as (delete from app.person_search_terms where tenant_id = ${tenantId} and person_id = ${id} returning 1)
    select count(*) as n from gone`);
  const idempotencyRecordsDeleted = await count(sql`
    with gone as (delete from app.idempotency_keys where tenant_id = ${tenantId} and principal = ${`user:${id}`} returning 1)
    select count(*) as n from gone`);
  const reportsUnassigned = await count(sql`
    with moved as (update app.people set manager_id = null, updated_at = now() where tenant_id = ${tenantId} and manager_id = ${id} returning 1)
    select count(*) as n from moved`);
  const surveyParticipationKept = await count(sql`select count(*) as n from app.survey_participation where tenant_id = ${tenantId} and person_id = ${id}`);
  const erasedAt = new Date();
  await tx
    .update(people)
    .set({
      externalId: tombstoneExternalId(masterKey, tenantId, person.externalId),
      name: ERASED_NAME,
      email: null,
      role: 'employee',
      team: null,
      managerId: null,
      locale: null,
      erasedAt,
      updatedAt: erasedAt,
    })
    .where(and(eq(people.tenantId, tenantId), eq(people.id, id)));
  return {
    id,
    erasedAt: erasedAt.toISOString(),
    alreadyErased: false,
    counts: { praiseTextsRemoved, praiseReceivedKept, reactionsKept, searchTermsDeleted, idempotencyRecordsDeleted, reportsUnassigned, surveyParticipationKept },
  };
}
