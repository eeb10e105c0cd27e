import { css } from './kit.js';

/** Shared by both survey elements. */
export const surveyCommonStyles = css`
  h2 {
    margin: 0;
    font-size: 1.15em;
  }
  h3 {
    margin: 0;
    font-size: 1em;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .error {
    color: var(--_danger);
    font-size: 0.875em;
    margin: 0;
  }
`;

export const surveyStyles = [
  surveyCommonStyles,
  css`
    form,
    .done {
      display: grid;
      gap: calc(var(--_space) * 1.25);
      padding: calc(var(--_space) * 1.5);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    .done:focus {
      outline: none;
    }
    .done:focus-visible {
      outline: 2px solid var(--_focus);
    }
    .done p {
      margin: 0;
    }
    header {
      display: grid;
      gap: 0.375rem;
    }
    header p {
      margin: 0;
    }
    .anonymity {
      font-size: 0.875em;
      color: var(--_muted);
      padding: 0.375rem 0.625rem;
      border-radius: var(--_radius);
      background: var(--_surface-alt);
    }
    .progress {
      display: grid;
      gap: 0.25rem;
      font-size: 0.875em;
      color: var(--_muted);
    }
    .bar {
      height: 0.5rem;
      border-radius: 999px;
      background: var(--_surface-alt);
      border: 1px solid var(--_border);
      overflow: hidden;
    }
    .bar svg {
      display: block;
      width: 100%;
      height: 100%;
    }
    .fill {
      fill: var(--_primary);
    }
    fieldset {
      border: 0;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.5rem;
      min-width: 0;
    }
    legend {
      font-weight: 600;
      padding: 0;
      margin-bottom: 0.5rem;
    }
    .required {
      font-weight: 400;
      font-size: 0.8em;
      color: var(--_danger);
      white-space: nowrap;
    }
    .required::before {
      content: '* ';
    }
    .choices {
      display: grid;
      gap: 0.375rem;
    }
    .scale {
      display: grid;
      gap: 0.375rem;
    }
    .scale-likert {
      grid-template-columns: repeat(5, minmax(0, 1fr));
    }
    .scale-enps {
      grid-template-columns: repeat(11, minmax(2.25rem, 1fr));
    }
    .option {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.5rem 0.625rem;
      min-height: 2.75rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface-alt);
      cursor: pointer;
      font-size: 0.9375em;
    }
    .scale .option {
      flex-direction: column;
      justify-content: flex-start;
      text-align: center;
      gap: 0.25rem;
      padding: 0.375rem 0.25rem;
      font-size: 0.8125em;
      line-height: 1.25;
    }
    .scale-enps .option {
      font-size: 0.9375em;
      font-variant-numeric: tabular-nums;
    }
    .option:has(input:checked) {
      border-color: var(--_primary);
      box-shadow: inset 0 0 0 1px var(--_primary);
      background: var(--_surface);
      font-weight: 600;
    }
    .option:has(input:focus-visible) {
      outline: 2px solid var(--_focus);
      outline-offset: 2px;
    }
    .option input {
      accent-color: var(--_primary);
      margin: 0;
      width: 1.1rem;
      height: 1.1rem;
    }
    .option input:focus-visible {
      outline: none;
    }
    .ends {
      display: flex;
      justify-content: space-between;
      gap: 1rem;
    }
    textarea {
      font: inherit;
      color: inherit;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.5rem;
      min-height: 6rem;
      resize: vertical;
    }
    textarea[aria-invalid='true'],
    fieldset[aria-invalid='true'] .option {
      border-color: var(--_danger);
    }
    .over {
      color: var(--_danger);
    }
    .review {
      display: grid;
      gap: 0.5rem;
    }
    .review h3:focus {
      outline: none;
    }
    .review h3:focus-visible {
      outline: 2px solid var(--_focus);
    }
    .review p,
    .review dl {
      margin: 0;
    }
    .review dl {
      display: grid;
      gap: 0.5rem;
    }
    .review-item {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.125rem 0.75rem;
      align-items: center;
      padding: 0.5rem 0.625rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface-alt);
    }
    .review-item dt {
      grid-column: 1;
      font-size: 0.875em;
      color: var(--_muted);
    }
    .review-item dd {
      margin: 0;
      grid-column: 1;
      overflow-wrap: anywhere;
    }
    .review-item dd:last-child {
      grid-column: 2;
      grid-row: 1 / span 2;
    }
    .alert:empty {
      display: none;
    }
    .alert {
      color: var(--_danger);
      font-size: 0.9375em;
    }
    .buttons {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
    }
    .waiting {
      margin-inline-end: auto;
      align-self: center;
    }
    .buttons button {
      min-height: 2.5rem;
      padding: 0.375rem 1rem;
    }
    @media (max-width: 560px) {
      .scale-likert,
      .scale-enps {
        grid-template-columns: repeat(auto-fill, minmax(3rem, 1fr));
      }
      .scale-likert {
        grid-template-columns: 1fr;
      }
      .scale-likert .option {
        flex-direction: row;
        justify-content: flex-start;
        text-align: start;
      }
    }
  `,
];
