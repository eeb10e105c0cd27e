import { html, LitElement, nothing, type CSSResultGroup, type PropertyDeclarations, type TemplateResult } from 'lit';
import { client } from './client.js';
import { LocaleController } from './localize.js';
import { ProblemError, problemCode, toProblem, type Problem } from './problem.js';
import { themeStyles } from './theme.js';
import { provider } from './token-provider.js';

/** What an element is doing with its data. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * Base of every Grove element: page-level configuration from attributes, locale, theme, and the
 * loading / empty / error-with-retry / offline states.
 *
 * @csspart state - The loading, empty and error messages.
 * @csspart retry-button - The "Try again" button of the error state.
 * @csspart offline - The banner shown while the browser is offline.
 */
export class GroveElement extends LitElement {
  static styles: CSSResultGroup = [themeStyles];

  static properties: PropertyDeclarations = {
    locale: { reflect: true },
    theme: { reflect: true },
    apiUrl: { attribute: 'api-url' },
    tokenUrl: { attribute: 'token-url' },
    status: { state: true },
    problem: { state: true },
    offline: { state: true },
  };

  protected readonly l10n = new LocaleController(this);
  protected readonly client = client;

  /** Language tag (`en`, `fr-CA`); defaults to the token's locale, then `<html lang>`, then the browser's. */
  locale: string | null = null;
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: 'light' | 'dark' | 'auto' = 'auto';
  /** Base URL of the Grove API, when the page does not call `Grove.configure()`. */
  apiUrl: string | null = null;
  /** The host's own endpoint answering `POST` with `{ token }`, when the page does not call `Grove.configure()`. */
  tokenUrl: string | null = null;

  protected status: LoadStatus = 'idle';
  protected problem: Problem | null = null;
  protected offline = typeof navigator !== 'undefined' && !navigator.onLine;

  connectedCallback(): void {
    super.connectedCallback();
    provider.configureFrom(this);
    provider.attach(this);
    addEventListener('online', this.onConnectivity);
    addEventListener('offline', this.onConnectivity);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    provider.detach(this);
    removeEventListener('online', this.onConnectivity);
    removeEventListener('offline', this.onConnectivity);
  }

  private readonly onConnectivity = () => {
    const wasOffline = this.offline;
    this.offline = !navigator.onLine;
    if (wasOffline && !this.offline && this.status === 'error' && problemCode(this.problem!) === 'network') this.reload();
  };

  /** Loads the element's data again (what "Try again" does). */
  reload(): void {}

  /** Runs a load, tracking status and turning failures into the error state. */
  protected async track<T>(task: () => Promise<T>): Promise<T | undefined> {
    this.status = 'loading';
    this.problem = null;
    try {
      const result = await task();
      this.status = 'ready';
      return result;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return undefined;
      this.problem = toProblem(err);
      this.status = 'error';
      return undefined;
    }
  }

  /** The sentence to show for a problem, in the viewer's language. */
  protected describe(problem: Problem | ProblemError): string {
    const p = problem instanceof ProblemError ? problem.problem : problem;
    const m = this.l10n.msg;
    switch (problemCode(p)) {
      case 'origin-not-allowed':
        return m.errorOrigin;
      case 'unauthorized':
      case 'token-unavailable':
      case 'not-configured':
        return m.errorAuth;
      case 'forbidden':
        return m.errorForbidden;
      case 'not-found':
        return m.errorNotFound;
      case 'rate-limited':
        return m.errorRateLimited;
      case 'network':
        return m.errorNetwork;
      default:
        return p.detail ?? m.error;
    }
  }

  /** The offline banner, the loading message or the error with retry; `nothing` when ready. */
  protected renderState(): TemplateResult | typeof nothing {
    const m = this.l10n.msg;
    const offline = this.offline ? html`<p part="offline" class="state" role="status">${m.offline}</p>` : nothing;
    if (this.status === 'error' && this.problem) {
      const code = problemCode(this.problem);
      const canRetry = code !== 'origin-not-allowed' && code !== 'forbidden';
      return html`${offline}
        <div part="state" class="state" role="alert" data-problem=${code}>
          <p>${this.describe(this.problem)}</p>
          ${canRetry ? html`<button part="retry-button" @click=${() => this.reload()}>${m.retry}</button>` : nothing}
        </div>`;
    }
    if (this.status === 'loading' || this.status === 'idle') {
      return html`${offline}<p part="state" class="state" role="status">${m.loading}</p>`;
    }
    return offline;
  }

  /** The empty state, with a message of the subclass's choosing. */
  protected renderEmpty(message: string): TemplateResult {
    return html`<p part="state" class="state">${message}</p>`;
  }
}
