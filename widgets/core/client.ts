import type { GivePraiseBody, PraiseItem, PraisePage } from '../../api/modules/praise/praise.schemas.js';
import type { CompanyValue, Me, PersonMatch } from '../../api/modules/directory/people.schemas.js';
import { localProblem, ProblemError, type Problem } from './problem.js';
import { provider as pageProvider, type TokenProvider } from './token-provider.js';

export type Reaction = PraiseItem['reactions'][number]['reaction'];
export type ReactionCount = PraiseItem['reactions'][number];

/** Filters of `GET /v1/praise`. */
export interface FeedParams {
  limit?: number;
  cursor?: string | null;
  recipientId?: string | null;
  giverId?: string | null;
  value?: string | null;
  scope?: 'all' | 'team' | 'mine';
}

interface RequestOptions {
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const MAX_ATTEMPTS = 6;

/** A UUID for `Idempotency-Key`, also outside secure contexts where `randomUUID` is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const online = () =>
  navigator.onLine ? Promise.resolve() : new Promise<void>((r) => addEventListener('online', () => r(), { once: true }));

/**
 * Typed client of the Grove API for the widgets. Shapes come from the API's zod schemas by
 * type-only import, so nothing is copied by hand and no API code reaches the bundle.
 */
export class GroveClient {
  constructor(private readonly tokens: TokenProvider = pageProvider) {}

  me(): Promise<Me> {
    return this.request('GET', '/v1/me');
  }
  values(): Promise<{ items: CompanyValue[] }> {
    return this.request('GET', '/v1/values');
  }
  people(q: string, limit = 8, signal?: AbortSignal): Promise<{ items: PersonMatch[] }> {
    return this.request('GET', '/v1/people', { query: { q, limit }, signal });
  }
  praise(params: FeedParams = {}): Promise<PraisePage> {
    return this.request('GET', '/v1/praise', { query: { ...params } });
  }
  /** Retries (network failures, 5xx, 429, one 401) reuse `idempotencyKey`, so at most one praise is created. */
  givePraise(body: GivePraiseBody, idempotencyKey: string): Promise<PraiseItem> {
    return this.request('POST', '/v1/praise', { body, idempotencyKey });
  }
  deletePraise(id: string): Promise<void> {
    return this.request('DELETE', `/v1/praise/${encodeURIComponent(id)}`);
  }
  react(id: string, reaction: Reaction, on: boolean): Promise<{ reactions: ReactionCount[] }> {
    return this.request(on ? 'PUT' : 'DELETE', `/v1/praise/${encodeURIComponent(id)}/reactions/${reaction}`);
  }

  /** One logical request: refresh once on 401; POSTs with a key also survive the network dropping. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token();
      let res: Response;
      try {
        res = await fetch(this.url(path, opts.query), {
          method,
          mode: 'cors',
          credentials: 'omit',
          signal: opts.signal,
          headers: {
            Accept: 'application/json, application/problem+json',
            Authorization: `Bearer ${token}`,
            ...(opts.body !== undefined && { 'Content-Type': 'application/json' }),
            ...(opts.idempotencyKey && { 'Idempotency-Key': opts.idempotencyKey }),
          },
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        });
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (!opts.idempotencyKey || attempt >= MAX_ATTEMPTS) {
          throw new ProblemError(localProblem('network', 'Network error'));
        }
        await this.backoff(attempt);
        continue;
      }
      if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
      const problem = await readProblem(res);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await this.tokens.refresh();
        continue;
      }
      const transient = res.status >= 500 || res.status === 429;
      if (transient && opts.idempotencyKey && attempt < MAX_ATTEMPTS) {
        const retryAfter = Number(res.headers.get('Retry-After'));
        await (retryAfter > 0 ? sleep(Math.min(retryAfter, 30) * 1000) : this.backoff(attempt));
        continue;
      }
      throw new ProblemError(problem);
    }
  }

  private async backoff(attempt: number): Promise<void> {
    await online();
    await sleep(Math.min(500 * 2 ** attempt, 15_000) * (0.75 + Math.random() / 2));
  }

  private url(path: string, query: RequestOptions['query'] = {}): string {
    const u = new URL(this.tokens.apiUrl + path);
    for (const [k, v] of Object.entries(query)) if (v != null && v !== '') u.searchParams.set(k, String(v));
    return u.href;
  }
}

async function readProblem(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    if (typeof body.type === 'string') return { ...body, status: res.status } as Problem;
  } catch {
    // Not JSON: a proxy or a crash page; describe it from the status.
  }
  return localProblem(`http-${res.status}`, res.statusText || 'Request failed', res.status);
}

/** The client shared by the elements of this copy of Grove. */
export const client = new GroveClient();
