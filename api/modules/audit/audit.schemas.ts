import { z } from '@hono/zod-openapi';
import { Cursor, Limit, Uuid } from '../../shared/schemas.js';

const Action = z
  .string()
  .regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, 'an action such as praise.create')
  .max(64)
  .openapi({ example: 'praise.create' });

export const AuditQuery = z.strictObject({
  limit: Limit,
  cursor: Cursor.optional(),
  action: Action.optional(),
  actor: Uuid.optional().openapi({ description: 'A person id or an API key id.' }),
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Entries at or after this instant.' }),
});

export const AuditEntry = z
  .object({
    id: Uuid,
    at: z.string(),
    actor: z.object({ kind: z.enum(['user', 'tenant_key']), id: Uuid }),
    credential: z.string().openapi({ description: '`jti:<token id>` or `key:<API key id>`; never a secret.' }),
    requestId: z.string(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

export const PlatformAuditQuery = z.strictObject({
  limit: Limit,
  cursor: Cursor.optional(),
  tenantId: Uuid.optional(),
  action: Action.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});

export const PlatformAuditEntry = z
  .object({
    id: Uuid,
    at: z.string(),
    actor: z.string(),
    requestId: z.string().nullable(),
    action: z.string(),
    tenantId: Uuid.nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('PlatformAuditEntry');
