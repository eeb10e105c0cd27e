import { randomUUID } from 'node:crypto';
import { gt, isNull, or } from 'drizzle-orm';
import { exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose';
import type { Database } from '../db/client.js';
import { signingKeys } from '../db/schema/signing-keys.js';
import { MasterKeys } from './master-keys.js';

type KeyLike = CryptoKey;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: KeyLike;
  privateKey: KeyLike | undefined;
  retiredAt: Date | null;
  verifyUntil: Date | null;
}

/**
 * The Ed25519 keys that sign widget tokens. Exactly one key signs at a time; retired keys keep
 * verifying (and stay in the JWKS) until the last token they signed has expired, so a rotation
 * logs nobody out. Private keys rest encrypted under the master key, bound to their `kid`.
 */
export class KeyRing {
  private keys = new Map<string, LoadedKey>();
  private lastReload = 0;

  constructor(
    private readonly db: Database,
    masterKeys: MasterKeys | Buffer,
    /** How long a retired key must keep verifying: longest token lifetime plus clock leeway. */
    private readonly verifyGraceMs: number,
  ) {
    this.masters = MasterKeys.of(masterKeys);
  }

  private readonly masters: MasterKeys;

  private timer: NodeJS.Timeout | undefined;

  /**
   * Loads the keys (creating the first one on a new deployment) and re-reads them every
   * `refreshMs`, so a rotation or an early key withdrawal on another instance reaches this one.
   */
  async init(refreshMs = 10_000): Promise<void> {
    await this.reload();
    if (!this.current()) await this.rotate();
    this.timer = setInterval(() => void this.reload().catch(() => {}), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  current(): LoadedKey | undefined {
    for (const key of this.keys.values()) if (!key.retiredAt && key.privateKey) return key;
    return undefined;
  }

  signingKey(): { kid: string; key: KeyLike } {
    const key = this.current();
    if (!key?.privateKey) throw new Error('No signing key: KeyRing.init() was not called');
    return { kid: key.kid, key: key.privateKey };
  }

  /**
   * The verification key for `kid`. An unknown kid may have been created by another instance's
   * rotation, so reload once, at most every few seconds, before refusing it.
   */
  async verificationKey(kid: string): Promise<KeyLike | undefined> {
    let key = this.keys.get(kid);
    if (!key && Date.now() - this.lastReload > 5_000) {
      await this.reload();
      key = this.keys.get(kid);
    }
    if (!key || (key.verifyUntil && key.verifyUntil.getTime() < Date.now())) return undefined;
    return key.publicKey;
  }

  jwks(): { keys: JWK[] } {
    const now = Date.now();
    return {
      keys: [...this.keys.values()]
        .filter((k) => !k.verifyUntil || k.verifyUntil.getTime() > now)
        .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'EdDSA', use: 'sig' })),
    };
  }

  /** Makes a new signing key and retires the current one. Returns the new kid. */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `k_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const pkcs8 = await exportPKCS8(privateKey);
    const publicJwk = await exportJWK(publicKey);
    const now = new Date();
    const retired = await this.db.transaction(async (tx) => {
      const old = await tx
        .update(signingKeys)
        .set({ retiredAt: now, verifyUntil: new Date(now.getTime() + this.verifyGraceMs) })
        .where(isNull(signingKeys.retiredAt))
        .returning({ kid: signingKeys.kid });
      const { wrapped, masterKeyId } = this.masters.wrap(pkcs8, signingKeyContext(kid));
      await tx.insert(signingKeys).values({ kid, publicJwk, privateKeyEnc: wrapped, masterKeyId, createdAt: now });
      return old.map((o) => o.kid);
    });
    await this.reload();
    return { kid, retired };
  }

  async reload(): Promise<void> {
    this.lastReload = Date.now();
    const stored = await this.db
      .select()
      .from(signingKeys)
      .where(or(isNull(signingKeys.verifyUntil), gt(signingKeys.verifyUntil, new Date())));
    const next = new Map<string, LoadedKey>();
    for (const row of stored) {
      const known = this.keys.get(row.kid);
      const publicKey = known?.publicKey ?? ((await importJWK(row.publicJwk, 'EdDSA')) as KeyLike);
      const privateKey = row.retiredAt
        ? undefined
        : (known?.privateKey ??
          (await importPKCS8(this.masters.unwrap(row.privateKeyEnc, signingKeyContext(row.kid), row.masterKeyId).toString(), 'EdDSA')));
      next.set(row.kid, {
        kid: row.kid,
        publicJwk: row.publicJwk,
        publicKey,
        privateKey,
        retiredAt: row.retiredAt,
        verifyUntil: row.verifyUntil,
      });
    }
    this.keys = next;
  }
}

/** The additional data a signing key's private half is sealed with: it cannot pose as another kid. */
export const signingKeyContext = (kid: string) => `signing-key:${kid}`;
