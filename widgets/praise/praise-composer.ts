import { html, nothing, type PropertyDeclarations } from 'lit';
import type { GivePraiseBody } from '../../api/modules/praise/praise.schemas.js';
import type { CompanyValue, Me, PersonMatch } from '../../api/modules/directory/people.schemas.js';
import { GroveElement } from '../core/base-element.js';
import { newIdempotencyKey } from '../core/client.js';
import { emit } from '../core/events.js';
import { toProblem, type Problem } from '../core/problem.js';
import { composerStyles } from './praise-composer.styles.js';
import { praiseStyles } from './praise.styles.js';
import { RecipientSearch } from './recipient-search.js';
import { draftBody, draftIssue, draftPreview, emptyDraft, MESSAGE_MAX, RECIPIENTS_MAX, type PraiseDraft } from './praise-draft.js';

// Drafts of composers taken out of the page (an SPA re-render), by `name` or id, for this page's life only.
const parked = new Map<string, PraiseDraft>();

/**
 * A form to praise colleagues: recipients, message, company values, visibility.
 * Form-associated: its form value is the JSON body it would send.
 *
 * @tag grove-praise-composer
 * @summary Give praise to one or more colleagues.
 *
 * @event grove-submit - Cancelable, before the API call. `detail: { body, idempotencyKey, preview }`.
 * @event grove-submitted - The praise was created. `detail`: the created praise.
 * @event grove-submit-error - The API refused the praise. `detail`: the problem document.
 * @event grove-auth-error - The host could not supply a token.
 *
 * @csspart form - The form container.
 * @csspart recipients - The recipient picker (chips and search box).
 * @csspart recipient - One selected recipient chip.
 * @csspart control - The search input and the message textarea.
 * @csspart listbox - The typeahead suggestions.
 * @csspart option - One suggestion.
 * @csspart value - A company value toggle.
 * @csspart visibility - The public/private radio group.
 * @csspart counter - The character count.
 * @csspart error - A validation or submission message.
 * @csspart submit-button - The submit button.
 * @csspart state - Loading and error messages.
 * @csspart retry-button - "Try again" in the error state.
 * @csspart offline - The offline banner.
 *
 * @cssproperty --grove-color-primary - Accent (submit, selected chips). Default `#2f6f4f`.
 * @cssproperty --grove-color-on-primary - Text on the accent. Default `#ffffff`.
 * @cssproperty --grove-color-surface - Background. Default `#ffffff` (dark `#17201c`).
 * @cssproperty --grove-color-surface-alt - Chip background. Default `#f2f6f4` (dark `#22302a`).
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
export class PraiseComposer extends GroveElement {
  static formAssociated = true;
  static styles = [GroveElement.styles, praiseStyles, composerStyles];

  static properties: PropertyDeclarations = {
    ...GroveElement.properties,
    name: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    draft: { attribute: false },
    companyValues: { state: true },
    submitting: { state: true },
    touched: { state: true },
    submitProblem: { state: true },
    announcement: { state: true },
  };

  private readonly internals = this.attachInternals();
  private readonly search = new RecipientSearch(
    this,
    async (q, signal) => (await this.client.people(q, 8, signal)).items,
    () => new Set([...this.draft.recipients.map((r) => r.id), this.me?.id ?? '']),
  );
  private companyValues: CompanyValue[] = [];
  private me: Me | null = null;
  private submitting = false;
  private touched = false;
  private submitProblem: Problem | null = null;
  private announcement = '';
  private pending?: { key: string; json: string };
  private formDisabled = false;

  /** Form field name; also the key under which an unsent draft survives removal from the page. */
  name: string | null = null;
  /** Disables every control. */
  disabled = false;
  /** The current draft; set it to prefill the form. */
  draft: PraiseDraft = emptyDraft();

  connectedCallback(): void {
    super.connectedCallback();
    const saved = parked.get(this.draftKey);
    if (saved) {
      this.draft = saved;
      parked.delete(this.draftKey);
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.isDirty) parked.set(this.draftKey, this.draft);
  }

  protected firstUpdated(): void {
    this.reload();
  }

  protected updated(): void {
    this.internals.setFormValue(JSON.stringify(this.body()), JSON.stringify(this.draft));
    const error = this.validationError();
    const anchor = this.renderRoot.querySelector<HTMLElement>(this.draft.recipients.length ? 'textarea' : 'input');
    if (error) this.internals.setValidity({ customError: true }, error, anchor ?? undefined);
    else this.internals.setValidity({});
  }

  formResetCallback(): void {
    this.draft = emptyDraft();
    this.touched = false;
    this.submitProblem = null;
    this.pending = undefined;
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
    this.requestUpdate();
  }

  formStateRestoreCallback(state: string | File | FormData | null): void {
    if (typeof state !== 'string') return;
    try {
      this.draft = { ...emptyDraft(), ...(JSON.parse(state) as Partial<PraiseDraft>) };
    } catch {
      // A state we did not write: keep the empty draft.
    }
  }

  get isDisabled(): boolean {
    return this.disabled || this.formDisabled;
  }

  private get draftKey(): string {
    return this.name || this.id || 'grove-praise-composer';
  }

  private get isDirty(): boolean {
    return !!(this.draft.recipients.length || this.draft.message.trim());
  }

  /** The request body the current draft would send. */
  body(): GivePraiseBody {
    return draftBody(this.draft);
  }

  /** The first thing keeping the draft from being sent, in the viewer's language; `''` when valid. */
  validationError(): string {
    const issue = draftIssue(this.draft);
    const m = this.l10n.msg;
    if (!issue) return '';
    if (issue.kind === 'too-long') return m.tooLong(issue.over);
    return issue.field === 'recipients' ? m.needRecipient : m.needMessage;
  }

  /** Updates the draft (a new object, so Lit sees the change). */
  edit(patch: Partial<PraiseDraft>): void {
    this.draft = { ...this.draft, ...patch };
    this.submitProblem = null;
  }

  addRecipient(person: PersonMatch): void {
    if (this.draft.recipients.length >= RECIPIENTS_MAX || this.draft.recipients.some((r) => r.id === person.id)) return;
    this.edit({ recipients: [...this.draft.recipients, person] });
    this.search.close();
    this.search.query = '';
    this.announcement = this.l10n.msg.added(person.name, this.draft.recipients.length);
  }

  removeRecipient(person: PersonMatch): void {
    this.edit({ recipients: this.draft.recipients.filter((r) => r.id !== person.id) });
    this.announcement = this.l10n.msg.removed(person.name, this.draft.recipients.length);
    this.renderRoot.querySelector<HTMLInputElement>('input[role="combobox"]')?.focus();
  }

  /** Loads the viewer and the company values. */
  reload(): void {
    void this.track(async () => {
      const [me, values] = await Promise.all([this.client.me(), this.client.values()]);
      this.me = me;
      this.companyValues = values.items;
    });
  }

  /** Validates and sends the draft; retries reuse one idempotency key until the draft changes. */
  async submit(): Promise<void> {
    if (this.submitting || this.isDisabled) return;
    this.touched = true;
    if (this.validationError()) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const body = this.body();
    const json = JSON.stringify(body);
    if (this.pending?.json !== json) this.pending = { key: newIdempotencyKey(), json };
    const key = this.pending.key;
    if (!emit(this, 'grove-submit', { body, idempotencyKey: key, preview: draftPreview(this.draft, this.me, key) }, true)) return;
    this.submitting = true;
    this.submitProblem = null;
    try {
      const item = await this.client.givePraise(body, key);
      this.pending = undefined;
      this.draft = emptyDraft();
      this.touched = false;
      this.announcement = this.l10n.msg.sent;
      emit(this, 'grove-submitted', item);
    } catch (err) {
      this.submitProblem = toProblem(err);
      emit(this, 'grove-submit-error', this.submitProblem);
    } finally {
      this.submitting = false;
    }
  }

  private readonly onSearchKeydown = (e: KeyboardEvent) => {
    const s = this.search;
    const last = this.draft.recipients.at(-1);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (s.open) s.move(e.key === 'ArrowDown' ? 1 : -1);
      else if (s.query.trim()) s.input(s.query);
    } else if (e.key === 'Enter') {
      e.preventDefault(); // Enter picks a person; it never sends the form from the search box.
      if (s.activeOption) this.addRecipient(s.activeOption);
    } else if (e.key === 'Escape' && s.open) {
      e.preventDefault();
      s.close();
    } else if (e.key === 'Backspace' && !s.query && last) {
      this.removeRecipient(last);
    }
  };

  private readonly onSubmitForm = (e: Event) => {
    e.preventDefault();
    void this.submit();
  };

  private toggleValue(key: string): void {
    const values = this.draft.values;
    this.edit({ values: values.includes(key) ? values.filter((v) => v !== key) : [...values, key] });
  }

  private renderError(id: string, message: string | false) {
    return message ? html`<p id=${id} class="error" part="error">${message}</p>` : nothing;
  }

  private renderRecipients() {
    const m = this.l10n.msg;
    const { recipients } = this.draft;
    const s = this.search;
    const issue = this.touched && draftIssue(this.draft);
    const error = issue && issue.field === 'recipients' ? m.needRecipient : false;
    const full = recipients.length >= RECIPIENTS_MAX;
    const status = s.searching ? m.searching : s.open ? (s.results.length ? m.results(s.results.length) : m.noMatches) : '';
    return html`<div class="field" part="recipients">
      <label for="search">${m.to}</label>
      <div class="control">
        ${recipients.length
          ? html`<ul class="chips" aria-label=${m.to}>
              ${recipients.map(
                (r) => html`<li class="chip" part="recipient">
                  ${r.name}<button type="button" aria-label=${m.remove(r.name)} ?disabled=${this.isDisabled} @click=${() => this.removeRecipient(r)}>×</button>
                </li>`,
              )}
            </ul>`
          : nothing}
        <input id="search" part="control" role="combobox" autocomplete="off" aria-autocomplete="list"
          aria-controls="listbox" aria-expanded=${s.open ? 'true' : 'false'}
          aria-activedescendant=${s.active >= 0 ? `option-${s.active}` : ''}
          aria-describedby="search-hint search-error" aria-invalid=${error ? 'true' : 'false'}
          placeholder=${m.searchPlaceholder} .value=${s.query} ?disabled=${this.isDisabled || full}
          @input=${(e: Event) => s.input((e.target as HTMLInputElement).value)}
          @keydown=${this.onSearchKeydown} @blur=${() => s.close()} />
      </div>
      <ul id="listbox" role="listbox" part="listbox" aria-label=${m.to} ?hidden=${!s.results.length}>
        ${s.results.map(
          (p, i) => html`<li id=${`option-${i}`} role="option" part="option" aria-selected=${i === s.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.addRecipient(p)}>
            ${p.name}${p.team ? html` <span class="muted">${p.team}</span>` : nothing}
          </li>`,
        )}
      </ul>
      <p id="search-hint" class="muted">${m.recipientLimit(RECIPIENTS_MAX)}</p>
      <div class="visually-hidden" role="status">${status}</div>
      ${this.renderError('search-error', error)}
    </div>`;
  }

  private renderMessage() {
    const m = this.l10n.msg;
    const length = this.draft.message.trim().length;
    const issue = this.touched || length > MESSAGE_MAX ? draftIssue(this.draft) : null;
    const error = issue?.field === 'message' ? (issue.kind === 'too-long' ? m.tooLong(issue.over) : m.needMessage) : false;
    return html`<div class="field">
      <label for="message">${m.message}</label>
      <textarea id="message" part="control" placeholder=${m.messagePlaceholder} .value=${this.draft.message}
        aria-describedby="counter message-error" aria-invalid=${error ? 'true' : 'false'} ?disabled=${this.isDisabled}
        @input=${(e: Event) => this.edit({ message: (e.target as HTMLTextAreaElement).value })}></textarea>
      <span id="counter" part="counter" class=${length > MESSAGE_MAX ? 'muted over' : 'muted'}>${m.charCount(length, MESSAGE_MAX)}</span>
      ${this.renderError('message-error', error)}
    </div>`;
  }

  private renderChoices() {
    const m = this.l10n.msg;
    const choice = (value: PraiseDraft['visibility'], label: string) =>
      html`<label><input type="radio" name="visibility" value=${value} .checked=${this.draft.visibility === value}
        ?disabled=${this.isDisabled} @change=${() => this.edit({ visibility: value })} /> ${label}</label>`;
    return html`${this.companyValues.length
        ? html`<fieldset>
            <legend>${m.values}</legend>
            <div class="chips">
              ${this.companyValues.map(
                (v) => html`<button type="button" class="chip" part="value" ?disabled=${this.isDisabled}
                  aria-pressed=${this.draft.values.includes(v.key) ? 'true' : 'false'} title=${v.description ?? ''}
                  @click=${() => this.toggleValue(v.key)}>${v.emoji ? `${v.emoji} ` : ''}${v.label}</button>`,
              )}
            </div>
          </fieldset>`
        : nothing}
      <fieldset part="visibility">
        <legend>${m.visibility}</legend>
        ${choice('public', m.public)} ${choice('private', m.privateChoice)}
      </fieldset>`;
  }

  private renderSubmit() {
    const m = this.l10n.msg;
    const p = this.submitProblem;
    return html`${p
        ? html`<div part="error" class="error" role="alert">
            <p>${this.describe(p)}</p>
            ${p.errors?.length ? html`<ul>${p.errors.map((e) => html`<li>${e.message}</li>`)}</ul>` : nothing}
          </div>`
        : nothing}
      <div class="row">
        <span class="muted" role="status">${this.submitting && this.offline ? m.waitingForNetwork : ''}</span>
        <button type="submit" class="primary" part="submit-button" ?disabled=${this.isDisabled || this.submitting}>
          ${this.submitting ? m.submitting : m.submit}
        </button>
      </div>`;
  }

  render() {
    const m = this.l10n.msg;
    if (this.status === 'error') return this.renderState();
    return html`${this.offline ? html`<p part="offline" class="state" role="status">${m.offline}</p>` : nothing}
      <form part="form" aria-label=${m.composerLabel} novalidate @submit=${this.onSubmitForm}>
        ${this.renderRecipients()} ${this.renderMessage()} ${this.renderChoices()} ${this.renderSubmit()}
      </form>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
  }
}
