import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every error Grove answers is an RFC 9457 problem document whose `type` is one of these,
 * as `urn:grove:problem:<code>`. The codes are a contract: add, never rename.
 */
export const PROBLEMS = {
  validation: { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'token-in-url': { status: 400, title: 'Tokens travel only in the Authorization header' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Not allowed' },
  'insufficient-scope': { status: 403, title: 'The token lacks the scope this needs' },
  'origin-not-allowed': { status: 403, title: 'This origin may not use the token' },
  'resource-locked': { status: 403, title: 'The token is locked to another resource' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'survey-locked': { status: 409, title: 'The survey has opened: its questions and thresholds are locked' },
  'already-responded': { status: 409, title: 'You already answered this round' },
  'survey-not-open': { status: 409, title: 'The survey has no round open now' },
  'not-in-audience': { status: 403, title: 'You are not in this survey\'s audience' },
  'invalid-answers': { status: 400, title: 'The answers do not fit the survey\'s questions' },
  'idempotency-in-progress': { status: 409, title: 'A request with this Idempotency-Key is still running' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send JSON (Content-Type: application/json)' },
  'idempotency-key-reuse': {
    status: 422,
    title: 'This Idempotency-Key was used with a different request',
  },
  unprocessable: { status: 422, title: 'The request cannot be applied' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'Temporarily unavailable' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export const problemType = (code: ProblemCode) => `urn:grove:problem:${code}`;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** An expected failure. Throw it anywhere; `onError` shapes it. */
export class Problem extends HTTPException {
  readonly code: ProblemCode;
  readonly extensions: Record<string, unknown>;

  constructor(code: ProblemCode, detail?: string, extensions: Record<string, unknown> = {}) {
    const { status, title } = PROBLEMS[code];
    super(status, { message: detail ?? title });
    this.code = code;
    this.extensions = extensions;
  }

  body(requestId?: string): ProblemBody {
    const { status, title } = PROBLEMS[this.code];
    return {
      type: problemType(this.code),
      title,
      status,
      ...(this.message && this.message !== title ? { detail: this.message } : {}),
      ...(requestId ? { requestId } : {}),
      ...this.extensions,
    };
  }
}
