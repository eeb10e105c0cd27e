import type { OpenSurveys, SurveyPage, RespondBody, ResponseReceipt, Results, Survey, Trend } from '../../api/modules/surveys/surveys.schemas.js';
import type { GroveClient } from '../core/client.js';

// The survey routes, on the shared client's `request()` (token, refresh on 401, retries of
// keyed POSTs). Kept out of GroveClient itself so that the praise bundles do not carry them.

const path = (id: string, rest = '') => `/v1/surveys/${encodeURIComponent(id)}${rest}`;

/** Query of `GET /v1/surveys/{id}/results`. */
export interface ResultsParams {
  round?: number | null;
  groupBy?: 'team' | 'manager' | null;
  team?: string | null;
  manager?: string | null;
}

export const surveysApi = (client: GroveClient) => ({
  open: (): Promise<OpenSurveys> => client.request('GET', '/v1/surveys/open'),
  list: (limit = 20): Promise<SurveyPage> => client.request('GET', '/v1/surveys', { query: { limit } }),
  get: (id: string): Promise<Survey> => client.request('GET', path(id)),
  /** Retries reuse `idempotencyKey`, so one submission is recorded at most once. */
  respond: (id: string, body: RespondBody, idempotencyKey: string): Promise<ResponseReceipt> =>
    client.request('POST', path(id, '/responses'), { body, idempotencyKey }),
  results: (id: string, params: ResultsParams = {}): Promise<Results> => client.request('GET', path(id, '/results'), { query: { ...params } }),
  trend: (id: string): Promise<Trend> => client.request('GET', path(id, '/trend')),
});
