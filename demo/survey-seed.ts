import type { GroveDeps } from '../api/http/context.js';
import { tenantFields, type TenantFields } from '../api/security/field-cipher.js';
import { and, eq } from 'drizzle-orm';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { DatabaseHandle, Tx } from '../api/db/client.js';
import { people } from '../api/db/schema/people.js';
import { surveyParticipation, surveys } from '../api/db/schema/surveys.js';
import { groupAttributesOf, storeResponse, type ValidAnswer } from '../api/modules/surveys/responses.service.js';
import type { Question } from '../api/modules/surveys/surveys.schemas.js';

/**
 * The demo's engagement survey: every two weeks, three rounds so far (two closed, the third open
 * since an hour before seeding), the whole demo tenant as audience, anonymity threshold 3 (the
 * minimum: the demo has 12 people; with 5 no team could ever show). Everyone answered the closed
 * rounds; in the open round everyone but the default visitor (Hugo) has, so a visitor acting as
 * Hugo can still answer and anyone else sees "already answered".
 *
 * Answers go through the survey service's own storeResponse (group attributes from the
 * directory, random ids), with a participation row per person and round, so every figure is
 * consistent with who took part. Teams then show: Engineering and Customer Success with figures,
 * People (2) and Leadership (1) suppressed.
 */
export const DEMO_SURVEY_TITLE = 'Engagement pulse';
/** The demo person who has not yet answered the open round. */
export const DEMO_SURVEY_VISITOR = 'hugo';

function questions(): Question[] {
  return [
  { id: uuidv4(), type: 'likert', prompt: 'I feel recognised for the work I do.', required: true },
  { id: uuidv4(), type: 'likert', prompt: 'I have what I need to do my job well.', required: true },
  { id: uuidv4(), type: 'enps', prompt: 'How likely are you to recommend Acme as a place to work?', required: true },
  { id: uuidv4(), type: 'single_choice', prompt: 'How many days a week do you work from the office?', required: false, options: ['None', '1–2 days', '3–4 days', 'Every day'] },
  { id: uuidv4(), type: 'text', prompt: 'What one thing would make your work better?', required: false },
  ];
}

/** A mood per team that improves a little each round; the spread keeps distributions readable. */
const TEAM_MOOD: Record<string, number> = { Engineering: 4, 'Customer Success': 3, People: 4, Leadership: 4 };
const COMMENTS = [
  'Fewer meetings on Wednesdays.',
  'Clearer priorities from one quarter to the next.',
  'Une vraie pause déjeuner, sans écran.',
  'More time for pairing and code review.',
  'A quieter corner of the office for calls.',
  'Des retours plus réguliers sur mon travail.',
  'Better tooling for the support queue.',
  'Knowing earlier what is planned for the next release.',
  'Plus de formations internes.',
  'Celebrating small wins more often.',
  'Shorter approval chains for small purchases.',
];

function answersFor(questions: Question[], index: number, team: string, round: number): ValidAnswer[] {
  const mood = TEAM_MOOD[team] ?? 3;
  const wobble = ((index * 7 + round * 3) % 3) - 1; // −1, 0 or +1
  const clamp = (v: number, min: number, max: number) => Math.max(min, Math.min(max, v));
  const likert = (shift: number) => clamp(mood + wobble + shift + (round >= 3 ? 1 : 0) - (round === 1 ? 1 : 0), 1, 5);
  const enps = clamp(mood * 2 + wobble * 2 + round - 1, 0, 10);
  const answers: ValidAnswer[] = [
    { questionId: questions[0]!.id, value: likert(0), choices: null, text: null },
    { questionId: questions[1]!.id, value: likert(index % 2 === 0 ? 0 : -1), choices: null, text: null },
    { questionId: questions[2]!.id, value: enps, choices: null, text: null },
    { questionId: questions[3]!.id, value: (index + round) % 4, choices: null, text: null },
  ];
  // One person never writes a comment: 11 per closed round, 10 in the open one until Hugo answers.
  if (index !== 5) answers.push({ questionId: questions[4]!.id, value: null, choices: null, text: COMMENTS[(index + round) % COMMENTS.length]! });
  return answers;
}

async function seed(tx: Tx, fields: TenantFields, tenantId: string, now: number): Promise<void> {
  const day = 86_400_000;
  const opensAt = new Date(now - 28 * day - 3_600_000);
  const surveyId = uuidv7({ msecs: opensAt.getTime() });
  const asked = questions();
  await tx.insert(surveys).values({
    tenantId,
    id: surveyId,
    title: DEMO_SURVEY_TITLE,
    description: 'Five questions, two minutes. Answers are anonymous: results show only groups of 3 or more.',
    questions: asked,
    audience: { kind: 'tenant' },
    opensAt,
    closesAt: new Date(opensAt.getTime() + 7 * day),
    recurrenceEvery: 'two_weeks',
    recurrenceRounds: null,
    anonymityThreshold: 3,
    commentThreshold: 10,
  });
  const everyone = await tx
    .select({ id: people.id, externalId: people.externalId, team: people.team })
    .from(people)
    .where(eq(people.tenantId, tenantId))
    .orderBy(people.externalId);
  for (const round of [1, 2, 3]) {
    for (const [index, person] of everyone.entries()) {
      if (round === 3 && person.externalId === DEMO_SURVEY_VISITOR) continue;
      await tx.insert(surveyParticipation).values({ tenantId, surveyId, round, personId: person.id });
      await storeResponse(tx, fields, tenantId, surveyId, round, await groupAttributesOf(tx, tenantId, person.id), answersFor(asked, index, person.team ?? '', round));
    }
  }
}

/** Seeds the demo survey unless the tenant already has it. */
export async function ensureDemoSurvey(deps: Pick<GroveDeps, 'database' | 'dataKeys' | 'cipher'>, tenantId: string, now = Date.now()): Promise<void> {
  // Comments are sealed with the tenant's data key: keys and nonces before the unit opens.
  await deps.dataKeys.reserve(tenantId, 64);
  const fields = tenantFields(deps.cipher, tenantId);
  await deps.database.withTenant(tenantId, async (tx) => {
    const existing = await tx
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.tenantId, tenantId), eq(surveys.title, DEMO_SURVEY_TITLE)))
      .limit(1);
    if (existing.length === 0) await seed(tx, fields, tenantId, now);
  });
}
