export interface AuthFailureOptions {
  /** Failures from one source within the window that make one `authentication_failures` event. */
  threshold: number;
  windowMs: number;
  /** Sources tracked at once; the oldest window is forgotten past it (memory stays bounded). */
  maxSources?: number;
}

export const DEFAULT_AUTH_FAILURES: AuthFailureOptions = { threshold: 20, windowMs: 60_000, maxSources: 10_000 };

/**
 * Counts refused credentials (401) per source, a source being an IP address or a credential
 * fingerprint (a digest prefix of what was presented, never the secret), in fixed windows.
 * `fail()` answers true exactly once per source and window: when the count reaches the
 * threshold, so a thousand failures make one event, not a thousand. In memory, per instance.
 */
export class AuthFailureCounter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly options: AuthFailureOptions = DEFAULT_AUTH_FAILURES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one failure; returns the count when it just reached the threshold, else 0. */
  fail(source: string): number {
    const now = this.now();
    let window = this.windows.get(source);
    if (!window || now - window.startedAt >= this.options.windowMs) {
      this.windows.delete(source);
      window = { startedAt: now, count: 0 };
      this.windows.set(source, window);
      this.evict();
    }
    window.count++;
    return window.count === this.options.threshold ? window.count : 0;
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  private evict(): void {
    const max = this.options.maxSources ?? 10_000;
    // A Map iterates in insertion order: the first keys hold the oldest windows.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= max) break;
      this.windows.delete(key);
    }
  }
}
