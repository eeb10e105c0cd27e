import { css } from './kit.js';
import { surveyCommonStyles } from './survey.styles.js';

// Heatmap bands: light tints under dark text, dark tints under light text (≥ 7:1 either way).
const darkBands = css`
  --_heat-0: var(--grove-survey-heat-0, #5c2a26);
  --_heat-1: var(--grove-survey-heat-1, #57401f);
  --_heat-2: var(--grove-survey-heat-2, #47472a);
  --_heat-3: var(--grove-survey-heat-3, #28493a);
  --_heat-4: var(--grove-survey-heat-4, #1f5b3c);
  --_passive: #8a8f8c;
`;

export const resultsStyles = [
  surveyCommonStyles,
  css`
    :host {
      --_heat-0: var(--grove-survey-heat-0, #f6d4d1);
      --_heat-1: var(--grove-survey-heat-1, #f8e2c6);
      --_heat-2: var(--grove-survey-heat-2, #eeecc9);
      --_heat-3: var(--grove-survey-heat-3, #d3ebd8);
      --_heat-4: var(--grove-survey-heat-4, #b2dcc0);
      --_passive: #6b7570; /* 4:1 on the bar track: graphics need 3:1 */
    }
    :host([theme='dark']) {
      ${darkBands}
    }
    @media (prefers-color-scheme: dark) {
      :host(:not([theme='light'])) {
        ${darkBands}
      }
    }
    .results {
      display: grid;
      gap: var(--_space);
    }
    header {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
      padding: var(--_space);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    header label {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      font-size: 0.875em;
    }
    select {
      font: inherit;
      color: inherit;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.25rem 0.5rem;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr));
      gap: var(--_space);
      align-items: start;
    }
    .card {
      display: grid;
      gap: 0.5rem;
      padding: var(--_space);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      min-width: 0;
    }
    .card > p {
      margin: 0;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .big {
      font-size: 2em;
      font-weight: 700;
      line-height: 1.1;
    }
    svg text {
      fill: currentColor;
      font-family: inherit;
    }
    .bar {
      display: block;
      width: 100%;
      height: 0.625rem;
    }
    .bar-track {
      fill: var(--_surface-alt);
      stroke: var(--_border);
      stroke-width: 0.3;
    }
    .bar-value {
      fill: var(--_primary);
    }
    .bar.detractors .bar-value {
      fill: var(--_danger);
    }
    .bar.passives .bar-value {
      fill: var(--_passive);
    }
    .gauge {
      margin: 0;
      display: grid;
      gap: 0.5rem;
    }
    .gauge svg {
      width: 100%;
      max-width: 16rem;
      justify-self: center;
    }
    .gauge .track,
    .gauge .value {
      fill: none;
      stroke-width: 16;
    }
    .gauge .track {
      stroke: var(--_surface-alt);
    }
    .gauge .value {
      stroke: var(--_primary);
    }
    .gauge .value.negative {
      stroke: var(--_danger);
    }
    .gauge .tick {
      stroke: var(--_muted);
      stroke-width: 1.5;
    }
    .gauge .needle {
      fill: var(--_text);
      stroke: var(--_surface);
      stroke-width: 2;
    }
    .gauge .score {
      font-size: 28px;
      font-weight: 700;
    }
    .gauge .end {
      font-size: 11px;
      fill: var(--_muted);
    }
    .legend {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.125rem;
      font-size: 0.875em;
    }
    .swatch {
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      margin-inline-end: 0.375rem;
      border-radius: 2px;
      vertical-align: -0.05em;
    }
    .swatch.promoters {
      background: var(--_primary);
    }
    .swatch.passives {
      background: var(--_passive);
    }
    .swatch.detractors {
      background: var(--_danger);
    }
    .fav {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.625rem;
    }
    .fav li {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.125rem 0.5rem;
      align-items: center;
    }
    .fav .prompt {
      grid-column: 1 / -1;
      font-size: 0.875em;
    }
    .figure {
      font-variant-numeric: tabular-nums;
      min-width: 3.5rem;
      text-align: end;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.875em;
    }
    .distribution th {
      text-align: start;
      font-weight: 400;
      padding: 0.125rem 0.5rem 0.125rem 0;
      width: 40%;
    }
    .distribution td {
      padding: 0.125rem 0;
      font-variant-numeric: tabular-nums;
    }
    .bar-cell {
      display: grid;
      grid-template-columns: 1fr 3.5rem;
      gap: 0.5rem;
      align-items: center;
      text-align: end;
    }
    .count {
      text-align: end;
      color: var(--_muted);
      width: 2.5rem;
    }
    .scroll {
      overflow-x: auto;
    }
    .heatmap caption {
      text-align: start;
      font-weight: 600;
      padding-bottom: 0.5rem;
    }
    .heatmap caption .muted {
      font-weight: 400;
    }
    .heatmap th,
    .heatmap td {
      border: 1px solid var(--_border);
      padding: 0.375rem 0.5rem;
      text-align: start;
    }
    .heatmap thead th {
      font-weight: 600;
      vertical-align: bottom;
      max-width: 9rem;
    }
    .q-prompt {
      display: -webkit-box;
      -webkit-line-clamp: 3;
      -webkit-box-orient: vertical;
      overflow: hidden;
      font-weight: 400;
      font-size: 0.9em;
    }
    .num,
    .cell {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    .heatmap .cell {
      text-align: center;
      font-weight: 600;
      color: var(--_text);
    }
    .band-0 {
      background: var(--_heat-0);
    }
    .band-1 {
      background: var(--_heat-1);
    }
    .band-2 {
      background: var(--_heat-2);
    }
    .band-3 {
      background: var(--_heat-3);
    }
    .band-4 {
      background: var(--_heat-4);
    }
    .hidden-cell {
      color: var(--_muted);
      font-style: italic;
      background: repeating-linear-gradient(135deg, transparent 0 6px, var(--_surface-alt) 6px 12px);
    }
    .hidden-cell .mark {
      font-style: normal;
      font-weight: 600;
      color: var(--_text);
    }
    .hidden-note {
      color: var(--_muted);
      font-style: italic;
      font-size: 0.875em;
    }
    .trends {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
      gap: var(--_space);
    }
    .trend {
      margin: 0;
    }
    .trend figcaption {
      font-size: 0.875em;
    }
    .trend .axis {
      stroke: var(--_border);
    }
    .trend .line {
      fill: none;
      stroke: var(--_primary);
      stroke-width: 2.5;
    }
    .trend .point {
      fill: var(--_primary);
    }
    .point-label,
    .round-label {
      font-size: 11px;
    }
    .round-label {
      fill: var(--_muted);
    }
    .comments {
      margin: 0;
      padding-inline-start: 1.25rem;
      display: grid;
      gap: 0.375rem;
    }
  `,
];
