import { sql } from 'drizzle-orm';
import { v4 as uuidv4 } from 'uuid';
import { rows, type Tx } from '../../db/client.js';
import { errorCode } from '../../db/driver-errors.js';
import { surveyAnswers, surveyParticipation, surveyResponses } from '../../db/schema/surveys.js';
import type { Viewer } from '../../http/context.js';
import { Problem } from '../../http/problems.js';
import type { TenantFields } from '../../security/field-cipher.js';
import { sealAnswerText } from './answer-text.js';
import { currentRound } from './rounds.js';
import { inAudienceSql, loadSurvey, scheduleOf, UnknownIds } from './surveys.service.js';
import type { Answer, AnswerError, Question, RespondBody, ResponseReceipt } from './surveys.schemas.js';

/** An answer checked against its question, ready to store. */
export interface ValidAnswer {
  questionId: string;
  value: number | null;
  choices: number[] | null;
  text: string | null;
}

/** What a breakdown groups by, taken from the directory at answer time. Never the person. */
export interface GroupAttributes {
  team: string | null;
  /** Direct manager first, then theirs, up to the top. */
  managers: string[];
}

/**
 * Raised instead of a driver error when storing answers fails: a driver error carries the
 * statement's parameters (the answers) and would reach the error log with the request id. Its
 * code is kept, so a lost connection is still told from a failed statement (driver-errors.ts).
 */
export class AnswerWriteFailed extends Error {
  constructor(readonly code: string | undefined) {
    super(`storing a survey response failed${code ? ` (${code})` : ''}`);
  }
}

const RANGES: Record<string, [number, number]> = { likert: [1, 5], enps: [0, 10] };

function check(question: Question, answer: Answer): AnswerError['reason'] | ValidAnswer {
  const has = { value: answer.value !== undefined, choices: answer.choices !== undefined, text: answer.text !== undefined };
  const only = (key: keyof typeof has) => Object.entries(has).every(([k, v]) => v === (k === key));
  const base = { questionId: question.id, value: null, choices: null, text: null };
  switch (question.type) {
    case 'likert':
    case 'enps': {
      if (!only('value')) return 'wrong_type';
      const [min, max] = RANGES[question.type]!;
      return answer.value! < min || answer.value! > max ? 'out_of_range' : { ...base, value: answer.value! };
    }
    case 'single_choice':
      if (!only('value')) return 'wrong_type';
      return answer.value! >= question.options!.length ? 'out_of_range' : { ...base, value: answer.value! };
    case 'multiple_choice': {
      if (!only('choices')) return 'wrong_type';
      const choices = answer.choices!;
      if (new Set(choices).size !== choices.length || choices.some((c) => c >= question.options!.length)) return 'out_of_range';
      return { ...base, choices: [...choices].sort((a, b) => a - b) };
    }
    case 'text':
      if (!only('text')) return 'wrong_type';
      // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the driver.
      return answer.text!.includes('\u0000') ? 'wrong_type' : { ...base, text: answer.text! };
  }
}

/** Checks every answer against the survey's questions; all problems at once, or the answers. */
export function validateAnswers(questions: Question[], answers: Answer[]): ValidAnswer[] {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: AnswerError[] = [];
  const valid: ValidAnswer[] = [];
  const seen = new Set<string>();
  for (const answer of answers) {
    const question = byId.get(answer.questionId);
    if (!question) {
      errors.push({ questionId: answer.questionId, reason: 'unknown_question' });
      continue;
    }
    if (seen.has(answer.questionId)) {
      errors.push({ questionId: answer.questionId, reason: 'duplicate' });
      continue;
    }
    seen.add(answer.questionId);
    const result = check(question, answer);
    if (typeof result === 'string') errors.push({ questionId: answer.questionId, reason: result });
    else valid.push(result);
  }
  for (const q of questions) if (q.required && !seen.has(q.id)) errors.push({ questionId: q.id, reason: 'missing_required' });
  if (errors.length > 0) throw new Problem('invalid-answers', 'Some answers do not fit the survey.', { errors });
  return valid;
}

/** The person's team and manager chain as the directory holds them now (a cycle ends the chain). */
export async function groupAttributesOf(tx: Tx, tenantId: string, personId: string): Promise<GroupAttributes> {
  const [row] = await rows<{ team: string | null; managers: string[] | string | null }>(
    tx,
    sql`with recursive chain(id, manager_id, path) as (
          select p.id, p.manager_id, array[p.id] from app.people p where p.tenant_id = ${tenantId} and p.id = ${personId}
          union all
          select m.id, m.manager_id, c.path || m.id
            from chain c join app.people m on m.tenant_id = ${tenantId} and m.id = c.manager_id
           where not m.id = any(c.path) and cardinality(c.path) < 64)
        select (select team from app.people where tenant_id = ${tenantId} and id = ${personId}) as team,
               (select path[2:] from chain order by cardinality(path) desc limit 1)::text[] as managers`,
  );
  const managers = row?.managers ?? [];
  return { team: row?.team ?? null, managers: typeof managers === 'string' ? parsePgArray(managers) : managers };
}

function parsePgArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}

/**
 * Stores one response of a round: its group attributes and its answers, with a random id and
 * nothing else. The caller has already written (and so locked) the participation row in the same
 * transaction. Also used to seed the demo and the benchmark.
 */
export async function storeResponse(
  tx: Tx,
  fields: TenantFields,
  tenantId: string,
  surveyId: string,
  round: number,
  group: GroupAttributes,
  answers: ValidAnswer[],
): Promise<void> {
  const responseId = uuidv4();
  try {
    await tx.insert(surveyResponses).values({ tenantId, id: responseId, surveyId, round, team: group.team, managers: group.managers });
    if (answers.length === 0) return;
    await tx.insert(surveyAnswers).values(
      answers.map((a) => ({
        tenantId,
        responseId,
        surveyId,
        round,
        questionId: a.questionId,
        team: group.team,
        managers: group.managers,
        value: a.value,
        choices: a.choices,
        text: a.text === null ? null : sealAnswerText(fields, { surveyId, round, questionId: a.questionId }, a.text),
      })),
    );
  } catch (error) {
    throw new AnswerWriteFailed(errorCode(error));
  }
}

/**
 * One person's response to the round open now. The participation row is inserted first: a
 * concurrent second submit of the same person waits on its unique key, then finds it and is
 * refused, so exactly one response per person and round is ever stored.
 */
export async function respond(tx: Tx, viewer: Viewer, fields: TenantFields, surveyId: string, body: RespondBody): Promise<ResponseReceipt> {
  const survey = await loadSurvey(tx, viewer.tenantId, surveyId);
  if (!survey) throw new UnknownIds('surveys', [surveyId], 'No such survey.');
  const [member] = await rows<{ ok: boolean }>(
    tx,
    sql`select ${inAudienceSql(sql`s`, sql`me`)} as ok from app.surveys s, app.people me
         where s.tenant_id = ${viewer.tenantId} and s.id = ${surveyId} and me.tenant_id = s.tenant_id and me.id = ${viewer.id}`,
  );
  if (!member?.ok) throw new Problem('not-in-audience', 'This survey is not addressed to you.');
  const round = currentRound(scheduleOf(survey), new Date());
  if (!round) throw new Problem('survey-not-open', 'The survey has no round open now.');
  const answers = validateAnswers(survey.questions, body.answers);
  const claimed = await tx
    .insert(surveyParticipation)
    .values({ tenantId: viewer.tenantId, surveyId, round: round.number, personId: viewer.id })
    .onConflictDoNothing()
    .returning({ round: surveyParticipation.round });
  if (claimed.length === 0) throw new Problem('already-responded', `You already answered round ${round.number}.`, { round: round.number });
  const group = await groupAttributesOf(tx, viewer.tenantId, viewer.id);
  await storeResponse(tx, fields, viewer.tenantId, surveyId, round.number, group, answers);
  return { surveyId, round: round.number };
}
