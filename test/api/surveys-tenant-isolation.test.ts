import { eq, sql } from 'drizzle-orm';
import { v4 as uuidv4 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Tx } from '../../api/db/client.js';
import { surveyAnswers, surveyParticipation, surveyResponses, surveys } from '../../api/db/schema/surveys.js';
import { PLATFORM_KEY, testGrove, type Reply, type TestGrove } from '../support/grove.js';
import { openSurveyBody, surveyOrg, type SurveyOrg } from './surveys-fixture.js';

/**
 * Tenant A cannot read, answer, change, close or even detect tenant B's surveys through any
 * survey route (each attempt answers like a missing id and is recorded), and below the API the
 * database refuses A's transaction every survey row of B.
 */

let t: TestGrove;
let A: SurveyOrg;
let B: SurveyOrg;
let bSurvey: { id: string; questions: Array<{ id: string }> };
const TABLES = ['surveys', 'survey_participation', 'survey_responses', 'survey_answers'];

async function bDigest() {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [row] = await rows<{ n: number; d: string }>(
      t.grove.deps.database.db,
      sql`select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d
            from ${sql.raw(`app.${table}`)} x where x.tenant_id = ${B.tenant.id}`,
    );
    out[table] = `${row!.n}:${row!.d}`;
  }
  return out;
}

beforeAll(async () => {
  t = await testGrove();
  A = await surveyOrg(t, 'Same', 'https://a.example.test');
  B = await surveyOrg(t, 'Same', 'https://b.example.test');
  bSurvey = (await B.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'likert', prompt: 'B?' }, { type: 'text', prompt: 'B says' }]))).body;
  for (const who of ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']) {
    const reply = await B.as(who)('POST', `/v1/surveys/${bSurvey.id}/responses`, {
      answers: [{ questionId: bSurvey.questions[0]!.id, value: 5 }, { questionId: bSurvey.questions[1]!.id, text: `B secret ${who}` }],
    });
    expect(reply.status).toBe(201);
  }
  // A has a survey of its own, so A's reads are not trivially empty.
  expect((await A.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'likert', prompt: 'A?' }]))).status).toBe(201);
});
afterAll(() => t.close());

function observable(reply: Reply, from: string, to: string) {
  const body = JSON.parse(JSON.stringify(reply.body).split(from).join(to)) as Record<string, unknown>;
  delete body.requestId;
  return { status: reply.status, type: reply.headers.get('content-type'), body };
}

async function violations(): Promise<Array<{ details: { id?: string }; targetTenantId: string | null }>> {
  await t.grove.drain();
  const reply = await t.request('GET', '/v1/platform/security-events?type=tenant_violation_attempt&limit=100', { auth: PLATFORM_KEY });
  return reply.body.items;
}

describe('survey routes across tenants', () => {
  const attempts: Array<[string, string, (id: string) => string, unknown?]> = [
    ['hr', 'GET', (id) => `/v1/surveys/${id}`],
    ['hr', 'GET', (id) => `/v1/surveys/${id}/results`],
    ['hr', 'GET', (id) => `/v1/surveys/${id}/results?groupBy=team`],
    ['hr', 'GET', (id) => `/v1/surveys/${id}/trend`],
    ['hr', 'PATCH', (id) => `/v1/surveys/${id}`, { title: 'pwned' }],
    ['hr', 'POST', (id) => `/v1/surveys/${id}/close`],
    ['b1', 'POST', (id) => `/v1/surveys/${id}/responses`, { answers: [] }],
  ];

  it('each answers exactly like an id that exists nowhere, changes nothing, and is recorded', async () => {
    const before = await bDigest();
    for (const [who, method, path, body] of attempts) {
      const missing = crypto.randomUUID();
      const seen = (await violations()).length;
      const foreign = await A.as(who)(method, path(bSurvey.id), body);
      const nowhere = await A.as(who)(method, path(missing), body);
      expect(observable(foreign, bSurvey.id, 'ID'), `${method} ${path('ID')}`).toEqual(observable(nowhere, missing, 'ID'));
      expect(foreign.status).toBe(404);
      const after = await violations();
      const fresh = after.slice(0, after.length - seen);
      expect(fresh.some((e) => e.details.id === bSurvey.id && e.targetTenantId === B.tenant.id), `${method} ${path('ID')} not recorded`).toBe(true);
    }
    expect(await bDigest()).toEqual(before);
  });

  it('lists, open surveys and audiences never show or take B\'s surveys or people', async () => {
    for (const [who, path] of [['hr', '/v1/surveys?limit=100'], ['b1', '/v1/surveys/open']] as const) {
      const reply = await A.as(who)('GET', path);
      expect(reply.status).toBe(200);
      expect(JSON.stringify(reply.body)).not.toContain(bSurvey.id);
    }
    const naming = await A.as('hr')('POST', '/v1/surveys', openSurveyBody([{ type: 'likert', prompt: 'x' }], { audience: { kind: 'people', personIds: [B.ids.b1] } }));
    expect(naming.status).toBe(404);
  });
});

describe('survey tables across tenants, as grove_app', () => {
  const database = () => t.grove.deps.database;

  it('A\'s transaction sees none of B\'s rows', async () => {
    for (const table of TABLES) {
      const [seen] = await database().withTenant(A.tenant.id, (tx) =>
        rows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(`app.${table}`)} where tenant_id = ${B.tenant.id}`),
      );
      expect(seen!.n, table).toBe(0);
    }
    expect(Object.values(await bDigest()).every((d) => !d.startsWith('0:'))).toBe(true);
  });

  it('A\'s transaction cannot insert rows for B (42501), nor update or delete B\'s', async () => {
    const tb = B.tenant.id;
    const inserts: Array<[string, (tx: Tx) => Promise<unknown>]> = [
      ['surveys', (tx) => tx.insert(surveys).values({ tenantId: tb, id: uuidv4(), title: 'x', questions: [], audience: { kind: 'tenant' }, opensAt: new Date(), closesAt: new Date(), anonymityThreshold: 5, commentThreshold: 10 })],
      ['survey_participation', (tx) => tx.insert(surveyParticipation).values({ tenantId: tb, surveyId: bSurvey.id, round: 1, personId: B.ids.s1! })],
      ['survey_responses', (tx) => tx.insert(surveyResponses).values({ tenantId: tb, surveyId: bSurvey.id, round: 1 })],
      ['survey_answers', (tx) => tx.insert(surveyAnswers).values({ tenantId: tb, responseId: uuidv4(), surveyId: bSurvey.id, round: 1, questionId: bSurvey.questions[0]!.id, value: 1 })],
    ];
    const before = await bDigest();
    for (const [name, attempt] of inserts) {
      let code: string | undefined;
      try {
        await database().withTenant(A.tenant.id, attempt);
      } catch (error) {
        for (let e: unknown = error; e && !code; e = (e as { cause?: unknown }).cause) code = (e as { code?: string }).code;
      }
      expect(code, name).toBe('42501');
    }
    const affected = await database().withTenant(A.tenant.id, async (tx) => [
      (await tx.update(surveys).set({ title: 'pwned' }).where(eq(surveys.id, bSurvey.id)).returning()).length,
      (await tx.delete(surveyAnswers).where(eq(surveyAnswers.surveyId, bSurvey.id)).returning()).length,
      (await tx.delete(surveyResponses).where(eq(surveyResponses.surveyId, bSurvey.id)).returning()).length,
      (await tx.delete(surveyParticipation).where(eq(surveyParticipation.surveyId, bSurvey.id)).returning()).length,
    ]);
    expect(affected).toEqual([0, 0, 0, 0]);
    expect(await bDigest()).toEqual(before);
  });
});
