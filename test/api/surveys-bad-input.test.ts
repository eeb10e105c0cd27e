import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, tableDigests } from '../support/bad-input.js';
import { testGrove, type TestGrove } from '../support/grove.js';
import { openSurveyBody, surveyOrg, type SurveyOrg } from './surveys-fixture.js';

/**
 * The survey routes, fed bad bodies, paths, queries and headers, answer a 4xx problem document
 * (never a 500) and change nothing (as bad-input.test.ts does for the other routes).
 */

const SQLI = "'; drop table app.survey_answers; --";
const HTML = '<script>alert("x")</script>';
const NUL = 'a\u0000b';
const MEGABYTE = 'x'.repeat(1024 * 1024);
const badIds = ['not-a-uuid', '0193a6f2-7c1e-7b3a-9d2e-5f1c0a9b8e21a', SQLI, HTML, NUL, '12345'];

let t: TestGrove;
let acme: SurveyOrg;
let open: { id: string; questions: Array<{ id: string }> };
let scheduled: { id: string };
let hr: string;
let b1: string;

const TABLES = ['app.surveys', 'app.survey_participation', 'app.survey_responses', 'app.survey_answers', 'app.idempotency_keys', 'app.people'];

const snapshot = () => tableDigests(t.grove.deps.database.db, TABLES);

const QUESTIONS = [
  { type: 'likert', prompt: 'Fine?', required: true },
  { type: 'single_choice', prompt: 'Pick', options: ['a', 'b'] },
  { type: 'multiple_choice', prompt: 'Any', options: ['a', 'b', 'c'] },
  { type: 'text', prompt: 'Say' },
];

beforeAll(async () => {
  t = await testGrove();
  acme = await surveyOrg(t);
  hr = await acme.token('hr');
  b1 = await acme.token('b1', ['surveys:respond']);
  open = (await t.request('POST', '/v1/surveys', { auth: hr, origin: acme.origin, body: openSurveyBody(QUESTIONS) })).body;
  const later = Date.now() + 86_400_000;
  scheduled = (
    await t.request('POST', '/v1/surveys', {
      auth: hr,
      origin: acme.origin,
      body: openSurveyBody(QUESTIONS, { opensAt: new Date(later).toISOString(), closesAt: new Date(later + 3_600_000).toISOString() }),
    })
  ).body;
  // One good response, so there is answer-side state that must not change.
  const first = await t.request('POST', `/v1/surveys/${open.id}/responses`, { auth: b1, origin: acme.origin, body: { answers: [{ questionId: open.questions[0]!.id, value: 3 }] } });
  expect(first.status).toBe(201);
});
afterAll(() => t.close());

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  auth?: string;
  headers?: Record<string, string>;
  type?: string;
}

const good = () => openSurveyBody(QUESTIONS);
const ans = (answers: unknown) => ({ answers });

function cases(): Case[] {
  const out: Case[] = [];
  const create = (name: string, body: unknown, type?: string) => out.push({ name: `create: ${name}`, method: 'POST', path: '/v1/surveys', body, ...(type ? { type } : {}) });
  create('title missing', { ...good(), title: undefined });
  create('title empty', { ...good(), title: '  ' });
  create('title of 201 chars', { ...good(), title: 'x'.repeat(201) });
  create('title with NUL', { ...good(), title: NUL });
  create('title of 1 MB', { ...good(), title: MEGABYTE }, 'urn:grove:problem:payload-too-large');
  create('no questions', { ...good(), questions: [] });
  create('51 questions', { ...good(), questions: Array.from({ length: 51 }, () => QUESTIONS[0]) });
  create('question type unknown', { ...good(), questions: [{ type: 'slider', prompt: 'x' }] });
  create('question type SQL', { ...good(), questions: [{ type: SQLI, prompt: 'x' }] });
  create('prompt of 501 chars', { ...good(), questions: [{ type: 'likert', prompt: 'x'.repeat(501) }] });
  create('prompt with NUL', { ...good(), questions: [{ type: 'likert', prompt: NUL }] });
  create('choice with one option', { ...good(), questions: [{ type: 'single_choice', prompt: 'x', options: ['a'] }] });
  create('choice with 21 options', { ...good(), questions: [{ type: 'single_choice', prompt: 'x', options: Array.from({ length: 21 }, (_, i) => `o${i}`) }] });
  create('options on a likert', { ...good(), questions: [{ type: 'likert', prompt: 'x', options: ['a', 'b'] }] });
  create('question id smuggled in', { ...good(), questions: [{ ...QUESTIONS[0], id: uuidv7() }] });
  create('required a string', { ...good(), questions: [{ type: 'likert', prompt: 'x', required: 'yes' }] });
  create('audience kind unknown', { ...good(), audience: { kind: 'everyone' } });
  create('audience teams empty', { ...good(), audience: { kind: 'teams', teams: [] } });
  create('audience people bad id', { ...good(), audience: { kind: 'people', personIds: [SQLI] } });
  create('audience people unknown', { ...good(), audience: { kind: 'people', personIds: [uuidv7()] } }, 'urn:grove:problem:not-found');
  create('opensAt not a date', { ...good(), opensAt: 'tomorrow' });
  create('opensAt without offset', { ...good(), opensAt: '2026-12-01T10:00:00' });
  create('closesAt before opensAt', { ...good(), closesAt: new Date(Date.now() - 86_400_000).toISOString() });
  create('recurrence unknown', { ...good(), recurrence: { every: 'day', rounds: 3 } });
  create('recurrence rounds 0', { ...good(), recurrence: { every: 'month', rounds: 0 } });
  create('round longer than the period', { ...good(), closesAt: new Date(Date.now() + 8 * 86_400_000).toISOString(), recurrence: { every: 'week', rounds: 2 } });
  create('anonymity threshold 2', { ...good(), anonymityThreshold: 2 });
  create('anonymity threshold a fraction', { ...good(), anonymityThreshold: 5.5 });
  create('anonymity threshold a string', { ...good(), anonymityThreshold: '5' });
  create('comment threshold below anonymity', { ...good(), anonymityThreshold: 6, commentThreshold: 5 });
  create('status smuggled in', { ...good(), status: 'closed' });
  out.push({ name: 'create: by an employee', method: 'POST', path: '/v1/surveys', body: good(), auth: b1, type: 'urn:grove:problem:insufficient-scope' });

  const patch = (name: string, body: unknown, id = scheduled.id, type?: string) => out.push({ name: `patch: ${name}`, method: 'PATCH', path: `/v1/surveys/${id}`, body, ...(type ? { type } : {}) });
  patch('threshold after opening', { anonymityThreshold: 6 }, open.id, 'urn:grove:problem:survey-locked');
  patch('questions after opening', { questions: QUESTIONS }, open.id, 'urn:grove:problem:survey-locked');
  patch('threshold 1', { anonymityThreshold: 1 });
  patch('comment threshold below anonymity', { commentThreshold: 4 });
  patch('closesAt before opensAt', { closesAt: new Date().toISOString() });
  patch('title null', { title: null });
  patch('opensAt (not changeable)', { opensAt: new Date().toISOString() });
  patch('unknown survey', { title: 'x' }, uuidv7(), 'urn:grove:problem:not-found');
  for (const id of badIds) patch(`bad id ${id.slice(0, 12)}`, { title: 'x' }, encodeURIComponent(id));

  const respond = (name: string, body: unknown, type?: string, id = open.id) =>
    out.push({ name: `respond: ${name}`, method: 'POST', path: `/v1/surveys/${id}/responses`, body, auth: b1, ...(type ? { type } : {}) });
  const [likert, single, multi, text] = open.questions.map((q) => q.id);
  respond('again in the round', ans([{ questionId: likert, value: 4 }]), 'urn:grove:problem:already-responded');
  respond('answers missing', {});
  respond('answers a string', ans('5'));
  respond('question id SQL', ans([{ questionId: SQLI, value: 3 }]));
  respond('value a string', ans([{ questionId: likert, value: '3' }]));
  respond('value a fraction', ans([{ questionId: likert, value: 3.5 }]));
  respond('value negative', ans([{ questionId: likert, value: -1 }]));
  respond('text of 5001 chars', ans([{ questionId: likert, value: 3 }, { questionId: text, text: 'x'.repeat(5001) }]));
  respond('text of 1 MB', ans([{ questionId: text, text: MEGABYTE }]), 'urn:grove:problem:payload-too-large');
  respond('choices of strings', ans([{ questionId: multi, choices: ['a'] }]));
  respond('personId smuggled in', { ...ans([{ questionId: likert, value: 3 }]), personId: acme.ids.b2 });
  respond('scheduled survey', ans([{ questionId: likert, value: 3 }]), 'urn:grove:problem:survey-not-open', scheduled.id);
  respond('unknown survey', ans([]), 'urn:grove:problem:not-found', uuidv7());
  for (const id of badIds) respond(`bad id ${id.slice(0, 12)}`, ans([]), undefined, encodeURIComponent(id));
  // Answer problems of a person who has not answered yet: nothing may be stored for them.
  const fresh = (name: string, answers: unknown) =>
    out.push({ name: `respond (b2): ${name}`, method: 'POST', path: `/v1/surveys/${open.id}/responses`, body: ans(answers), auth: 'b2', type: 'urn:grove:problem:invalid-answers' });
  fresh('required missing', [{ questionId: single, value: 0 }]);
  fresh('likert 6', [{ questionId: likert, value: 6 }]);
  fresh('likert 0', [{ questionId: likert, value: 0 }]);
  fresh('option out of range', [{ questionId: likert, value: 3 }, { questionId: single, value: 2 }]);
  fresh('choices repeated', [{ questionId: likert, value: 3 }, { questionId: multi, choices: [1, 1] }]);
  fresh('value on a text question', [{ questionId: likert, value: 3 }, { questionId: text, value: 1 }]);
  fresh('text on a likert', [{ questionId: likert, text: 'five' }]);
  fresh('two kinds at once', [{ questionId: likert, value: 3, text: 'and words' }]);
  fresh('unknown question', [{ questionId: likert, value: 3 }, { questionId: uuidv7(), value: 3 }]);
  fresh('same question twice', [{ questionId: likert, value: 3 }, { questionId: likert, value: 4 }]);
  fresh('text with NUL', [{ questionId: likert, value: 3 }, { questionId: text, text: NUL }]);
  fresh('another survey\'s question', [{ questionId: likert, value: 3 }, { questionId: uuidv7(), text: 'x' }]);

  for (const id of [...badIds, uuidv7()]) out.push({ name: `close: id ${id.slice(0, 12)}`, method: 'POST', path: `/v1/surveys/${encodeURIComponent(id)}/close` });
  for (const [name, query] of [
    ['round 0', 'round=0'],
    ['round a word', 'round=last'],
    ['round not opened', 'round=7'],
    ['groupBy unknown', 'groupBy=person'],
    ['manager not a uuid', `manager=${encodeURIComponent(SQLI)}`],
    ['team of 201 chars', `team=${'x'.repeat(201)}`],
    ['unknown parameter', 'personId=1'],
  ]) {
    out.push({ name: `results: ${name}`, method: 'GET', path: `/v1/surveys/${open.id}/results?${query}` });
  }
  out.push({ name: 'results: scheduled survey', method: 'GET', path: `/v1/surveys/${scheduled.id}/results`, type: 'urn:grove:problem:survey-not-open' });
  out.push({ name: 'results: by an employee', method: 'GET', path: `/v1/surveys/${open.id}/results`, auth: b1, type: 'urn:grove:problem:insufficient-scope' });
  out.push({ name: 'list: bad cursor', method: 'GET', path: '/v1/surveys?cursor=nope' });
  out.push({ name: 'list: limit 0', method: 'GET', path: '/v1/surveys?limit=0' });
  out.push({ name: 'respond: with the tenant key', method: 'POST', path: `/v1/surveys/${open.id}/responses`, body: ans([]), auth: 'key', type: 'urn:grove:problem:forbidden' });
  for (const raw of ['{"answers": ', 'null', '[]']) out.push({ name: `respond: raw ${raw}`, method: 'POST', path: `/v1/surveys/${open.id}/responses`, raw, auth: 'b2' });
  out.push({ name: 'respond: bad Idempotency-Key', method: 'POST', path: `/v1/surveys/${open.id}/responses`, body: ans([{ questionId: likert, value: 3 }]), auth: 'b2', headers: { 'idempotency-key': SQLI } });
  return out;
}

describe('survey routes refuse bad input and change nothing', () => {
  it('every case', async () => {
    const b2 = await acme.token('b2', ['surveys:respond']);
    const before = await snapshot();
    let checked = 0;
    for (const c of cases()) {
      const auth = c.auth === 'key' ? acme.tenant.apiKey : c.auth === 'b2' ? b2 : (c.auth ?? hr);
      const headers: Record<string, string> = { ...c.headers };
      if (c.raw !== undefined) headers['content-type'] = 'application/json';
      const reply = await t.request(c.method, c.path, {
        auth,
        ...(auth === acme.tenant.apiKey ? {} : { origin: acme.origin }),
        headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.raw !== undefined ? { raw: c.raw } : {}),
      });
      expectProblem(reply, c.name);
      if (c.type) expect(reply.body.type, c.name).toBe(c.type);
      checked++;
    }
    expect(checked).toBeGreaterThan(90);
    expect(await snapshot()).toEqual(before);
  });
});
