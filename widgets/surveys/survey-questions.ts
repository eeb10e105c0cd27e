import type { Question } from '../../api/modules/surveys/surveys.schemas.js';
import { ANSWER_TEXT_MAX, answerIssue, scale, toggleChoice, type AnswerDraft, type AnswerIssue } from './survey-answers.js';
import { html, nothing } from './kit.js';
import type { SurveyMessages } from './locales/en.js';

/** What one question's template needs from the element. */
export interface QuestionView {
  question: Question;
  answer: AnswerDraft | undefined;
  /** Show the question's issue (after the person tried to move on or send). */
  showIssue: boolean;
  /** An issue the API reported for this question (it wins over ours). */
  serverIssue?: AnswerIssue | null;
  disabled: boolean;
  m: SurveyMessages;
  onAnswer: (a: AnswerDraft) => void;
}

/** Ids of a question's parts, unique inside the element's shadow root. */
export const ids = (q: Question) => ({
  field: `q-${q.id}`,
  error: `q-${q.id}-error`,
  hint: `q-${q.id}-hint`,
});

function issueText(issue: AnswerIssue, v: QuestionView): string {
  if (issue === 'too-long') return v.m.tooLong((v.answer?.text?.trim().length ?? 0) - ANSWER_TEXT_MAX);
  return v.m.requiredError;
}

/** One question as a fieldset: its prompt as legend, "Required" marked, its control, its error. */
export function renderQuestion(v: QuestionView) {
  const { question: q, m } = v;
  const id = ids(q);
  const issue = v.serverIssue ?? (v.showIssue || q.type === 'text' ? answerIssue(q, v.answer) : null);
  // Too-long text is flagged as it is typed; a missing answer only once the person tries to go on.
  const shown = issue === 'required' && !v.showIssue && !v.serverIssue ? null : issue;
  const invalid = shown ? 'true' : 'false';
  const describedBy = [shown ? id.error : '', q.type === 'multiple_choice' || q.type === 'enps' || q.type === 'text' ? id.hint : '']
    .filter(Boolean)
    .join(' ');
  const legend = html`<legend part="prompt">
    <span>${q.prompt}</span>${q.required ? html` <span class="required" part="required">${m.required}</span>` : nothing}
  </legend>`;
  const error = shown ? html`<p id=${id.error} class="error" part="error">${issueText(shown, v)}</p>` : nothing;

  if (q.type === 'text') {
    const length = v.answer?.text?.trim().length ?? 0;
    return html`<fieldset class="question" part="question" data-question=${q.id}>
      ${legend}
      <textarea
        id=${id.field}
        part="control"
        aria-label=${q.prompt}
        aria-required=${q.required ? 'true' : 'false'}
        aria-invalid=${invalid}
        aria-describedby=${describedBy}
        ?disabled=${v.disabled}
        .value=${v.answer?.text ?? ''}
        @input=${(e: Event) => v.onAnswer({ text: (e.target as HTMLTextAreaElement).value })}
      ></textarea>
      <span id=${id.hint} part="counter" class=${length > ANSWER_TEXT_MAX ? 'muted over' : 'muted'}>${m.charCount(length, ANSWER_TEXT_MAX)}</span>
      ${error}
    </fieldset>`;
  }

  if (q.type === 'multiple_choice') {
    const chosen = new Set(v.answer?.choices ?? []);
    return html`<fieldset class="question" part="question" data-question=${q.id} aria-invalid=${invalid} aria-describedby=${describedBy}>
      ${legend}
      <p id=${id.hint} class="muted">${m.chooseAny}</p>
      <div class="choices">
        ${scale(q).map(
          (i) =>
            html`<label class="option" part="option">
              <input
                type="checkbox"
                name=${id.field}
                .checked=${chosen.has(i)}
                ?disabled=${v.disabled}
                @change=${() => v.onAnswer(toggleChoice(v.answer, i))}
              />
              <span>${q.options![i]}</span>
            </label>`,
        )}
      </div>
      ${error}
    </fieldset>`;
  }

  // Likert, eNPS and single choice: one radio group.
  const values = scale(q);
  const label = (value: number) => (q.type === 'likert' ? m.likert[value - 1]! : q.type === 'single_choice' ? q.options![value]! : String(value));
  const endLabel = (value: number) => (q.type !== 'enps' ? '' : value === 0 ? ` (${m.enpsLow})` : value === 10 ? ` (${m.enpsHigh})` : '');
  return html`<fieldset
    class="question"
    part="question"
    role="radiogroup"
    data-question=${q.id}
    data-type=${q.type}
    aria-required=${q.required ? 'true' : 'false'}
    aria-invalid=${invalid}
    aria-describedby=${describedBy}
  >
    ${legend}
    <div class=${q.type === 'single_choice' ? 'choices' : `scale scale-${q.type}`}>
      ${values.map(
        (value) =>
          html`<label class="option" part="option">
            <input
              type="radio"
              name=${id.field}
              value=${value}
              .checked=${v.answer?.value === value}
              ?disabled=${v.disabled}
              @change=${() => v.onAnswer({ value })}
            />
            <span>${label(value)}</span>${endLabel(value) ? html`<span class="visually-hidden">${endLabel(value)}</span>` : nothing}
          </label>`,
      )}
    </div>
    ${
      q.type === 'enps'
        ? html`<div id=${id.hint} class="ends muted" part="scale-ends"><span>0 = ${m.enpsLow}</span><span>10 = ${m.enpsHigh}</span></div>`
        : nothing
    }
    ${error}
  </fieldset>`;
}
