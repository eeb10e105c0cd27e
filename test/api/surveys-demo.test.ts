import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoTenant } from '../../demo/seed.js';
import { DEMO_SURVEY_TITLE, DEMO_SURVEY_VISITOR } from '../../demo/survey-seed.js';
import { ORIGIN, testGrove, type TestGrove } from '../support/grove.js';

/** The demo's seeded survey: answerable by the default visitor, with breakdowns, a suppressed team and a trend. */

let t: TestGrove;
let apiKey: string;
let surveyId: string;
const as = async (externalId: string, method: string, path: string, body?: unknown) => {
  const minted = await t.mint(apiKey, { externalId, name: externalId }, ['surveys:respond', 'surveys:read', 'surveys:manage']);
  return t.request(method, path, { auth: minted.token, origin: ORIGIN, body });
};

beforeAll(async () => {
  t = await testGrove();
  const dir = mkdtempSync(join(tmpdir(), 'grove-demo-'));
  const demo = await ensureDemoTenant(t.grove.deps, dir, [ORIGIN]);
  apiKey = demo.apiKey;
  // Seeding twice (a restart on the same data) adds nothing.
  await ensureDemoTenant(t.grove.deps, dir, [ORIGIN]);
});
afterAll(() => t.close());

describe('the demo survey', () => {
  it('is open for the default visitor, already answered by the others', async () => {
    const open = await as(DEMO_SURVEY_VISITOR, 'GET', '/v1/surveys/open');
    expect(open.body.items).toHaveLength(1);
    const survey = open.body.items[0];
    expect(survey).toMatchObject({ title: DEMO_SURVEY_TITLE, status: 'open', anonymityThreshold: 3, currentRound: { number: 3 }, viewer: { inAudience: true, responded: false } });
    surveyId = survey.id;
    const priya = await as('priya', 'GET', `/v1/surveys/${surveyId}`);
    expect(priya.body.viewer).toEqual({ inAudience: true, responded: true });
    const all = await as('kenji', 'GET', '/v1/surveys?limit=10');
    expect(all.body.items.filter((s: { title: string }) => s.title === DEMO_SURVEY_TITLE)).toHaveLength(1);
  });

  it('shows figures, team breakdowns with suppressed small teams, comments and a three-round trend', async () => {
    const results = (await as('kenji', 'GET', `/v1/surveys/${surveyId}/results?groupBy=team`)).body;
    expect(results.participation).toEqual({ invited: 12, responded: 11, rate: 91.7 });
    expect(results.rounds).toHaveLength(3);
    expect(results.questions.find((q: { type: string }) => q.type === 'enps').enps).not.toBeNull();
    expect(results.questions.find((q: { type: string }) => q.type === 'text').comments.items).toHaveLength(10);
    const groups = Object.fromEntries(results.breakdown.groups.map((g: { key: string }) => [g.key, g]));
    expect(groups.Engineering.hidden).toBeNull();
    expect(groups['Customer Success'].hidden).toBeNull();
    expect(groups.People.hidden).toBe('below_threshold');
    expect(groups.Leadership.hidden).toBe('below_threshold');
    // By manager, from Amélie at the top: her direct reports (3), Marcus's line (3 until Hugo
    // answers), Sofia's (3), Kenji's (Olivia, 1) and Amélie herself (1): the two ones are hidden,
    // and so is one group of 3, since 1 + 1 would be computable from the total.
    const byManager = (await as('kenji', 'GET', `/v1/surveys/${surveyId}/results?groupBy=manager`)).body.breakdown.groups;
    expect(byManager.map((g: { hidden: string | null }) => g.hidden).sort()).toEqual(['below_threshold', 'below_threshold', 'differencing', null, null]);
    expect(byManager.find((g: { label: string }) => g.label === 'Amélie Laurent (direct reports)')).toBeDefined();
    const trend = (await as('kenji', 'GET', `/v1/surveys/${surveyId}/trend`)).body;
    expect(trend.rounds.map((r: { respondents: number }) => r.respondents)).toEqual([12, 12, 11]);
    const means = trend.rounds.map((r: { questions: Array<{ mean: number }> }) => r.questions[0]!.mean);
    expect(means[2]).toBeGreaterThan(means[0]);
  });

  it('the visitor can answer, once', async () => {
    const survey = (await as(DEMO_SURVEY_VISITOR, 'GET', `/v1/surveys/${surveyId}`)).body;
    const answers = survey.questions.filter((q: { required: boolean }) => q.required).map((q: { id: string; type: string }) => ({ questionId: q.id, value: q.type === 'enps' ? 9 : 4 }));
    expect((await as(DEMO_SURVEY_VISITOR, 'POST', `/v1/surveys/${surveyId}/responses`, { answers })).status).toBe(201);
    expect((await as(DEMO_SURVEY_VISITOR, 'POST', `/v1/surveys/${surveyId}/responses`, { answers })).status).toBe(409);
    const manager = await as('marcus', 'GET', `/v1/surveys/${surveyId}/results`);
    expect(manager.status).toBe(200);
    expect(manager.body.participation.responded).toBe(4); // Marcus's reporting line: Hugo, Priya, Léa, Tom
  });
});
