import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, refreshAt } from './jwt.js';

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const jwt = (payload: object) => `${b64url('{"alg":"EdDSA"}')}.${b64url(JSON.stringify(payload))}.sig`;

describe('decodeJwtPayload', () => {
  it('reads exp and locale, including non-ASCII and base64url characters', () => {
    const claims = decodeJwtPayload(jwt({ exp: 1_700_000_000, locale: 'fr-CA', name: 'Zoë ?>>?' }));
    expect(claims).toMatchObject({ exp: 1_700_000_000, locale: 'fr-CA', name: 'Zoë ?>>?' });
  });

  it('returns null for anything that is not a JWT with a JSON object payload', () => {
    expect(decodeJwtPayload('')).toBeNull();
    expect(decodeJwtPayload('a.b')).toBeNull();
    expect(decodeJwtPayload('a.%%%.c')).toBeNull();
    expect(decodeJwtPayload(`x.${b64url('[1]')}.y`)).toBeNull();
    expect(decodeJwtPayload(`x.${b64url('nope')}.y`)).toBeNull();
  });
});

describe('refreshAt', () => {
  const now = 1_000_000_000_000;

  it('refreshes 30 s before exp for a 5-minute token', () => {
    expect(refreshAt({ exp: now / 1000 + 300 }, now)).toBe(now + 270_000);
  });

  it('refreshes at half-life for a token too short for the 30 s lead', () => {
    expect(refreshAt({ exp: now / 1000 + 40 }, now)).toBe(now + 20_000);
  });

  it('refreshes at once when the token has no exp or is already expired', () => {
    expect(refreshAt({}, now)).toBe(now);
    expect(refreshAt(null, now)).toBe(now);
    expect(refreshAt({ exp: now / 1000 - 1 }, now)).toBe(now);
  });
});
