import { emit } from './events.js';
import { decodeJwtPayload, refreshAt, type TokenClaims } from './jwt.js';
import { localProblem, ProblemError } from './problem.js';

/** What the host page tells Grove, once per page. */
export interface GroveConfig {
  /** Base URL of the Grove API, e.g. `https://grove.example.com`. */
  apiUrl: string;
  /** Resolves to a fresh embed token (a JWT) minted by the host's backend. */
  getToken: () => Promise<string> | string;
}

/** How long elements wait for `Grove.configure()` or `token-url` before reporting an auth error. */
const CONFIGURE_TIMEOUT_MS = 10_000;

/**
 * The page-level token provider shared by every Grove element: one token, refreshed
 * single-flight shortly before `exp` (lazily, on the next request, so an idle page does not
 * keep minting tokens) and on demand after a 401.
 */
export class TokenProvider extends EventTarget {
  private config?: GroveConfig;
  private fromAttributes = false;
  private current?: { token: string; claims: TokenClaims | null; refreshAt: number };
  private inflight?: Promise<string>;
  private waiters: (() => void)[] = [];
  private readonly elements = new Set<Element>();

  get apiUrl(): string {
    return this.config?.apiUrl.replace(/\/+$/, '') ?? '';
  }

  /** The `locale` claim of the current token, if any. */
  get locale(): string | undefined {
    return this.current?.claims?.locale;
  }

  /** Sets (or replaces) the page configuration; an explicit call wins over element attributes. */
  configure(config: GroveConfig, fromAttributes = false): void {
    if (fromAttributes && this.config) return;
    if (this.config && this.config.getToken !== config.getToken) this.current = undefined;
    this.config = config;
    this.fromAttributes = fromAttributes;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Uses `api-url` + `token-url` from an element unless the page was configured in script. */
  configureFrom(el: Element): void {
    const apiUrl = el.getAttribute('api-url');
    const tokenUrl = el.getAttribute('token-url');
    if (!apiUrl || !tokenUrl || this.config) return;
    this.configure({ apiUrl, getToken: () => fetchTokenFrom(tokenUrl) }, true);
  }

  /** Elements to notify with `grove-auth-error`. */
  attach(el: Element): void {
    this.elements.add(el);
  }
  detach(el: Element): void {
    this.elements.delete(el);
  }

  /** A token good for the next request, refreshing first when it is due. */
  async token(): Promise<string> {
    await this.ready();
    const now = Date.now();
    const cur = this.current;
    if (cur && now < cur.refreshAt) return cur.token;
    const exp = cur?.claims?.exp;
    // Due but still valid for a while: use it and renew in the background.
    if (cur && exp && now < exp * 1000 - 5_000) {
      this.refresh().catch(() => {});
      return cur.token;
    }
    return this.refresh();
  }

  /** Gets a new token; concurrent callers share one request. */
  refresh(): Promise<string> {
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    await this.ready();
    try {
      const token = await this.config!.getToken();
      if (typeof token !== 'string' || !token) throw new Error('getToken() did not resolve to a token');
      const claims = decodeJwtPayload(token);
      const previousLocale = this.locale;
      this.current = { token, claims, refreshAt: refreshAt(claims, Date.now()) };
      if (claims?.locale !== previousLocale) this.dispatchEvent(new Event('locale'));
      return token;
    } catch (err) {
      const problem = localProblem('token-unavailable', err instanceof Error ? err.message : 'No token', 401);
      this.authError(problem);
      throw new ProblemError(problem);
    }
  }

  private ready(): Promise<void> {
    if (this.config) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const problem = localProblem('not-configured', 'Grove.configure() was not called', 401);
        this.authError(problem);
        reject(new ProblemError(problem));
      }, CONFIGURE_TIMEOUT_MS);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private authError(problem: ReturnType<typeof localProblem>): void {
    const targets: EventTarget[] = this.elements.size ? [...this.elements] : [];
    if (typeof window !== 'undefined') targets.push(window);
    for (const t of targets) emit(t, 'grove-auth-error', { problem });
  }
}

/** The `token-url` protocol: POST to the host's own endpoint with its cookies, get `{ token }`. */
async function fetchTokenFrom(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`token-url answered ${res.status}`);
  const body = (await res.json()) as { token?: unknown };
  if (typeof body.token !== 'string') throw new Error('token-url did not return { token }');
  return body.token;
}

/** The provider of this copy of Grove. */
export const provider = new TokenProvider();

/**
 * Configures every Grove element on the page.
 *
 * @example
 * Grove.configure({
 *   apiUrl: 'https://grove.example.com',
 *   getToken: () => fetch('/grove-token', { method: 'POST' }).then((r) => r.json()).then((j) => j.token),
 * });
 */
export function configure(config: GroveConfig): void {
  provider.configure(config);
}
