import type { HiddenReason } from './surveys.schemas.js';

/**
 * The suppression rules, on counts only (docs/surveys.md, "Anonymity rules"). Pure functions:
 * the figures they guard are computed in SQL; these decide which of them may be shown.
 */

/** A count another query could subtract from a shown one: 0 (nobody) is safe, 1..k-1 is not. */
const revealing = (n: number, k: number) => n > 0 && n < k;

/**
 * Whether a filtered population may be shown. Besides its own size, every complement an
 * observer could form by subtracting it from a broader population they can also query (the
 * whole round, the team alone, the reporting line alone) must not single out fewer than `k`.
 */
export function populationHidden(
  counts: { all: number; team: number; line: number; population: number },
  filter: { team: boolean; manager: boolean },
  k: number,
): HiddenReason | null {
  if (counts.population < k) return 'below_threshold';
  if ((filter.team || filter.manager) && revealing(counts.all - counts.population, k)) return 'differencing';
  if (filter.team && filter.manager) {
    if (revealing(counts.team - counts.population, k) || revealing(counts.line - counts.population, k)) return 'differencing';
  }
  return null;
}

/**
 * Suppression of the children of a shown parent that partition it. Every child under `k` is
 * hidden; then, while the hidden children together hold fewer than `k` respondents (so the
 * parent minus the shown children would reveal a small group), the smallest shown child is
 * hidden too. With a parent of 9 and children of 3 and 6 (k = 5), both are hidden.
 */
export function suppressChildren(children: Map<string, number>, k: number): Map<string, HiddenReason | null> {
  const out = new Map<string, HiddenReason | null>();
  let hiddenTotal = 0;
  let hiddenCount = 0;
  for (const [key, n] of children) {
    const small = n < k;
    out.set(key, small ? 'below_threshold' : null);
    if (small) {
      hiddenTotal += n;
      hiddenCount++;
    }
  }
  const shown = [...children].filter(([key]) => out.get(key) === null).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  while (hiddenCount > 0 && hiddenTotal < k && shown.length > 0) {
    const [key, n] = shown.shift()!;
    out.set(key, 'differencing');
    hiddenTotal += n;
    hiddenCount++;
  }
  return out;
}

/** Comments: the population and the comments each reach the (higher) comment threshold. */
export function commentsHidden(respondents: number, comments: number, threshold: number): HiddenReason | null {
  return respondents < threshold || comments < threshold ? 'comments_threshold' : null;
}

/** a / b as a percentage with one decimal; null for an empty base. */
export function percent(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a * 1000) / b) / 10;
}
