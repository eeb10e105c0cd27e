import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { focused, seriousViolations, tabTo, text } from './support/page.js';
import { startStack, type Stack } from './support/stack.js';
import { pulseBody, SURVEY_PEOPLE, seedAnswers, settled, surveyBody, surveyWidget } from './support/surveys.js';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
/** A pulse with seeded answers: 8 respondents, Core 4, Support 3, People 1 (threshold 3). */
let pulse: { id: string; questions: Array<{ id: string; type: string }> };

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  await stack.addPeople(SURVEY_PEOPLE);
  pulse = await stack.createSurvey(pulseBody('Quarterly pulse'));
  // Likert 5,4,4,2,5,3,4,1 → 5 of 8 favourable = 62.5%. eNPS 10,9,9,7,8,3,10,6 → 4 promoters, 2 detractors = +25.
  await seedAnswers(stack, pulse, [
    ['core1', 5, 10, [0], 'More quiet rooms, please.'],
    ['core2', 4, 9, [0, 1], 'Great onboarding.'],
    ['core3', 4, 9, [2], 'Fewer meetings on Fridays.'],
    ['core4', 2, 7, [0]],
    ['cleo', 5, 8, [1]],
    ['dev', 3, 3, [0, 2]],
    ['sup1', 4, 10, [1]],
    ['zoe', 1, 6, [2]],
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  pageErrors.length = 0;
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterEach(async () => {
  await context.close();
});

let n = 0;
const newSurvey = () => stack.createSurvey(surveyBody(`Engagement check #${++n}`));

/** Collects `grove-responded` events on the page. */
async function recordResponded(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { responded: unknown[] };
    w.responded = [];
    document.addEventListener('grove-responded', (e) => w.responded.push((e as CustomEvent).detail));
  });
  return () => page.evaluate(() => (window as unknown as { responded: unknown[] }).responded);
}

/** Presses Space on the focused radio (its first value), then ArrowRight until `value` is checked. */
async function chooseByKeyboard(page: Page, steps: number) {
  await page.keyboard.press('Space');
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
}

const isIn = (part: string) => (f: Awaited<ReturnType<typeof focused>>) => f.host === 'grove-survey' && f.part === part;
const isInput = (f: Awaited<ReturnType<typeof focused>>) => f.host === 'grove-survey' && f.tag === 'input';

async function participation(surveyId: string): Promise<number> {
  const res = await fetch(`${stack.apiUrl}/v1/surveys/${surveyId}/results`, {
    headers: { authorization: `Bearer ${stack.tenant.apiKey}` },
  });
  if (!res.ok) throw new Error(`results: ${res.status}`);
  return ((await res.json()) as { participation: { responded: number } }).participation.responded;
}

describe('<grove-survey>', () => {
  it('is answered by keyboard one question at a time, with required questions checked before moving on', async () => {
    const survey = await newSurvey();
    await page.goto(stack.surveyPage({ as: 'bob', survey: survey.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    const responded = await recordResponded(page);
    const w = surveyWidget(page);
    expect(await text(w.el.locator('[part="anonymity"]'))).toContain('results are shown only for groups of 3 or more');
    expect(await text(w.progress)).toContain('Question 1 of 4');
    expect(await w.el.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('1');

    // 1. Likert: Space picks "Strongly disagree", three arrows move to "Agree".
    await tabTo(page, isInput);
    await chooseByKeyboard(page, 3);
    expect(await w.question(0).locator('input:checked').getAttribute('value')).toBe('4');
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');

    // 2. eNPS: focus lands on its first radio; 9 with the arrows.
    expect(await text(w.progress)).toContain('Question 2 of 4');
    expect((await focused(page)).tag).toBe('input');
    await chooseByKeyboard(page, 9);
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');

    // 3. Multiple choice, required: "Next" without a choice stays, says why, and focuses the question.
    expect(await text(w.progress)).toContain('Question 3 of 4');
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');
    expect(await text(w.progress)).toContain('Question 3 of 4');
    expect(await w.question(0).getAttribute('aria-invalid')).toBe('true');
    expect(await text(w.question(0).locator('[part="error"]'))).toBe('Answer this question to continue.');
    expect(await text(w.alert)).toBe('Answer this question to continue.');
    expect(await w.alert.getAttribute('role')).toBe('alert');
    const f = await focused(page);
    expect([f.tag, f.host]).toEqual(['input', 'grove-survey']);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await w.question(0).getAttribute('aria-invalid')).toBe('false');
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');

    // 4. Open text, optional, with a counter.
    expect(await text(w.progress)).toContain('Question 4 of 4');
    await page.keyboard.type('More quiet rooms.');
    expect(await text(w.el.locator('[part="counter"]'))).toBe('17 / 5000 characters');
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');

    // 5. Review: every answer in words, each can be changed; then send.
    const review = w.el.locator('[part="review"]');
    expect(await text(w.progress)).toContain('Review your answers');
    expect((await focused(page)).id).toBe('review-title');
    expect((await review.locator('dd:not(:has(button))').allTextContents()).map((t) => t.trim())).toEqual([
      '4 · Agree',
      '9',
      'Lunch, Gym',
      'More quiet rooms.',
    ]);
    await tabTo(page, (f) => f.part === 'change-button' && f.text.includes('Which perks'));
    await page.keyboard.press('Enter');
    expect(await text(w.progress)).toContain('Question 3 of 4');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // Gym off
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');
    await tabTo(page, isIn('next-button'));
    await page.keyboard.press('Enter');
    expect(await text(review.locator('.review-item').nth(2).locator('dd').first())).toBe('Lunch');
    await tabTo(page, isIn('submit-button'));
    await page.keyboard.press('Enter');

    await w.done.waitFor();
    expect(await w.done.getAttribute('data-phase')).toBe('thanks');
    expect(await text(w.done)).toContain('Thank you! Your answers were recorded.');
    expect((await focused(page)).part).toBe('done');
    expect(await responded()).toEqual([{ surveyId: survey.id, round: 1 }]);
    expect(await participation(survey.id)).toBe(1);

    // On a fresh page the survey says it was answered (viewer.responded), and offers no form.
    await page.reload();
    await settled(page, 'grove-survey');
    expect(await w.done.getAttribute('data-phase')).toBe('already');
    expect(await text(w.done)).toContain('You have already answered this survey.');
    expect(await w.el.locator('form').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows every question on one page, lists what is missing, and sends once complete', async () => {
    const survey = await newSurvey();
    await page.goto(stack.surveyPage({ as: 'cleo', survey: survey.id, show: 'survey', layout: 'single' }));
    await settled(page, 'grove-survey');
    const w = surveyWidget(page);
    expect(await w.el.locator('[part="question"]').count()).toBe(4);
    expect(await text(w.progress)).toContain('0 of 4 answered');

    await tabTo(page, isIn('submit-button'));
    await page.keyboard.press('Enter');
    expect(await text(w.alert)).toBe('3 questions need an answer.');
    expect(await w.el.locator('fieldset[aria-invalid="true"]').count()).toBe(3);
    // Focus goes to the first question that needs an answer.
    expect(await page.evaluate(() => document.querySelector('grove-survey')!.shadowRoot!.activeElement?.closest('fieldset')?.dataset.question)).toBe(
      survey.questions[0]!.id,
    );

    await chooseByKeyboard(page, 4); // Likert 5
    await page.keyboard.press('Tab');
    await chooseByKeyboard(page, 10); // eNPS 10
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // "Gym"
    expect(await text(w.progress)).toContain('3 of 4 answered');
    expect(await text(w.alert)).toBe('');
    await tabTo(page, isIn('submit-button'));
    await page.keyboard.press('Enter');
    await w.done.waitFor();
    expect(await w.done.getAttribute('data-phase')).toBe('thanks');
    expect(await participation(survey.id)).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the answers in memory through a revoked token and an offline moment, and records them once', async () => {
    const survey = await newSurvey();
    await page.goto(stack.surveyPage({ as: 'dev', survey: survey.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    const w = surveyWidget(page);
    await tabTo(page, isInput);
    await chooseByKeyboard(page, 2); // 3
    await w.next.click();
    await w.question(0).locator('input[value="7"]').check();
    await w.next.click();
    await w.question(0).locator('input[type="checkbox"]').first().check();

    // Every token issued so far stops working: the next call gets a 401 and fetches a new one.
    const mintsBefore = stack.mints.ok;
    await stack.revokeAll();
    await page.locator('grove-survey [part="previous-button"]').click();
    await page.locator('grove-survey [part="previous-button"]').click();
    expect(await w.question(0).locator('input:checked').getAttribute('value')).toBe('3');
    await w.next.click();
    expect(await w.question(0).locator('input:checked').getAttribute('value')).toBe('7');
    await w.next.click();
    await w.next.click();
    await w.question(0).locator('textarea').fill('Kept while offline.');
    await w.next.click();
    expect(await text(w.el.locator('[part="review"] .review-item').first().locator('dd').first())).toBe('3 · Neither agree nor disagree');

    // Sent while offline: the keyed POST waits for the network and goes out once when it is back.
    await context.setOffline(true);
    await w.submit.click();
    await w.el.locator('[part="submit-button"]:disabled').waitFor();
    expect(await text(w.submit)).toBe('Sending…');
    expect(await text(w.el.locator('.waiting'))).toBe('Waiting for the connection to send…');
    await context.setOffline(false);
    await w.done.waitFor({ timeout: 30_000 });
    expect(await w.done.getAttribute('data-phase')).toBe('thanks');
    expect(stack.mints.ok).toBeGreaterThan(mintsBefore);
    expect(await participation(survey.id)).toBe(1);
    // Nothing of the draft was written to storage.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
  });

  it('says when a survey is closed or not open yet, and offers no form', async () => {
    const closed = await newSurvey();
    const res = await fetch(`${stack.apiUrl}/v1/surveys/${closed.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tenant.apiKey}` },
    });
    expect(res.status).toBe(200);
    await page.goto(stack.surveyPage({ as: 'bob', survey: closed.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    const w = surveyWidget(page);
    expect(await w.done.getAttribute('data-phase')).toBe('closed');
    expect(await text(w.done)).toContain('This survey is closed.');

    const later = await stack.createSurvey(surveyBody('Next quarter', { opensAt: '2031-01-06T09:00:00Z', closesAt: '2031-01-20T09:00:00Z' }));
    await page.goto(stack.surveyPage({ as: 'bob', survey: later.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    expect(await w.done.getAttribute('data-phase')).toBe('not-open');
    expect(await text(w.done)).toContain('This survey opens on Monday, January 6, 2031');
    expect(await w.el.locator('form').count()).toBe(0);
  });

  it('says "already answered" when another tab sent first (409 already-responded)', async () => {
    const survey = await newSurvey();
    const other = await context.newPage();
    for (const p of [page, other]) {
      await p.goto(stack.surveyPage({ as: 'bob', survey: survey.id, show: 'survey', layout: 'single' }));
      await settled(p, 'grove-survey');
      const w = surveyWidget(p);
      await w.question(0).locator('input[value="4"]').check();
      await w.question(1).locator('input[value="8"]').check();
      await w.question(2).locator('input[type="checkbox"]').first().check();
    }
    await surveyWidget(other).submit.click();
    expect(await surveyWidget(other).done.getAttribute('data-phase')).toBe('thanks');
    const w = surveyWidget(page);
    await w.submit.click();
    await w.done.waitFor();
    expect(await w.done.getAttribute('data-phase')).toBe('already');
    expect(await participation(survey.id)).toBe(1);
  });

  it('tells someone outside the audience that the survey is not for them', async () => {
    const survey = await stack.createSurvey(surveyBody('Support only', { audience: { kind: 'teams', teams: ['Support'] } }));
    // hr (People team) may read every survey, so sees it, with viewer.inAudience false.
    await page.goto(stack.surveyPage({ as: 'hr', survey: survey.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    const w = surveyWidget(page);
    expect(await w.done.getAttribute('data-phase')).toBe('not-in-audience');
    expect(await text(w.done)).toContain('This survey is not addressed to you.');
  });

  it('knows per person whether this round is answered: the form for one, "already answered" for another', async () => {
    await page.goto(stack.surveyPage({ as: 'hr', survey: pulse.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    // hr did not answer the pulse: it is open for them.
    expect(await surveyWidget(page).el.locator('form').count()).toBe(1);
    await page.goto(stack.surveyPage({ as: 'zoe', survey: pulse.id, show: 'survey' }));
    await settled(page, 'grove-survey');
    expect(await surveyWidget(page).done.getAttribute('data-phase')).toBe('already');
  });
});

describe('<grove-survey-results>', () => {
  async function openResults(options: Parameters<Stack['surveyPage']>[0] = {}) {
    await page.goto(stack.surveyPage({ as: 'hr', survey: pulse.id, show: 'results', ...options }));
    await settled(page, 'grove-survey-results');
    return page.locator('grove-survey-results');
  }

  it('shows participation, the eNPS gauge, favourability and distributions with their figures in words', async () => {
    const r = await openResults();
    const invited = 5 + SURVEY_PEOPLE.length;
    expect(await text(r.locator('[part~="participation"]'))).toContain(`8 of ${invited} people answered`);
    const gauge = r.locator('[part="gauge"] svg');
    expect(await gauge.getAttribute('role')).toBe('img');
    expect(await gauge.getAttribute('aria-label')).toBe('eNPS +25, on a scale from −100 to +100');
    expect(await text(r.locator('[part="gauge"] figcaption'))).toContain('Promoters (9–10): 50%');
    const fav = r.locator('[part="favourability"] svg[role="img"]');
    expect(await fav.getAttribute('aria-label')).toBe('I have what I need to do my job well.: 62.5% favourable');
    expect(await text(r.locator('[part="favourability"] .figure'))).toBe('62.5%');
    const likertTable = r.locator('[part="distribution"]').first();
    expect(await text(likertTable.locator('tr', { hasText: 'Strongly agree' }).locator('.count'))).toBe('2');
    expect(pageErrors).toEqual([]);
  });

  it('draws the team heatmap with figures in the cells and hidden groups marked and explained', async () => {
    const r = await openResults();
    const heatmap = r.locator('[part="heatmap"]');
    expect(await text(heatmap.locator('caption'))).toContain('By team');
    const people = heatmap.locator('tr', { has: page.locator('th', { hasText: 'People' }) });
    expect(await people.getAttribute('data-hidden')).toBe('below_threshold');
    expect(await text(people.locator('[part="hidden-cell"]'))).toBe('Hidden hidden: fewer than 3 responses');
    const core = heatmap.locator('tr', { has: page.locator('th', { hasText: 'Core' }) });
    expect(await core.getAttribute('data-hidden')).toBeNull();
    // Core: likert 5,4,4,2 → 75% favourable; eNPS 10,9,9,7 → +75.
    expect(await core.locator('[part="cell"]').allTextContents()).toEqual(['75%', '+75']);
    // Support (3) is the next smallest: hidden too, so the tenant minus Core does not reveal People.
    const support = heatmap.locator('tr', { has: page.locator('th', { hasText: 'Support' }) });
    expect(await support.getAttribute('data-hidden')).toBe('differencing');
    expect(await text(support.locator('[part="hidden-cell"]'))).toContain('hidden to protect a smaller group');
  });

  it('draws trends across rounds, with hidden rounds written as such', async () => {
    const r = await openResults();
    const trend = r.locator('[part="trend"] svg').first();
    const label = (await trend.getAttribute('aria-label'))!;
    expect(label).toContain('Round 1 Hidden');
    expect(label).toContain('Round 3 62.5%');
    expect(await r.locator('[part="round-select"] option').count()).toBe(3);
    // Another round by keyboard: the picker keeps focus while the results reload.
    await r.locator('[part="round-select"]').focus();
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.querySelector('grove-survey-results')!.getAttribute('round') === '2');
    await page.waitForFunction(() => document.querySelector('grove-survey-results')!.shadowRoot!.querySelector('[aria-busy="false"]'));
    expect((await focused(page)).tag).toBe('select');
    expect(await text(r.locator('[part~="participation"] .muted'))).toContain('0 of');
  });

  it('shows the comments once enough people wrote one, in French too', async () => {
    const r = await openResults({ locale: 'fr' });
    expect(await text(r.locator('[part~="participation"]'))).toContain(`8 personnes sur ${5 + SURVEY_PEOPLE.length} ont répondu`);
    expect(await text(r.locator('[part="favourability"] .figure'))).toBe('62,5 %');
    const people = r.locator('[part="heatmap"] tr', {
      has: page.locator('th', { hasText: 'People' }),
    });
    expect(await text(people.locator('[part="hidden-cell"]'))).toBe('Masqué masqué : moins de 3 réponses');
    expect((await r.locator('[part="comments"] li').allTextContents()).sort()).toEqual([
      'Fewer meetings on Fridays.',
      'Great onboarding.',
      'More quiet rooms, please.',
    ]);
  });
});

describe('loading from grove.js', () => {
  it("fetches the survey chunk only once a survey tag is on the page, and shares the page's configuration", async () => {
    const survey = await newSurvey();
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (/grove-surveys\.[0-9a-f]{16}\.js$/.test(r.url())) chunks.push(r.url());
    });
    // The praise page (its host minting survey scopes too): no survey tag, no chunk.
    await page.goto(`${stack.page({ as: 'bob' })}&surveys=1`);
    await page.locator('grove-praise-wall [part="feed"]').waitFor({ state: 'attached' });
    expect(chunks).toEqual([]);
    expect(await page.evaluate(() => customElements.get('grove-survey'))).toBeUndefined();

    // A survey added later (as an SPA would) loads the chunk once, from grove.js's origin, and
    // answers with the token grove.js's Grove.configure() set up.
    await page.evaluate((id) => {
      const el = document.createElement('grove-survey');
      el.setAttribute('survey', id);
      document.querySelector('main')!.append(el);
    }, survey.id);
    await settled(page, 'grove-survey');
    expect(chunks).toHaveLength(1);
    expect(new URL(chunks[0]!).origin).toBe(new URL(stack.apiUrl).origin);
    expect(await text(surveyWidget(page).progress)).toContain('Question 1 of 4');

    // A second tag and Grove.load() reuse it.
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('grove-survey-results')));
    await page.evaluate(() => (window as unknown as { Grove: { load(): Promise<void> } }).Grove.load());
    expect(await page.evaluate(() => !!customElements.get('grove-survey-results'))).toBe(true);
    expect(chunks).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it("Grove.load() defines the survey elements for tags inside another component's shadow root", async () => {
    const survey = await newSurvey();
    await page.goto(`${stack.page({ as: 'bob' })}&surveys=1`);
    await page.locator('grove-praise-wall [part="feed"]').waitFor({ state: 'attached' });
    await page.evaluate(async (id) => {
      const host = document.createElement('div');
      document.querySelector('main')!.append(host);
      const el = document.createElement('grove-survey');
      el.setAttribute('survey', id);
      host.attachShadow({ mode: 'open' }).append(el);
      await (window as unknown as { Grove: { load(): Promise<void> } }).Grove.load();
    }, survey.id);
    await page.locator('grove-survey [part="progress"]').waitFor();
    expect(await text(page.locator('grove-survey [part="progress"]'))).toContain('Question 1 of 4');
  });
});

describe('both survey elements', () => {
  it('speak French from the locale attribute', async () => {
    const survey = await newSurvey();
    await page.goto(stack.surveyPage({ as: 'bob', survey: survey.id, show: 'survey', locale: 'fr' }));
    await settled(page, 'grove-survey');
    const w = surveyWidget(page);
    await page.waitForFunction(() => document.querySelector('grove-survey')!.shadowRoot!.textContent!.includes('Question 1 sur 4'));
    expect(await text(w.el.locator('[part="anonymity"]'))).toContain('groupes d’au moins 3 personnes');
    expect(await text(w.question(0).locator('[part="option"]').last())).toBe('Tout à fait d’accord');
    await w.next.click();
    expect(await text(w.alert)).toBe('Répondez à cette question pour continuer.');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`pass axe-core (WCAG 2.2 AA) in ${theme}, answering and with results`, async () => {
      const survey = await newSurvey();
      await page.goto(stack.surveyPage({ as: 'hr', survey: pulse.id, theme }));
      await settled(page, 'grove-survey');
      await settled(page, 'grove-survey-results');
      expect(await seriousViolations(page, ['grove-survey', 'grove-survey-results'])).toEqual([]);
      // The form with its errors showing, on one page.
      await page.goto(stack.surveyPage({ as: 'bob', survey: survey.id, theme, layout: 'single', show: 'survey' }));
      await settled(page, 'grove-survey');
      await surveyWidget(page).submit.click();
      await surveyWidget(page).alert.filter({ hasText: 'need an answer' }).waitFor();
      expect(await seriousViolations(page, ['grove-survey'])).toEqual([]);
      // The review step of the paged layout.
      await page.goto(stack.surveyPage({ as: 'bob', survey: survey.id, theme, show: 'survey' }));
      await settled(page, 'grove-survey');
      const w = surveyWidget(page);
      await w.question(0).locator('input[value="5"]').check();
      await w.next.click();
      await w.question(0).locator('input[value="10"]').check();
      await w.next.click();
      await w.question(0).locator('input[type="checkbox"]').first().check();
      await w.next.click();
      await w.next.click();
      await w.el.locator('[part="review"]').waitFor();
      expect(await seriousViolations(page, ['grove-survey'])).toEqual([]);
    });
  }
});
