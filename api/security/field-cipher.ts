import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeys } from './data-keys.js';
import { OpenedValues } from './opened-values.js';
import type { SecurityEvents } from './security-events.js';

/** Where a value lives: bound into its ciphertext, so it cannot be moved to another place. */
export interface FieldRef {
  table: string;
  column: string;
  /** The row's primary key within the tenant (several columns joined with '/'). */
  rowId: string;
}

export interface OpenContext {
  requestId?: string | undefined;
}

/**
 * Encryption of the free text people write, the one mechanism every module uses: seal before
 * the value reaches the database, open on the way out. Both are synchronous: `prepare` (outside
 * the unit of work) has loaded the tenant's keys and nonce budget.
 */
export interface FieldCipher {
  prepare(tenantId: string, options?: { write?: boolean }): Promise<void>;
  seal(tenantId: string, field: FieldRef, plaintext: string): string;
  /**
   * The plaintext, or undefined when the value does not open (moved from another row or
   * tenant, tampered with, key destroyed, never sealed): that records a `decryption_failed`
   * security event, and the caller leaves the item out rather than failing the whole answer.
   */
  open(tenantId: string, field: FieldRef, stored: string, context?: OpenContext): string | undefined;
}

/** Stored format: `f1.<key version>.<base64url(nonce | ciphertext | tag)>`. */
const PREFIX = 'f1.';
const FORMAT = /^f1\.(\d{1,9})\.([A-Za-z0-9_-]+)$/;
const NONCE = 12;
const TAG = 16;

export const isSealed = (value: string): boolean => FORMAT.test(value);

/** The key version a stored value was sealed under (undefined when it is not sealed). */
export function sealedVersion(value: string): number | undefined {
  const match = FORMAT.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** SQL LIKE pattern of values sealed under `version` (for scans: rotation, retirement). */
export const sealedPattern = (version?: number) => (version === undefined ? `${PREFIX}%` : `${PREFIX}${version}.%`);

function aad(tenantId: string, field: FieldRef, version: number): Buffer {
  return Buffer.from(`grove-field|${tenantId}|${field.table}|${field.column}|${field.rowId}|${version}`);
}

export class DecryptionFailed extends Error {
  override name = 'DecryptionFailed';
}

/** AES-256-GCM with a 96-bit random nonce and a 128-bit tag under the tenant's data key. */
export class AesFieldCipher implements FieldCipher {
  /** Plaintexts the request path opened recently (see opened-values.ts); batch jobs bypass it. */
  private readonly opened: OpenedValues;

  constructor(
    readonly keys: DataKeys,
    private readonly events?: SecurityEvents,
    options: { openedCacheEntries?: number } = {},
  ) {
    this.opened = new OpenedValues(options.openedCacheEntries);
    keys.onEvict((tenantId) => this.opened.forgetTenant(tenantId));
  }

  prepare(tenantId: string, options: { write?: boolean } = {}): Promise<void> {
    return this.keys.prepare(tenantId, options);
  }

  seal(tenantId: string, field: FieldRef, plaintext: string): string {
    const { version, key } = this.keys.takeForSeal(tenantId);
    return sealWith(key, version, tenantId, field, plaintext);
  }

  /**
   * Opens or throws `DecryptionFailed` (batch jobs, which count failures themselves). The empty
   * string is the one value stored as is: it says nothing, and it is what erasing a person leaves
   * of their writing (directory/erasure.service.ts). Blanking a value in the database is no
   * more than deleting it, which database access allows anyway.
   */
  openOrThrow(tenantId: string, field: FieldRef, stored: string): string {
    if (stored === '') return '';
    const match = FORMAT.exec(stored);
    if (!match) throw new DecryptionFailed('not a sealed value');
    const version = Number(match[1]);
    const key = this.keys.key(tenantId, version);
    if (!key) throw new DecryptionFailed(`no key version ${version}`);
    const raw = Buffer.from(match[2]!, 'base64url');
    if (raw.length < NONCE + TAG) throw new DecryptionFailed('too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE), { authTagLength: TAG });
      decipher.setAAD(aad(tenantId, field, version));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionFailed('authentication failed');
    }
  }

  open(tenantId: string, field: FieldRef, stored: string, context: OpenContext = {}): string | undefined {
    // Only while this instance still holds the value's key version: a destroyed key makes its
    // cached plaintexts unreachable at once, as it does the ciphertexts.
    const version = sealedVersion(stored);
    const memo = version !== undefined && this.keys.key(tenantId, version) ? OpenedValues.key(tenantId, version, `${field.table}|${field.column}|${field.rowId}`, stored) : undefined;
    const hit = memo ? this.opened.get(memo) : undefined;
    if (hit !== undefined) return hit;
    try {
      const plaintext = this.openOrThrow(tenantId, field, stored);
      if (memo) this.opened.set(memo, plaintext);
      return plaintext;
    } catch (error) {
      // Never the value itself: only where it was and why it did not open.
      this.events?.record({
        type: 'decryption_failed',
        tenantId,
        requestId: context.requestId,
        details: { table: field.table, column: field.column, rowId: field.rowId, reason: (error as Error).message },
      });
      return undefined;
    }
  }
}

/** Seals under an explicit key version (rotation and the plaintext migration reserve their own nonces). */
export function sealWith(key: Buffer, version: number, tenantId: string, field: FieldRef, plaintext: string): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad(tenantId, field, version));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${version}.${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The cipher bound to one tenant and request: what a module's service receives. */
export interface TenantFields {
  seal(field: FieldRef, plaintext: string): string;
  open(field: FieldRef, stored: string): string | undefined;
}

export function tenantFields(cipher: FieldCipher, tenantId: string, context: OpenContext = {}): TenantFields {
  return {
    seal: (field, plaintext) => cipher.seal(tenantId, field, plaintext),
    open: (field, stored) => cipher.open(tenantId, field, stored, context),
  };
}
