import { v7 as uuidv7 } from 'uuid';
import { errors, jwtVerify, SignJWT, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { KeyRing } from './keyring.js';
import type { RevocationList } from './revocations.js';
import { sha256 } from './secrets.js';

/** The `typ` header every widget token carries; a JWT of any other type is refused. */
export const TOKEN_TYPE = 'grove-widget+jwt';
export const TOKEN_AUDIENCE = 'grove-widgets';
export const DEFAULT_TTL_SECONDS = 300;
export const MAX_TTL_SECONDS = 600;
export const CLOCK_LEEWAY_SECONDS = 60;

export interface WidgetClaims {
  /** Grove person id. */
  sub: string;
  tid: string;
  /** Space-separated scopes. */
  scp: string;
  /** The one origin the token is valid on; absent for a server token. */
  org?: string;
  res?: string;
  locale?: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
}

export interface MintRequest {
  tenantId: string;
  personId: string;
  scopes: string[];
  origin?: string | undefined;
  ttlSeconds?: number | undefined;
  resource?: string | undefined;
  locale?: string | undefined;
}

export type TokenFailure =
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'unknown-key'
  | 'wrong-type'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'missing-claims'
  | 'revoked';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`Token refused: ${reason}`);
  }
}

/**
 * Mints and verifies widget tokens.
 *
 * Verifying an EdDSA signature costs more than the rest of a cheap request, so a verified token
 * is remembered by its SHA-256 digest until it expires. Only the signature and the static
 * claims are cached: revocation, expiry and whether the signing key still verifies (key
 * retirement) are checked on every request, from memory.
 */
export class TokenService {
  private readonly verified = new Map<string, { claims: WidgetClaims; kid: string }>();

  constructor(
    private readonly keys: KeyRing,
    private readonly revocations: RevocationList,
    private readonly issuer: string,
    private readonly cacheSize = 20_000,
  ) {}

  async mint(req: MintRequest): Promise<{ token: string; claims: WidgetClaims }> {
    const ttl = Math.min(req.ttlSeconds ?? DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS);
    const now = Math.floor(Date.now() / 1000);
    const claims: WidgetClaims = {
      sub: req.personId,
      tid: req.tenantId,
      scp: req.scopes.join(' '),
      ...(req.origin ? { org: req.origin } : {}),
      ...(req.resource ? { res: req.resource } : {}),
      ...(req.locale ? { locale: req.locale } : {}),
      // UUIDv7: unique, and its first bits tell the issue time to the millisecond (revocations.ts).
      jti: uuidv7(),
      iat: now,
      nbf: now,
      exp: now + ttl,
    };
    const { kid, key } = this.keys.signingKey();
    const token = await new SignJWT({ ...claims } as JWTPayload)
      .setProtectedHeader({ alg: 'EdDSA', typ: TOKEN_TYPE, kid })
      .setIssuer(this.issuer)
      .setAudience(TOKEN_AUDIENCE)
      .sign(key);
    return { token, claims };
  }

  async verify(token: string): Promise<WidgetClaims> {
    const digest = sha256(token);
    const hit = this.verified.get(digest);
    let claims: WidgetClaims;
    if (hit) {
      // A key retired past its grace (or pulled) takes its tokens with it, cached or not.
      if (!(await this.keys.verificationKey(hit.kid))) {
        this.verified.delete(digest);
        throw new TokenError('unknown-key');
      }
      claims = hit.claims;
    } else {
      const verified = await this.verifySignature(token);
      claims = verified.claims;
      this.remember(digest, verified);
    }
    const now = Date.now() / 1000;
    if (claims.exp + CLOCK_LEEWAY_SECONDS < now) {
      this.verified.delete(digest);
      throw new TokenError('expired');
    }
    if (this.revocations.isRevoked(claims.tid, claims.jti, claims.iat)) throw new TokenError('revoked');
    return claims;
  }

  private async verifySignature(token: string): Promise<{ claims: WidgetClaims; kid: string }> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenError('malformed');
    }
    if (!kid) throw new TokenError('unknown-key');
    const key = await this.keys.verificationKey(kid);
    if (!key) throw new TokenError('unknown-key');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['EdDSA'],
        typ: TOKEN_TYPE,
        issuer: this.issuer,
        audience: TOKEN_AUDIENCE,
        clockTolerance: CLOCK_LEEWAY_SECONDS,
        maxTokenAge: MAX_TTL_SECONDS + CLOCK_LEEWAY_SECONDS,
        requiredClaims: ['exp', 'iat', 'nbf', 'jti', 'sub', 'tid', 'scp'],
      });
      if (typeof payload.tid !== 'string' || typeof payload.scp !== 'string') throw new TokenError('missing-claims');
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_TTL_SECONDS) throw new TokenError('malformed');
      return { claims: payload as unknown as WidgetClaims, kid };
    } catch (error) {
      throw toTokenError(error);
    }
  }

  private remember(digest: string, entry: { claims: WidgetClaims; kid: string }): void {
    if (this.verified.size >= this.cacheSize) {
      // Map keeps insertion order: drop the oldest tenth in one go.
      let drop = Math.ceil(this.cacheSize / 10);
      for (const key of this.verified.keys()) {
        this.verified.delete(key);
        if (--drop === 0) break;
      }
    }
    this.verified.set(digest, entry);
  }
}

function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError('expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return new TokenError('not-yet-valid');
    if (error.claim === 'aud') return new TokenError('wrong-audience');
    if (error.claim === 'iss') return new TokenError('wrong-issuer');
    if (error.claim === 'typ') return new TokenError('wrong-type');
    return new TokenError('missing-claims');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenError('bad-signature');
  return new TokenError('malformed');
}
