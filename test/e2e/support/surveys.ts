import type { Locator, Page } from 'playwright-core';
import type { Stack, StackPerson } from './stack.js';

/** People the survey tests add, so teams are large enough to show figures (threshold 3). */
export const SURVEY_PEOPLE: StackPerson[] = [
  { externalId: 'core1', name: 'Carla Ortiz', team: 'Core', managerExternalId: 'ann' },
  { externalId: 'core2', name: 'Colm Reilly', team: 'Core', managerExternalId: 'ann' },
  { externalId: 'core3', name: 'Chidi Okafor', team: 'Core', managerExternalId: 'ann' },
  { externalId: 'core4', name: 'Chen Wei', team: 'Core', managerExternalId: 'ann' },
  { externalId: 'sup1', name: 'Sami Haddad', team: 'Support', managerExternalId: 'ann' },
  { externalId: 'hr', name: 'Hana Rees', team: 'People', role: 'hr_admin' },
];

const day = 86_400_000;

/** A survey open now for the whole tenant: Likert, eNPS (both required), multiple choice (required), open text. */
export function surveyBody(title: string, extra: Record<string, unknown> = {}) {
  return {
    title,
    description: 'Four questions, two minutes.',
    questions: [
      { type: 'likert', prompt: 'I have what I need to do my job well.', required: true },
      {
        type: 'enps',
        prompt: 'How likely are you to recommend Acme as a place to work?',
        required: true,
      },
      {
        type: 'multiple_choice',
        prompt: 'Which perks do you use?',
        required: true,
        options: ['Lunch', 'Gym', 'Books'],
      },
      { type: 'text', prompt: 'Anything else?' },
    ],
    audience: { kind: 'tenant' },
    opensAt: new Date(Date.now() - 60_000).toISOString(),
    closesAt: new Date(Date.now() + 7 * day).toISOString(),
    anonymityThreshold: 3,
    commentThreshold: 3,
    ...extra,
  };
}

/** A weekly pulse whose third round opened a day ago: two earlier rounds (nobody answered them) make a trend. */
export function pulseBody(title: string) {
  return surveyBody(title, {
    opensAt: new Date(Date.now() - 15 * day).toISOString(),
    closesAt: new Date(Date.now() - 15 * day + 6 * day).toISOString(),
    recurrence: { every: 'week', rounds: null },
  });
}

/** Seeds answers server side: `[person, likert, enps, choices, text?]`. */
export async function seedAnswers(
  stack: Stack,
  survey: { id: string; questions: Array<{ id: string }> },
  rows: Array<[string, number, number, number[], string?]>,
) {
  const [likert, enps, multi, text] = survey.questions.map((q) => q.id);
  for (const [as, l, e, choices, comment] of rows) {
    const answers = [
      { questionId: likert, value: l },
      { questionId: enps, value: e },
      { questionId: multi, choices },
      ...(comment ? [{ questionId: text, text: comment }] : []),
    ];
    const status = await stack.respond(as, survey.id, answers);
    if (status !== 201) throw new Error(`seed answer of ${as}: ${status}`);
  }
}

/** The survey form's locators. */
export function surveyWidget(page: Page) {
  const el = page.locator('grove-survey');
  return {
    el,
    done: el.locator('[part="done"]'),
    alert: el.locator('[part="alert"]'),
    progress: el.locator('[part="progress"]'),
    next: el.locator('[part="next-button"]'),
    submit: el.locator('[part="submit-button"]'),
    question: (n: number): Locator => el.locator('[part="question"]').nth(n),
  };
}

/** Waits until the element has left its loading state. */
export async function settled(page: Page, tag: 'grove-survey' | 'grove-survey-results'): Promise<void> {
  await page.waitForFunction((t) => {
    const root = document.querySelector(t)?.shadowRoot;
    return !!root && !!root.firstElementChild && !root.querySelector('[part="state"][role="status"]');
  }, tag);
}
