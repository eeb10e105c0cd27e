import { createRoute } from '@hono/zod-openapi';
import { requires } from '../../http/authorize.js';
import { rateLimit } from '../../http/rate-limit.js';
import { json, problemResponses, router } from '../../http/router.js';
import { page } from '../../shared/schemas.js';
import { AuditEntry, AuditQuery, PlatformAuditEntry, PlatformAuditQuery } from './audit.schemas.js';
import { listAuditLog, listPlatformAuditLog } from './audit.service.js';

const tenantTrail = createRoute({
  method: 'get',
  path: '/v1/audit-log',
  summary: 'The tenant\'s audit trail, newest first (tenant API key, or a token with audit:read)',
  tags: ['Audit'],
  middleware: [requires('audit.read'), rateLimit('server')] as const,
  request: { query: AuditQuery },
  responses: { 200: json(page(AuditEntry, 'AuditPage')), ...problemResponses },
});

const platformTrail = createRoute({
  method: 'get',
  path: '/v1/platform/audit-log',
  summary: 'What the platform operator did, newest first',
  tags: ['Platform'],
  middleware: [requires('platform.audit.read'), rateLimit('server')] as const,
  request: { query: PlatformAuditQuery },
  responses: { 200: json(page(PlatformAuditEntry, 'PlatformAuditPage')), ...problemResponses },
});

export const auditRoutes = router()
  .openapi(tenantTrail, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    return c.json(await listAuditLog(c.get('tx'), tenantId, c.req.valid('query')), 200);
  })
  .openapi(platformTrail, async (c) => c.json(await listPlatformAuditLog(c.get('deps').database.db, c.req.valid('query')), 200));
