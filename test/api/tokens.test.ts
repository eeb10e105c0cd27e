import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issuedAtMs } from '../../api/security/revocations.js';
import { PLATFORM_KEY, testGrove, type Reply, type TestGrove } from '../support/grove.js';

/**
 * Widget tokens, attacked from every side the design names ("Tokens for widgets" in
 * DESIGN.md): every refusal must be a problem document, and every check has a control that
 * shows the same request passes when only the attacked property is sound, so a refusal
 * cannot come from a broken fixture.
 */

let t: TestGrove;
beforeAll(async () => {
  t = await testGrove();
});
afterAll(() => t.close());

type Acme = Awaited<ReturnType<TestGrove['tenantWithPeople']>>;

let tenants = 0;
/** A tenant of its own, on an origin of its own, with boss, ann, bob, cat and root (admin). */
async function arrange(): Promise<Acme> {
  tenants += 1;
  return t.tenantWithPeople(`Tenant ${tenants}`, `https://t${tenants}.intranet.test`);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A request any praise:read token may make: the first page of the feed. */
const feed = (token: string, origin: string | null, request = t.request) =>
  request('GET', '/v1/praise?limit=1', { auth: token, origin });

function expectProblem(reply: Reply, status: number, code: string, reason?: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: `urn:grove:problem:${code}`, status });
  if (reason) expect(reply.body.reason).toBe(reason);
  // Never a stack trace or the token itself in an error.
  expect(JSON.stringify(reply.body)).not.toMatch(/\bat .+\.ts:\d+|eyJ/);
}

const expectRefused = (reply: Reply, reason?: string) => expectProblem(reply, 401, 'unauthorized', reason);

/** The claims of a real token of ann's, to forge variations of (with a fresh jti each time). */
async function realClaims(acme: Acme, scopes?: string[]): Promise<JWTPayload> {
  return decodeJwt(await acme.token('ann', scopes));
}

/** Signs `payload` like Grove does (real key, kid, typ) unless `header` or `key` say otherwise. */
async function sign(payload: JWTPayload, header: Record<string, unknown> = {}, key?: CryptoKey) {
  const signing = t.grove.deps.keys.signingKey();
  const protectedHeader = { alg: 'EdDSA', typ: 'grove-widget+jwt', kid: signing.kid, ...header };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete (protectedHeader as Record<string, unknown>)[name];
  return new SignJWT({ ...payload }).setProtectedHeader(protectedHeader as { alg: string }).sign(key ?? signing.key);
}

/** `base` with a fresh jti and `changes` applied; an `undefined` change removes the claim. */
function claims(base: JWTPayload, changes: Record<string, unknown>): JWTPayload {
  const next: Record<string, unknown> = { ...base, jti: randomUUID(), ...changes };
  for (const [name, value] of Object.entries(next)) if (value === undefined) delete next[name];
  return next as JWTPayload;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Polls `probe` until it holds or `ms` have passed; returns the last reply. */
async function within(ms: number, probe: () => Promise<Reply>, holds: (reply: Reply) => boolean): Promise<Reply> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await probe();
    if (holds(reply) || Date.now() >= deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function securityEvents(type: string) {
  await t.grove.drain();
  const reply = await t.request('GET', `/v1/platform/security-events?type=${type}&limit=100`, { auth: PLATFORM_KEY });
  expect(reply.status).toBe(200);
  return reply.body.items as Array<{ type: string; tenantId: string | null; requestId: string | null; details: Record<string, unknown> }>;
}

describe('minting', () => {
  it('signs an EdDSA grove-widget+jwt with the current kid, 300 s by default, bound to origin, tenant and user', async () => {
    const acme = await arrange();
    const minted = await t.mint(acme.tenant.apiKey, { externalId: 'ann', name: 'Ann' }, ['praise:read'], { origin: acme.origin });
    const header = decodeProtectedHeader(minted.token);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'grove-widget+jwt', kid: t.grove.deps.keys.signingKey().kid });
    const payload = decodeJwt(minted.token);
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload).toMatchObject({
      iss: 'https://grove.test',
      aud: 'grove-widgets',
      sub: acme.ids.ann,
      tid: acme.tenant.id,
      org: acme.origin,
      scp: 'praise:read',
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(minted.expiresAt).getTime()).toBe(payload.exp! * 1000);
    expect((await feed(minted.token, acme.origin)).status).toBe(200);
  });

  it('accepts ttlSeconds up to 600 and refuses more', async () => {
    const acme = await arrange();
    const user = { externalId: 'ann', name: 'Ann' };
    const longest = await t.mint(acme.tenant.apiKey, user, ['praise:read'], { origin: acme.origin, ttlSeconds: 600 });
    const payload = decodeJwt(longest.token);
    expect(payload.exp! - payload.iat!).toBe(600);

    const tooLong = await t.request('POST', '/v1/embed/tokens', {
      auth: acme.tenant.apiKey,
      body: { user, scopes: ['praise:read'], origin: acme.origin, ttlSeconds: 601 },
    });
    expectProblem(tooLong, 400, 'validation');
  });

  it('refuses an origin that is not on the tenant allowlist', async () => {
    const acme = await arrange();
    const reply = await t.request('POST', '/v1/embed/tokens', {
      auth: acme.tenant.apiKey,
      body: { user: { externalId: 'ann', name: 'Ann' }, scopes: ['praise:read'], origin: 'https://evil.test' },
    });
    expectProblem(reply, 403, 'origin-not-allowed');
  });

  it('never puts the token anywhere but the response body and keeps it out of caches', async () => {
    const acme = await arrange();
    const reply = await t.request('POST', '/v1/embed/tokens', {
      auth: acme.tenant.apiKey,
      body: { user: { externalId: 'ann', name: 'Ann' }, scopes: ['praise:read'], origin: acme.origin },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('set-cookie')).toBeNull();
  });
});

describe('lifetime', () => {
  it('accepts a token expired less than the 60 s leeway ago and refuses one expired beyond it', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const now = nowSeconds();
    const inside = await sign(claims(base, { iat: now - 330, nbf: now - 330, exp: now - 30 }));
    expect((await feed(inside, acme.origin)).status).toBe(200);

    const beyond = await sign(claims(base, { iat: now - 390, nbf: now - 390, exp: now - 90 }));
    expectRefused(await feed(beyond, acme.origin), 'expired');
    const justExpired = await sign(claims(base, { iat: now - 300, nbf: now - 300, exp: now - 61 }));
    expectRefused(await feed(justExpired, acme.origin), 'expired');
  });

  it('refuses a token that was verified (and cached) while valid once it expires beyond the leeway', async () => {
    const acme = await arrange();
    const token = await acme.token('ann');
    expect((await feed(token, acme.origin)).status).toBe(200);
    const exp = decodeJwt(token).exp!;
    // Only the wall clock moves (no timers are faked): to 59 s, then 61 s past exp.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime((exp + 59) * 1000);
      expect((await feed(token, acme.origin)).status).toBe(200);
      vi.setSystemTime((exp + 61) * 1000);
      expectRefused(await feed(token, acme.origin), 'expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a token not yet valid beyond the leeway (future nbf, or future iat)', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const now = nowSeconds();
    const soon = await sign(claims(base, { iat: now, nbf: now + 30, exp: now + 300 }));
    expect((await feed(soon, acme.origin)).status).toBe(200);

    const laterNbf = await sign(claims(base, { iat: now, nbf: now + 120, exp: now + 300 }));
    expectRefused(await feed(laterNbf, acme.origin), 'not-yet-valid');
    const laterIat = await sign(claims(base, { iat: now + 120, nbf: now + 120, exp: now + 400 }));
    expectRefused(await feed(laterIat, acme.origin), 'not-yet-valid');
  });

  it('refuses a token without exp, and one living longer than 10 minutes', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const now = nowSeconds();
    expect((await feed(await sign(claims(base, { iat: now, nbf: now, exp: now + 600 })), acme.origin)).status).toBe(200);

    expectRefused(await feed(await sign(claims(base, { exp: undefined })), acme.origin), 'missing-claims');
    expectRefused(await feed(await sign(claims(base, { iat: now, nbf: now, exp: now + 601 })), acme.origin));
    expectRefused(await feed(await sign(claims(base, { iat: now, nbf: now, exp: now + 30 * 24 * 3600 })), acme.origin));
    // An old iat with a fresh exp is refused too.
    expectRefused(await feed(await sign(claims(base, { iat: now - 700, nbf: now, exp: now + 300 })), acme.origin));
  });
});

describe('signature and header', () => {
  it('refuses an unsigned token (alg none), and a real token with its signature stripped', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const kid = t.grove.deps.keys.signingKey().kid;
    const unsigned = `${b64url({ alg: 'none', typ: 'grove-widget+jwt', kid })}.${b64url(claims(base, {}))}.`;
    expectRefused(await feed(unsigned, acme.origin));

    const real = await sign(claims(base, {}));
    expect((await feed(real, acme.origin)).status).toBe(200);
    const stripped = `${real.split('.').slice(0, 2).join('.')}.`;
    expectRefused(await feed(stripped, acme.origin));
    const noneOverReal = `${b64url({ alg: 'none', typ: 'grove-widget+jwt', kid })}.${real.split('.')[1]}.`;
    expectRefused(await feed(noneOverReal, acme.origin));
  });

  it('refuses HS256 tokens keyed with the public key (algorithm confusion)', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const { kid } = t.grove.deps.keys.signingKey();
    const jwk = t.grove.deps.keys.jwks().keys.find((k) => k.kid === kid)!;
    const publicKey = await t.grove.deps.keys.verificationKey(kid);
    const secrets = [
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.x!),
      Buffer.from(JSON.stringify(jwk)),
      Buffer.from(await exportSPKI(publicKey!)),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT(claims(base, {}))
        .setProtectedHeader({ alg: 'HS256', typ: 'grove-widget+jwt', kid })
        .sign(new Uint8Array(secret));
      expectRefused(await feed(token, acme.origin));
    }
  });

  it('refuses a token signed by an unknown key, or by another key under the real kid', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const madeUp = await sign(claims(base, {}), { kid: 'k_0123456789abcdef' }, stranger.privateKey);
    expectRefused(await feed(madeUp, acme.origin), 'unknown-key');
    const noKid = await sign(claims(base, {}), { kid: undefined }, stranger.privateKey);
    expectRefused(await feed(noKid, acme.origin), 'unknown-key');
    const impostor = await sign(claims(base, {}), {}, stranger.privateKey);
    expectRefused(await feed(impostor, acme.origin), 'bad-signature');
    // An embedded key (jwk header) is not a way in either.
    const embedded = await sign(claims(base, {}), { kid: undefined, jwk: await exportJWK(stranger.publicKey) }, stranger.privateKey);
    expectRefused(await feed(embedded, acme.origin));
  });

  it('refuses the wrong typ header, the wrong aud and the wrong iss', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    expect((await feed(await sign(claims(base, {})), acme.origin)).status).toBe(200);

    expectRefused(await feed(await sign(claims(base, {}), { typ: 'JWT' }), acme.origin), 'wrong-type');
    expectRefused(await feed(await sign(claims(base, {}), { typ: 'at+jwt' }), acme.origin), 'wrong-type');
    expectRefused(await feed(await sign(claims(base, {}), { typ: undefined }), acme.origin), 'wrong-type');
    expectRefused(await feed(await sign(claims(base, { aud: 'grove-api' })), acme.origin), 'wrong-audience');
    expectRefused(await feed(await sign(claims(base, { aud: undefined })), acme.origin));
    expectRefused(await feed(await sign(claims(base, { iss: 'https://evil.test' })), acme.origin), 'wrong-issuer');
    expectRefused(await feed(await sign(claims(base, { iss: undefined })), acme.origin));
  });

  it('publishes the current public key in the JWKS, and no private half', async () => {
    const reply = await t.request('GET', '/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    const kids = (reply.body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(kids).toContain(t.grove.deps.keys.signingKey().kid);
    for (const key of reply.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('key rotation', () => {
  it('keeps verifying a retired key during its grace, then refuses its tokens once verifyUntil has passed', async () => {
    const acme = await arrange();
    const keys = t.grove.deps.keys;
    const before = await acme.token('ann');
    const neverShown = await acme.token('bob');
    const oldKid = decodeProtectedHeader(before).kid!;
    expect(oldKid).toBe(keys.signingKey().kid);
    expect((await feed(before, acme.origin)).status).toBe(200);

    const rotated = await t.request('POST', '/v1/platform/signing-keys/rotate', { auth: PLATFORM_KEY });
    expect(rotated.status).toBe(201);
    expect(rotated.body.retired).toEqual([oldKid]);
    const newKid = rotated.body.kid as string;
    expect(keys.signingKey().kid).toBe(newKid);

    const jwks = await t.request('GET', '/.well-known/jwks.json');
    expect((jwks.body.keys as Array<{ kid: string }>).map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));

    // Right after rotation: old tokens still work, new ones are signed by the new key.
    expect((await feed(before, acme.origin)).status).toBe(200);
    const after = await acme.token('ann');
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await feed(after, acme.origin)).status).toBe(200);

    // The grace ends (or the operator pulls the key): its tokens die, even one seen before.
    await t.grove.deps.database.db.execute(
      sql`update platform.signing_keys set verify_until = now() - interval '1 second' where kid = ${oldKid}`,
    );
    await keys.reload();
    expectRefused(await feed(neverShown, acme.origin), 'unknown-key');
    expectRefused(await feed(before, acme.origin), 'unknown-key');
    expect((await feed(after, acme.origin)).status).toBe(200);
    const pruned = await t.request('GET', '/.well-known/jwks.json');
    const kids = (pruned.body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(kids).toContain(newKid);
    expect(kids).not.toContain(oldKid);
  });
});

describe('origin binding', () => {
  it('refuses a widget token from another origin or without Origin, and records the attempt', async () => {
    const acme = await arrange();
    const token = await acme.token('ann');
    expect((await feed(token, acme.origin)).status).toBe(200);

    const requestId = `req-${randomUUID()}`;
    const elsewhere = await t.request('GET', '/v1/praise?limit=1', {
      auth: token,
      origin: 'https://evil.test',
      headers: { 'x-request-id': requestId },
    });
    expectProblem(elsewhere, 403, 'origin-not-allowed');
    expectProblem(await feed(token, null), 403, 'origin-not-allowed');
    // Another origin the same tenant allows is still not this token's origin.
    await t.request('PATCH', `/v1/platform/tenants/${acme.tenant.id}`, {
      auth: PLATFORM_KEY,
      body: { origins: [acme.origin, 'https://other.intranet.test'] },
    });
    expectProblem(await feed(token, 'https://other.intranet.test'), 403, 'origin-not-allowed');

    const events = await securityEvents('tenant_violation_attempt');
    const event = events.find((e) => e.requestId === requestId);
    expect(event).toMatchObject({
      tenantId: acme.tenant.id,
      details: { tokenOrigin: acme.origin, requestOrigin: 'https://evil.test', jti: decodeJwt(token).jti },
    });
  });

  it('refuses a server token (minted without origin) presented with an Origin header', async () => {
    const acme = await arrange();
    const server = await t.mint(acme.tenant.apiKey, { externalId: 'ann', name: 'Ann' }, ['praise:read'], {});
    expect(decodeJwt(server.token).org).toBeUndefined();
    expect((await feed(server.token, null)).status).toBe(200);
    expectProblem(await feed(server.token, acme.origin), 403, 'origin-not-allowed');
    expectProblem(await feed(server.token, 'https://evil.test'), 403, 'origin-not-allowed');
  });

  it('refuses a token whose origin was removed from the allowlist after minting', async () => {
    const acme = await arrange();
    const token = await acme.token('ann');
    expect((await feed(token, acme.origin)).status).toBe(200);
    const patched = await t.request('PATCH', `/v1/platform/tenants/${acme.tenant.id}`, {
      auth: PLATFORM_KEY,
      body: { origins: ['https://new-intranet.test'] },
    });
    expect(patched.status).toBe(200);
    expectProblem(await feed(token, acme.origin), 403, 'origin-not-allowed');
  });
});

describe('revocation', () => {
  async function revokeAllOn(acme: Acme, via: 'tenant' | 'platform') {
    const reply =
      via === 'tenant'
        ? await t.request('POST', '/v1/embed/tokens/revoke', { auth: acme.tenant.apiKey, body: { all: true } })
        : await t.request('POST', `/v1/platform/tenants/${acme.tenant.id}/tokens/revoke`, { auth: PLATFORM_KEY });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return Date.now();
  }

  for (const via of ['tenant', 'platform'] as const) {
    it(`revoke-all (${via} route) refuses earlier tokens within 1 s on this and another instance; later tokens work`, async () => {
      const acme = await arrange();
      const other = await t.sibling();
      const token = await acme.token('ann');
      const bystander = await arrange();
      const unrelated = await bystander.token('ann');
      // Both instances have verified (and cached) the token before the revocation.
      expect((await feed(token, acme.origin)).status).toBe(200);
      expect((await feed(token, acme.origin, other.request)).status).toBe(200);

      await revokeAllOn(acme, via);
      const here = await within(1000, () => feed(token, acme.origin), (r) => r.status === 401);
      expectRefused(here, 'revoked');
      const there = await within(1000, () => feed(token, acme.origin, other.request), (r) => r.status === 401);
      expectRefused(there, 'revoked');
      // Other tenants are untouched.
      expect((await feed(unrelated, bystander.origin)).status).toBe(200);
      expect((await feed(unrelated, bystander.origin, other.request)).status).toBe(200);

      // No waiting for the next second: the jti (a UUIDv7) dates the token to the millisecond.
      const fresh = await acme.token('ann');
      expect((await feed(fresh, acme.origin)).status).toBe(200);
      expect((await feed(fresh, acme.origin, other.request)).status).toBe(200);
    });
  }

  it('dates a token by its UUIDv7 jti only where that agrees with the signed iat', () => {
    const jti = '01900000-0000-7000-8000-000000000000';
    const ms = Number.parseInt('019000000000', 16);
    expect(issuedAtMs(jti, Math.floor(ms / 1000))).toBe(ms);
    // A jti claiming another time than iat is not believed: fall back to the end of iat's second.
    expect(issuedAtMs(jti, Math.floor(ms / 1000) + 60)).toBe((Math.floor(ms / 1000) + 60) * 1000 + 999);
    expect(issuedAtMs(randomUUID(), 1000)).toBe(1_000_999);
  });

  it('denies one jti: that token is refused, another of the same user still works', async () => {
    const acme = await arrange();
    const denied = await acme.token('ann');
    const kept = await acme.token('ann');
    expect((await feed(denied, acme.origin)).status).toBe(200);
    const reply = await t.request('POST', '/v1/embed/tokens/revoke', {
      auth: acme.tenant.apiKey,
      body: { jti: decodeJwt(denied).jti },
    });
    expect(reply.status).toBe(200);
    expectRefused(await feed(denied, acme.origin), 'revoked');
    expect((await feed(kept, acme.origin)).status).toBe(200);
  });

  it('a jti denied by another tenant does not touch this tenant\'s token', async () => {
    const acme = await arrange();
    const globex = await arrange();
    const token = await acme.token('ann');
    const reply = await t.request('POST', '/v1/embed/tokens/revoke', {
      auth: globex.tenant.apiKey,
      body: { jti: decodeJwt(token).jti },
    });
    expect(reply.status).toBe(200);
    expect((await feed(token, acme.origin)).status).toBe(200);
  });

  it('a widget token cannot revoke tokens', async () => {
    const acme = await arrange();
    const token = await acme.token('ann');
    const reply = await t.request('POST', '/v1/embed/tokens/revoke', { auth: token, origin: acme.origin, body: { all: true } });
    expectProblem(reply, 403, 'forbidden');
    expect((await feed(token, acme.origin)).status).toBe(200);
  });
});

describe('scopes and roles', () => {
  const give = (acme: Acme, token: string) =>
    t.request('POST', '/v1/praise', { auth: token, origin: acme.origin, body: { recipientIds: [acme.ids.ann], message: 'Thanks!' } });

  it('refuses a scope the token lacks', async () => {
    const acme = await arrange();
    const readOnly = await acme.token('bob', ['praise:read']);
    expectProblem(await give(acme, readOnly), 403, 'insufficient-scope');
    const writeOnly = await acme.token('bob', ['praise:write']);
    expectProblem(await feed(writeOnly, acme.origin), 403, 'insufficient-scope');
  });

  it('an employee asking for praise:moderate gets a token without it and cannot delete others\' praise', async () => {
    const acme = await arrange();
    const praise = await give(acme, await acme.token('bob'));
    expect(praise.status).toBe(201);

    const asked = ['praise:read', 'praise:write', 'praise:moderate'];
    const minted = await t.mint(acme.tenant.apiKey, { externalId: 'ann', name: 'Ann' }, asked, { origin: acme.origin });
    expect(minted.scopes.sort()).toEqual(['praise:read', 'praise:write']);
    expect(String(decodeJwt(minted.token).scp).split(' ')).not.toContain('praise:moderate');

    const seen = await t.request('GET', `/v1/praise/${praise.body.id}`, { auth: minted.token, origin: acme.origin });
    expect(seen.body.canDelete).toBe(false);
    expectProblem(await t.request('DELETE', `/v1/praise/${praise.body.id}`, { auth: minted.token, origin: acme.origin }), 403, 'forbidden');

    // Asking only for what the role may never hold gets no token at all.
    const nothing = await t.request('POST', '/v1/embed/tokens', {
      auth: acme.tenant.apiKey,
      body: { user: { externalId: 'ann', name: 'Ann' }, scopes: ['praise:moderate'], origin: acme.origin },
    });
    expectProblem(nothing, 403, 'insufficient-scope');
  });

  it('an admin demoted in the directory loses praise:moderate at once, token unchanged', async () => {
    const acme = await arrange();
    const praise = await give(acme, await acme.token('bob'));
    expect(praise.status).toBe(201);
    const admin = await acme.token('root', ['praise:read', 'praise:write', 'praise:moderate']);
    const moderatorOnly = await acme.token('root', ['praise:read', 'praise:moderate']);
    expect(String(decodeJwt(admin).scp).split(' ')).toContain('praise:moderate');
    const seen = await t.request('GET', `/v1/praise/${praise.body.id}`, { auth: admin, origin: acme.origin });
    expect(seen.body.canDelete).toBe(true);

    const sync = await t.request('POST', '/v1/directory/users', {
      auth: acme.tenant.apiKey,
      body: { users: [{ externalId: 'root', name: 'Root', role: 'employee' }] },
    });
    expect(sync.status).toBe(200);
    expect(sync.body.errors).toEqual([]);

    const after = await t.request('GET', `/v1/praise/${praise.body.id}`, { auth: admin, origin: acme.origin });
    expect(after.status).toBe(200);
    expect(after.body.canDelete).toBe(false);
    expectProblem(await t.request('DELETE', `/v1/praise/${praise.body.id}`, { auth: admin, origin: acme.origin }), 403, 'forbidden');
    // With praise:moderate gone, a token that held only that for deleting may not delete at all.
    const remove = await t.request('DELETE', `/v1/praise/${praise.body.id}`, { auth: moderatorOnly, origin: acme.origin });
    expectProblem(remove, 403, 'insufficient-scope');
    expect((await t.request('GET', `/v1/praise/${praise.body.id}`, { auth: admin, origin: acme.origin })).status).toBe(200);
  });

  it('a resource-locked token reads its praise and nothing else', async () => {
    const acme = await arrange();
    const bob = await acme.token('bob');
    const mine = await give(acme, bob);
    const other = await give(acme, bob);
    expect([mine.status, other.status]).toEqual([201, 201]);
    const locked = await t.mint(acme.tenant.apiKey, { externalId: 'cat', name: 'Cat' }, ['praise:read'], {
      origin: acme.origin,
      resource: `praise:${mine.body.id}`,
    });
    expect(decodeJwt(locked.token).res).toBe(`praise:${mine.body.id}`);

    const read = await t.request('GET', `/v1/praise/${mine.body.id}`, { auth: locked.token, origin: acme.origin });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(mine.body.id);
    expectProblem(await feed(locked.token, acme.origin), 403, 'resource-locked');
    expectProblem(await t.request('GET', `/v1/praise/${other.body.id}`, { auth: locked.token, origin: acme.origin }), 403, 'resource-locked');
  });
});

describe('transport', () => {
  it('refuses a token in the URL query', async () => {
    const acme = await arrange();
    const token = await acme.token('ann');
    for (const param of ['access_token', 'token']) {
      const inUrl = await t.request('GET', `/v1/praise?limit=1&${param}=${token}`, { origin: acme.origin });
      expectProblem(inUrl, 400, 'token-in-url');
      // Even alongside a proper Authorization header.
      const both = await t.request('GET', `/v1/praise?limit=1&${param}=${token}`, { auth: token, origin: acme.origin });
      expectProblem(both, 400, 'token-in-url');
    }
  });

  it('refuses no credential and a garbage bearer as unauthorized problems', async () => {
    const acme = await arrange();
    expectProblem(await t.request('GET', '/v1/praise?limit=1', { origin: acme.origin }), 401, 'unauthorized');
    expectRefused(await feed('not-a-jwt-but-long-enough', acme.origin));
    expectProblem(
      await t.request('GET', '/v1/praise?limit=1', { origin: acme.origin, headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      401,
      'unauthorized',
    );
  });
});

describe('security events', () => {
  it('records token_rejected for a forged token', async () => {
    const acme = await arrange();
    const base = await realClaims(acme);
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await sign(claims(base, {}), {}, stranger.privateKey);
    const requestId = `req-${randomUUID()}`;
    const reply = await t.request('GET', '/v1/praise?limit=1', { auth: forged, origin: acme.origin, headers: { 'x-request-id': requestId } });
    expectRefused(reply, 'bad-signature');

    const event = (await securityEvents('token_rejected')).find((e) => e.requestId === requestId);
    expect(event).toMatchObject({ details: { reason: 'bad-signature', path: '/v1/praise', origin: acme.origin } });
    expect(JSON.stringify(event)).not.toContain(forged);
  });
});
