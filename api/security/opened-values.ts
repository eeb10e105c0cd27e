/**
 * Plaintexts this instance opened recently, so that the feed's top items (read by everyone in a
 * tenant, over and over) are not decrypted again on every read: one AES-GCM open costs about
 * 6 µs of CPU, 21 of them were the largest single cost of a feed page.
 *
 * An entry is keyed by the whole place (tenant, key version, table, column, row) *and* the
 * stored ciphertext, so a hit is exactly a value that opened here before, in the same place:
 * a ciphertext moved to another row or tenant misses and goes through GCM, which refuses it.
 * The cipher consults the cache only while it still holds the key version (`DataKeys.key`), so
 * a destroyed key takes its cached plaintexts with it at once; `forgetTenant` then frees them.
 *
 * Bounded in entries and age: plaintext stays in this process's memory for at most `ttlMs`
 * (erasure blanks a person's text in the database; a copy opened before lapses with the TTL).
 */
export class OpenedValues {
  private readonly entries = new Map<string, { plaintext: string; at: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  static key(tenantId: string, version: number, place: string, stored: string): string {
    return `${tenantId}|${version}|${place}|${stored}`;
  }

  get(key: string): string | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.plaintext;
  }

  set(key: string, plaintext: string): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order: drop the oldest tenth in one go.
      let drop = Math.ceil(this.maxEntries / 10);
      for (const old of this.entries.keys()) {
        this.entries.delete(old);
        if (--drop === 0) break;
      }
    }
    this.entries.set(key, { plaintext, at: Date.now() });
  }

  forgetTenant(tenantId: string): void {
    const prefix = `${tenantId}|`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
