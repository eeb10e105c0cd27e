import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PersonMatch } from '../../api/modules/directory/people.schemas.js';

const DEBOUNCE_MS = 200;

/**
 * Typeahead state of the composer's recipient combobox: debounced search, stale answers
 * dropped (each keystroke aborts the previous request), and the active option.
 */
export class RecipientSearch implements ReactiveController {
  query = '';
  results: PersonMatch[] = [];
  active = -1;
  open = false;
  searching = false;
  private timer?: ReturnType<typeof setTimeout>;
  private abort?: AbortController;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly search: (q: string, signal: AbortSignal) => Promise<PersonMatch[]>,
    private readonly excluded: () => Set<string>,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  get activeOption(): PersonMatch | undefined {
    return this.results[this.active];
  }

  input(q: string): void {
    this.query = q;
    clearTimeout(this.timer);
    if (!q.trim()) return this.close();
    this.timer = setTimeout(() => void this.run(q.trim()), DEBOUNCE_MS);
  }

  move(delta: number): void {
    const n = this.results.length;
    if (!this.open || !n) return;
    this.active = (this.active + delta + n) % n;
    this.host.requestUpdate();
  }

  close(): void {
    clearTimeout(this.timer);
    this.abort?.abort();
    this.open = false;
    this.searching = false;
    this.results = [];
    this.active = -1;
    this.host.requestUpdate();
  }

  private async run(q: string): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.searching = true;
    this.open = true;
    this.host.requestUpdate();
    try {
      const found = await this.search(q, abort.signal);
      if (abort.signal.aborted) return;
      const skip = this.excluded();
      this.results = found.filter((p) => !skip.has(p.id));
      this.active = this.results.length ? 0 : -1;
    } catch {
      if (abort.signal.aborted) return;
      this.results = [];
      this.active = -1;
    }
    this.searching = false;
    this.host.requestUpdate();
  }
}
