import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { PraiseItem } from '../../api/modules/praise/praise.schemas.js';
import type { CompanyValue } from '../../api/modules/directory/people.schemas.js';
import { GroveElement } from '../core/base-element.js';
import type { FeedParams, Reaction } from '../core/client.js';
import { emit, type GroveSubmitDetail } from '../core/events.js';
import { toProblem } from '../core/problem.js';
import { initials, praiseStyles, REACTION_EMOJI } from './praise.styles.js';
import { wallStyles } from './praise-wall.styles.js';

const FILTERS = ['scope', 'value', 'recipientId', 'giverId', 'pageSize'];

/**
 * The praise feed, newest first, with reactions and the API's filters.
 *
 * @tag grove-praise-wall
 * @summary A feed of praise with reactions, "load more" and optional infinite scroll.
 *
 * @event grove-deleted - A praise was deleted by the viewer. `detail: { id }`.
 * @event grove-auth-error - The host could not supply a token.
 *
 * @csspart feed - The list of praise (`role="feed"`).
 * @csspart item - One praise.
 * @csspart avatar - The giver's initials.
 * @csspart header - Who praised whom, and when.
 * @csspart message - The praise text.
 * @csspart value - A company value chip.
 * @csspart reaction-button - A reaction toggle button.
 * @csspart delete-button - The delete button of the viewer's own praise.
 * @csspart error - Under a praise whose reaction or deletion failed: why (also announced politely).
 * @csspart load-more-button - The "Load more" button.
 * @csspart state - Loading, empty and error messages.
 * @csspart retry-button - "Try again" in the error state.
 * @csspart offline - The offline banner.
 *
 * @cssproperty --grove-color-primary - Accent (buttons, avatars, pressed chips). Default `#2f6f4f`.
 * @cssproperty --grove-color-on-primary - Text on the accent. Default `#ffffff`.
 * @cssproperty --grove-color-surface - Card background. Default `#ffffff` (dark `#17201c`).
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
export class PraiseWall extends GroveElement {
  static styles = [GroveElement.styles, praiseStyles, wallStyles];

  static properties: PropertyDeclarations = {
    ...GroveElement.properties,
    scope: { reflect: true },
    value: {},
    recipientId: { attribute: 'recipient-id' },
    giverId: { attribute: 'giver-id' },
    pageSize: { attribute: 'page-size', type: Number },
    infinite: { type: Boolean, reflect: true },
    items: { attribute: false },
    nextCursor: { state: true },
    loadingMore: { state: true },
    confirming: { state: true },
    announcement: { state: true },
    failed: { state: true },
  };

  private valueLabels = new Map<string, CompanyValue>();
  private pendingFrom = new WeakMap<EventTarget, string>();
  private observer?: IntersectionObserver;
  private clock?: ReturnType<typeof setInterval>;
  private loadSeq = 0;
  protected nextCursor: string | null = null;
  protected loadingMore = false;
  protected confirming: string | null = null;
  protected announcement = '';
  /** The item whose reaction or deletion just failed: its message shows under it. */
  protected failed: string | null = null;

  /** `all`, `team` (the viewer's team and reports) or `mine` (given or received by the viewer). */
  scope: 'all' | 'team' | 'mine' = 'all';
  /** Only praise tagged with this company value key. */
  value: string | null = null;
  /** Only praise received by this person (Grove id). */
  recipientId: string | null = null;
  /** Only praise given by this person (Grove id). */
  giverId: string | null = null;
  /** How many praise to fetch per page (1–100). */
  pageSize = 20;
  /** Load the next page when the end of the feed scrolls into view. */
  infinite = false;
  /** The praise shown, newest first. */
  items: PraiseItem[] = [];

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('grove-submit', this.onSubmit);
    document.addEventListener('grove-submitted', this.onSubmitted);
    document.addEventListener('grove-submit-error', this.onSubmitError);
    this.clock = setInterval(() => this.requestUpdate(), 60_000);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('grove-submit', this.onSubmit);
    document.removeEventListener('grove-submitted', this.onSubmitted);
    document.removeEventListener('grove-submit-error', this.onSubmitError);
    clearInterval(this.clock);
    this.observer?.disconnect();
    this.observer = undefined;
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (FILTERS.some((k) => changed.has(k as keyof PraiseWall))) this.reload();
  }

  protected updated(): void {
    const sentinel = this.renderRoot.querySelector('[part="load-more-button"]');
    this.observer?.disconnect();
    if (this.infinite && sentinel && typeof IntersectionObserver !== 'undefined') {
      this.observer ??= new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadMore();
      });
      this.observer.observe(sentinel);
    }
  }

  private accepts(item: PraiseItem): boolean {
    return (
      (!this.value || item.values.includes(this.value)) &&
      (!this.giverId || item.giver.id === this.giverId) &&
      (!this.recipientId || item.recipients.some((r) => r.id === this.recipientId))
    );
  }

  private insert(item: PraiseItem, replaceId?: string): void {
    const rest = this.items.filter((i) => i.id !== item.id && i.id !== replaceId);
    this.items = [item, ...rest];
    if (this.status !== 'error') this.status = 'ready';
  }

  // Optimistic insert: after every listener ran, so a host that cancels the submit is respected.
  private readonly onSubmit = (e: CustomEvent<GroveSubmitDetail>) => {
    const target = e.composedPath()[0] ?? e.target!;
    queueMicrotask(() => {
      if (e.defaultPrevented || !this.accepts(e.detail.preview)) return;
      this.pendingFrom.set(target, e.detail.preview.id);
      this.insert(e.detail.preview);
    });
  };

  private readonly onSubmitted = (e: CustomEvent<PraiseItem>) => {
    const target = e.composedPath()[0] ?? e.target!;
    const pending = this.pendingFrom.get(target);
    this.pendingFrom.delete(target);
    if (!this.accepts(e.detail)) return;
    this.insert(e.detail, pending);
    this.announcement = this.l10n.msg.newPraise(e.detail.giver.name);
  };

  private readonly onSubmitError = (e: Event) => {
    const target = e.composedPath()[0] ?? e.target!;
    const pending = this.pendingFrom.get(target);
    this.pendingFrom.delete(target);
    if (pending) this.items = this.items.filter((i) => i.id !== pending);
  };

  private query(cursor: string | null): FeedParams {
    return {
      limit: this.pageSize,
      cursor,
      scope: this.scope,
      value: this.value,
      recipientId: this.recipientId,
      giverId: this.giverId,
    };
  }

  private async toggleReaction(item: PraiseItem, reaction: Reaction): Promise<void> {
    const current = item.reactions.find((r) => r.reaction === reaction);
    const on = !current?.reacted;
    const before = item.reactions;
    const others = before.filter((r) => r.reaction !== reaction);
    const count = Math.max(0, (current?.count ?? 0) + (on ? 1 : -1));
    this.failed = null;
    this.replace({ ...item, reactions: [...others, { reaction, count, reacted: on }] });
    try {
      const { reactions } = await this.client.react(item.id, reaction, on);
      this.replace({ ...item, reactions });
    } catch (err) {
      this.replace({ ...item, reactions: before });
      this.failed = item.id;
      this.announcement = this.describe(toProblem(err));
    }
  }

  private replace(item: PraiseItem): void {
    this.items = this.items.map((i) => (i.id === item.id ? item : i));
  }

  private async deleteItem(item: PraiseItem): Promise<void> {
    this.confirming = null;
    try {
      await this.client.deletePraise(item.id);
      const index = this.items.indexOf(item);
      this.items = this.items.filter((i) => i.id !== item.id);
      this.announcement = this.l10n.msg.deleted;
      emit(this, 'grove-deleted', { id: item.id });
      await this.updateComplete;
      const articles = this.renderRoot.querySelectorAll<HTMLElement>('article');
      (articles[Math.min(index, articles.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('[role="feed"]'))?.focus();
    } catch (err) {
      this.failed = item.id;
      this.announcement = this.describe(toProblem(err));
    }
  }

  // Feed pattern keys: Page Down / Page Up move between articles.
  private onFeedKeydown(e: KeyboardEvent): void {
    if (e.key !== 'PageDown' && e.key !== 'PageUp') return;
    const articles = [...this.renderRoot.querySelectorAll<HTMLElement>('article')];
    const current = articles.findIndex((a) => a.contains(e.composedPath()[0] as Node));
    const next = articles[current + (e.key === 'PageDown' ? 1 : -1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  }

  /** Reloads the first page with the current filters. */
  reload(): void {
    const seq = ++this.loadSeq;
    const values = this.valueLabels.size ? null : this.client.values().catch(() => ({ items: [] }));
    void this.track(async () => {
      const page = await this.client.praise(this.query(null));
      if (values) for (const v of (await values).items) this.valueLabels.set(v.key, v);
      if (seq !== this.loadSeq) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
    });
  }

  /** Appends the next page, if any. */
  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    const seq = this.loadSeq;
    try {
      const page = await this.client.praise(this.query(this.nextCursor));
      if (seq !== this.loadSeq) return;
      const known = new Set(this.items.map((i) => i.id));
      this.items = [...this.items, ...page.items.filter((i) => !known.has(i.id))];
      this.nextCursor = page.nextCursor;
      this.announcement = this.l10n.msg.loadedMore(page.items.length);
    } catch (err) {
      this.announcement = this.describe(toProblem(err));
    } finally {
      this.loadingMore = false;
    }
  }

  private renderReactions(item: PraiseItem) {
    const m = this.l10n.msg;
    return html`<div class="actions" role="group" aria-label=${m.reactions}>
      ${(Object.keys(REACTION_EMOJI) as Reaction[]).map((r) => {
        const rc = item.reactions.find((x) => x.reaction === r);
        const count = rc?.count ?? 0;
        return html`<button
          class="chip"
          part="reaction-button"
          aria-pressed=${rc?.reacted ? 'true' : 'false'}
          aria-label=${m.reaction(m.reactionNames[r], count, !!rc?.reacted)}
          ?disabled=${item.id.startsWith('pending:')}
          @click=${() => this.toggleReaction(item, r)}
        >
          <span aria-hidden="true">${REACTION_EMOJI[r]}</span>${count ? html`<span aria-hidden="true">${count}</span>` : nothing}
        </button>`;
      })}
      ${item.canDelete ? this.renderDelete(item) : nothing}
    </div>
    ${this.failed === item.id ? html`<p class="error" part="error">${this.announcement}</p>` : nothing}`;
  }

  private renderDelete(item: PraiseItem) {
    const m = this.l10n.msg;
    if (this.confirming !== item.id) {
      return html`<button class="delete" part="delete-button" @click=${() => (this.confirming = item.id)}>${m.delete}</button>`;
    }
    return html`<span class="delete" role="group" aria-label=${m.confirmDelete}>
      <span class="muted">${m.confirmDelete}</span>
      <button part="delete-button" class="primary" @click=${() => this.deleteItem(item)}>${m.delete}</button>
      <button @click=${() => (this.confirming = null)}>${m.cancel}</button>
    </span>`;
  }

  private renderItem(item: PraiseItem, index: number) {
    const m = this.l10n.msg;
    const id = `praise-${index}`;
    const recipients = this.l10n.list(item.recipients.map((r) => r.name));
    return html`<article
      part="item"
      tabindex="0"
      aria-labelledby=${id}
      aria-posinset=${index + 1}
      aria-setsize=${this.nextCursor ? -1 : this.items.length}
      ?data-pending=${item.id.startsWith('pending:')}
    >
      <span class="avatar" part="avatar" aria-hidden="true">${initials(item.giver.name)}</span>
      <div class="body">
        <header part="header">
          <h3 id=${id}>${m.praised(item.giver.name, recipients)}</h3>
          <time class="muted" datetime=${item.createdAt} title=${this.l10n.fullDate(item.createdAt)}
            >${this.l10n.relative(item.createdAt)}</time
          >
          ${item.visibility === 'private' ? html`<span class="chip">${m.private}</span>` : nothing}
        </header>
        <p class="message" part="message">${item.message}</p>
        ${item.values.length
          ? html`<ul class="chips" aria-label=${m.values}>
              ${item.values.map((key) => {
                const v = this.valueLabels.get(key);
                return html`<li class="chip" part="value">${v?.emoji ? `${v.emoji} ` : ''}${v?.label ?? key}</li>`;
              })}
            </ul>`
          : nothing}
        ${this.renderReactions(item)}
      </div>
    </article>`;
  }

  render() {
    const m = this.l10n.msg;
    const ready = this.status === 'ready';
    return html`
      ${this.renderState()}
      ${ready && !this.items.length ? this.renderEmpty(m.empty) : nothing}
      <div part="feed" role="feed" aria-label=${m.wallLabel} aria-busy=${this.loadingMore ? 'true' : 'false'} @keydown=${this.onFeedKeydown}>
        ${this.items.map((item, i) => this.renderItem(item, i))}
      </div>
      ${ready && this.nextCursor
        ? html`<button class="more" part="load-more-button" ?disabled=${this.loadingMore} @click=${this.loadMore}>
            ${this.loadingMore ? m.loadingMore : m.loadMore}
          </button>`
        : nothing}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }
}
