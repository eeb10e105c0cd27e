import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { GroveDeps } from '../api/http/context.js';
import { praiseMessageRef } from '../api/modules/praise/praise.fields.js';
import { praise, praiseReactions, praiseRecipients, type Reaction } from '../api/db/schema/praise.js';
import { upsertPeople } from '../api/modules/directory/people.service.js';
import { createTenant, getTenant } from '../api/modules/platform/platform.service.js';
import { ensureDemoSurvey } from './survey-seed.js';

export interface DemoPerson {
  externalId: string;
  name: string;
  email: string;
  role?: 'employee' | 'manager' | 'hr_admin' | 'admin';
  team: string;
  managerExternalId?: string;
  locale?: string;
}

/** The demo intranet's people: two teams, their managers, HR and an admin. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { externalId: 'amelie', name: 'Amélie Laurent', email: 'amelie@acme.example', role: 'admin', team: 'Leadership', locale: 'fr' },
  { externalId: 'marcus', name: 'Marcus Chen', email: 'marcus@acme.example', role: 'manager', team: 'Engineering', managerExternalId: 'amelie' },
  { externalId: 'sofia', name: 'Sofia Rossi', email: 'sofia@acme.example', role: 'manager', team: 'Customer Success', managerExternalId: 'amelie' },
  { externalId: 'hugo', name: 'Hugo Martin', email: 'hugo@acme.example', team: 'Engineering', managerExternalId: 'marcus', locale: 'fr' },
  { externalId: 'priya', name: 'Priya Natarajan', email: 'priya@acme.example', team: 'Engineering', managerExternalId: 'marcus' },
  { externalId: 'lea', name: 'Léa Dubois', email: 'lea@acme.example', team: 'Engineering', managerExternalId: 'marcus', locale: 'fr' },
  { externalId: 'tom', name: 'Tom Becker', email: 'tom@acme.example', team: 'Engineering', managerExternalId: 'marcus' },
  { externalId: 'nadia', name: 'Nadia Benali', email: 'nadia@acme.example', team: 'Customer Success', managerExternalId: 'sofia', locale: 'fr' },
  { externalId: 'james', name: "James O'Connor", email: 'james@acme.example', team: 'Customer Success', managerExternalId: 'sofia' },
  { externalId: 'chloe', name: 'Chloé Moreau', email: 'chloe@acme.example', team: 'Customer Success', managerExternalId: 'sofia', locale: 'fr' },
  { externalId: 'kenji', name: 'Kenji Watanabe', email: 'kenji@acme.example', role: 'hr_admin', team: 'People', managerExternalId: 'amelie' },
  { externalId: 'olivia', name: 'Olivia Grant', email: 'olivia@acme.example', team: 'People', managerExternalId: 'kenji' },
];

const VALUES = [
  { key: 'ownership', label: 'Ownership', emoji: '🧭' },
  { key: 'customer-first', label: 'Customer first', emoji: '🤝' },
  { key: 'teamwork', label: 'Teamwork', emoji: '🧩' },
  { key: 'craft', label: 'Craft', emoji: '🛠️' },
];

/** [giver, recipients, message, values, days ago, reactions] */
const HISTORY: Array<[string, string[], string, string[], number, Array<[string, Reaction]>]> = [
  ['marcus', ['hugo', 'priya'], 'The migration to the new billing service went out without a single incident. Careful, patient work.', ['craft', 'ownership'], 19, [['amelie', 'clap'], ['tom', 'rocket']]],
  ['nadia', ['chloe'], "Merci Chloé d'avoir repris mes appels clients pendant mon absence, tout le monde était ravi !", ['customer-first', 'teamwork'], 17, [['sofia', 'heart']]],
  ['sofia', ['james'], 'James turned an angry renewal call into a three-year contract. Listening first really works.', ['customer-first'], 15, [['amelie', 'tada'], ['nadia', 'clap'], ['chloe', 'clap']]],
  ['lea', ['tom'], "Tom a passé son samedi à corriger le bug d'export. Un grand merci !", ['ownership'], 13, [['marcus', 'raised_hands']]],
  ['priya', ['lea'], 'Léa’s design review caught the race condition before it reached production. Thank you!', ['craft'], 11, [['hugo', 'clap']]],
  ['kenji', ['olivia'], 'Olivia ran onboarding for twelve new hires in one week and every one of them felt welcome.', ['teamwork'], 9, [['amelie', 'heart'], ['sofia', 'heart']]],
  ['hugo', ['marcus'], 'Merci Marcus pour le coaching sur les revues de code, ça change tout.', ['teamwork'], 7, [['priya', 'smile']]],
  ['james', ['nadia', 'chloe'], 'The new help-centre articles halved our ticket volume this week. Brilliant teamwork.', ['customer-first', 'teamwork'], 5, [['sofia', 'rocket'], ['kenji', 'clap']]],
  ['amelie', ['sofia', 'marcus'], 'Bravo à vos deux équipes pour le lancement de la version 3. Un vrai travail collectif.', ['teamwork', 'ownership'], 3, [['marcus', 'tada'], ['sofia', 'tada'], ['hugo', 'heart']]],
  ['tom', ['priya'], 'Pairing with Priya on the flaky test suite was the best afternoon of my week.', ['craft'], 1, [['lea', 'smile']]],
];

export interface DemoTenant {
  tenantId: string;
  apiKey: string;
}

/**
 * Creates the demo tenant once (remembered in the data dir) with its people, values and a few
 * weeks of praise in English and French, so the wall is alive on first load, and an engagement
 * survey with answered rounds (survey-seed.ts).
 */
export async function ensureDemoTenant(deps: Pick<GroveDeps, 'database' | 'dataKeys' | 'cipher'>, dataDir: string, origins: string[]): Promise<DemoTenant> {
  const database = deps.database;
  const file = join(dataDir, 'demo-tenant.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
    const present = await getTenant(database, saved.tenantId).then(
      () => true,
      () => false, // the database was reset: seed again
    );
    if (present) {
      // Demo data dirs from before surveys existed get the survey too.
      await ensureDemoSurvey(deps, saved.tenantId);
      return saved;
    }
  }
  const tenant = await createTenant(database, deps.dataKeys.masters, { name: 'Acme Corporation (demo)', origins, values: VALUES });
  // Keys and nonces are loaded before the unit opens (PGlite has one connection).
  await deps.dataKeys.reserve(tenant.id, HISTORY.length);
  await database.withTenant(tenant.id, async (tx) => {
    const { items } = await upsertPeople(tx, tenant.id, [...DEMO_PEOPLE]);
    const id = (externalId: string) => items.find((i) => i.externalId === externalId)!.id;
    for (const [giver, recipients, message, values, daysAgo, reactions] of HISTORY) {
      const at = new Date(Date.now() - daysAgo * 86_400_000 - 3_600_000 * (daysAgo % 7));
      // UUIDv7 carries its time: backdated ids keep the feed's newest-first order honest.
      const praiseId = uuidv7({ msecs: at.getTime() });
      const sealed = deps.cipher.seal(tenant.id, praiseMessageRef(praiseId), message);
      await tx.insert(praise).values({ tenantId: tenant.id, id: praiseId, giverId: id(giver), message: sealed, values, createdAt: at });
      await tx.insert(praiseRecipients).values(recipients.map((r) => ({ tenantId: tenant.id, praiseId, recipientId: id(r) })));
      if (reactions.length) {
        await tx.insert(praiseReactions).values(reactions.map(([who, reaction]) => ({ tenantId: tenant.id, praiseId, personId: id(who), reaction })));
      }
    }
  });
  await ensureDemoSurvey(deps, tenant.id);
  const saved = { tenantId: tenant.id, apiKey: tenant.apiKey };
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return saved;
}
