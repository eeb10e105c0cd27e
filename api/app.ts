import { authenticate } from './http/authenticate.js';
import type { GroveDeps } from './http/context.js';
import { notFound, onError } from './http/errors.js';
import { bodyLimit, observe, requireJson, securityHeaders, widgetCors } from './http/middleware.js';
import { requires } from './http/authorize.js';
import { router } from './http/router.js';
import { alertSettingsRoutes } from './modules/alerts/alert-settings.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { erasureRoutes } from './modules/directory/erasure.routes.js';
import { embedRoutes } from './modules/embed/embed.routes.js';
import { exportRoutes } from './modules/export/export.routes.js';
import { opsRoutes } from './modules/ops/ops.routes.js';
import { platformRoutes } from './modules/platform/platform.routes.js';
import { praiseRoutes } from './modules/praise/praise.routes.js';
import { surveyRoutes } from './modules/surveys/surveys.routes.js';

/** Everything else is capped far lower than directory syncs, which carry up to 1,000 people. */
const BODY_LIMIT = 64 * 1024;
const DIRECTORY_BODY_LIMIT = 2 * 1024 * 1024;
/** A survey definition may list up to 10,000 people in its audience (about 390 KB of ids). */
const SURVEY_BODY_LIMIT = 512 * 1024;
const SURVEY_DEFINITION = /^\/v1\/surveys(\/[^/]+)?$/;

/**
 * The Grove API as a Hono app, for mounting inside another Node server or calling in-process.
 * `createGrove()` (grove.ts) builds the dependencies; `api/server.ts` serves it.
 */
export function createApp(deps: GroveDeps) {
  const app = router();
  app.onError(onError);
  app.notFound(notFound);

  app.use('*', observe(deps));
  app.use('*', securityHeaders());
  app.use('*', widgetCors(deps));
  // Only writes carry bodies. Checking a GET's body would make @hono/node-server build a full
  // undici Request for every read, which cost more than the rest of a cached feed read.
  const directoryLimit = bodyLimit(DIRECTORY_BODY_LIMIT);
  const defaultLimit = bodyLimit(BODY_LIMIT);
  const surveyLimit = bodyLimit(SURVEY_BODY_LIMIT);
  app.use('*', (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    if (c.req.path.startsWith('/v1/directory/')) return directoryLimit(c, next);
    return (SURVEY_DEFINITION.test(c.req.path) ? surveyLimit : defaultLimit)(c, next);
  });
  app.use('*', requireJson());
  app.use('*', authenticate());

  const routes = app
    .route('/', opsRoutes)
    .route('/', platformRoutes)
    .route('/', directoryRoutes)
    .route('/', erasureRoutes)
    .route('/', embedRoutes)
    .route('/', praiseRoutes)
    .route('/', auditRoutes)
    .route('/', alertSettingsRoutes)
    .route('/', exportRoutes)
    .route('/', surveyRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A widget token, a tenant API key (`grove_sk_…`) or the platform key.',
  });
  app.get('/v1/openapi.json', requires('public'), (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Grove API',
          version: '1',
          description:
            'Praise, surveys, OKRs and reviews for embedding. Errors are RFC 9457 problem documents with a stable `type` (`urn:grove:problem:<code>`).',
        },
        servers: [{ url: deps.config.publicUrl }],
        security: [{ bearer: [] }],
      }),
    ),
  );
  return routes;
}

/** The whole API's type, for the typed client: `import type { AppType } from 'grove/api'`. */
export type AppType = ReturnType<typeof createApp>;
