import { z } from '@hono/zod-openapi';
import { Cursor, Limit, page, Uuid } from '../../shared/schemas.js';
import { CompanyValue } from '../directory/people.schemas.js';
import { Origin } from '../embed/embed.schemas.js';

export const TenantIdParam = z.strictObject({ id: Uuid });

/** A company value as sent by the operator: unknown fields are refused, as in every other body. */
export const CompanyValueInput = z.strictObject(CompanyValue.shape);

export const CreateTenantBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    origins: z.array(Origin).max(50).default([]),
    values: z.array(CompanyValueInput).max(50).optional(),
  })
  .openapi('CreateTenant');

export const UpdateTenantBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    origins: z.array(Origin).max(50).optional(),
  })
  .openapi('UpdateTenant');

export const Tenant = z
  .object({
    id: Uuid,
    name: z.string(),
    origins: z.array(z.string()),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Tenant');

export const CreatedTenant = Tenant.extend({
  apiKey: z.string().openapi({ description: 'Shown once. Grove stores only its hash.' }),
}).openapi('CreatedTenant');

export const TenantPage = page(Tenant, 'TenantPage');

export const ListQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });

export const RotateKeyBody = z
  .strictObject({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(0)
      .openapi({ description: 'How long the previous keys keep working. 0: they stop now.' }),
  })
  .openapi('RotateApiKey');

export const RotatedKey = z
  .object({ apiKey: z.string(), previousKeysExpireAt: z.string().openapi({ format: 'date-time' }) })
  .openapi('RotatedApiKey');

export const DeletedTenant = z
  .object({
    id: Uuid,
    dataKeysDestroyed: z.number().int().openapi({ description: 'Data-key versions destroyed by this call (crypto-shredding)' }),
    rowsDeleted: z.number().int(),
  })
  .openapi('DeletedTenant');

export const ValuesBody = z.strictObject({ values: z.array(CompanyValueInput).max(50) }).openapi('CompanyValues');
export const ValuesResult = z.object({ items: z.array(CompanyValue) });

export const SecurityEvent = z
  .object({
    id: Uuid,
    type: z.string(),
    tenantId: Uuid.nullable(),
    targetTenantId: Uuid.nullable(),
    actor: z.string().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('SecurityEvent');

export const SecurityEventQuery = z.strictObject({
  limit: Limit,
  cursor: Cursor.optional(),
  tenantId: Uuid.optional(),
  type: z.string().max(64).optional(),
});
