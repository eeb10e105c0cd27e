import { tenantFields } from '../../api/security/field-cipher.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../api/db/client.js';
import { storeResponse } from '../../api/modules/surveys/responses.service.js';
import { testGrove, type TestGrove } from '../support/grove.js';
import { AUDIENCE_TEAMS, openSurveyBody, RESPONDENTS, surveyOrg, TEAMS, type SurveyOrg } from './surveys-fixture.js';

/**
 * Results: figures checked against hand computation, and the anonymity rules (threshold,
 * complementary suppression, combined filters, comments, managers' own line) against an
 * organisation built for them (surveys-fixture.ts). Threshold 5, comment threshold 10.
 */

let t: TestGrove;
let acme: SurveyOrg;
let main: { id: string; questions: Array<{ id: string }> };

const QUESTIONS = [
  { type: 'likert', prompt: 'I enjoy my work' },
  { type: 'enps', prompt: 'Would you recommend us?' },
  { type: 'single_choice', prompt: 'Office days', options: ['none', 'some', 'most'] },
  { type: 'text', prompt: 'Anything else?' },
];

async function answer(who: string, survey: { id: string; questions: Array<{ id: string }> }, values: { likert?: number; enps?: number; choice?: number; text?: string }) {
  const answers = [];
  if (values.likert !== undefined) answers.push({ questionId: survey.questions[0]!.id, value: values.likert });
  if (values.enps !== undefined) answers.push({ questionId: survey.questions[1]!.id, value: values.enps });
  if (values.choice !== undefined) answers.push({ questionId: survey.questions[2]!.id, value: values.choice });
  if (values.text !== undefined) answers.push({ questionId: survey.questions[3]!.id, text: values.text });
  const reply = await acme.as(who)('POST', `/v1/surveys/${survey.id}/responses`, { answers });
  expect(reply.status, `${who}: ${JSON.stringify(reply.body)}`).toBe(201);
}

const create = async (extra: Record<string, unknown> = {}) => {
  const reply = await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS, extra));
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { id: string; questions: Array<{ id: string }> };
};

beforeAll(async () => {
  t = await testGrove();
  acme = await surveyOrg(t);
  main = await create();
  // Everyone answers; everyone but Small writes a comment (16 comments).
  for (const [i, who] of RESPONDENTS.entries()) {
    await answer(who, main, { likert: (i % 5) + 1, enps: i % 11, choice: i % 3, ...(TEAMS.Small.includes(who) ? {} : { text: `comment ${who}` }) });
  }
});
afterAll(() => t.close());

const results = (query = '', who = 'hr', id = main.id) => acme.as(who)('GET', `/v1/surveys/${id}/results${query}`);
/** Every number anywhere in a value. */
const numbersIn = (value: unknown): number[] => JSON.stringify(value).match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];

describe('hand-computed figures', () => {
  it('a mixed case: eNPS +20 (50% promoters, 20% passives, 30% detractors), favourability 50%, means 3.3 and 7.2', async () => {
    const people = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'o1', 'o2', 'o3', 'o4'];
    const s = await create({ audience: { kind: 'people', personIds: people.map((p) => acme.ids[p]) } });
    const likert = [5, 4, 4, 3, 2, 1, 5, 4, 3, 2];
    const enps = [10, 9, 9, 8, 7, 6, 10, 0, 10, 3];
    for (const [i, who] of people.entries()) await answer(who, s, { likert: likert[i], enps: enps[i] });
    const r = (await results('', 'hr', s.id)).body;
    expect(r.hidden).toBeNull();
    expect(r.participation).toEqual({ invited: 10, responded: 10, rate: 100 });
    const [l, e, choice] = r.questions;
    expect(l).toMatchObject({ responses: 10, mean: 3.3, favourability: 50, enps: null, hidden: null });
    expect(l.distribution.map((d: { count: number }) => d.count)).toEqual([1, 2, 2, 3, 2]);
    expect(e).toMatchObject({ responses: 10, mean: 7.2, favourability: null, enps: { score: 20, promoters: 50, passives: 20, detractors: 30 } });
    expect(e.distribution.map((d: { count: number }) => d.count)).toEqual([1, 0, 0, 1, 0, 0, 1, 1, 1, 2, 3]);
    // Nobody answered the choice question: hidden, no figures.
    expect(choice).toMatchObject({ responses: null, hidden: 'below_threshold', distribution: null, mean: null });
  });

  it('all promoters is +100 and 100% favourable; all detractors is −100 and 0% favourable', async () => {
    const five = ['o1', 'o2', 'o3', 'o4', 'o5'];
    const audience = { kind: 'people', personIds: five.map((p) => acme.ids[p]) };
    const happy = await create({ audience });
    const unhappy = await create({ audience });
    for (const [i, who] of five.entries()) {
      await answer(who, happy, { likert: 5, enps: 9 + (i % 2) });
      await answer(who, unhappy, { likert: 1 + (i % 3), enps: [0, 6, 3, 5, 1][i] });
    }
    const up = (await results('', 'hr', happy.id)).body.questions;
    expect(up[0]).toMatchObject({ favourability: 100, mean: 5 });
    expect(up[1].enps).toEqual({ score: 100, promoters: 100, passives: 0, detractors: 0 });
    const down = (await results('', 'hr', unhappy.id)).body.questions;
    expect(down[0]).toMatchObject({ favourability: 0, mean: 1.8 });
    expect(down[1].enps).toEqual({ score: -100, promoters: 0, passives: 0, detractors: 100 });
  });

  it('nobody answered: hidden, no figure at all', async () => {
    const s = await create();
    const r = (await results('', 'hr', s.id)).body;
    expect(r).toMatchObject({ hidden: 'below_threshold', questions: [], breakdown: null });
    expect(r.participation).toEqual({ invited: 19, responded: 0, rate: 0 });
  });
});

describe('suppression', () => {
  it('the whole population shows figures; the breakdown by team hides Small (3) and Four (4)', async () => {
    const r = (await results('?groupBy=team')).body;
    expect(r.hidden).toBeNull();
    expect(r.participation).toEqual({ invited: 19, responded: 19, rate: 100 });
    const groups = Object.fromEntries(r.breakdown.groups.map((g: { key: string }) => [g.key, g]));
    expect(Object.keys(groups).sort()).toEqual([...AUDIENCE_TEAMS].sort());
    for (const small of ['Small', 'Four']) expect(groups[small]).toEqual({ key: small, label: small, respondents: null, hidden: 'below_threshold', questions: [] });
    // The two hidden groups hold 7 together: Big and Other can be shown.
    expect(groups.Big).toMatchObject({ respondents: 6, hidden: null });
    expect(groups.Other).toMatchObject({ respondents: 6, hidden: null });
  });

  it('a group of 4 (threshold 5) shows no figure when filtered on', async () => {
    const r = (await results('?team=Four&groupBy=manager')).body;
    expect(r).toMatchObject({ hidden: 'below_threshold', questions: [], breakdown: null, filter: { team: 'Four', manager: null } });
    // Only the id, the thresholds, the rounds and participation carry numbers.
    const { surveyId, thresholds, round, rounds, participation, ...rest } = r;
    expect([surveyId, thresholds, round, rounds, participation].every((v) => v !== undefined)).toBe(true);
    expect(rest).toEqual({ filter: { team: 'Four', manager: null }, hidden: 'below_threshold', questions: [], breakdown: null });
    expect(numbersIn(rest)).toEqual([]);
  });

  it('differencing: in a parent of 9, hiding the child of 3 hides the child of 6 too', async () => {
    const r = (await results(`?manager=${acme.ids.m1}&groupBy=team`)).body;
    expect(r.hidden).toBeNull();
    expect(r.participation.responded).toBe(9);
    const groups = Object.fromEntries(r.breakdown.groups.map((g: { key: string }) => [g.key, g]));
    expect(groups.Small).toMatchObject({ respondents: null, hidden: 'below_threshold', questions: [] });
    expect(groups.Big).toMatchObject({ respondents: null, hidden: 'differencing', questions: [] });
  });

  it('combined filters are checked against each one alone: team Big within m1\'s line (6 of a line of 9) is hidden', async () => {
    const r = (await results(`?manager=${acme.ids.m1}&team=Big`)).body;
    expect(r).toMatchObject({ hidden: 'differencing', questions: [] });
    const alone = (await results('?team=Big')).body;
    expect(alone.hidden).toBeNull();
  });

  it('the manager breakdown under boss: m1\'s line (9) and m2\'s line (10)', async () => {
    // Without a filter it starts at the one top of every chain (boss), so it is the same.
    const unfiltered = (await results('?groupBy=manager')).body.breakdown.groups;
    expect(unfiltered.map((g: { key: string; respondents: number }) => [g.key, g.respondents])).toEqual([[acme.ids.m1, 9], [acme.ids.m2, 10]]);
    const r = (await results(`?manager=${acme.ids.boss}&groupBy=manager`)).body;
    const groups = Object.fromEntries(r.breakdown.groups.map((g: { key: string }) => [g.key, g]));
    expect(groups[acme.ids.m1!]).toMatchObject({ label: 'Acme M1', respondents: 9, hidden: null });
    expect(groups[acme.ids.m2!]).toMatchObject({ label: 'Acme M2', respondents: 10, hidden: null });
  });
});

describe('comments', () => {
  it('are shown above the comment threshold, in random order, never in a breakdown', async () => {
    const r = (await results('?groupBy=team')).body;
    const text = r.questions[3];
    expect(text.comments.hidden).toBeNull();
    expect(text.comments.items.sort()).toEqual(RESPONDENTS.filter((p) => !TEAMS.Small.includes(p)).map((p) => `comment ${p}`).sort());
    expect(JSON.stringify(r.breakdown)).not.toContain('comment ');
  });

  it('are hidden under it: a line of 9 respondents, a team of 6', async () => {
    for (const query of [`?manager=${acme.ids.m1}`, '?team=Other']) {
      const r = (await results(query)).body;
      expect(r.hidden, query).toBeNull();
      expect(r.questions[3].comments, query).toEqual({ hidden: 'comments_threshold', items: [] });
      expect(JSON.stringify(r), query).not.toContain('comment ');
    }
  });

  it('are hidden when fewer people wrote than the threshold, however many answered', async () => {
    const s = await create();
    for (const [i, who] of RESPONDENTS.entries()) await answer(who, s, { likert: 3, ...(i < 9 ? { text: `few ${who}` } : {}) });
    const r = (await results('', 'hr', s.id)).body;
    expect(r.questions[3]).toMatchObject({ responses: 9, comments: { hidden: 'comments_threshold', items: [] } });
  });
});

describe('who sees what', () => {
  it('a manager sees their own reporting line only', async () => {
    const own = await results('', 'm1');
    expect(own.status).toBe(200);
    expect(own.body.filter).toEqual({ team: null, manager: acme.ids.m1 });
    expect(own.body.participation.responded).toBe(9);
    const other = await results(`?manager=${acme.ids.m2}`, 'm1');
    expect(other.status).toBe(403);
    const trend = await acme.as('m1')('GET', `/v1/surveys/${main.id}/trend`);
    expect(trend.body.rounds[0].respondents).toBe(9);
    expect((await acme.as('m1')('GET', `/v1/surveys/${main.id}/trend?manager=${acme.ids.m2}`)).status).toBe(403);
    const below = await results(`?manager=${acme.ids.m1}`, 'boss');
    expect(below.status).toBe(200);
    expect(below.body.participation.responded).toBe(9);
  });

  it('employees cannot read results; the tenant key can', async () => {
    expect((await results('', 'b1')).status).toBe(403);
    const key = await acme.key('GET', `/v1/surveys/${main.id}/results`);
    expect(key.status).toBe(200);
    expect(key.body.participation.responded).toBe(19);
  });

  it('results do not leak across tenants: another tenant\'s survey id answers like a missing one', async () => {
    const other = await surveyOrg(t, 'Other');
    const foreign = await other.as('hr')('GET', `/v1/surveys/${main.id}/results`);
    const missing = await other.as('hr')('GET', `/v1/surveys/${crypto.randomUUID()}/results`);
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, requestId: null }).toEqual({ ...missing.body, requestId: null });
    for (const path of [`/v1/surveys/${main.id}`, `/v1/surveys/${main.id}/trend`]) expect((await other.as('hr')('GET', path)).status).toBe(404);
    const respond = await other.as('b1')('POST', `/v1/surveys/${main.id}/responses`, { answers: [] });
    expect(respond.status).toBe(404);
    const list = await other.as('hr')('GET', '/v1/surveys?limit=100');
    expect(list.body.items).toEqual([]);
  });
});

describe('one answer per person and round', () => {
  it('two concurrent submits of one person store exactly one response', async () => {
    const s = await create();
    const body = { answers: [{ questionId: s.questions[0]!.id, value: 4 }] };
    const send = acme.as('s1');
    await send('GET', '/v1/surveys/open'); // mints the token before the race
    const replies = await Promise.all([send('POST', `/v1/surveys/${s.id}/responses`, body), send('POST', `/v1/surveys/${s.id}/responses`, body)]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const db = t.grove.deps.database.db;
    const [counts] = await rows<{ p: number; r: number; a: number }>(
      db,
      sql`select (select count(*)::int from app.survey_participation where survey_id = ${s.id}) as p,
                 (select count(*)::int from app.survey_responses where survey_id = ${s.id}) as r,
                 (select count(*)::int from app.survey_answers where survey_id = ${s.id}) as a`,
    );
    expect(counts).toEqual({ p: 1, r: 1, a: 1 });
  });
});

describe('trends', () => {
  it('each weekly round is its own result set, oldest first, small rounds hidden', async () => {
    const now = Date.now();
    const s = await create({
      opensAt: new Date(now - 14 * 86_400_000 - 3_600_000).toISOString(),
      closesAt: new Date(now - 14 * 86_400_000 + 3 * 86_400_000).toISOString(),
      recurrence: { every: 'week', rounds: null },
    });
    // Earlier rounds cannot be answered through the API any more: store them as the service does.
    const tenantId = acme.tenant.id;
    const fields = tenantFields(t.grove.deps.cipher, tenantId);
    await t.grove.deps.database.withTenant(tenantId, async (tx) => {
      for (let i = 0; i < 6; i++) {
        await storeResponse(tx, fields, tenantId, s.id, 1, { team: 'Big', managers: [acme.ids.m1!, acme.ids.boss!] }, [
          { questionId: s.questions[0]!.id, value: 5, choices: null, text: null },
        ]);
      }
      for (let i = 0; i < 2; i++) {
        await storeResponse(tx, fields, tenantId, s.id, 2, { team: 'Big', managers: [acme.ids.m1!, acme.ids.boss!] }, [
          { questionId: s.questions[0]!.id, value: 1, choices: null, text: null },
        ]);
      }
    });
    for (const who of TEAMS.Other) await answer(who, s, { likert: 4 });
    const trend = await acme.as('hr')('GET', `/v1/surveys/${s.id}/trend`);
    expect(trend.status).toBe(200);
    const rounds = trend.body.rounds;
    expect(rounds.map((r: { number: number }) => r.number)).toEqual([1, 2, 3]);
    expect(rounds[0]).toMatchObject({ respondents: 6, hidden: null });
    expect(rounds[0].questions[0]).toMatchObject({ mean: 5, favourability: 100 });
    expect(rounds[1]).toMatchObject({ respondents: null, hidden: 'below_threshold', questions: [] });
    expect(rounds[2].questions[0]).toMatchObject({ mean: 4, favourability: 100 });
    const first = (await results('?round=1', 'hr', s.id)).body;
    expect(first.round.number).toBe(1);
    expect(first.participation.responded).toBe(6);
    expect((await results('?round=9', 'hr', s.id)).status).toBe(404);
  });
});
