import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../../http/authorize.js';
import { rateLimit } from '../../http/rate-limit.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { CLOCK_LEEWAY_SECONDS, MAX_TTL_SECONDS } from '../../security/tokens.js';
import { replaceValues } from '../directory/people.service.js';
import {
  CreatedTenant,
  CreateTenantBody,
  DeletedTenant,
  ListQuery,
  RotatedKey,
  RotateKeyBody,
  SecurityEvent,
  SecurityEventQuery,
  Tenant,
  TenantIdParam,
  TenantPage,
  UpdateTenantBody,
  ValuesBody,
  ValuesResult,
} from './platform.schemas.js';
import { createTenant, getTenant, listSecurityEvents, listTenants, rotateApiKey, updateTenant } from './platform.service.js';
import { page } from '../../shared/schemas.js';
import { deleteTenant } from './tenant-deletion.js';

const platform = [requires('platform.manage'), rateLimit('server')];
const tags = ['Platform'];

const create = createRoute({
  method: 'post',
  path: '/v1/platform/tenants',
  summary: 'Create a tenant; its API key is in the response, once',
  tags,
  middleware: platform,
  request: jsonBody(CreateTenantBody),
  responses: { 201: json(CreatedTenant, 'Created'), ...problemResponses },
});

const list = createRoute({
  method: 'get',
  path: '/v1/platform/tenants',
  summary: 'List tenants, newest first',
  tags,
  middleware: platform,
  request: { query: ListQuery },
  responses: { 200: json(TenantPage), ...problemResponses },
});

const read = createRoute({
  method: 'get',
  path: '/v1/platform/tenants/{id}',
  summary: 'One tenant',
  tags,
  middleware: platform,
  request: { params: TenantIdParam },
  responses: { 200: json(Tenant), ...problemResponses },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/platform/tenants/{id}',
  summary: 'Rename a tenant or replace its allowed origins',
  tags,
  middleware: platform,
  request: { params: TenantIdParam, ...jsonBody(UpdateTenantBody) },
  responses: { 200: json(Tenant), ...problemResponses },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/platform/tenants/{id}',
  summary: 'Delete a tenant: its data keys are destroyed first (crypto-shredding), then its rows',
  tags,
  middleware: platform,
  request: { params: TenantIdParam },
  responses: { 200: json(DeletedTenant), ...problemResponses },
});

const rotateKey = createRoute({
  method: 'post',
  path: '/v1/platform/tenants/{id}/api-keys',
  summary: 'Issue a new API key; older keys keep working for `graceSeconds`',
  tags,
  middleware: platform,
  request: { params: TenantIdParam, ...jsonBody(RotateKeyBody) },
  responses: { 201: json(RotatedKey, 'Created'), ...problemResponses },
});

const setValues = createRoute({
  method: 'put',
  path: '/v1/platform/tenants/{id}/values',
  summary: 'Replace the tenant\'s company values',
  tags,
  middleware: platform,
  request: { params: TenantIdParam, ...jsonBody(ValuesBody) },
  responses: { 200: json(ValuesResult), ...problemResponses },
});

const revokeTokens = createRoute({
  method: 'post',
  path: '/v1/platform/tenants/{id}/tokens/revoke',
  summary: 'Revoke every widget token of the tenant issued until now',
  tags,
  middleware: platform,
  request: { params: TenantIdParam },
  responses: { 200: json(z.object({ revokedBefore: z.string() })), ...problemResponses },
});

const rotateSigningKey = createRoute({
  method: 'post',
  path: '/v1/platform/signing-keys/rotate',
  summary: 'Start signing with a new key; old keys verify until their tokens expire',
  tags,
  middleware: platform,
  responses: { 201: json(z.object({ kid: z.string(), retired: z.array(z.string()) }), 'Created'), ...problemResponses },
});

const events = createRoute({
  method: 'get',
  path: '/v1/platform/security-events',
  summary: 'Security events, newest first',
  tags,
  middleware: [requires('platform.security-events.read'), rateLimit('server')] as const,
  request: { query: SecurityEventQuery },
  responses: { 200: json(page(SecurityEvent, 'SecurityEventPage')), ...problemResponses },
});

export const platformRoutes = router()
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const tenant = await createTenant(c.get('deps').database, c.get('deps').dataKeys.masters, body);
    c.get('deps').tenants.invalidate();
    c.set('audit', { action: 'tenant.create', tenantId: tenant.id, targetType: 'tenant', targetId: tenant.id, details: { name: tenant.name, origins: tenant.origins, values: body.values?.length ?? 0 } });
    c.header('Cache-Control', 'no-store');
    return c.json(tenant, 201);
  })
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listTenants(c.get('deps').database, limit, cursor), 200);
  })
  .openapi(read, async (c) => c.json(await getTenant(c.get('deps').database, c.req.valid('param').id), 200))
  .openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const tenant = await updateTenant(c.get('deps').database, id, body);
    c.get('deps').tenants.invalidate(id);
    c.set('audit', { action: 'tenant.update', tenantId: id, targetType: 'tenant', targetId: id, details: { changed: Object.keys(body), name: tenant.name, origins: tenant.origins } });
    return c.json(tenant, 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const deleted = await deleteTenant(c.get('deps').database, c.get('deps').dataKeys, id);
    c.get('deps').tenants.invalidate(id);
    c.get('deps').events.record({ type: 'tenant_deleted', tenantId: id, actor: 'platform', requestId: c.get('requestId'), details: { ...deleted } });
    c.set('audit', { action: 'tenant.delete', tenantId: id, targetType: 'tenant', targetId: id, details: { ...deleted } });
    return c.json(deleted, 200);
  })
  .openapi(rotateKey, async (c) => {
    const { id } = c.req.valid('param');
    const { graceSeconds } = c.req.valid('json');
    const rotated = await rotateApiKey(c.get('deps').database, id, graceSeconds);
    c.get('deps').events.record({ type: 'api_key_rotated', tenantId: id, actor: 'platform', requestId: c.get('requestId'), details: { graceSeconds } });
    c.set('audit', { action: 'api_key.rotate', tenantId: id, targetType: 'tenant', targetId: id, details: { graceSeconds, previousKeysExpireAt: rotated.previousKeysExpireAt } });
    c.header('Cache-Control', 'no-store');
    return c.json(rotated, 201);
  })
  .openapi(setValues, async (c) => {
    const { id } = c.req.valid('param');
    await getTenant(c.get('deps').database, id);
    const items = await c.get('deps').database.withTenant(id, (tx) => replaceValues(tx, id, c.req.valid('json').values));
    c.set('audit', { action: 'values.replace', tenantId: id, targetType: 'tenant', targetId: id, details: { keys: items.map((v) => v.key) } });
    return c.json({ items }, 200);
  })
  .openapi(revokeTokens, async (c) => {
    const { id } = c.req.valid('param');
    await getTenant(c.get('deps').database, id);
    const at = await c.get('deps').revocations.revokeAll(id, (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000);
    c.get('deps').events.record({ type: 'tokens_revoked', tenantId: id, actor: 'platform', requestId: c.get('requestId'), details: { all: true } });
    c.set('audit', { action: 'tokens.revoke_all', tenantId: id, targetType: 'tenant', targetId: id, details: { revokedBefore: at.toISOString() } });
    return c.json({ revokedBefore: at.toISOString() }, 200);
  })
  .openapi(rotateSigningKey, async (c) => {
    const rotated = await c.get('deps').keys.rotate();
    c.get('deps').events.record({ type: 'signing_key_rotated', actor: 'platform', requestId: c.get('requestId'), details: rotated });
    c.set('audit', { action: 'signing_key.rotate', targetType: 'signing_key', targetId: rotated.kid, details: { retired: rotated.retired } });
    return c.json(rotated, 201);
  })
  .openapi(events, async (c) => c.json(await listSecurityEvents(c.get('deps').database, c.req.valid('query')), 200));
