import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { Question, Survey } from '../../api/modules/surveys/surveys.schemas.js';
import type { Problem } from '../core/problem.js';
import { answeredCount, issues, responseBody, withAnswer, type AnswerDraft, type AnswerIssue, type Answers } from './survey-answers.js';
import { surveysApi } from './survey-api.js';
import { phaseOf, type SurveyPhase } from './survey-phase.js';
import { surveyMessages } from './survey-locale.js';
import { renderDone, renderHeader, renderProgress, renderReview } from './survey-parts.js';
import { renderQuestion } from './survey-questions.js';
import { surveyStyles } from './survey.styles.js';
import { client, emit, GroveElement, html, newIdempotencyKey, nothing, problemCode, toProblem } from './kit.js';

export type { SurveyPhase } from './survey-phase.js';

// Unsent answers of surveys taken out of the page (an SPA re-render), by survey id, for this page's life only.
const parked = new Map<string, Answers>();

/**
 * Answers a survey: one question at a time or all on one page, then "thank you".
 *
 * @tag grove-survey
 * @summary Answer an engagement survey, anonymously.
 *
 * @event grove-responded - The answers were recorded. `detail: { surveyId, round }`.
 * @event grove-auth-error - The host could not supply a token.
 *
 * @csspart form - The form around the questions.
 * @csspart header - Title, description and the anonymity note.
 * @csspart anonymity - The anonymity note (states the survey's threshold).
 * @csspart progress - "Question 3 of 8" and the progress bar.
 * @csspart progress-bar - The bar (`role="progressbar"`).
 * @csspart question - One question (a fieldset).
 * @csspart prompt - A question's prompt (the legend).
 * @csspart required - The "Required" marker.
 * @csspart option - One answer option (radio or checkbox with its label).
 * @csspart scale-ends - The meaning of 0 and 10 under an eNPS scale.
 * @csspart control - The open-text textarea.
 * @csspart counter - Its character count.
 * @csspart error - A question's validation message.
 * @csspart alert - The error summary or submission problem (`role="alert"`).
 * @csspart previous-button - "Previous" (paged layout).
 * @csspart next-button - "Next" (paged layout).
 * @csspart review - The review step of the paged layout: every answer in words.
 * @csspart change-button - "Change" beside an answer in the review step.
 * @csspart submit-button - "Send answers".
 * @csspart done - The thank-you, already-answered, closed and not-for-you messages.
 * @csspart state - Loading, empty and error messages.
 * @csspart retry-button - "Try again" in the error state.
 * @csspart offline - The offline banner.
 *
 * @cssproperty --grove-color-primary - Accent (chosen options, buttons, progress). Default `#2f6f4f`.
 * @cssproperty --grove-color-on-primary - Text on the accent. Default `#ffffff`.
 * @cssproperty --grove-color-surface - Background. Default `#ffffff` (dark `#17201c`).
 * @cssproperty --grove-color-surface-alt - Option background. Default `#f2f6f4` (dark `#22302a`).
 * @cssproperty --grove-color-text - Text. Default `#1b2420` (dark `#e8efeb`).
 * @cssproperty --grove-color-text-muted - Secondary text. Default `#56635d` (dark `#a3b3ab`).
 * @cssproperty --grove-color-border - Borders. Default `#c9d3ce` (dark `#3a4a42`).
 * @cssproperty --grove-color-danger - Errors. Default `#b3261e` (dark `#ff8a80`).
 * @cssproperty --grove-color-focus - Focus ring. Defaults to the primary color.
 * @cssproperty --grove-font-family - Font. Default `system-ui, sans-serif`.
 * @cssproperty --grove-font-size - Base font size. Default `1rem`.
 * @cssproperty --grove-radius - Corner radius. Default `8px`.
 * @cssproperty --grove-spacing - Base spacing. Default `0.75rem`.
 */
export class GroveSurvey extends GroveElement {
  static styles = [GroveElement.styles, surveyStyles];

  static properties: PropertyDeclarations = {
    ...GroveElement.properties,
    survey: { reflect: true },
    layout: { reflect: true },
    data: { state: true },
    phase: { state: true },
    answers: { state: true },
    step: { state: true },
    checked: { state: true },
    submitting: { state: true },
    submitProblem: { state: true },
    serverIssues: { state: true },
  };

  private readonly api = surveysApi(client);
  protected data: Survey | null = null;
  protected phase: SurveyPhase = 'none';
  protected answers: Answers = {};
  protected step = 0;
  /** Questions whose issues are shown: those the person tried to leave or send. */
  protected checked = new Set<string>();
  protected submitting = false;
  protected submitProblem: Problem | null = null;
  protected serverIssues = new Map<string, AnswerIssue>();
  private pending?: { key: string; json: string };

  /** Id of the survey to answer; without it, the first open survey for the signed-in person. */
  survey: string | null = null;
  /** `paged` (default): one question at a time; `single`: every question on one page. */
  layout: 'paged' | 'single' = 'paged';

  private get m() {
    return surveyMessages(this.l10n.locale, () => this.requestUpdate());
  }

  private get questions(): Question[] {
    return this.data?.questions ?? [];
  }

  private get paged(): boolean {
    return this.layout !== 'single';
  }

  /** Paged, after the last question: every answer in words before sending. */
  private get reviewing(): boolean {
    return this.paged && this.step >= this.questions.length;
  }

  connectedCallback(): void {
    super.connectedCallback();
    if (this.survey && parked.has(this.survey)) {
      this.answers = parked.get(this.survey)!;
      parked.delete(this.survey);
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.data && this.phase === 'answering' && Object.keys(this.answers).length) parked.set(this.data.id, this.answers);
  }

  protected firstUpdated(): void {
    this.reload();
  }

  protected updated(changed: PropertyValues): void {
    if (changed.has('survey') && changed.get('survey') !== undefined) this.reload();
  }

  /** Loads the survey. Answers typed so far stay, unless it is another survey. */
  reload(): void {
    void this.track(async () => {
      const survey = this.survey ? await this.api.get(this.survey) : (await this.api.open()).items[0];
      if (survey?.id !== this.data?.id) {
        this.answers = (survey && parked.get(survey.id)) ?? {};
        this.step = 0;
        this.checked = new Set();
      }
      this.data = survey ?? null;
      this.phase = phaseOf(survey);
    });
  }

  /** Records one answer (a new object, so Lit sees it); an earlier API complaint about it goes. */
  answer(questionId: string, a: AnswerDraft): void {
    this.answers = withAnswer(this.answers, questionId, a);
    if (this.serverIssues.has(questionId)) {
      this.serverIssues = new Map([...this.serverIssues].filter(([id]) => id !== questionId));
    }
    this.submitProblem = null;
  }

  /** Moves to the next question if this one may be left; else shows why and focuses it. */
  async next(): Promise<void> {
    const q = this.questions[this.step];
    if (!q) return;
    this.checked = new Set([...this.checked, q.id]);
    if (issues([q], this.answers).length) return this.focusFirstInvalid();
    this.step = Math.min(this.step + 1, this.questions.length);
    if (this.reviewing) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#review-title')?.focus();
    } else await this.focusQuestion(this.questions[this.step]!);
  }

  async previous(): Promise<void> {
    await this.goTo(this.step - 1);
  }

  /** Shows one question (paged) and focuses it. */
  async goTo(index: number): Promise<void> {
    this.step = Math.max(0, Math.min(index, this.questions.length - 1));
    await this.focusQuestion(this.questions[this.step]!);
  }

  /** Validates every question and sends; retries reuse one idempotency key until the answers change. */
  async submit(): Promise<void> {
    const survey = this.data;
    if (!survey || this.submitting) return;
    this.checked = new Set(this.questions.map((q) => q.id));
    const found = issues(this.questions, this.answers);
    if (found.length) {
      if (this.paged) this.step = this.questions.findIndex((q) => q.id === found[0]!.questionId);
      return this.focusFirstInvalid();
    }
    const body = responseBody(survey, this.answers);
    const json = JSON.stringify(body);
    if (this.pending?.json !== json) this.pending = { key: newIdempotencyKey(), json };
    this.submitting = true;
    this.submitProblem = null;
    try {
      const receipt = await this.api.respond(survey.id, body, this.pending.key);
      this.finish('thanks');
      emit(this, 'grove-responded', receipt);
    } catch (err) {
      this.failed(toProblem(err));
    } finally {
      this.submitting = false;
    }
  }

  private failed(problem: Problem): void {
    const code = problemCode(problem);
    if (code === 'already-responded') return this.finish('already');
    if (code === 'survey-not-open') return this.finish('closed');
    if (code === 'not-in-audience') return this.finish('not-in-audience');
    // invalid-answers lists `{ questionId, reason }` (docs/surveys.md) rather than `{ path, message }`.
    const reported = (problem as unknown as { errors?: { questionId?: string; reason?: string }[] }).errors ?? [];
    const mapped = reported.flatMap((e) =>
      e.questionId ? [[e.questionId, e.reason === 'missing_required' ? 'required' : 'too-long'] as const] : [],
    );
    if (mapped.length) this.serverIssues = new Map(mapped);
    this.submitProblem = problem;
  }

  private finish(phase: SurveyPhase): void {
    this.phase = phase;
    this.pending = undefined;
    this.answers = {};
    if (this.data) parked.delete(this.data.id);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="done"]')?.focus());
  }

  private async focusFirstInvalid(): Promise<void> {
    await this.updateComplete;
    const field = this.renderRoot.querySelector('.question:has(.error)');
    field?.querySelector<HTMLElement>('input, textarea')?.focus();
  }

  private async focusQuestion(q: Question): Promise<void> {
    await this.updateComplete;
    const field = this.renderRoot.querySelector(`[data-question="${q.id}"]`);
    (field?.querySelector<HTMLElement>('input:checked') ?? field?.querySelector<HTMLElement>('input, textarea'))?.focus();
  }

  private readonly onSubmitForm = (e: Event) => {
    e.preventDefault();
    if (this.paged && !this.reviewing) void this.next();
    else void this.submit();
  };

  private renderProgress() {
    const total = this.questions.length;
    if (this.reviewing) return renderProgress(total, total, this.m.review);
    const current = this.paged ? this.step + 1 : answeredCount(this.questions, this.answers);
    return renderProgress(current, total, this.paged ? this.m.progress(current, total) : this.m.answered(current, total));
  }

  private renderQuestionAt(q: Question) {
    return renderQuestion({
      question: q,
      answer: this.answers[q.id],
      showIssue: this.checked.has(q.id),
      serverIssue: this.serverIssues.get(q.id) ?? null,
      disabled: this.submitting,
      m: this.m,
      onAnswer: (a) => this.answer(q.id, a),
    });
  }

  private renderAlert() {
    const count = this.checked.size ? issues(this.questions, this.answers).filter((i) => this.checked.has(i.questionId)).length : 0;
    const text = this.submitProblem ? this.describe(this.submitProblem) : !count ? '' : this.paged ? this.m.requiredError : this.m.fixErrors(count);
    // Paged, the question's own message says it already: the alert is then for screen readers only.
    const onlyAnnounced = this.paged && !this.submitProblem;
    return html`<div class=${onlyAnnounced ? 'alert visually-hidden' : 'alert'} part="alert" role="alert">${text}</div>`;
  }

  private renderButtons() {
    const last = !this.paged || this.reviewing;
    return html`<div class="buttons">
      <span class="muted waiting" role="status">${this.submitting && this.offline ? this.l10n.msg.waitingForNetwork : ''}</span>
      ${
        this.paged && this.step > 0
          ? html`<button type="button" part="previous-button" ?disabled=${this.submitting} @click=${() => this.previous()}>
              ${this.m.previous}
            </button>`
          : nothing
      }
      ${
        last
          ? html`<button type="submit" class="primary" part="submit-button" ?disabled=${this.submitting}>
              ${this.submitting ? this.m.submitting : this.m.submit}
            </button>`
          : html`<button type="submit" class="primary" part="next-button">${this.m.next}</button>`
      }
    </div>`;
  }

  render() {
    const s = this.data;
    if (this.status !== 'ready') return this.renderState();
    if (!s || this.phase !== 'answering') return html`${this.renderState()}${renderDone(this.phase, s, this.m, (iso) => this.l10n.fullDate(iso))}`;
    const shown = !this.paged ? this.questions : this.reviewing ? [] : [this.questions[this.step]!];
    return html`${this.renderState()}
      <form part="form" aria-label=${s.title} novalidate @submit=${this.onSubmitForm}>
        ${renderHeader(s, this.m)} ${this.renderProgress()} ${shown.map((q) => this.renderQuestionAt(q))}
        ${this.reviewing ? renderReview(this.questions, this.answers, this.m, (i) => void this.goTo(i)) : nothing} ${this.renderAlert()}
        ${this.renderButtons()}
      </form>`;
  }
}
