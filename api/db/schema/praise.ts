import { sql } from 'drizzle-orm';
import { foreignKey, index, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { app, tenantIsolation } from './namespaces.js';
import { people } from './people.js';

export const PRAISE_VISIBILITIES = ['public', 'private'] as const;
export type PraiseVisibility = (typeof PRAISE_VISIBILITIES)[number];

/** The fixed reaction set. Names, not emoji, travel over the API; widgets draw the emoji. */
export const REACTIONS = ['clap', 'heart', 'tada', 'rocket', 'raised_hands', 'smile'] as const;
export type Reaction = (typeof REACTIONS)[number];

export const praise = app.table(
  'praise',
  {
    tenantId: uuid().notNull(),
    /** UUIDv7: time-ordered, so "newest first" is "id descending" and ids are the cursor. */
    id: uuid().notNull(),
    giverId: uuid().notNull(),
    message: text().notNull(),
    values: text().array().notNull().default(sql`'{}'::text[]`),
    visibility: text().$type<PraiseVisibility>().notNull().default('public'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
    deletedBy: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.giverId], foreignColumns: [people.tenantId, people.id] }),
    // The feed (one tenant, newest first) walks the primary key (tenant_id, id) backwards: a
    // separate partial index on the same columns was never chosen (bench: 0 scans) and only
    // cost writes.
    index('praise_giver').on(t.tenantId, t.giverId, t.id.desc()).where(sql`deleted_at is null`),
    tenantIsolation('praise'),
  ],
).enableRLS();

export const praiseRecipients = app.table(
  'praise_recipients',
  {
    tenantId: uuid().notNull(),
    praiseId: uuid().notNull(),
    recipientId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.praiseId, t.recipientId] }),
    index('praise_recipients_recipient').on(t.tenantId, t.recipientId, t.praiseId.desc()),
    foreignKey({ columns: [t.tenantId, t.praiseId], foreignColumns: [praise.tenantId, praise.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.recipientId], foreignColumns: [people.tenantId, people.id] }),
    tenantIsolation('praise_recipients'),
  ],
).enableRLS();

export const praiseReactions = app.table(
  'praise_reactions',
  {
    tenantId: uuid().notNull(),
    praiseId: uuid().notNull(),
    personId: uuid().notNull(),
    reaction: text().$type<Reaction>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.praiseId, t.personId, t.reaction] }),
    foreignKey({ columns: [t.tenantId, t.praiseId], foreignColumns: [praise.tenantId, praise.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.personId], foreignColumns: [people.tenantId, people.id] }).onDelete('cascade'),
    tenantIsolation('praise_reactions'),
  ],
).enableRLS();
