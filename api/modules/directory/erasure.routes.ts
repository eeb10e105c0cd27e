import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../../http/authorize.js';
import { Problem } from '../../http/problems.js';
import { rateLimit } from '../../http/rate-limit.js';
import { json, problemResponses, router } from '../../http/router.js';
import { reportUnknownId } from '../../http/violations.js';
import { Uuid } from '../../shared/schemas.js';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { erasePerson, type ErasureReport, type PersonRef } from './erasure.service.js';

const ErasureReportSchema = z
  .object({
    id: Uuid,
    erasedAt: z.string().openapi({ format: 'date-time' }),
    alreadyErased: z.boolean(),
    counts: z.object({
      praiseTextsRemoved: z.number().int(),
      praiseReceivedKept: z.number().int(),
      reactionsKept: z.number().int(),
      searchTermsDeleted: z.number().int(),
      idempotencyRecordsDeleted: z.number().int(),
      reportsUnassigned: z.number().int(),
      surveyParticipationKept: z.number().int(),
    }),
  })
  .openapi('ErasureReport');

const description =
  'GDPR article 17. The person becomes a tombstone ("Former colleague", no email, team, manager or locale, a new external id) so counts stay intact; the text of praise they gave is removed; praise they received and their reactions stay, shown as the tombstone; their search terms and stored request responses are deleted; their tokens stop working. Idempotent. See docs/api.md, "Erasure".';

const byExternalId = createRoute({
  method: 'post',
  path: '/v1/directory/users/{externalId}/erase',
  summary: 'Erase one person, named by the host\'s external id (tenant API key)',
  description,
  tags: ['Directory'],
  middleware: [requires('directory.erase'), rateLimit('server')] as const,
  request: { params: z.object({ externalId: z.string().trim().min(1).max(200) }) },
  responses: { 200: json(ErasureReportSchema), ...problemResponses },
});

const byId = createRoute({
  method: 'post',
  path: '/v1/directory/people/{id}/erase',
  summary: 'Erase one person, named by Grove\'s person id (tenant API key)',
  description,
  tags: ['Directory'],
  middleware: [requires('directory.erase'), rateLimit('server')] as const,
  request: { params: z.object({ id: Uuid }) },
  responses: { 200: json(ErasureReportSchema), ...problemResponses },
});

const byOperator = createRoute({
  method: 'post',
  path: '/v1/platform/tenants/{tenantId}/people/{id}/erase',
  summary: 'Erase one person of a tenant (platform key), when the host cannot',
  description,
  tags: ['Platform'],
  middleware: [requires('platform.manage'), rateLimit('server')] as const,
  request: { params: z.object({ tenantId: Uuid, id: Uuid }) },
  responses: { 200: json(ErasureReportSchema), ...problemResponses },
});

export const erasureRoutes = router()
  .openapi(byExternalId, async (c) => {
    return c.json(await erase(c, { externalId: c.req.valid('param').externalId }), 200);
  })
  .openapi(byId, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await erase(c, { id }), 200);
  })
  .openapi(byOperator, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const deps = c.get('deps');
    // The platform credential runs no tenant unit of its own: this one is the erasure's.
    if (!(await deps.tenants.get(tenantId))) throw new Problem('not-found', 'No such tenant.');
    const report = await deps.database.withTenant(tenantId, (tx) => erasePerson(tx, tenantId, deps.config.masterKey, { id }));
    if (!report) throw new Problem('not-found', 'No such person in this tenant.');
    deps.viewers.forgetTenant(tenantId);
    c.set('audit', { action: 'person.erase', tenantId, targetType: 'person', targetId: report.id, details: { alreadyErased: report.alreadyErased, ...report.counts } });
    return c.json(report, 200);
  });

async function erase(c: Context<AppEnv>, ref: PersonRef): Promise<ErasureReport> {
  const { tenantId } = c.get('credential') as { tenantId: string };
  const report = await erasePerson(c.get('tx'), tenantId, c.get('deps').config.masterKey, ref);
  if (!report) {
    // External ids are the host's and may repeat across tenants: only a Grove id is probed.
    if ('id' in ref) reportUnknownId(c, 'people', ref.id);
    throw new Problem('not-found', 'No such person.');
  }
  // Their own facts, and their reports' (whose manager is now none): erasure is rare, forget the tenant.
  c.get('deps').viewers.forgetTenant(tenantId);
  // The tombstone's id and what was done, in counts: nothing that identified them.
  c.set('audit', { targetType: 'person', targetId: report.id, details: { alreadyErased: report.alreadyErased, ...report.counts } });
  return report;
}
