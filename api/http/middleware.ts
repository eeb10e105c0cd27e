import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { AppEnv, GroveDeps } from './context.js';
import { Problem } from './problems.js';

/** Request id (honours a sane incoming `X-Request-Id`), a child logger, metrics and an access log. */
export function observe(deps: GroveDeps): MiddlewareHandler<AppEnv> {
  const recorded = new RecordedRoutes(deps);
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[A-Za-z0-9_.:-]{8,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.set('log', requestLogger(deps.log, requestId));
    c.set('deps', deps);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The matched route pattern, not the raw path: ids would explode label cardinality.
    const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
    recorded.of(c.req.method, route, c.res.status).observe(seconds);
    if (deps.log.isLevelEnabled('info')) deps.log.info({ requestId, method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  };
}

/**
 * The request's child logger, made when something first logs through it: most requests log
 * nothing but their access line, and a pino child per request (its bindings serialised) cost
 * more than the rest of this middleware.
 */
function requestLogger(root: Logger, requestId: string): Logger {
  let child: Logger | undefined;
  return new Proxy(root, {
    get(_target, property) {
      child ??= root.child({ requestId });
      const value: unknown = Reflect.get(child, property, child);
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}

/**
 * The request counter and latency histogram, bound once per (method, route, status): labelling
 * them on every request hashed the labels twice per request. The routes are a fixed set (ids are
 * in the pattern, unmatched paths share one label), so this stays small.
 */
class RecordedRoutes {
  private readonly bound = new Map<string, { observe(seconds: number): void }>();

  constructor(private readonly deps: GroveDeps) {}

  of(method: string, route: string, status: number) {
    const key = `${method} ${route} ${status}`;
    let entry = this.bound.get(key);
    if (!entry) {
      const labels = { method, route, status: String(status) };
      const requests = this.deps.metrics.requests.labels(labels);
      const latency = this.deps.metrics.latency.labels(labels);
      entry = {
        observe(seconds) {
          requests.inc();
          latency.observe(seconds);
        },
      };
      this.bound.set(key, entry);
    }
    return entry;
  }
}

/**
 * Security headers on every response. The API serves JSON and one script, so its own CSP
 * forbids everything; HSTS is sent only over TLS, where it means something. A route may
 * loosen a header for itself (the bundle sets `Cross-Origin-Resource-Policy: cross-origin`).
 *
 * Set before the handler runs, not after: touching a finished response's headers makes
 * @hono/node-server rebuild it as a full undici Response, which halved throughput.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const always: Array<[string, string]> = [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['Origin-Agent-Cluster', '?1'],
  ];
  return async (c, next) => {
    for (const [name, value] of always) c.header(name, value);
    if (c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https') {
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
    await next();
  };
}

/**
 * CORS for widgets on host pages. A preflight carries no credential, so an origin is answered
 * when any tenant allows it; the token's own origin binding is checked on the real request.
 * No cookies are involved (tokens travel in Authorization), so credentials are never allowed.
 *
 * Written here rather than taken from hono/cors, which touches the response before and after
 * the handler on every request and so makes @hono/node-server rebuild it as a full Response.
 */
export function widgetCors(deps: GroveDeps): MiddlewareHandler<AppEnv> {
  const allowMethods = 'GET, POST, PUT, PATCH, DELETE';
  const allowHeaders = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
  const exposeHeaders = 'X-Request-Id, Retry-After, Idempotent-Replayed, RateLimit-Limit, RateLimit-Remaining';
  return async (c, next) => {
    const origin = c.req.header('origin');
    c.header('Vary', 'Origin');
    const allowed = origin ? await deps.tenants.isKnownOrigin(origin).catch(() => false) : false;
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', exposeHeaders);
    }
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (allowed) {
        c.header('Access-Control-Allow-Methods', allowMethods);
        c.header('Access-Control-Allow-Headers', allowHeaders);
        c.header('Access-Control-Max-Age', '600');
      }
      return c.body(null, 204);
    }
    await next();
  };
}

export function bodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new Problem('payload-too-large', `Bodies are limited to ${Math.round(maxSize / 1024)} KB here.`);
  };
  const counting = honoBodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    // With a declared length and no chunking, Node's parser reads exactly that many bytes, so the
    // header is all there is to check. The body stays unread until the route parses it, which
    // keeps @hono/node-server on its fast path: hono's bodyLimit touches `c.req.raw.body`, which
    // builds a full web Request and stream for every write (a tenth of a write's CPU).
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (!/^\d+$/.test(length) || Number(length) > maxSize) tooLarge();
      return next();
    }
    return counting(c, next);
  };
}

/** Writes must say they send JSON: refuses form posts (CSRF by form) and guesswork. */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
      const length = c.req.header('content-length');
      const hasBody = length !== undefined ? length !== '0' : c.req.raw.body !== null;
      const type = c.req.header('content-type') ?? '';
      if (hasBody && !/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) throw new Problem('unsupported-media-type');
    }
    await next();
  };
}
