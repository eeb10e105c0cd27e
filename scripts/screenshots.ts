/**
 * Screenshots of the demo for the README: light, dark and French.
 * Usage: `npm start` in one terminal, then `npm run screenshots` (DEMO_URL to point elsewhere).
 */
import { launchChromium } from '../test/e2e/support/browser.js';

const demo = process.env.DEMO_URL ?? 'http://localhost:8788';
const out = new URL('../docs/screenshots/', import.meta.url);
const shots = [
  { file: 'demo-light.png', query: '?theme=light&lang=en' },
  { file: 'demo-dark.png', query: '?theme=dark&lang=en' },
  { file: 'demo-french.png', query: '?theme=light&lang=fr' },
];

const browser = await launchChromium();
try {
  for (const shot of shots) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`${demo}/${shot.query}`);
    // Wait for the wall's first page of praise to be drawn inside its shadow root.
    await page.locator('grove-praise-wall article').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL(shot.file, out).pathname, fullPage: false });
    console.log(`wrote docs/screenshots/${shot.file}`);
    await page.close();
  }
} finally {
  await browser.close();
}
