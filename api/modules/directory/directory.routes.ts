import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../../http/authorize.js';
import { rateLimit } from '../../http/rate-limit.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { Me, PeopleQuery, PersonMatch, UpsertPeopleBody, UpsertPeopleResult, CompanyValue } from './people.schemas.js';
import { listValues, searchPeople, upsertPeople } from './people.service.js';
import { people } from '../../db/schema/people.js';
import { and, eq } from 'drizzle-orm';

const upsertUsers = createRoute({
  method: 'post',
  path: '/v1/directory/users',
  summary: 'Create or update people in bulk (tenant API key)',
  tags: ['Directory'],
  middleware: [requires('directory.write'), rateLimit('server')] as const,
  request: jsonBody(UpsertPeopleBody),
  responses: { 200: json(UpsertPeopleResult), ...problemResponses },
});

const search = createRoute({
  method: 'get',
  path: '/v1/people',
  summary: 'Typeahead over the tenant\'s people (widget token with a praise scope)',
  tags: ['Directory'],
  middleware: [requires('people.search')] as const,
  request: { query: PeopleQuery },
  responses: { 200: json(z.object({ items: z.array(PersonMatch) })), ...problemResponses },
});

const me = createRoute({
  method: 'get',
  path: '/v1/me',
  summary: 'The token\'s user, role and effective scopes',
  tags: ['Directory'],
  middleware: [requires('me.read')] as const,
  responses: { 200: json(Me), ...problemResponses },
});

const values = createRoute({
  method: 'get',
  path: '/v1/values',
  summary: 'The tenant\'s company values',
  tags: ['Directory'],
  middleware: [requires('values.read')] as const,
  responses: { 200: json(z.object({ items: z.array(CompanyValue) })), ...problemResponses },
});

export const directoryRoutes = router()
  .openapi(upsertUsers, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    const { items, errors } = await upsertPeople(c.get('tx'), tenantId, c.req.valid('json').users);
    c.get('deps').viewers.forgetTenant(tenantId);
    c.set('audit', { targetType: 'people', details: { upserted: items.length, rejected: errors.length, ids: items.slice(0, 100).map((i) => i.id) } });
    return c.json({ items, errors }, 200);
  })
  .openapi(search, async (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ items: await searchPeople(c.get('tx'), c.get('viewer').tenantId, q, limit) }, 200);
  })
  .openapi(me, async (c) => {
    const viewer = c.get('viewer');
    const credential = c.get('credential');
    const [person] = await c.get('tx')
      .select({ externalId: people.externalId, name: people.name, locale: people.locale })
      .from(people)
      .where(and(eq(people.tenantId, viewer.tenantId), eq(people.id, viewer.id)));
    return c.json(
      {
        id: viewer.id,
        externalId: person!.externalId,
        name: person!.name,
        team: viewer.team,
        role: viewer.role,
        locale: (credential.kind === 'user' ? credential.claims.locale : undefined) ?? person!.locale,
        scopes: [...viewer.scopes],
        managerId: viewer.managerId,
      },
      200,
    );
  })
  .openapi(values, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    return c.json({ items: await listValues(c.get('tx'), tenantId) }, 200);
  });
