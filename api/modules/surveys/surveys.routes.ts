import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requires } from '../../http/authorize.js';
import type { AppEnv } from '../../http/context.js';
import { Problem } from '../../http/problems.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { reportUnknownId } from '../../http/violations.js';
import { respond } from './responses.service.js';
import { surveyResults, surveyTrend } from './results.service.js';
import {
  CreateSurveyBody,
  ListQuery,
  OpenSurveys,
  RespondBody,
  ResponseReceipt,
  Results,
  ResultsQuery,
  Survey,
  SurveyIdParam,
  SurveyPage,
  Trend,
  TrendQuery,
  UpdateSurveyBody,
} from './surveys.schemas.js';
import { closeSurvey, createSurvey, getSurvey, listSurveys, openSurveys, UnknownIds, updateSurvey, type Caller } from './surveys.service.js';

const surveyResource = (c: Context<AppEnv>) => `survey:${c.req.param('id')}`;
const tags = ['Surveys'];

const caller = (c: Context<AppEnv>): Caller => {
  const credential = c.get('credential') as { tenantId: string; kind: string };
  return { tenantId: credential.tenantId, viewer: credential.kind === 'user' ? c.get('viewer') : null, fields: c.get('fields') };
};

/** Runs a service call; ids it could not find in the tenant are reported, then answered 404. */
async function found<T>(c: Context<AppEnv>, id: string | null, work: () => Promise<T | undefined>): Promise<T> {
  try {
    const result = await work();
    if (result === undefined) {
      if (id) reportUnknownId(c, 'surveys', id);
      throw new Problem('not-found', 'No such survey.');
    }
    return result;
  } catch (error) {
    if (error instanceof UnknownIds) for (const unknown of error.ids) reportUnknownId(c, error.table, unknown);
    throw error;
  }
}

const create = createRoute({
  method: 'post',
  path: '/v1/surveys',
  summary: 'Create or schedule a survey',
  tags,
  middleware: [requires('surveys.manage')] as const,
  request: jsonBody(CreateSurveyBody),
  responses: { 201: json(Survey, 'Created'), ...problemResponses },
});

const list = createRoute({
  method: 'get',
  path: '/v1/surveys',
  summary: 'Surveys, newest first (respondents: those addressed to them)',
  tags,
  middleware: [requires('surveys.read')] as const,
  request: { query: ListQuery },
  responses: { 200: json(SurveyPage), ...problemResponses },
});

const open = createRoute({
  method: 'get',
  path: '/v1/surveys/open',
  summary: "Surveys with a round open now whose audience holds the token's user",
  tags,
  middleware: [requires('surveys.respond')] as const,
  responses: { 200: json(OpenSurveys), ...problemResponses },
});

const one = createRoute({
  method: 'get',
  path: '/v1/surveys/{id}',
  summary: 'One survey',
  tags,
  middleware: [requires('surveys.read', { resource: surveyResource })] as const,
  request: { params: SurveyIdParam },
  responses: { 200: json(Survey), ...problemResponses },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/surveys/{id}',
  summary: 'Change a survey (questions and thresholds only before it opens)',
  tags,
  middleware: [requires('surveys.manage', { resource: surveyResource })] as const,
  request: { params: SurveyIdParam, ...jsonBody(UpdateSurveyBody) },
  responses: { 200: json(Survey), ...problemResponses },
});

const close = createRoute({
  method: 'post',
  path: '/v1/surveys/{id}/close',
  summary: 'Close a survey now',
  tags,
  middleware: [requires('surveys.manage', { resource: surveyResource })] as const,
  request: { params: SurveyIdParam },
  responses: { 200: json(Survey), ...problemResponses },
});

const answer = createRoute({
  method: 'post',
  path: '/v1/surveys/{id}/responses',
  summary: 'Answer the round open now (once per person and round; anonymous)',
  tags,
  // The Idempotency-Key fingerprint leaves the body out: see RequiresOptions.fingerprintBody.
  middleware: [requires('surveys.respond', { resource: surveyResource, fingerprintBody: false })] as const,
  request: { params: SurveyIdParam, ...jsonBody(RespondBody) },
  responses: { 201: json(ResponseReceipt, 'Recorded'), ...problemResponses },
});

const results = createRoute({
  method: 'get',
  path: '/v1/surveys/{id}/results',
  summary: 'Aggregated results of a round, suppressed below the thresholds',
  tags,
  middleware: [requires('surveys.results', { resource: surveyResource })] as const,
  request: { params: SurveyIdParam, query: ResultsQuery },
  responses: { 200: json(Results), ...problemResponses },
});

const trend = createRoute({
  method: 'get',
  path: '/v1/surveys/{id}/trend',
  summary: 'Figures per round, oldest first',
  tags,
  middleware: [requires('surveys.results', { resource: surveyResource })] as const,
  request: { params: SurveyIdParam, query: TrendQuery },
  responses: { 200: json(Trend), ...problemResponses },
});

export const surveyRoutes = router()
  .openapi(create, async (c) => c.json(await found(c, null, () => createSurvey(c.get('tx'), caller(c), c.req.valid('json'))), 201))
  .openapi(list, async (c) => c.json(await listSurveys(c.get('tx'), caller(c), c.req.valid('query')), 200))
  .openapi(open, async (c) => c.json({ items: await openSurveys(c.get('tx'), c.get('viewer')) }, 200))
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, id, () => getSurvey(c.get('tx'), caller(c), id)), 200);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, id, () => updateSurvey(c.get('tx'), caller(c), id, c.req.valid('json'))), 200);
  })
  .openapi(close, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, id, () => closeSurvey(c.get('tx'), caller(c), id)), 200);
  })
  .openapi(answer, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, null, () => respond(c.get('tx'), c.get('viewer'), c.get('fields'), id, c.req.valid('json'))), 201);
  })
  .openapi(results, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, id, () => surveyResults(c.get('tx'), caller(c), id, c.req.valid('query'))), 200);
  })
  .openapi(trend, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await found(c, id, () => surveyTrend(c.get('tx'), caller(c), id, c.req.valid('query'))), 200);
  });
