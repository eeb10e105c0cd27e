import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { HiddenReason, QuestionResult, Results, Survey, Trend } from '../../api/modules/surveys/surveys.schemas.js';
import { longDate, percent } from './format.js';
import { client, GroveElement, html, nothing, problemCode } from './kit.js';
import { bar, renderDistribution, renderFavourability, renderGauge, renderTrend } from './results-charts.js';
import { renderHeatmap } from './results-heatmap.js';
import { surveysApi } from './survey-api.js';
import { surveyMessages } from './survey-locale.js';
import { resultsStyles } from './survey-results.styles.js';

/**
 * A survey's results: participation, eNPS, favourability, distributions, a heatmap by team or
 * manager with suppressed groups marked, trends across rounds and comments. Every figure hidden
 * by the API to keep answers anonymous says why.
 *
 * @tag grove-survey-results
 * @summary Results of an engagement survey, anonymity preserved.
 *
 * @event grove-auth-error - The host could not supply a token.
 *
 * @csspart header - Title, round and the round picker.
 * @csspart round-select - The round picker (shown when there are several rounds).
 * @csspart card - One block of results (participation, eNPS, …).
 * @csspart participation - The participation figure and bar.
 * @csspart gauge - The eNPS gauge (SVG) and its legend.
 * @csspart favourability - The favourability bars.
 * @csspart distribution - A question's distribution table.
 * @csspart heatmap - The groups × questions table.
 * @csspart cell - A heatmap cell with a figure.
 * @csspart hidden-cell - A heatmap row's "hidden" cell, with the reason.
 * @csspart trend - One question's trend chart.
 * @csspart comments - The comments list, or why comments are hidden.
 * @csspart hidden - A note saying why a figure is hidden.
 * @csspart state - Loading, empty and error messages.
 * @csspart retry-button - "Try again" in the error state.
 * @csspart offline - The offline banner.
 *
 * @cssproperty --grove-color-primary - Bars, the gauge and trend lines. Default `#2f6f4f`.
 * @cssproperty --grove-color-surface - Card background. Default `#ffffff` (dark `#17201c`).
 * @cssproperty --grove-color-surface-alt - Bar tracks. Default `#f2f6f4` (dark `#22302a`).
 * @cssproperty --grove-color-text - Text. Default `#1b2420` (dark `#e8efeb`).
 * @cssproperty --grove-color-text-muted - Secondary text. Default `#56635d` (dark `#a3b3ab`).
 * @cssproperty --grove-color-border - Borders. Default `#c9d3ce` (dark `#3a4a42`).
 * @cssproperty --grove-color-danger - Detractors, negative eNPS. Default `#b3261e` (dark `#ff8a80`).
 * @cssproperty --grove-survey-heat-0 - Heatmap band, lowest fifth. Default `#f6d4d1` (dark `#5c2a26`).
 * @cssproperty --grove-survey-heat-1 - Second fifth. Default `#f8e2c6` (dark `#57401f`).
 * @cssproperty --grove-survey-heat-2 - Middle fifth. Default `#eeecc9` (dark `#47472a`).
 * @cssproperty --grove-survey-heat-3 - Fourth fifth. Default `#d3ebd8` (dark `#28493a`).
 * @cssproperty --grove-survey-heat-4 - Highest fifth. Default `#b2dcc0` (dark `#1f5b3c`).
 * @cssproperty --grove-font-family - Font. Default `system-ui, sans-serif`.
 * @cssproperty --grove-radius - Corner radius. Default `8px`.
 * @cssproperty --grove-spacing - Base spacing. Default `0.75rem`.
 */
export class GroveSurveyResults extends GroveElement {
  static styles = [GroveElement.styles, resultsStyles];

  static properties: PropertyDeclarations = {
    ...GroveElement.properties,
    survey: { reflect: true },
    groupBy: { attribute: 'group-by', reflect: true },
    round: { type: Number, reflect: true },
    team: {},
    manager: {},
    results: { state: true },
    trend: { state: true },
    info: { state: true },
  };

  private readonly api = surveysApi(client);
  private loadSeq = 0;
  protected results: Results | null = null;
  protected trend: Trend | null = null;
  protected info: Survey | null = null;

  /** Id of the survey; without it, the newest survey the viewer may see. */
  survey: string | null = null;
  /** Breakdown of the heatmap: `team` (default) or `manager` (each manager's reporting line). */
  groupBy: 'team' | 'manager' = 'team';
  /** Round to show; defaults to the latest round that has opened. */
  round: number | null = null;
  /** Only this team (as named in the directory). */
  team: string | null = null;
  /** Only this manager's reporting line (a person id). */
  manager: string | null = null;

  private get m() {
    return surveyMessages(this.l10n.locale, () => this.requestUpdate());
  }

  protected firstUpdated(): void {
    this.reload();
  }

  protected updated(changed: PropertyValues): void {
    const keys = ['survey', 'groupBy', 'round', 'team', 'manager'] as const;
    if (keys.some((k) => changed.has(k) && changed.get(k) !== undefined)) this.reload();
  }

  /** Loads the results, the trend and the survey's title; a later load wins over an earlier one. */
  reload(): void {
    const seq = ++this.loadSeq;
    void this.track(async () => {
      const id = this.survey ?? (await this.api.list(1)).items[0]?.id;
      if (!id) {
        if (seq === this.loadSeq) [this.info, this.results, this.trend] = [null, null, null];
        return;
      }
      const params = {
        round: this.round,
        groupBy: this.groupBy === 'manager' ? ('manager' as const) : ('team' as const),
        team: this.team,
        manager: this.manager,
      };
      const [info, results, trend] = await Promise.all([this.api.get(id), this.api.results(id, params), this.api.trend(id)]);
      if (seq !== this.loadSeq) return;
      [this.info, this.results, this.trend] = [info, results, trend];
    });
  }

  private hiddenText(reason: HiddenReason | null): string {
    const t = this.results?.thresholds;
    if (reason === 'differencing') return this.m.hiddenDifferencing;
    if (reason === 'comments_threshold') return this.m.commentsHidden(t?.comments ?? 0);
    return this.m.hiddenBelow(t?.anonymity ?? 0);
  }

  private renderHeader(r: Results) {
    const m = this.m;
    return html`<header part="header">
      <h2>${m.resultsLabel(this.info?.title ?? '')}</h2>
      ${
        r.rounds.length > 1
          ? html`<label
              >${m.roundPicker}
              <select part="round-select" @change=${(e: Event) => (this.round = Number((e.target as HTMLSelectElement).value))}>
                ${r.rounds.map((x) => html`<option value=${x.number} ?selected=${x.number === r.round.number}>${m.round(x.number)} · ${longDate(x.opensAt, this.l10n.locale)}</option>`)}
              </select></label
            >`
          : nothing
      }
    </header>`;
  }

  private renderParticipation(r: Results) {
    const { invited, responded, rate } = r.participation;
    const text = this.m.participationText(responded, invited, percent(rate, this.l10n.locale));
    return html`<section class="card" part="card participation" aria-labelledby="participation-title">
      <h3 id="participation-title">${this.m.participation}</h3>
      <p class="big">${percent(rate, this.l10n.locale)}</p>
      ${bar(rate, text)}
      <p class="muted">${text}</p>
    </section>`;
  }

  private card(id: string, title: string, body: unknown, hint?: string) {
    return html`<section class="card" part="card" aria-labelledby=${id}>
      <h3 id=${id}>${title}</h3>
      ${hint ? html`<p class="muted">${hint}</p>` : nothing} ${body}
    </section>`;
  }

  private renderQuestionCards(r: Results) {
    const m = this.m;
    const locale = this.l10n.locale;
    const enps = r.questions.filter((q) => q.type === 'enps');
    const likert = r.questions.filter((q) => q.type === 'likert');
    const hidden = (q: QuestionResult) => this.hiddenText(q.hidden);
    return html`${enps.map((q, i) =>
      this.card(`enps-${i}`, m.enps, q.enps ? renderGauge(q, m, locale) : html`<p class="hidden-note" part="hidden">${hidden(q)}</p>`, q.prompt),
    )}
    ${likert.length ? this.card('fav-title', m.favourability, renderFavourability(likert, m, locale, hidden), m.favourabilityHint) : nothing}
    ${r.questions
      .filter((q) => q.type !== 'text')
      .map((q, i) =>
        this.card(
          `dist-${i}`,
          q.prompt,
          q.distribution ? renderDistribution(q, m, locale) : html`<p class="hidden-note" part="hidden">${hidden(q)}</p>`,
        ),
      )}`;
  }

  private renderComments(r: Results) {
    const m = this.m;
    return r.questions
      .filter((q) => q.type === 'text')
      .map((q, i) => {
        const c = q.comments;
        const body =
          !c || c.hidden
            ? html`<p class="hidden-note" part="hidden">${this.hiddenText(c?.hidden ?? q.hidden ?? 'comments_threshold')}</p>`
            : c.items.length
              ? html`<ul class="comments" part="comments">
                  ${c.items.map((t) => html`<li>${t}</li>`)}
                </ul>`
              : html`<p class="muted">${m.noComments}</p>`;
        return this.card(`comments-${i}`, `${m.comments} — ${q.prompt}`, body);
      });
  }

  private renderTrends(r: Results) {
    const m = this.m;
    const rounds = this.trend?.rounds ?? [];
    const questions = r.questions.filter((q) => q.type === 'likert' || q.type === 'enps');
    if (rounds.length < 2) return this.card('trend-title', m.trend, html`<p class="muted">${m.noTrend}</p>`);
    return this.card(
      'trend-title',
      m.trend,
      html`<div class="trends">${questions.map((q) => renderTrend(q.prompt, q.questionId, q.type, rounds, m, this.l10n.locale))}</div>`,
    );
  }

  render() {
    const r = this.results;
    // Asked before the first round opened: not an error, just nothing to show yet.
    if (this.status === 'error' && this.problem && problemCode(this.problem) === 'survey-not-open') return this.renderEmpty(this.m.noResults);
    // Reloading (another round, another grouping): the current results stay, marked busy, so the
    // round picker keeps keyboard focus instead of vanishing behind "Loading…".
    const refreshing = this.status === 'loading' && !!r;
    if (this.status !== 'ready' && !refreshing) return this.renderState();
    if (!r) return html`${this.renderState()}${this.renderEmpty(this.m.noResults)}`;
    const m = this.m;
    return html`${refreshing ? nothing : this.renderState()}
      <div class="results" role="group" aria-label=${m.resultsLabel(this.info?.title ?? '')} aria-busy=${refreshing ? 'true' : 'false'}>
        ${this.renderHeader(r)}
        <div class="grid">
          ${this.renderParticipation(r)}
          ${
            r.hidden
              ? html`<section class="card wide" part="card">
                  <p class="hidden-note" part="hidden">${m.populationHidden(r.thresholds.anonymity)}</p>
                </section>`
              : this.renderQuestionCards(r)
          }
        </div>
        ${
          !r.hidden && r.breakdown?.groups.length
            ? html`<section class="card" part="card">
                ${renderHeatmap(r.breakdown.by, r.breakdown.groups, r.questions, m, this.l10n.locale, (h) => this.hiddenText(h))}
              </section>`
            : nothing
        }
        ${this.renderTrends(r)} ${r.hidden ? nothing : this.renderComments(r)}
      </div>`;
  }
}
