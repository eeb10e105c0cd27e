/**
 * Screenshots of the demo for the README and docs: the praise page in light, dark and French,
 * then the survey section: the form (as Hugo, an employee) and the results (as Kenji, HR).
 * Usage: `npm start` in one terminal, then `npm run screenshots` (DEMO_URL to point elsewhere).
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/support/browser.js';

const demo = process.env.DEMO_URL ?? 'http://localhost:8788';
const out = new URL('../docs/screenshots/', import.meta.url);

interface Shot {
  file: string;
  query: string;
  /** Who is signed in on the demo (its cookie); the demo's default visitor otherwise. */
  as?: string;
  /** What to wait for, then what to capture (the viewport when absent). */
  ready: (page: Page) => Promise<void>;
  capture?: string;
}

const wall = (page: Page) => page.locator('grove-praise-wall article').first().waitFor({ timeout: 15_000 });
const surveyForm = (page: Page) => page.locator('grove-survey [part="form"], grove-survey [part="done"]').first().waitFor({ timeout: 15_000 });
const results = (page: Page) => page.locator('grove-survey-results [part="heatmap"]').waitFor({ timeout: 15_000 });

const shots: Shot[] = [
  { file: 'demo-light.png', query: '?theme=light&lang=en', ready: wall },
  { file: 'demo-dark.png', query: '?theme=dark&lang=en', ready: wall },
  { file: 'demo-french.png', query: '?theme=light&lang=fr', ready: wall },
  { file: 'survey-light.png', query: '?theme=light&lang=en', as: 'hugo', ready: surveyForm, capture: 'grove-survey' },
  { file: 'survey-dark.png', query: '?theme=dark&lang=en', as: 'hugo', ready: surveyForm, capture: 'grove-survey' },
  { file: 'survey-french.png', query: '?theme=light&lang=fr', as: 'hugo', ready: surveyForm, capture: 'grove-survey' },
  { file: 'survey-results-light.png', query: '?theme=light&lang=en', as: 'kenji', ready: results, capture: 'grove-survey-results' },
  { file: 'survey-results-dark.png', query: '?theme=dark&lang=en', as: 'kenji', ready: results, capture: 'grove-survey-results' },
  { file: 'survey-results-french.png', query: '?theme=light&lang=fr', as: 'kenji', ready: results, capture: 'grove-survey-results' },
];

async function take(browser: Browser, shot: Shot): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    if (shot.as) await context.addCookies([{ name: 'demo_user', value: shot.as, url: demo }]);
    const page = await context.newPage();
    await page.goto(`${demo}/${shot.query}`);
    await shot.ready(page);
    await page.waitForTimeout(300);
    const path = new URL(shot.file, out).pathname;
    if (shot.capture) await page.locator(shot.capture).screenshot({ path });
    else await page.screenshot({ path, fullPage: false });
    console.log(`wrote docs/screenshots/${shot.file}`);
  } finally {
    await context.close();
  }
}

const browser = await launchChromium();
try {
  for (const shot of shots) await take(browser, shot);
} finally {
  await browser.close();
}
