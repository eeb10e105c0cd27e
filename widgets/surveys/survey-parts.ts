import type { Question, Survey } from '../../api/modules/surveys/surveys.schemas.js';
import { answerText, type Answers } from './survey-answers.js';
import { html, nothing } from './kit.js';
import type { SurveyMessages } from './locales/en.js';
import type { SurveyPhase } from './survey.js';

/** Title, description and the anonymity note, which states the survey's own threshold. */
export function renderHeader(s: Survey, m: SurveyMessages) {
  return html`<header part="header">
    <h2>${s.title}</h2>
    ${s.description ? html`<p class="description">${s.description}</p>` : nothing}
    <p class="anonymity" part="anonymity"><span aria-hidden="true">🔒 </span>${m.anonymity(s.anonymityThreshold)}</p>
  </header>`;
}

/** "Question 3 of 8" and a progress bar that says the same to assistive technology. */
export function renderProgress(current: number, total: number, label: string) {
  return html`<div class="progress" part="progress">
    <span id="progress-label">${label}</span>
    <div
      class="bar"
      part="progress-bar"
      role="progressbar"
      aria-labelledby="progress-label"
      aria-valuemin="0"
      aria-valuemax=${total}
      aria-valuenow=${current}
      aria-valuetext=${label}
    >
      <!-- An SVG attribute, not a style attribute: host pages' CSP often forbids inline styles. -->
      <svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
        <rect class="fill" height="1" width=${total ? (current / total) * 100 : 0} />
      </svg>
    </div>
  </div>`;
}

/** Every state that is not the form: thanks, already answered, closed, not yet open, not for you, nothing open. */
export function renderDone(phase: SurveyPhase, s: Survey | null, m: SurveyMessages, fullDate: (iso: string) => string) {
  const text = {
    thanks: m.thanks,
    already: m.alreadyAnswered,
    closed: m.closed,
    // Before the first round: when it opens. Between rounds of a pulse: that the next is not open yet.
    'not-open': s && Date.parse(s.opensAt) > Date.now() ? m.notOpenYet(fullDate(s.opensAt)) : m.betweenRounds,
    'not-in-audience': m.notInAudience,
    none: m.nothingOpen,
    answering: '',
  }[phase];
  return html`<div class="done" part="done" role="status" tabindex="-1" data-phase=${phase}>
    ${s ? html`<h2>${s.title}</h2>` : nothing}
    <p>${text}</p>
    ${phase === 'thanks' ? html`<p class="muted">${m.thanksDetail}</p>` : nothing}
  </div>`;
}

/** The last step of the paged layout: every answer in words, each with a button to change it. */
export function renderReview(questions: readonly Question[], answers: Answers, m: SurveyMessages, change: (index: number) => void) {
  return html`<section class="review" part="review" aria-labelledby="review-title">
    <h3 id="review-title" tabindex="-1">${m.review}</h3>
    <p class="muted">${m.reviewHint}</p>
    <dl>
      ${questions.map((q, i) => {
        const text = answerText(q, answers[q.id], m.likert);
        return html`<div class="review-item">
          <dt>${q.prompt}</dt>
          <dd class=${text === null ? 'muted' : ''}>${text ?? m.noAnswer}</dd>
          <dd>
            <button type="button" part="change-button" aria-label=${m.changeAnswer(q.prompt)} @click=${() => change(i)}>${m.change}</button>
          </dd>
        </div>`;
      })}
    </dl>
  </section>`;
}
