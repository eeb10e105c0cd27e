import { sql } from 'drizzle-orm';
import { rows, type DatabaseHandle, type Tx } from '../../db/client.js';

/**
 * The answer mixer. A response is stored in the same transaction as its participation row
 * (that is what makes "one per person and round" exact), so until something else happens the
 * response's tuples sit in the heap in arrival order and carry the same transaction id (xmin) as
 * the participation row: an operator with raw database access could line them up.
 *
 * The mixer rewrites every round that received responses since its last pass: in one
 * transaction it inserts copies of all the round's responses and answers in random order under
 * fresh random ids, and deletes the originals. Afterwards all of a round's answer-side tuples
 * share the mixer's transaction id and a random physical order, and the ids a response had
 * before are gone. A VACUUM then prunes the dead originals. What remains (until it is recycled)
 * is in the WAL and in freed page space: docs/surveys.md, "What an operator can still infer".
 */

/** Rewrites one round's responses and answers in random order under new ids. */
export async function mixRound(tx: Tx, tenantId: string, surveyId: string, round: number): Promise<void> {
  await tx.execute(sql`
    with moved as (
      select r.id as old_id, gen_random_uuid() as new_id, r.team, r.managers
        from app.survey_responses r
       where r.tenant_id = ${tenantId} and r.survey_id = ${surveyId} and r.round = ${round}
    ), responses as (
      insert into app.survey_responses (tenant_id, id, survey_id, round, team, managers, mixed)
      select ${tenantId}::uuid, m.new_id, ${surveyId}::uuid, ${round}::int, m.team, m.managers, true
        from moved m order by random()
    ), answers as (
      insert into app.survey_answers (tenant_id, response_id, survey_id, round, question_id, team, managers, value, choices, text)
      select a.tenant_id, m.new_id, a.survey_id, a.round, a.question_id, a.team, a.managers, a.value, a.choices, a.text
        from app.survey_answers a join moved m on a.response_id = m.old_id
       where a.tenant_id = ${tenantId} and a.survey_id = ${surveyId} and a.round = ${round}
       order by random()
    )
    delete from app.survey_responses d using moved m where d.tenant_id = ${tenantId} and d.id = m.old_id`);
}

/**
 * One mixing pass over every tenant: finds rounds with unmixed responses (owner connection,
 * which sees across tenants), mixes each in its tenant's unit of work, then vacuums.
 * Returns how many rounds it mixed.
 */
export async function mixSurveyAnswers(database: DatabaseHandle): Promise<number> {
  const pending = await rows<{ tenant_id: string; survey_id: string; round: number }>(
    database.db,
    sql`select distinct tenant_id, survey_id, round from app.survey_responses where not mixed`,
  );
  for (const p of pending) {
    await database.withTenant(p.tenant_id, (tx) => mixRound(tx, p.tenant_id, p.survey_id, Number(p.round)));
  }
  if (pending.length > 0) await database.db.execute(sql`vacuum app.survey_responses, app.survey_answers`);
  return pending.length;
}
