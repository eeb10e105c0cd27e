import { createRoute, z } from '@hono/zod-openapi';
import { requires } from '../../http/authorize.js';
import { effectiveScopes } from '../../http/permissions.js';
import { Problem } from '../../http/problems.js';
import { rateLimit } from '../../http/rate-limit.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { CLOCK_LEEWAY_SECONDS, MAX_TTL_SECONDS } from '../../security/tokens.js';
import { upsertPeople } from '../directory/people.service.js';
import { MintTokenBody, MintTokenResult, RevokeTokensBody } from './embed.schemas.js';

const mint = createRoute({
  method: 'post',
  path: '/v1/embed/tokens',
  summary: 'Mint a short-lived widget token for one user on one origin (tenant API key)',
  tags: ['Embedding'],
  middleware: [requires('tokens.mint'), rateLimit('mint')] as const,
  request: jsonBody(MintTokenBody),
  responses: { 201: json(MintTokenResult, 'Created'), ...problemResponses },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/embed/tokens/revoke',
  summary: 'Revoke one token by jti, or every token of the tenant issued until now',
  tags: ['Embedding'],
  middleware: [requires('tokens.revoke', { transaction: false }), rateLimit('server')] as const,
  request: jsonBody(RevokeTokensBody),
  responses: { 200: json(z.object({ revoked: z.string() })), ...problemResponses },
});

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: 'Public keys that verify widget tokens',
  tags: ['Embedding'],
  middleware: [requires('public')] as const,
  responses: { 200: json(z.object({ keys: z.array(z.record(z.string(), z.unknown())) })) },
});

export const embedRoutes = router()
  .openapi(mint, async (c) => {
    const { tenantId } = c.get('credential') as { tenantId: string };
    const body = c.req.valid('json');
    const { deps, tx } = c.var;
    if (body.origin) {
      if (!c.get('tenant').origins.includes(body.origin)) {
        throw new Problem('origin-not-allowed', `${body.origin} is not on this tenant's allowed origins.`);
      }
    }
    const { items, changed, people } = await upsertPeople(tx, tenantId, [body.user]);
    const user = items[0]!;
    const person = people[0]!;
    if (changed.length > 0) deps.viewers.forget(tenantId, user.id);
    const scopes = [...effectiveScopes(person.role, body.scopes)];
    if (scopes.length === 0) throw new Problem('insufficient-scope', `A ${person.role} may hold none of the scopes asked for.`);
    const { token, claims } = await deps.tokens.mint({
      tenantId,
      personId: user.id,
      scopes,
      origin: body.origin,
      ttlSeconds: body.ttlSeconds,
      resource: body.resource,
      locale: body.locale ?? person.locale ?? undefined,
    });
    deps.metrics.tokensMinted.inc();
    c.set('audit', {
      targetType: 'person',
      targetId: user.id,
      details: { jti: claims.jti, scopes, origin: body.origin ?? null, resource: body.resource ?? null, profileChanged: changed.length > 0 },
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt: new Date(claims.exp * 1000).toISOString(), scopes, user }, 201);
  })
  .openapi(revoke, async (c) => {
    const { tenantId, principal } = c.get('credential') as { tenantId: string; principal: string };
    const body = c.req.valid('json');
    const { revocations, events } = c.get('deps');
    const horizon = (MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS) * 1000;
    if ('jti' in body) await revocations.deny(tenantId, body.jti, new Date(Date.now() + horizon));
    else await revocations.revokeAll(tenantId, horizon);
    events.record({ type: 'tokens_revoked', tenantId, actor: principal, requestId: c.get('requestId'), details: body });
    c.set('audit', 'jti' in body ? { targetType: 'token', targetId: body.jti } : { details: { all: true } });
    return c.json({ revoked: 'jti' in body ? body.jti : 'all' }, 200);
  })
  .openapi(jwks, (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(c.get('deps').keys.jwks(), 200);
  });
