import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { focused, ready, seriousViolations, tabTo, text, widgets } from './support/page.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
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
const unique = (label: string) => `${label} #${++n} ${Date.now().toString(36)}`;

/** Picks a recipient through the typeahead, with the mouse. */
async function pick(page: Page, query: string, name: string) {
  const w = widgets(page);
  await w.search.fill(query);
  await w.composer.getByRole('option', { name: new RegExp(name) }).click();
  await w.composer.locator('[part="recipient"]', { hasText: name }).waitFor();
}

describe('praise widgets on a host page of another origin', () => {
  it('gives praise with the composer and shows it in the wall without a reload', async () => {
    await page.goto(stack.page({ as: 'bob' }));
    await ready(page);
    await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
    const w = widgets(page);
    const message = unique('Thanks for pairing on the release');

    await pick(page, 'Cle', 'Cleo Castillo');
    await w.message.fill(message);
    const teamwork = w.composer.getByRole('button', { name: /Teamwork/ });
    await teamwork.click();
    expect(await teamwork.getAttribute('aria-pressed')).toBe('true');
    await w.submit.click();

    const item = w.confirmed(message);
    await item.waitFor();
    expect(await text(item.locator('h3'))).toBe('Bob Brennan praised Cleo Castillo');
    expect(await text(item.locator('[part="value"]'))).toContain('Teamwork');
    expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
    // The composer is ready for the next one.
    expect(await w.message.inputValue()).toBe('');
    expect(await w.composer.locator('[part="recipient"]').count()).toBe(0);

    const stored = (await stack.feed()).filter((p) => p.message === message);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.values).toEqual(['teamwork']);
    expect(stored[0]!.recipients.map((r) => r.id)).toEqual([stack.tenant.ids.cleo]);
    expect(pageErrors).toEqual([]);
  });

  it('renders markup and javascript: URLs in a message as inert text', async () => {
    const hostile = `<img src=x onerror="window.__xss=1"> <a href="javascript:window.__xss=2">x</a> javascript:alert(1) ${unique('xss')}`;
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(stack.page({ as: 'bob' }));
    await ready(page);
    const w = widgets(page);
    await pick(page, 'Dev', 'Devi Dhar');
    await w.message.fill(hostile);
    await w.submit.click();

    const check = async () => {
      const item = widgets(page).confirmed(hostile.slice(-20));
      await item.waitFor();
      expect(await item.locator('[part="message"]').textContent()).toBe(hostile);
      expect(await item.locator('[part="message"]').isVisible()).toBe(true);
      const inside = await page.evaluate(() => {
        const root = document.querySelector('grove-praise-wall')!.shadowRoot!;
        return { img: root.querySelectorAll('img').length, a: root.querySelectorAll('a').length, light: document.querySelectorAll('grove-praise-wall img, grove-praise-wall a').length };
      });
      expect(inside).toEqual({ img: 0, a: 0, light: 0 });
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    };
    // Rendered from the submit (optimistic, then the API's answer) …
    await check();
    // … and from the feed as loaded on a fresh page.
    await page.reload();
    await ready(page);
    await check();
    expect(dialogs).toBe(0);
    expect((await stack.feed()).filter((p) => p.message === hostile)).toHaveLength(1);
  });

  /** Picks Ann, types `first`, toggles Craft, lets `interrupt` happen, types `rest`, sends; checks it went out once, whole. */
  async function typeThroughInterruption(as: string, ttl: number | undefined, interrupt: () => Promise<void>) {
    await page.goto(stack.page({ as, ttl }));
    await ready(page);
    const w = widgets(page);
    const first = unique('You stayed late to fix the importer,');
    const rest = ' and nobody had to ask. Thank you!';

    await pick(page, 'Ann', 'Ann Archer');
    await w.message.click();
    await page.keyboard.type(first);
    await w.composer.getByRole('button', { name: /Craft/ }).click();
    await interrupt();
    await w.message.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(rest);
    expect(await w.message.inputValue()).toBe(first + rest);
    expect(await w.composer.locator('[part="recipient"]', { hasText: 'Ann Archer' }).count()).toBe(1);
    expect(await w.composer.getByRole('button', { name: /Craft/ }).getAttribute('aria-pressed')).toBe('true');

    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/praise') posts.push(r.headers()['idempotency-key'] ?? '');
    });
    await w.submit.click();
    await w.confirmed(first).waitFor();

    const stored = (await stack.feed()).filter((p) => p.message === first + rest);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.values).toEqual(['craft']);
    expect(await w.wall.locator('[part="message"]', { hasText: first }).count()).toBe(1);
    expect(await w.composer.getByRole('alert').count()).toBe(0);
    expect(new Set(posts).size).toBe(1);
    return { posts };
  }

  it('keeps the draft and sends it once when a 5-second token expires while typing', { timeout: 120_000 }, async () => {
    const before = stack.mints.ok;
    // The person pauses past the token's end.
    await typeThroughInterruption('bob', 5, () => page.waitForTimeout(7_000));
    // A fresh token was fetched for the send, the first one being past its `exp`.
    expect(stack.mints.ok - before).toBeGreaterThanOrEqual(2);
  });

  it('keeps the draft and sends it once when the token is revoked while typing (401, refresh, retry)', async () => {
    const before = stack.mints.ok;
    // The token minted after the revocation works at once: its jti dates it to the millisecond.
    const { posts } = await typeThroughInterruption('cleo', undefined, () => stack.revokeAll());
    expect(posts.length).toBe(2);
    expect(stack.mints.ok - before).toBe(2);
  });

  describe('when the API refuses the host origin, the widgets say so', () => {
    const expectAlert = async (page: Page, pattern: RegExp) => {
      const w = widgets(page);
      for (const el of [w.composer, w.wall]) {
        const alert = el.getByRole('alert');
        await alert.waitFor();
        expect(await alert.isVisible()).toBe(true);
        const said = await text(alert);
        expect(said).toMatch(pattern);
        const box = await alert.boundingBox();
        expect(box!.height).toBeGreaterThan(10);
      }
    };

    it('a token minted for another origin: "not allowed on this address"', async () => {
      await page.goto(stack.page({ as: 'bob', mintOrigin: stack.otherOrigin }));
      await expectAlert(page, /not allowed on this website/);
      expect(await widgets(page).submit.count()).toBe(0);
    });

    it('a tenant whose allowlist lacks the host origin: the host cannot get a token', async () => {
      const authErrors = page.waitForFunction(() => (window as unknown as { __authErrors?: number }).__authErrors! > 0);
      await page.addInitScript(() => {
        addEventListener('grove-auth-error', () => {
          const w = window as unknown as { __authErrors?: number };
          w.__authErrors = (w.__authErrors ?? 0) + 1;
        });
      });
      await page.goto(stack.page({ as: 'bob', locked: true }));
      await expectAlert(page, /session could not be renewed|not allowed/);
      await authErrors;
    });

    it('an origin taken off the allowlist after the token was minted: a visible error, not a blank box', async () => {
      await page.goto(stack.page({ as: 'bob' }));
      await ready(page);
      await stack.setOrigins([stack.otherOrigin]);
      try {
        await page.reload();
        // The host backend can no longer mint for its own origin: the widgets say the session could not be renewed.
        await expectAlert(page, /session could not be renewed/);
      } finally {
        await stack.setOrigins([stack.hostOrigin, stack.otherOrigin]);
      }
    });
  });

  describe('accessibility (axe-core, inside the shadow roots)', () => {
    for (const theme of ['light', 'dark'] as const) {
      it(`has no serious or critical violation in ${theme}`, async () => {
        await stack.give('ann', ['bob', 'cleo'], unique('Great demo to the board'), ['ownership', 'teamwork']);
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(stack.page({ as: 'bob', theme }));
        await ready(page);
        const w = widgets(page);
        await w.wall.locator('article').first().waitFor();
        const surface = await w.wall.locator('article').first().evaluate((a) => getComputedStyle(a).color);
        // Light text on dark, dark text on light: the theme really applies.
        const [r] = surface.match(/\d+/g)!.map(Number);
        expect(theme === 'dark' ? r! > 128 : r! < 128).toBe(true);
        expect(await seriousViolations(page)).toEqual([]);

        // With the typeahead open and a value pressed.
        await w.search.fill('a');
        await w.composer.getByRole('option').first().waitFor();
        await w.composer.getByRole('button', { name: /Ownership/ }).click();
        expect(await seriousViolations(page)).toEqual([]);

        // With validation errors showing.
        await w.search.fill('');
        await w.submit.click();
        await w.composer.locator('[part="error"]').first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
      });
    }
  });

  it('works with the keyboard alone: pick, type, toggle a value, send, then react', async () => {
    await page.goto(stack.page({ as: 'cleo' }));
    await ready(page);
    const message = unique('Your runbook saved the night shift');

    await tabTo(page, (f) => f.role === 'combobox');
    await page.keyboard.type('Dev');
    await widgets(page).composer.getByRole('option', { name: /Devi Dhar/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await widgets(page).composer.locator('[part="recipient"]', { hasText: 'Devi Dhar' }).waitFor();
    expect((await focused(page)).role).toBe('combobox');

    await tabTo(page, (f) => f.tag === 'textarea');
    await page.keyboard.type(message);
    await tabTo(page, (f) => f.part === 'value' && f.text.includes('Ownership'));
    await page.keyboard.press('Space');
    // Shift+Tab back and forth does not lose anything.
    await tabTo(page, (f) => f.tag === 'textarea', { back: true });
    expect(await widgets(page).message.inputValue()).toBe(message);
    await tabTo(page, (f) => f.part === 'submit-button');
    await page.keyboard.press('Enter');

    const item = widgets(page).confirmed(message);
    await item.waitFor();
    const stored = (await stack.feed()).find((p) => p.message === message);
    expect(stored?.values).toEqual(['ownership']);

    // Into the wall: the new praise comes first; react to it.
    await tabTo(page, (f) => f.host === 'grove-praise-wall' && f.tag === 'article');
    const reaction = await tabTo(page, (f) => f.part === 'reaction-button');
    expect(reaction.text).toMatch(/^Applause, 0 reactions/);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => {
      const b = document.querySelector('grove-praise-wall')!.shadowRoot!.querySelector('[part="reaction-button"]');
      return b?.getAttribute('aria-pressed') === 'true';
    });
    const after = async () => (await stack.feed()).find((p) => p.message === message)!.reactions;
    await expect.poll(after).toEqual([{ reaction: 'clap', count: 1, reacted: false }]);
  });

  it('shows, under the praise, why a reaction was refused, and puts the count back', async () => {
    const message = unique('Thanks for reviewing the migration plan');
    await stack.give('ann', ['bob'], message);
    await page.goto(stack.page({ as: 'bob', readOnly: true }));
    await ready(page);
    const w = widgets(page);
    const item = w.wall.locator('[part="item"]', { hasText: message });
    const clap = item.locator('[part="reaction-button"]').first();
    await clap.click();
    const error = item.locator('[part="error"]');
    await error.waitFor();
    expect(await text(error)).not.toBe('');
    expect(await clap.getAttribute('aria-pressed')).toBe('false');
    expect((await stack.feed()).find((p) => p.message === message)!.reactions).toEqual([]);
  });

  it('speaks French with locale="fr"', async () => {
    // Hold the token back so the loading state can be read, then let it through.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/grove-token*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(stack.page({ as: 'zoe', locale: 'fr', scope: 'mine' }));
    const w = widgets(page);
    await w.wall.getByText('Chargement…').waitFor();
    // The composer shows its form at once (it needs the API only to search and send), in French.
    await w.composer.getByText('Qui peut le voir').waitFor();
    release();

    await w.submit.waitFor();
    expect(await text(w.submit)).toBe('Envoyer');
    await w.wall.getByText('Aucun remerciement pour l’instant').waitFor();
    expect(await w.composer.getByRole('combobox').getAttribute('placeholder')).toBe('Rechercher un collègue…');
    expect(await w.composer.getByRole('button', { name: /Ownership/ }).count()).toBe(1);
    expect(await w.wall.getByRole('feed').getAttribute('aria-label')).not.toBe('Praise feed');
    expect(await page.locator('body').evaluate(() => document.querySelector('grove-praise-composer')!.shadowRoot!.textContent)).not.toMatch(/Send praise|Loading|Who can see it/);
  });

  describe('network drops', () => {
    it('a send that starts offline goes out once the browser is back online', async () => {
      await page.goto(stack.page({ as: 'dev' }));
      await ready(page);
      const w = widgets(page);
      const message = unique('Sent from the train');
      await pick(page, 'Bob', 'Bob Brennan');
      await w.message.fill(message);

      const keys: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/praise') keys.push(r.headers()['idempotency-key'] ?? '');
      });
      await context.setOffline(true);
      await w.submit.click();
      await w.composer.getByText('Waiting for the connection to send…').waitFor();
      await context.setOffline(false);

      await w.confirmed(message).waitFor();
      expect((await stack.feed()).filter((p) => p.message === message)).toHaveLength(1);
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(new Set(keys).size).toBe(1);
    });

    it('a lost answer is retried with the same Idempotency-Key and creates one praise', async () => {
      await page.goto(stack.page({ as: 'dev' }));
      await ready(page);
      const w = widgets(page);
      const message = unique('The answer got lost on the way back');
      await pick(page, 'Ann', 'Ann Archer');
      await w.message.fill(message);

      // The first POST reaches Grove for real; its answer never reaches the page.
      const keys: string[] = [];
      await page.route('**/v1/praise', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          await route.fetch();
          return route.abort('connectionreset');
        }
        return route.continue();
      });
      await w.submit.click();
      await w.confirmed(message).waitFor();
      expect(keys.length).toBe(2);
      expect(keys[0]).toBe(keys[1]);
      expect((await stack.feed()).filter((p) => p.message === message)).toHaveLength(1);
      expect(await w.wall.locator('[part="message"]', { hasText: message }).count()).toBe(1);
    });
  });
});
