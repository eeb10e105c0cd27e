import { integer, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { app, tenantIsolation } from './namespaces.js';

/** The tenant's company values: the tags praise can carry ("ownership", "customer-first"). */
export const companyValues = app.table(
  'company_values',
  {
    tenantId: uuid().notNull(),
    key: text().notNull(),
    label: text().notNull(),
    description: text(),
    emoji: text(),
    position: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), tenantIsolation('company_values')],
).enableRLS();
