import { z } from '@hono/zod-openapi';
import { SCOPES } from '../../http/permissions.js';
import { Locale, PersonInput } from '../directory/people.schemas.js';
import { Uuid } from '../../shared/schemas.js';
import { MAX_TTL_SECONDS } from '../../security/tokens.js';

/** `scheme://host[:port]` exactly, as browsers send it in the Origin header. */
export const Origin = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      const host = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value && host.test(url.hostname);
    } catch {
      return false;
    }
  }, 'must be an origin such as https://intranet.example.com (no path, no trailing slash)')
  .openapi({ example: 'https://intranet.example.com' });

export const Scope = z.enum(SCOPES).openapi('Scope');

export const MintTokenBody = z
  .strictObject({
    user: PersonInput,
    scopes: z.array(Scope).min(1).max(SCOPES.length),
    origin: Origin.optional().openapi({
      description: 'The host page origin the token is bound to. Leave out only for server-side use: such a token is refused from any browser.',
    }),
    ttlSeconds: z.number().int().min(5).max(MAX_TTL_SECONDS).optional(),
    resource: z
      .string()
      .regex(/^[a-z]+:[A-Za-z0-9-]{1,100}$/, 'kind:id, e.g. praise:0193…')
      .optional()
      .openapi({ description: 'Locks the token to one resource.' }),
    locale: Locale.optional(),
  })
  .openapi('MintToken');

export const MintTokenResult = z
  .object({
    token: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    scopes: z.array(Scope).openapi({ description: 'The scopes granted: those asked for that the user\'s role allows.' }),
    user: z.object({ id: Uuid, externalId: z.string() }),
  })
  .openapi('MintTokenResult');

export const RevokeTokensBody = z
  .union([
    z.strictObject({ jti: z.uuid() }),
    z.strictObject({ all: z.literal(true) }),
  ])
  .openapi('RevokeTokens');
