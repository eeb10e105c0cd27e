import { z } from '@hono/zod-openapi';
import { PRAISE_VISIBILITIES, REACTIONS } from '../../db/schema/praise.js';
import { Cursor, Limit, page, PersonSummary, Uuid } from '../../shared/schemas.js';

export const MESSAGE_MAX = 2000;
export const RECIPIENTS_MAX = 10;

export const Reaction = z.enum(REACTIONS).openapi('Reaction');
export const Visibility = z.enum(PRAISE_VISIBILITIES).openapi('PraiseVisibility');

export const GivePraiseBody = z
  .strictObject({
    recipientIds: z.array(Uuid).min(1).max(RECIPIENTS_MAX),
    // PostgreSQL refused a NUL byte in text; sealed, the message no longer reaches it as text.
    message: z.string().trim().min(1).max(MESSAGE_MAX).refine((m) => !m.includes('\0'), 'must not contain a NUL byte'),
    // No NUL either: the values reach PostgreSQL as one JSON parameter, where \u0000 is refused.
    values: z.array(z.string().min(1).max(64).refine((v) => !v.includes('\0'), 'must not contain a NUL byte')).max(10).default([]),
    visibility: Visibility.default('public'),
  })
  .openapi('GivePraise');
export type GivePraiseBody = z.infer<typeof GivePraiseBody>;

export const ReactionCount = z.object({
  reaction: Reaction,
  count: z.number().int(),
  reacted: z.boolean().openapi({ description: 'Whether the viewer reacted with this one.' }),
});

export const PraiseItem = z
  .object({
    id: Uuid,
    giver: PersonSummary,
    recipients: z.array(PersonSummary),
    message: z.string(),
    values: z.array(z.string()),
    visibility: Visibility,
    createdAt: z.string().openapi({ format: 'date-time' }),
    reactions: z.array(ReactionCount),
    canDelete: z.boolean(),
  })
  .openapi('Praise');
export type PraiseItem = z.infer<typeof PraiseItem>;

export const PraisePage = page(PraiseItem, 'PraisePage');
export type PraisePage = z.infer<typeof PraisePage>;

export const FeedQuery = z.strictObject({
  limit: Limit,
  cursor: Cursor.optional(),
  recipientId: Uuid.optional(),
  giverId: Uuid.optional(),
  value: z.string().min(1).max(64).optional(),
  scope: z
    .enum(['all', 'team', 'mine'])
    .default('all')
    .openapi({
      description:
        '`team`: praise given to or by the viewer\'s team and direct reports; `mine`: given or received by the viewer.',
    }),
});
export type FeedQuery = z.infer<typeof FeedQuery>;

export const PraiseIdParam = z.strictObject({ id: Uuid });
export const ReactionParam = z.strictObject({ id: Uuid, reaction: Reaction });
