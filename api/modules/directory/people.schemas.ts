import { z } from '@hono/zod-openapi';
import { ROLES } from '../../db/schema/people.js';
import { Uuid } from '../../shared/schemas.js';

export const Role = z.enum(ROLES).openapi('Role');
export const Locale = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a BCP 47 language tag such as "fr" or "fr-CA"')
  .openapi({ example: 'fr' });

/** One person as the host describes them. */
export const PersonInput = z
  .strictObject({
    externalId: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320).optional(),
    role: Role.optional(),
    managerExternalId: z.string().trim().min(1).max(200).nullable().optional(),
    team: z.string().trim().min(1).max(200).nullable().optional(),
    locale: Locale.optional(),
  })
  .openapi('PersonInput');
export type PersonInput = z.infer<typeof PersonInput>;

export const UpsertPeopleBody = z
  .strictObject({
    // Rows are validated one by one so a bad row is reported while good rows are kept.
    users: z.array(z.unknown()).min(1).max(1000),
  })
  .openapi('UpsertPeople');

export const RowError = z.object({
  index: z.number().int(),
  externalId: z.string().nullable(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const UpsertPeopleResult = z
  .object({
    items: z.array(z.object({ id: Uuid, externalId: z.string() })),
    errors: z.array(RowError),
  })
  .openapi('UpsertPeopleResult');

export const PersonMatch = z
  .object({ id: Uuid, name: z.string(), email: z.string().nullable(), team: z.string().nullable() })
  .openapi('PersonMatch');
export type PersonMatch = z.infer<typeof PersonMatch>;

export const PeopleQuery = z.strictObject({
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(25).default(8),
});

export const Me = z
  .object({
    id: Uuid,
    externalId: z.string(),
    name: z.string(),
    team: z.string().nullable(),
    role: Role,
    locale: z.string().nullable(),
    scopes: z.array(z.string()),
    managerId: Uuid.nullable(),
  })
  .openapi('Me');
export type Me = z.infer<typeof Me>;

export const CompanyValue = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes'),
    label: z.string().trim().min(1).max(80),
    description: z.string().trim().max(500).nullable().optional(),
    emoji: z.string().max(16).nullable().optional(),
  })
  .openapi('CompanyValue');
export type CompanyValue = z.infer<typeof CompanyValue>;
