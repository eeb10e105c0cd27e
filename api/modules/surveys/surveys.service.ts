import type { TenantFields } from '../../security/field-cipher.js';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { rows, type Tx } from '../../db/client.js';
import { people } from '../../db/schema/people.js';
import { surveys } from '../../db/schema/surveys.js';
import type { Viewer } from '../../http/context.js';
import { Problem } from '../../http/problems.js';
import { decodeIdCursor, encodeIdCursor } from '../../shared/cursor.js';
import { currentRound, periodMs, status, type Schedule } from './rounds.js';
import type { Audience, CreateSurveyBody, ListQuery, Question, QuestionInput, Survey, SurveyPage, UpdateSurveyBody } from './surveys.schemas.js';

/** Who is asking: a user (with their directory row) or the tenant API key (no viewer). */
export interface Caller {
  tenantId: string;
  viewer: Viewer | null;
  /** Opens sealed answer text (comments) with the tenant's data key. */
  fields?: TenantFields;
}

/** Ids the caller named that are not in its tenant: the routes report them (see violations.ts). */
export class UnknownIds extends Problem {
  constructor(
    readonly table: 'people' | 'surveys',
    readonly ids: string[],
    detail: string,
  ) {
    super('not-found', detail);
  }
}

export type SurveyRow = typeof surveys.$inferSelect;

export function scheduleOf(row: SurveyRow): Schedule {
  return {
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    recurrence: row.recurrenceEvery ? { every: row.recurrenceEvery, rounds: row.recurrenceRounds } : null,
    closedAt: row.closedAt,
  };
}

/** Whether person `p` (an alias of app.people) is in the audience of survey `s`. */
export function inAudienceSql(s: SQL, p: SQL): SQL {
  return sql`(${s}.audience->>'kind' = 'tenant'
    or (${s}.audience->>'kind' = 'teams' and ${p}.team is not null and ${s}.audience->'teams' @> to_jsonb(${p}.team))
    or (${s}.audience->>'kind' = 'people' and ${s}.audience->'personIds' @> to_jsonb(${p}.id::text)))`;
}

function badRequest(path: string, message: string): Problem {
  return new Problem('validation', message, { errors: [{ path, message }] });
}

function checkSchedule(opensAt: Date, closesAt: Date, every: string | null | undefined) {
  if (closesAt <= opensAt) throw badRequest('json.closesAt', 'closesAt must be after opensAt');
  if (every && closesAt.getTime() - opensAt.getTime() > periodMs(every as 'week')) {
    throw badRequest('json.closesAt', 'a round must end before the next one starts');
  }
}

function checkThresholds(anonymity: number, comments: number) {
  if (comments < anonymity) throw badRequest('json.commentThreshold', 'commentThreshold may not be below anonymityThreshold');
}

function withIds(questions: QuestionInput[]): Question[] {
  return questions.map((q) => ({
    id: uuidv4(),
    type: q.type,
    prompt: q.prompt,
    required: q.required,
    ...(q.options ? { options: q.options } : {}),
  }));
}

async function checkAudience(tx: Tx, tenantId: string, audience: Audience): Promise<Audience> {
  if (audience.kind === 'teams') return { kind: 'teams', teams: [...new Set(audience.teams)] };
  if (audience.kind !== 'people') return audience;
  const ids = [...new Set(audience.personIds)];
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const known = await tx.select({ id: people.id }).from(people).where(and(eq(people.tenantId, tenantId), inArray(people.id, chunk)));
    for (const k of known) found.add(k.id);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UnknownIds('people', missing.slice(0, 20), `No such person: ${missing.slice(0, 20).join(', ')}.`);
  return { kind: 'people', personIds: ids };
}

export async function createSurvey(tx: Tx, caller: Caller, input: CreateSurveyBody): Promise<Survey> {
  const opensAt = new Date(input.opensAt);
  const closesAt = new Date(input.closesAt);
  checkSchedule(opensAt, closesAt, input.recurrence?.every);
  checkThresholds(input.anonymityThreshold, input.commentThreshold);
  const audience = await checkAudience(tx, caller.tenantId, input.audience);
  const id = uuidv7();
  await tx.insert(surveys).values({
    tenantId: caller.tenantId,
    id,
    title: input.title,
    description: input.description ?? null,
    questions: withIds(input.questions),
    audience,
    opensAt,
    closesAt,
    recurrenceEvery: input.recurrence?.every ?? null,
    recurrenceRounds: input.recurrence ? input.recurrence.rounds : null,
    anonymityThreshold: input.anonymityThreshold,
    commentThreshold: input.commentThreshold,
  });
  return (await getSurvey(tx, caller, id))!;
}

/** Surveys a caller may see: everyone with surveys:read/manage or the tenant key; others, their audience's. */
function visibleTo(caller: Caller): SQL {
  const v = caller.viewer;
  if (!v || v.scopes.has('surveys:read') || v.scopes.has('surveys:manage')) return sql`true`;
  return sql`exists (select 1 from app.people me where me.tenant_id = s.tenant_id and me.id = ${v.id} and ${inAudienceSql(sql`s`, sql`me`)})`;
}

interface Row extends Omit<SurveyRow, 'opensAt' | 'closesAt' | 'closedAt' | 'createdAt'> {
  opensAt: Date | string;
  closesAt: Date | string;
  closedAt: Date | string | null;
  createdAt: Date | string;
  inAudience: boolean | null;
  respondedRounds: number[] | null;
}

const date = (v: Date | string) => new Date(v);
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** What `surveyOf` reads, of `app.surveys s`. */
export const SURVEY_COLUMNS = sql`s.id, s.title, s.description, s.questions, s.audience, s.opens_at as "opensAt", s.closes_at as "closesAt",
  s.recurrence_every as "recurrenceEvery", s.recurrence_rounds as "recurrenceRounds",
  s.anonymity_threshold as "anonymityThreshold", s.comment_threshold as "commentThreshold",
  s.closed_at as "closedAt", s.created_at as "createdAt"`;

async function select(tx: Tx, caller: Caller, where: SQL[], limit: number): Promise<Survey[]> {
  const v = caller.viewer;
  const viewerColumns = v
    ? sql`, exists (select 1 from app.people me where me.tenant_id = s.tenant_id and me.id = ${v.id} and ${inAudienceSql(sql`s`, sql`me`)}) as "inAudience",
         array(select sp.round from app.survey_participation sp
                where sp.tenant_id = s.tenant_id and sp.survey_id = s.id and sp.person_id = ${v.id}) as "respondedRounds"`
    : sql`, null as "inAudience", null as "respondedRounds"`;
  const result = await rows<Row>(
    tx,
    sql`select ${SURVEY_COLUMNS} ${viewerColumns}
          from app.surveys s
         where s.tenant_id = ${caller.tenantId} and ${visibleTo(caller)}
           ${sql.join(where.map((w) => sql`and ${w}`), sql` `)}
         order by s.id desc
         limit ${limit}`,
  );
  const now = new Date();
  return result.map((r) => {
    const survey = surveyOf(r, now);
    if (v) {
      const current = survey.currentRound;
      const responded = (r.respondedRounds ?? []).map(Number);
      survey.viewer = { inAudience: r.inAudience === true, responded: current !== null && responded.includes(current.number) };
    }
    return survey;
  });
}

/** The columns `surveyOf` reads, as `select` (and the export) name them. */
export type SurveyColumns = Omit<Row, 'inAudience' | 'respondedRounds'>;

/** A stored survey in the API's shape, without `viewer` (status and current round as of `now`). */
export function surveyOf(r: SurveyColumns, now: Date): Survey {
  const row = { ...r, opensAt: date(r.opensAt), closesAt: date(r.closesAt), closedAt: r.closedAt ? date(r.closedAt) : null, createdAt: date(r.createdAt) } as SurveyRow;
  const schedule = scheduleOf(row);
  const current = currentRound(schedule, now);
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    questions: json(r.questions),
    audience: json(r.audience),
    opensAt: row.opensAt.toISOString(),
    closesAt: row.closesAt.toISOString(),
    recurrence: schedule.recurrence,
    anonymityThreshold: r.anonymityThreshold,
    commentThreshold: r.commentThreshold,
    status: status(schedule, now),
    currentRound: current,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function getSurvey(tx: Tx, caller: Caller, id: string): Promise<Survey | undefined> {
  const [survey] = await select(tx, caller, [sql`s.id = ${id}`], 1);
  return survey;
}

export async function listSurveys(tx: Tx, caller: Caller, query: ListQuery): Promise<SurveyPage> {
  const where = query.cursor ? [sql`s.id < ${decodeIdCursor(query.cursor)}`] : [];
  const items = await select(tx, caller, where, query.limit + 1);
  const more = items.length > query.limit;
  if (more) items.pop();
  return { items, nextCursor: more ? encodeIdCursor(items[items.length - 1]!.id) : null };
}

/** Surveys with a round open now whose audience holds the viewer (newest first, at most 50). */
export async function openSurveys(tx: Tx, viewer: Viewer): Promise<Survey[]> {
  const caller = { tenantId: viewer.tenantId, viewer };
  const candidates = await select(
    tx,
    caller,
    [
      // A one-off survey past its close cannot be open; a recurring one is checked per round below.
      sql`s.opens_at <= now() and (s.closed_at is null or s.closed_at > now()) and (s.recurrence_every is not null or s.closes_at > now())`,
      sql`exists (select 1 from app.people me where me.tenant_id = s.tenant_id and me.id = ${viewer.id} and ${inAudienceSql(sql`s`, sql`me`)})`,
    ],
    50,
  );
  return candidates.filter((s) => s.currentRound !== null);
}

/** The stored row, for the services that need the schedule and thresholds. */
export async function loadSurvey(tx: Tx, tenantId: string, id: string): Promise<SurveyRow | undefined> {
  const [row] = await tx.select().from(surveys).where(and(eq(surveys.tenantId, tenantId), eq(surveys.id, id))).limit(1);
  return row;
}

export async function updateSurvey(tx: Tx, caller: Caller, id: string, input: UpdateSurveyBody): Promise<Survey | undefined> {
  const row = await loadSurvey(tx, caller.tenantId, id);
  if (!row) return undefined;
  const opened = row.opensAt <= new Date();
  const locked = (['anonymityThreshold', 'commentThreshold', 'questions'] as const).filter((k) => input[k] !== undefined);
  if (opened && locked.length > 0) {
    throw new Problem('survey-locked', `The survey has opened: ${locked.join(', ')} can no longer change.`, { fields: locked });
  }
  const closesAt = input.closesAt ? new Date(input.closesAt) : row.closesAt;
  checkSchedule(row.opensAt, closesAt, row.recurrenceEvery);
  checkThresholds(input.anonymityThreshold ?? row.anonymityThreshold, input.commentThreshold ?? row.commentThreshold);
  const audience = input.audience ? await checkAudience(tx, caller.tenantId, input.audience) : undefined;
  await tx
    .update(surveys)
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.closesAt !== undefined ? { closesAt } : {}),
      ...(audience ? { audience } : {}),
      ...(input.anonymityThreshold !== undefined ? { anonymityThreshold: input.anonymityThreshold } : {}),
      ...(input.commentThreshold !== undefined ? { commentThreshold: input.commentThreshold } : {}),
      ...(input.questions ? { questions: withIds(input.questions) } : {}),
    })
    .where(and(eq(surveys.tenantId, caller.tenantId), eq(surveys.id, id)));
  return getSurvey(tx, caller, id);
}

export async function closeSurvey(tx: Tx, caller: Caller, id: string): Promise<Survey | undefined> {
  const row = await loadSurvey(tx, caller.tenantId, id);
  if (!row) return undefined;
  if (!row.closedAt) {
    await tx
      .update(surveys)
      .set({ closedAt: sql`now()` })
      .where(and(eq(surveys.tenantId, caller.tenantId), eq(surveys.id, id)));
  }
  return getSurvey(tx, caller, id);
}
