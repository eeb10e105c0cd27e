import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { AppEnv, GroveDeps } from './context.js';
import { Problem } from './problems.js';

/** Request id (honours a sane incoming `X-Request-Id`), a child logger, metrics and an access log. */
export function observe(deps: GroveDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[A-Za-z0-9_.:-]{8,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    const log = deps.log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('deps', deps);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The matched route pattern, not the raw path: ids would explode label cardinality.
    const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    deps.metrics.requests.inc(labels);
    deps.metrics.latency.observe(labels, seconds);
    log.info({ method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  };
}

/**
 * Security headers on every response. The API serves JSON and one script, so its own CSP
 * forbids everything; HSTS is sent only over TLS, where it means something.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const strict = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: 'same-site',
    crossOriginOpenerPolicy: 'same-origin',
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
  });
  return async (c, next) => {
    // A route may loosen the resource policy for itself (the widget bundle is cross-origin).
    let routePolicy: string | null = null;
    await strict(c, async () => {
      await next();
      routePolicy = c.res.headers.get('Cross-Origin-Resource-Policy');
    });
    if (routePolicy) c.header('Cross-Origin-Resource-Policy', routePolicy);
    if (new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https') {
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
  };
}

/**
 * CORS for widgets on host pages. A preflight carries no credential, so an origin is answered
 * when any tenant allows it; the token's own origin binding is checked on the real request.
 */
export function widgetCors(deps: GroveDeps): MiddlewareHandler<AppEnv> {
  return cors({
    // Hono asks even when there is no Origin header; that needs no database round trip.
    origin: async (origin) => (origin && (await deps.tenants.isKnownOrigin(origin).catch(() => false)) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
    maxAge: 600,
    credentials: false,
  });
}

export function bodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  return honoBodyLimit({
    maxSize,
    onError: () => {
      throw new Problem('payload-too-large', `Bodies are limited to ${Math.round(maxSize / 1024)} KB here.`);
    },
  });
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
