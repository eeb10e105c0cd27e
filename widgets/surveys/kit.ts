/**
 * Everything the survey elements take from Lit and from Grove's core, in one module.
 *
 * Why one module: `dist/grove.js` (the script-tag bundle) does not carry the survey elements;
 * it loads them as a separate chunk the first time a `<grove-survey*>` tag appears. That chunk
 * must use the *same* Lit, token provider and client as the page's grove.js (one token, one
 * `Grove.configure()`), so rollup swaps this module for a reference to grove.js's copy when it
 * builds the chunk (see rollup.config.mjs). In the ES module build it is an ordinary module.
 * Survey code imports Lit and core only from here (the chunk build fails otherwise).
 */
export { css, html, nothing, svg, LitElement } from 'lit';
export { GroveElement } from '../core/base-element.js';
export { newIdempotencyKey } from '../core/client.js';
export { defineElement } from '../core/define.js';
export { emit } from '../core/events.js';
export { ProblemError, problemCode, toProblem } from '../core/problem.js';
export { client } from '../core/client.js';
