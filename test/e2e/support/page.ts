import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
export const AXE = require.resolve('axe-core/axe.min.js');

/** The two widgets of a host page; Playwright's locators pierce their open shadow roots. */
export function widgets(page: Page) {
  const composer = page.locator('grove-praise-composer');
  const wall = page.locator('grove-praise-wall');
  return {
    composer,
    wall,
    search: composer.getByRole('combobox'),
    message: composer.locator('textarea'),
    submit: composer.locator('[part="submit-button"]'),
    /** The wall's article holding `text`, once it is confirmed by the API (no longer pending). */
    confirmed: (text: string) => wall.locator('article:not([data-pending])', { has: page.locator('[part="message"]', { hasText: text }) }),
  };
}

/** Waits until both widgets have loaded (composer form rendered, wall out of its loading state). */
export async function ready(page: Page): Promise<void> {
  await widgets(page).submit.waitFor();
  await page.waitForFunction(() => {
    const wall = document.querySelector('grove-praise-wall');
    const state = wall?.shadowRoot?.querySelector('[part="state"][role="status"]');
    return !!wall?.shadowRoot?.querySelector('[part="feed"]') && !state;
  });
}

/** A description of the focused element, through shadow roots: `tag#id[part]` plus its accessible text. */
export function focused(page: Page): Promise<{ tag: string; id: string; part: string; role: string; text: string; host: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    let host = '';
    while (el?.shadowRoot?.activeElement) {
      host = el.tagName.toLowerCase();
      el = el.shadowRoot.activeElement;
    }
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      part: el?.getAttribute('part') ?? '',
      role: el?.getAttribute('role') ?? '',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      host,
    };
  });
}

/** Presses Tab (or Shift+Tab) until `match` holds for the focused element; fails after `max` presses. */
export async function tabTo(
  page: Page,
  match: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  { back = false, max = 40 } = {},
): Promise<Awaited<ReturnType<typeof focused>>> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (match(f)) return f;
    seen.push(`${f.host}>${f.tag}#${f.id}[${f.part}] ${f.text.slice(0, 30)}`);
  }
  throw new Error(`focus never reached the target; went through:\n${seen.join('\n')}`);
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe-core on both widgets (their shadow roots included); returns serious and critical violations. */
export async function seriousViolations(page: Page, include = ['grove-praise-composer', 'grove-praise-wall']): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (selectors) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Record<'violations' | 'passes', Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>>> } }).axe;
    const result = await axe.run({ include: selectors.map((s) => [s]) }, {});
    // A target that is an array of selectors points into a shadow root: make sure axe looked inside.
    const shadowNodes = result.passes.flatMap((v) => v.nodes).filter((n) => Array.isArray((n.target as unknown[])[0])).length;
    if (!shadowNodes) throw new Error('axe checked nothing inside the widgets\' shadow roots');
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`) }));
  }, include);
}

/** The text of a locator's first match, whitespace collapsed. */
export async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
