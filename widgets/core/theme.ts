import { css } from 'lit';

/*
 * Public tokens are `--grove-*` (the host may point them at its own `var()`s); components read
 * the private `--_*` aliases so each public token is resolved, with its fallback, in one place.
 * Dark fallbacks apply under `prefers-color-scheme: dark` or `theme="dark"`; `theme="light"` opts out.
 */
const dark = css`
  --_surface: var(--grove-color-surface, #17201c);
  --_surface-alt: var(--grove-color-surface-alt, #22302a);
  --_text: var(--grove-color-text, #e8efeb);
  --_muted: var(--grove-color-text-muted, #a3b3ab);
  --_border: var(--grove-color-border, #3a4a42);
  --_primary: var(--grove-color-primary, #7cc4a0);
  --_on-primary: var(--grove-color-on-primary, #0d1a13);
  --_danger: var(--grove-color-danger, #ff8a80);
  color-scheme: dark;
`;

/** Theme tokens shared by every Grove element. */
export const themeStyles = css`
  :host {
    --_surface: var(--grove-color-surface, #ffffff);
    --_surface-alt: var(--grove-color-surface-alt, #f2f6f4);
    --_text: var(--grove-color-text, #1b2420);
    --_muted: var(--grove-color-text-muted, #56635d);
    --_border: var(--grove-color-border, #c9d3ce);
    --_primary: var(--grove-color-primary, #2f6f4f);
    --_on-primary: var(--grove-color-on-primary, #ffffff);
    --_danger: var(--grove-color-danger, #b3261e);
    --_focus: var(--grove-color-focus, var(--_primary));
    --_radius: var(--grove-radius, 8px);
    --_space: var(--grove-spacing, 0.75rem);
    color-scheme: light;
    display: block;
    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--grove-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--grove-font-size, 1rem);
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    padding: 0.25rem 0.75rem;
    min-height: 2rem;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .primary {
    background: var(--_primary);
    color: var(--_on-primary);
    border-color: var(--_primary);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .state {
    padding: var(--_space);
    color: var(--_muted);
    text-align: center;
  }
  .state[role='alert'] {
    color: var(--_danger);
  }
`;
