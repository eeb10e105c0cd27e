/**
 * Registers a custom element, warning instead of throwing when the tag is taken, as happens
 * when two copies of Grove land on one page: the first definition stays.
 *
 * @example defineElement('grove-praise-wall', PraiseWall);
 */
export function defineElement(tag: string, ctor: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (!existing) customElements.define(tag, ctor);
  else if (existing !== ctor) console.warn(`[grove] <${tag}> is already defined (two copies of Grove on this page?); keeping the first.`);
}
