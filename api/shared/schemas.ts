import { z } from '@hono/zod-openapi';

/** Shared pieces of the wire format. */
export const Uuid = z.uuid().openapi({ example: '0193a6f2-7c1e-7b3a-9d2e-5f1c0a9b8e21' });

export const Cursor = z
  .string()
  .max(200)
  .openapi({ description: 'Opaque cursor from the previous page\'s `nextCursor`.' });

export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const PersonSummary = z
  .object({
    id: Uuid,
    name: z.string(),
    team: z.string().nullable(),
  })
  .openapi('PersonSummary');
export type PersonSummary = z.infer<typeof PersonSummary>;

export function page<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}
