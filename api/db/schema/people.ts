import { foreignKey, index, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { app, tenantIsolation } from './namespaces.js';

export const ROLES = ['employee', 'manager', 'hr_admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** People of a tenant, provisioned by the host (directory sync or just in time at token mint). */
export const people = app.table(
  'people',
  {
    tenantId: uuid().notNull(),
    id: uuid().notNull(),
    externalId: text().notNull(),
    name: text().notNull(),
    email: text(),
    role: text().$type<Role>().notNull().default('employee'),
    managerId: uuid(),
    team: text(),
    locale: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /**
     * Set when the person was erased (GDPR art. 17): the row stays as a tombstone so praise and
     * reactions that point to it keep their counts, but nothing in it identifies them.
     */
    erasedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('people_external_id').on(t.tenantId, t.externalId),
    foreignKey({ columns: [t.tenantId, t.managerId], foreignColumns: [t.tenantId, t.id] }).onDelete('set null'),
    index('people_manager').on(t.tenantId, t.managerId),
    index('people_team').on(t.tenantId, t.team),
    tenantIsolation('people'),
  ],
).enableRLS();

/**
 * Normalised words of each person's name and email, one row each, so the typeahead is an index
 * range scan on (tenant_id, term) however many people a tenant has, and "dup" finds "Marie Dupont".
 */
export const personSearchTerms = app.table(
  'person_search_terms',
  {
    tenantId: uuid().notNull(),
    term: text().notNull(),
    personId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.term, t.personId] }),
    index('person_search_terms_prefix').on(t.tenantId, t.term.op('text_pattern_ops')),
    index('person_search_terms_person').on(t.tenantId, t.personId),
    foreignKey({ columns: [t.tenantId, t.personId], foreignColumns: [people.tenantId, people.id] }).onDelete('cascade'),
    tenantIsolation('person_search_terms'),
  ],
).enableRLS();
