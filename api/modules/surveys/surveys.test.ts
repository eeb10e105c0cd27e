import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGrove, type TestGrove } from '../../../test/support/grove.js';
import { openSurveyBody, surveyOrg, type SurveyOrg } from '../../../test/api/surveys-fixture.js';

let t: TestGrove;
let acme: SurveyOrg;
beforeAll(async () => {
  t = await testGrove();
  acme = await surveyOrg(t);
});
afterAll(() => t.close());

const QUESTIONS = [
  { type: 'likert', prompt: 'I enjoy my work', required: true },
  { type: 'enps', prompt: 'Would you recommend us?' },
  { type: 'single_choice', prompt: 'Office days', options: ['0', '1–2', '3+'] },
  { type: 'multiple_choice', prompt: 'Perks', options: ['Lunch', 'Gym', 'Books'] },
  { type: 'text', prompt: 'Anything else?' },
];

describe('creating and reading surveys', () => {
  it('creates a survey with API-assigned question ids, defaults and a current round', async () => {
    const created = await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { description: 'Monthly pulse' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({ title: 'Pulse', description: 'Monthly pulse', anonymityThreshold: 5, commentThreshold: 10, status: 'open', recurrence: null });
    expect(s.questions).toHaveLength(5);
    expect(s.questions[0]).toMatchObject({ type: 'likert', required: true });
    expect(s.questions[2].options).toEqual(['0', '1–2', '3+']);
    expect(new Set(s.questions.map((q: { id: string }) => q.id)).size).toBe(5);
    expect(s.currentRound).toMatchObject({ number: 1 });
    expect(s.viewer).toEqual({ inAudience: false, responded: false });
    const byKey = await acme.key('GET', `/v1/surveys/${s.id}`);
    expect(byKey.status).toBe(200);
    expect(byKey.body.viewer).toBeUndefined();
  });

  it('lists surveys newest first; respondents see only those addressed to them', async () => {
    const hr = acme.as('hr');
    const forElsewhere = await hr('POST', '/v1/surveys', { ...openSurveyBody(QUESTIONS), title: 'Elsewhere only', audience: { kind: 'teams', teams: ['Elsewhere'] } });
    expect(forElsewhere.status).toBe(201);
    const all = await hr('GET', '/v1/surveys?limit=50');
    expect(all.body.items[0].id).toBe(forElsewhere.body.id);
    const b1 = await acme.as('b1', ['surveys:respond'])('GET', '/v1/surveys?limit=50');
    expect(b1.status).toBe(200);
    expect(b1.body.items.map((s: { title: string }) => s.title)).not.toContain('Elsewhere only');
    const hidden = await acme.as('b1', ['surveys:respond'])('GET', `/v1/surveys/${forElsewhere.body.id}`);
    expect(hidden.status).toBe(404);
    const x1 = await acme.as('x1', ['surveys:respond'])('GET', '/v1/surveys/open');
    expect(x1.body.items.map((s: { title: string }) => s.title)).toContain('Elsewhere only');
  });

  it('refuses bad schedules, thresholds and choice questions without options', async () => {
    const hr = acme.as('hr');
    const now = Date.now();
    const backwards = await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { closesAt: new Date(now - 7_200_000).toISOString() }));
    expect(backwards.status).toBe(400);
    const tooLong = await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { recurrence: { every: 'week', rounds: null }, closesAt: new Date(now + 10 * 86_400_000).toISOString() }));
    expect(tooLong.status).toBe(400);
    expect((await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { anonymityThreshold: 2 }))).status).toBe(400);
    expect((await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { anonymityThreshold: 8, commentThreshold: 6 }))).status).toBe(400);
    expect((await hr('POST', '/v1/surveys', openSurveyBody([{ type: 'single_choice', prompt: 'Pick' }]))).status).toBe(400);
    expect((await hr('POST', '/v1/surveys', openSurveyBody([{ type: 'likert', prompt: 'x', options: ['a', 'b'] }]))).status).toBe(400);
    const stranger = await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { audience: { kind: 'people', personIds: [crypto.randomUUID()] } }));
    expect(stranger.status).toBe(404);
  });

  it('takes an audience of up to 10,000 listed people (past the 64 KB body limit of other writes)', async () => {
    const hr = acme.as('hr');
    const listed = (n: number) => openSurveyBody(QUESTIONS, { audience: { kind: 'people', personIds: [acme.ids.b1, ...Array.from({ length: n - 1 }, () => crypto.randomUUID())] } });
    const unknown = await hr('POST', '/v1/surveys', listed(10_000));
    expect(unknown.status).toBe(404); // read and checked, not refused for its size
    expect((await hr('POST', '/v1/surveys', listed(10_001))).status).toBe(400);
  });

  it('only surveys:manage creates; employees and managers cannot', async () => {
    const employee = await acme.as('b1', ['surveys:respond'])('POST', '/v1/surveys', openSurveyBody(QUESTIONS));
    expect(employee.status).toBe(403);
    const manager = await acme.as('m1')('POST', '/v1/surveys', openSurveyBody(QUESTIONS));
    expect(manager.status).toBe(403);
    const key = await acme.key('POST', '/v1/surveys', openSurveyBody(QUESTIONS));
    expect(key.status).toBe(201);
  });
});

describe('changing and closing', () => {
  it('locks questions and thresholds once open, but not the title or the close', async () => {
    const hr = acme.as('hr');
    const s = (await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS))).body;
    const locked = await hr('PATCH', `/v1/surveys/${s.id}`, { anonymityThreshold: 7 });
    expect(locked.status).toBe(409);
    expect(locked.body.type).toBe('urn:grove:problem:survey-locked');
    const questions = await hr('PATCH', `/v1/surveys/${s.id}`, { questions: QUESTIONS.slice(0, 1) });
    expect(questions.status).toBe(409);
    const renamed = await hr('PATCH', `/v1/surveys/${s.id}`, { title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.title).toBe('Renamed');
    const closed = await hr('POST', `/v1/surveys/${s.id}/close`);
    expect(closed.body).toMatchObject({ status: 'closed', currentRound: null });
    const late = await acme.as('b1')('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[0].id, value: 4 }] });
    expect(late.status).toBe(409);
    expect(late.body.type).toBe('urn:grove:problem:survey-not-open');
  });

  it('lets a scheduled survey change its thresholds and questions', async () => {
    const hr = acme.as('hr');
    const later = Date.now() + 86_400_000;
    const s = (await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { opensAt: new Date(later).toISOString(), closesAt: new Date(later + 86_400_000).toISOString() }))).body;
    expect(s.status).toBe('scheduled');
    const changed = await hr('PATCH', `/v1/surveys/${s.id}`, { anonymityThreshold: 7, commentThreshold: 12, questions: QUESTIONS.slice(0, 2) });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ anonymityThreshold: 7, commentThreshold: 12 });
    expect(changed.body.questions).toHaveLength(2);
    const early = await acme.as('b1')('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: changed.body.questions[0].id, value: 4 }] });
    expect(early.body.type).toBe('urn:grove:problem:survey-not-open');
  });

  it('recurs: weekly rounds, each its own; an earlier round shows in rounds', async () => {
    const hr = acme.as('hr');
    const now = Date.now();
    const s = (
      await hr('POST', '/v1/surveys', openSurveyBody(QUESTIONS, {
        opensAt: new Date(now - 15 * 86_400_000).toISOString(),
        closesAt: new Date(now - 12 * 86_400_000).toISOString(),
        recurrence: { every: 'week', rounds: null },
      }))
    ).body;
    // Rounds opened 15, 8 and 1 days ago, each three days long: the third is open.
    expect(s.currentRound.number).toBe(3);
    expect(s.status).toBe('open');
  });
});

describe('answering', () => {
  it('records a response, tells the person, and refuses a second one in the round', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS))).body;
    const b2 = acme.as('b2');
    const answers = [
      { questionId: s.questions[0].id, value: 4 },
      { questionId: s.questions[1].id, value: 9 },
      { questionId: s.questions[2].id, value: 2 },
      { questionId: s.questions[3].id, choices: [0, 2] },
      { questionId: s.questions[4].id, text: 'More plants' },
    ];
    const first = await b2('POST', `/v1/surveys/${s.id}/responses`, { answers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({ surveyId: s.id, round: 1 });
    const again = await b2('POST', `/v1/surveys/${s.id}/responses`, { answers });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:grove:problem:already-responded');
    const seen = await b2('GET', `/v1/surveys/${s.id}`);
    expect(seen.body.viewer).toEqual({ inAudience: true, responded: true });
    const open = await b2('GET', '/v1/surveys/open');
    expect(open.body.items.find((i: { id: string }) => i.id === s.id).viewer.responded).toBe(true);
  });

  it('reports every answer problem at once and stores nothing', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS))).body;
    const bad = await acme.as('b3')('POST', `/v1/surveys/${s.id}/responses`, {
      answers: [
        { questionId: s.questions[1].id, value: 11 },
        { questionId: s.questions[2].id, choices: [1] },
        { questionId: s.questions[3].id, choices: [1, 1] },
        { questionId: crypto.randomUUID(), value: 1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('urn:grove:problem:invalid-answers');
    expect(bad.body.errors.map((e: { reason: string }) => e.reason).sort()).toEqual(['missing_required', 'out_of_range', 'out_of_range', 'unknown_question', 'wrong_type']);
    const seen = await acme.as('b3')('GET', `/v1/surveys/${s.id}`);
    expect(seen.body.viewer.responded).toBe(false);
  });

  it('refuses people outside the audience', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS))).body;
    for (const who of ['x1', 'm1', 'hr']) {
      const reply = await acme.as(who)('POST', `/v1/surveys/${s.id}/responses`, { answers: [{ questionId: s.questions[0].id, value: 5 }] });
      expect(reply.status, who).toBe(403);
      expect(reply.body.type).toBe('urn:grove:problem:not-in-audience');
    }
    const people = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS, { audience: { kind: 'people', personIds: [acme.ids.x1!] } }))).body;
    const x1 = await acme.as('x1')('POST', `/v1/surveys/${people.id}/responses`, { answers: [{ questionId: people.questions[0].id, value: 5 }] });
    expect(x1.status).toBe(201);
    const b1 = await acme.as('b1')('POST', `/v1/surveys/${people.id}/responses`, { answers: [{ questionId: people.questions[0].id, value: 5 }] });
    expect(b1.status).toBe(403);
  });

  it('a retry with the same Idempotency-Key replays the receipt, and the stored body is only the receipt', async () => {
    const s = (await acme.as('hr')('POST', '/v1/surveys', openSurveyBody(QUESTIONS))).body;
    const body = { answers: [{ questionId: s.questions[0].id, value: 2 }, { questionId: s.questions[4].id, text: 'idempotent secret' }] };
    const headers = { 'idempotency-key': 'survey-retry-0001' };
    const first = await acme.as('b4')('POST', `/v1/surveys/${s.id}/responses`, body, headers);
    const retry = await acme.as('b4')('POST', `/v1/surveys/${s.id}/responses`, body, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
  });
});
