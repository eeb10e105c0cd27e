import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requires } from '../../http/authorize.js';
import type { AppEnv } from '../../http/context.js';
import { rateLimit } from '../../http/rate-limit.js';
import { Problem } from '../../http/problems.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { AlertSettings, AlertSettingsBody } from './alert-settings.schemas.js';
import { readAlertSettings, writeAlertSettings } from './alert-settings.service.js';
import { getTenant } from '../platform/platform.service.js';
import { TenantIdParam } from '../platform/platform.schemas.js';
import { webhookUrlProblem } from './webhook-url.js';

const tags = ['Alerts'];

const read = createRoute({
  method: 'get',
  path: '/v1/alert-settings',
  summary: 'Where the tenant\'s security alerts go (tenant API key, or a token with alerts:manage)',
  tags,
  middleware: [requires('alerts.manage'), rateLimit('server')] as const,
  responses: { 200: json(AlertSettings), ...problemResponses },
});

const replace = createRoute({
  method: 'put',
  path: '/v1/alert-settings',
  summary: 'Set the tenant\'s alert webhook and e-mail recipients; a new webhook secret is shown once',
  tags,
  middleware: [requires('alerts.manage'), rateLimit('server')] as const,
  request: jsonBody(AlertSettingsBody),
  responses: { 200: json(AlertSettings), ...problemResponses },
});

const platformRead = createRoute({
  method: 'get',
  path: '/v1/platform/tenants/{id}/alert-settings',
  summary: 'Where a tenant\'s security alerts go',
  tags: ['Platform'],
  middleware: [requires('platform.manage'), rateLimit('server')] as const,
  request: { params: TenantIdParam },
  responses: { 200: json(AlertSettings), ...problemResponses },
});

const platformReplace = createRoute({
  method: 'put',
  path: '/v1/platform/tenants/{id}/alert-settings',
  summary: 'Set a tenant\'s alert webhook and e-mail recipients for it; a new webhook secret is shown once',
  tags: ['Platform'],
  middleware: [requires('platform.manage'), rateLimit('server')] as const,
  request: { params: TenantIdParam, ...jsonBody(AlertSettingsBody) },
  responses: { 200: json(AlertSettings), ...problemResponses },
});

function checkWebhookUrl(c: Context<AppEnv>, webhookUrl: string | null): void {
  if (webhookUrl === null) return;
  const problem = webhookUrlProblem(webhookUrl, c.get('deps').config.env === 'production');
  if (problem) throw new Problem('validation', `webhookUrl: ${problem}.`, { errors: [{ path: 'json.webhookUrl', message: problem }] });
}

/** After a change: the operator hears of it (turning alerts off is itself worth an alert), and this instance re-reads the targets. */
function announce(c: Context<AppEnv>, tenantId: string, settings: { webhookUrl: string | null; emails: string[]; webhookSecret?: string }) {
  const details = { webhook: settings.webhookUrl ? new URL(settings.webhookUrl).origin : null, emails: settings.emails.length, secretIssued: !!settings.webhookSecret };
  const { deps, requestId, credential } = c.var;
  c.set('audit', { action: 'alert_settings.update', tenantId, targetType: 'alert_settings', targetId: tenantId, details });
  c.get('afterwards').push(async () => {
    deps.events.record({ type: 'alert_settings_changed', tenantId, actor: credential.kind === 'none' ? null : credential.principal, requestId, details });
    deps.alerts.invalidateTenant(tenantId);
  });
  c.header('Cache-Control', 'no-store');
}

export const alertSettingsRoutes = router()
  .openapi(read, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    return c.json(await readAlertSettings(c.get('tx'), tenantId), 200);
  })
  .openapi(replace, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    const body = c.req.valid('json');
    checkWebhookUrl(c, body.webhookUrl);
    const settings = await writeAlertSettings(c.get('tx'), tenantId, c.get('deps').cipher, body);
    announce(c, tenantId, settings);
    return c.json(settings, 200);
  })
  .openapi(platformRead, async (c) => {
    const { id } = c.req.valid('param');
    await getTenant(c.get('deps').database, id);
    return c.json(await c.get('deps').database.withTenant(id, (tx) => readAlertSettings(tx, id), { readOnly: true }), 200);
  })
  .openapi(platformReplace, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    checkWebhookUrl(c, body.webhookUrl);
    await getTenant(c.get('deps').database, id);
    // The tenant's data key seals the new secret: loaded before the unit opens.
    await c.get('deps').cipher.prepare(id, { write: true });
    const settings = await c.get('deps').database.withTenant(id, (tx) => writeAlertSettings(tx, id, c.get('deps').cipher, body));
    announce(c, id, settings);
    return c.json(settings, 200);
  });
