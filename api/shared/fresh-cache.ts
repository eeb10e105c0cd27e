/**
 * Facts read from the database on nearly every request (a tenant's allowed origins, a token
 * user's role), kept in memory for `ttlMs`. A value is never served more than `ttlMs` after the
 * read that produced it began, so a change made on another instance shows within `ttlMs`.
 *
 * Two rules keep a busy instance from reading one fact many times over:
 * - **one read at a time per key.** Callers that miss while a read is in flight wait for it: when
 *   an entry expired under 50 concurrent requests, each of them used to run the same query.
 * - **renewed before it expires.** The first caller past half an entry's life reads it again
 *   while every other caller is still answered from the entry, so under steady load an entry is
 *   renewed in the background of one request and nobody waits for it to expire.
 *
 * The read is the caller's own `load`, awaited by that caller, so it may run inside the caller's
 * unit of work (a read started by one request and left to finish after it would outlive its
 * transaction). A caller waiting on another's read that fails reads for itself. Failed reads are
 * not kept. `delete`, `deleteWhere` and `clear` drop the reads in flight too: a read that began
 * before a change never stores what it saw.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private readonly reading = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    const age = entry ? Date.now() - entry.at : Infinity;
    const inFlight = this.reading.get(key);
    if (entry && age < this.ttlMs) {
      return age >= this.ttlMs / 2 && !inFlight ? this.read(key, load) : entry.value;
    }
    return inFlight ? inFlight.catch(() => this.read(key, load)) : this.read(key, load);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.reading.delete(key);
  }

  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
    for (const key of this.reading.keys()) if (matches(key)) this.reading.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.reading.clear();
  }

  private read(key: string, load: () => Promise<V>): Promise<V> {
    const at = Date.now();
    const reading: Promise<V> = load().then(
      (value) => {
        // Still this key's read: not dropped by a change meanwhile, nor overtaken by another read.
        if (this.reading.get(key) === reading) {
          this.reading.delete(key);
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(key, { value, at });
        }
        return value;
      },
      (error: unknown) => {
        if (this.reading.get(key) === reading) this.reading.delete(key);
        throw error;
      },
    );
    this.reading.set(key, reading);
    return reading;
  }
}
