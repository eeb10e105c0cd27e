import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { connectionLost, postgresError } from '../db/driver-errors.js';
import type { AppEnv } from './context.js';
import { Problem, type ProblemCode } from './problems.js';
import { clientIp } from './rate-limit.js';

/** Shapes a problem response. `Cache-Control: no-store`: errors are never cached. */
export function problemResponse(c: Context<AppEnv>, problem: Problem): Response {
  c.header('Cache-Control', 'no-store');
  return c.body(JSON.stringify(problem.body(c.get('requestId'))), problem.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
  });
}

/** The zod-openapi validation hook: every schema failure becomes one `validation` problem. */
export function validationProblem(error: ZodError, target: string): Problem {
  return new Problem('validation', `The ${target === 'json' ? 'body' : target} does not match the schema.`, {
    errors: error.issues.map((i) => ({ path: [target, ...i.path].join('.'), message: i.message })),
  });
}

const STATUS_CODES: Partial<Record<number, ProblemCode>> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/** PostgreSQL errors that mean "bad input", not "bad server". */
const PG_INPUT_ERRORS: Record<string, ProblemCode> = {
  '22P02': 'validation', // invalid text representation (e.g. a malformed uuid)
  '22001': 'validation', // value too long
  '22021': 'validation', // invalid byte sequence (NUL in text)
  '23503': 'unprocessable', // foreign key: refers to something that is not there
  '23505': 'conflict',
};

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof Problem) return problemResponse(c, error);
  const pg = postgresError(error);
  if (pg?.code === '42501' && /row-level security/.test(pg.message)) {
    // A write RLS refused: the application tried to touch another tenant's row. Answer like
    // a missing row, and tell someone.
    const credential = c.get('credential');
    c.get('deps').events.record({
      type: 'tenant_violation_attempt',
      tenantId: credential && 'tenantId' in credential ? credential.tenantId : null,
      actor: credential && credential.kind !== 'none' ? credential.principal : null,
      requestId: c.get('requestId'),
      ip: clientIp(c),
      details: { reason: 'write refused by row-level security', path: c.req.path, message: pg.message },
    });
    return problemResponse(c, new Problem('not-found'));
  }
  if (pg && PG_INPUT_ERRORS[pg.code]) return problemResponse(c, new Problem(PG_INPUT_ERRORS[pg.code]!));
  if (error instanceof HTTPException) {
    const code = STATUS_CODES[error.status] ?? (error.status >= 500 ? 'internal' : 'validation');
    if (error.status === 400 && /json/i.test(error.message)) return problemResponse(c, new Problem('malformed-json'));
    return problemResponse(c, new Problem(code, error.message || undefined));
  }
  if (error instanceof SyntaxError) return problemResponse(c, new Problem('malformed-json'));
  if (connectionLost(error)) {
    // A restart or failover of the database. The unit was not committed, unless the connection
    // went in the instant after its COMMIT left: a retry with the same Idempotency-Key is safe.
    (c.get('log') ?? console).warn({ err: error }, 'database connection lost');
    c.header('Retry-After', '1');
    return problemResponse(c, new Problem('unavailable', 'The database connection was lost before the request completed. Try again (a write with the same Idempotency-Key).'));
  }
  (c.get('log') ?? console).error({ err: error }, 'unhandled error');
  return problemResponse(c, new Problem('internal'));
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, new Problem('not-found', `No route for ${c.req.method} ${c.req.path}.`));
