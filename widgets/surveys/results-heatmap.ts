import type { GroupResult, QuestionResult } from '../../api/modules/surveys/surveys.schemas.js';
import { headline, heatBand } from './chart-geometry.js';
import { decimal, percent, signedScore } from './format.js';
import { html } from './kit.js';
import type { SurveyMessages } from './locales/en.js';

/**
 * Groups × questions as a real table: each cell tinted by its band *and* showing its figure;
 * a suppressed group spans the row with the words of why it is hidden (never an empty cell).
 */
export function renderHeatmap(
  by: 'team' | 'manager',
  groups: GroupResult[],
  questions: QuestionResult[],
  m: SurveyMessages,
  locale: string,
  hiddenText: (reason: GroupResult['hidden']) => string,
) {
  // Likert and eNPS have a headline figure; choice and text questions have no scale to colour.
  const cols = questions.filter((q) => q.type === 'likert' || q.type === 'enps');
  const title = by === 'team' ? m.byTeam : m.byManager;
  const format = (kind: string, v: number) =>
    kind === 'enps' ? signedScore(v, locale) : kind === 'favourability' ? percent(v, locale) : decimal(v, locale);
  return html`<div class="scroll" role="region" aria-labelledby="heatmap-caption" tabindex="0">
    <table class="heatmap" part="heatmap">
      <caption id="heatmap-caption">
        ${title}<span class="muted"> — ${m.heatmapHint}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">${m.group}</th>
          <th scope="col" class="num">${m.respondents}</th>
          ${cols.map((q, i) => html`<th scope="col" title=${q.prompt}><span class="q-number">Q${i + 1}</span> <span class="q-prompt">${q.prompt}</span></th>`)}
        </tr>
      </thead>
      <tbody>
        ${groups.map((g) =>
          g.hidden
            ? html`<tr class="suppressed" data-hidden=${g.hidden}>
                <th scope="row">${g.label}</th>
                <td class="num">–</td>
                <td class="hidden-cell" part="hidden-cell" colspan=${cols.length}>
                  <span class="mark">${m.hiddenMark}</span> ${hiddenText(g.hidden)}
                </td>
              </tr>`
            : html`<tr>
                <th scope="row">${g.label}</th>
                <td class="num">${g.respondents}</td>
                ${cols.map((q) => {
                  const f = g.questions.find((x) => x.questionId === q.questionId);
                  const h = f ? headline(f, q.type) : null;
                  if (!h) return html`<td class="cell empty">–</td>`;
                  const band = h.kind === 'mean' ? 'n' : heatBand(h.value, h.kind);
                  return html`<td class="cell band-${band}" part="cell">${format(h.kind, h.value)}</td>`;
                })}
              </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
