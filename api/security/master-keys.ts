import { createHash } from 'node:crypto';
import { open, seal } from './envelope.js';

/** A master key's public name: a fingerprint that identifies it without revealing it. */
export function masterKeyId(key: Buffer): string {
  return `mk_${createHash('sha256').update('grove master key id\0').update(key).digest('hex').slice(0, 16)}`;
}

interface NamedKey {
  id: string;
  key: Buffer;
}

/**
 * The master key that wraps every other key (tenant data keys, signing keys), and the former
 * masters still accepted for unwrapping while `grove keys rotate-master` re-wraps under the
 * current one. Wrapping always uses the current key; what was wrapped records its master's id.
 */
export class MasterKeys {
  readonly current: NamedKey;
  private readonly all: NamedKey[];

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.current = { id: masterKeyId(current), key: current };
    this.all = [this.current, ...previous.map((key) => ({ id: masterKeyId(key), key }))];
  }

  static of(keys: MasterKeys | Buffer): MasterKeys {
    return keys instanceof MasterKeys ? keys : new MasterKeys(keys);
  }

  wrap(plaintext: Buffer | string, context: string): { wrapped: string; masterKeyId: string } {
    return { wrapped: seal(this.current.key, plaintext, context), masterKeyId: this.current.id };
  }

  /**
   * Unwraps with the master named by `id`; with no id (wrapped before ids were recorded), tries
   * each known master. Throws when the master is unknown or the envelope does not open.
   */
  unwrap(wrapped: string, context: string, id: string | null | undefined): Buffer {
    const candidates = id ? this.all.filter((k) => k.id === id) : this.all;
    if (candidates.length === 0) {
      throw new Error(`Wrapped by master key ${id}, which is neither GROVE_MASTER_KEY nor in GROVE_PREVIOUS_MASTER_KEYS`);
    }
    let failure: unknown;
    for (const candidate of candidates) {
      try {
        return open(candidate.key, wrapped, context);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  /** The id of the master that opens `wrapped` (for envelopes stored without one). */
  idOf(wrapped: string, context: string): string | undefined {
    for (const candidate of this.all) {
      try {
        open(candidate.key, wrapped, context);
        return candidate.id;
      } catch {
        /* not this one */
      }
    }
    return undefined;
  }
}
