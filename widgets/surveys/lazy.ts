import * as kit from './kit.js';

/** The survey tags whose implementation grove.js loads on first use. */
export const SURVEY_TAGS = ['grove-survey', 'grove-survey-results'] as const;

/** Where chunks find the kit of the grove.js that loaded them, by chunk URL (see rollup.config.mjs). */
const KITS = Symbol.for('grove.kits');

type KitRegistry = Map<string, typeof kit>;

/**
 * Loads the survey chunk from next to grove.js the first time a survey tag appears in the
 * document, and resolves once its elements are defined. Tags inside another component's shadow
 * root are not seen by the observer; `Grove.load()` loads the chunk for those pages.
 */
export function surveysOnFirstUse(chunkUrl: string): () => Promise<void> {
  let loading: Promise<void> | undefined;
  const selector = SURVEY_TAGS.join(',');
  const load = () => {
    if (!loading) {
      observer.disconnect();
      const registry = ((globalThis as unknown as Record<symbol, KitRegistry>)[KITS] ??= new Map());
      registry.set(chunkUrl, kit);
      // A plain dynamic import: works from a classic script, resolved against an absolute URL.
      loading = import(/* @vite-ignore */ chunkUrl).then(
        () => undefined,
        (err: unknown) => {
          // E.g. a grove.js cached from before a deploy naming a chunk that is gone: say so, and
          // let the next Grove.load() try again.
          loading = undefined;
          console.warn(`[grove] could not load the survey elements from ${chunkUrl}`, err);
          throw err;
        },
      );
    }
    return loading;
  };
  const seen = (node: Node) => node instanceof Element && (node.matches(selector) || !!node.querySelector(selector));
  const observer = new MutationObserver((records) => {
    if (records.some((r) => [...r.addedNodes].some(seen))) load().catch(() => {}); // already warned
  });
  if (document.querySelector(selector)) load().catch(() => {});
  else observer.observe(document, { childList: true, subtree: true });
  return load;
}
