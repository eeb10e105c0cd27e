import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { SURVEYS_NOTE } from '../../api/modules/export/survey-archive.js';
import { mixSurveyAnswers } from '../../api/modules/surveys/mixing.js';
import { isSealed } from '../../api/security/field-cipher.js';
import { testGrove, type TestGrove } from '../support/grove.js';
import { openSurveyBody, RESPONDENTS, surveyOrg, TEAMS, type SurveyOrg } from './surveys-fixture.js';

/**
 * Surveys in the exports (docs/export.md, "Surveys") and in erasure: the tenant archive holds
 * every survey, response and answer (texts decrypted) but participation only as counts; a
 * person's archive holds the rounds they took part in and never answers; erasing a respondent
 * changes no count and no result.
 */

let t: TestGrove;
let acme: SurveyOrg;
let globex: SurveyOrg;
type Survey = { id: string; title: string; questions: Array<{ id: string }> };
let pulse: Survey;
let small: Survey;
let secret: Survey;
/** What was answered, as [surveyId, questionId, value | text] strings, to compare as multisets. */
const answered: string[] = [];

const QUESTIONS = [
  { type: 'likert', prompt: 'I enjoy my work' },
  { type: 'single_choice', prompt: 'Office days', options: ['none', 'some', 'most'] },
  { type: 'text', prompt: 'Anything else?' },
];

async function create(org: SurveyOrg, title: string, extra: Record<string, unknown> = {}): Promise<Survey> {
  const reply = await org.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { title, ...extra }));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as Survey;
}

async function answer(org: SurveyOrg, who: string, s: Survey, i: number, text?: string) {
  const answers: Array<Record<string, unknown>> = [
    { questionId: s.questions[0]!.id, value: (i % 5) + 1 },
    { questionId: s.questions[1]!.id, value: i % 3 },
  ];
  if (text !== undefined) answers.push({ questionId: s.questions[2]!.id, text });
  const reply = await org.as(who)('POST', `/v1/surveys/${s.id}/responses`, { answers });
  expect(reply.status, `${who}: ${JSON.stringify(reply.body)}`).toBe(201);
  if (org === acme) {
    answered.push(`${s.id} ${s.questions[0]!.id} ${(i % 5) + 1}`, `${s.id} ${s.questions[1]!.id} ${i % 3}`);
    if (text !== undefined) answered.push(`${s.id} ${s.questions[2]!.id} ${text}`);
  }
}

const owner = <T>(query: ReturnType<typeof sql>) => rows<T>(t.db.handle.db, query);
const tenantArchive = async () => {
  const reply = await acme.key('GET', '/v1/export');
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({ format: 'grove-export/1', scope: 'tenant', complete: true });
  return reply.body;
};

beforeAll(async () => {
  t = await testGrove({}, { exportBatchSize: 4 });
  acme = await surveyOrg(t);
  globex = await surveyOrg(t, 'Globex', 'https://intranet.globex.example');
  pulse = await create(acme, 'Pulse');
  small = await create(acme, 'Small team check-in', { audience: { kind: 'teams', teams: ['Small'] } });
  secret = await create(globex, 'Globex secret survey');
  for (const [i, who] of RESPONDENTS.entries()) await answer(acme, who, pulse, i, i % 2 === 0 ? `comment ${who} — ünïcode ✓` : undefined);
  // Half the round mixed (new random ids), half still in arrival order: both are exported alike.
  await mixSurveyAnswers(t.grove.deps.database);
  for (const [i, who] of TEAMS.Small.entries()) await answer(acme, who, small, i, `small ${who}`);
  await answer(globex, 'b1', secret, 0, 'globex-only text');
});
afterAll(() => t.close());

describe('tenant export: surveys', () => {
  it('holds every survey, response and answer, texts decrypted, and nothing of another tenant', async () => {
    const archive = await tenantArchive();
    expect(archive.surveys.map((s: Survey) => s.id)).toEqual([pulse.id, small.id].sort());
    for (const s of archive.surveys as Array<Survey & { rounds: unknown[] }>) {
      const { rounds, ...definition } = s;
      const { viewer: _, ...api } = (await acme.key('GET', `/v1/surveys/${s.id}`)).body;
      expect(definition).toEqual(api); // the API's Survey shape, minus viewer
      expect(rounds).toHaveLength(1);
    }

    const stored = await owner<{ id: string; survey_id: string; round: number }>(
      sql`select id, survey_id, round from app.survey_responses where tenant_id = ${acme.tenant.id} order by survey_id, round, id`,
    );
    expect(stored).toHaveLength(RESPONDENTS.length + TEAMS.Small.length);
    const responses = archive.surveyResponses as Array<{ id: string; surveyId: string; round: number; team: string; managers: string[]; answers: Array<{ questionId: string; value: number | null; choices: number[] | null; text: string | null }> }>;
    expect(responses.map((r) => [r.id, r.surveyId, r.round])).toEqual(stored.map((r) => [r.id, r.survey_id, Number(r.round)]));
    // Within a survey and round, ordered by the random response id.
    const ids = responses.filter((r) => r.surveyId === pulse.id).map((r) => r.id);
    expect(ids).toEqual([...ids].sort());

    const exported = responses.flatMap((r) => r.answers.map((a) => `${r.surveyId} ${a.questionId} ${a.text ?? a.value}`));
    expect(exported.sort()).toEqual([...answered].sort());
    const texts = await owner<{ text: string }>(sql`select text from app.survey_answers where tenant_id = ${acme.tenant.id} and text is not null`);
    expect(texts.length).toBe(answered.filter((a) => a.includes('comment') || a.includes('small')).length);
    for (const { text } of texts) expect(isSealed(text)).toBe(true);

    // Group attributes, as stored: the Small team's line runs m1, boss.
    const smallResponses = responses.filter((r) => r.surveyId === small.id);
    expect(smallResponses.every((r) => r.team === 'Small' && r.managers.join() === [acme.ids.m1, acme.ids.boss].join())).toBe(true);

    const text = JSON.stringify(archive);
    expect(text).not.toMatch(/Globex|globex-only/);
    expect(text).not.toContain(secret.id);
    for (const id of Object.values(globex.ids)) expect(text).not.toContain(id);
  });

  it('holds participation only as a count per survey and round: never who took part', async () => {
    const archive = await tenantArchive();
    const rounds = Object.fromEntries(archive.surveys.map((s: Survey & { rounds: Array<{ number: number; participants: number }> }) => [s.id, s.rounds]));
    expect(rounds[pulse.id]).toEqual([expect.objectContaining({ number: 1, participants: RESPONDENTS.length })]);
    expect(rounds[small.id]).toEqual([expect.objectContaining({ number: 1, participants: TEAMS.Small.length })]);
    // No respondent's id anywhere in the survey sections (their managers' ids are group keys).
    const surveysPart = JSON.stringify({ surveys: archive.surveys, responses: archive.surveyResponses });
    for (const who of RESPONDENTS) expect(surveysPart).not.toContain(acme.ids[who]);
    expect(surveysPart).not.toMatch(/personId|participant[^s]/);
  });
});

describe('person export: surveys taken part in', () => {
  it('lists the rounds they took part in, with a note, and none of their answers', async () => {
    const reply = await acme.as('s1')('GET', '/v1/me/export');
    expect(reply.status).toBe(200);
    expect(reply.body.complete).toBe(true);
    const titles = new Map([[pulse.id, pulse.title], [small.id, small.title]]);
    const expected = [pulse.id, small.id].sort().map((id) => ({ title: titles.get(id), round: 1 }));
    expect(reply.body.surveysTakenPart).toEqual({ note: SURVEYS_NOTE, rounds: expected });
    const text = JSON.stringify(reply.body);
    expect(text).not.toContain('comment s1');
    expect(text).not.toContain('small s1');
    expect(text).not.toContain('surveyResponses');
    for (const q of [...pulse.questions, ...small.questions]) expect(text).not.toContain(q.id);
  });

  it('is an empty list for someone who took part in nothing', async () => {
    const reply = await acme.as('x1')('GET', '/v1/me/export');
    expect(reply.body.surveysTakenPart).toEqual({ note: SURVEYS_NOTE, rounds: [] });
  });
});

/** Results with comments in one order (they come shuffled). */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
}

describe('erasure of a respondent', () => {
  it('keeps their participation (counted in the report), so counts and results do not change', async () => {
    const resultsBefore = await Promise.all([pulse, small].map((s) => acme.as('hr')('GET', `/v1/surveys/${s.id}/results`)));
    const roundsBefore = (await tenantArchive()).surveys.map((s: { rounds: unknown }) => s.rounds);
    const reply = await acme.key('POST', '/v1/directory/users/s2/erase');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: acme.ids.s2, alreadyErased: false, counts: { surveyParticipationKept: 2 } });
    const resultsAfter = await Promise.all([pulse, small].map((s) => acme.as('hr')('GET', `/v1/surveys/${s.id}/results`)));
    expect(resultsAfter.map((r) => r.status)).toEqual([200, 200]);
    // Every figure is unchanged, participation included: the tombstone has left its team, but
    // who took part in a round counts among its invited whatever the directory says now.
    expect(resultsAfter.map((r) => comparable(r.body))).toEqual(resultsBefore.map((r) => comparable(r.body)));
    expect(resultsAfter.map((r) => r.body.participation.responded)).toEqual([RESPONDENTS.length, TEAMS.Small.length]);
    const after = await tenantArchive();
    expect(after.surveys.map((s: { rounds: unknown }) => s.rounds)).toEqual(roundsBefore);
    expect(after.surveyResponses).toHaveLength(RESPONDENTS.length + TEAMS.Small.length);
    const kept = await owner<{ n: number | string }>(sql`select count(*) as n from app.survey_participation where tenant_id = ${acme.tenant.id} and person_id = ${acme.ids.s2}`);
    expect(Number(kept[0]!.n)).toBe(2);
    const again = await acme.key('POST', '/v1/directory/users/s2/erase');
    expect(again.body).toMatchObject({ alreadyErased: true, counts: { surveyParticipationKept: 0 } });
  });
});
