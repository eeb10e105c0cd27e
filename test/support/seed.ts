import { PLATFORM_KEY, type TestGrove } from './grove.js';
import { decodeJwt } from 'jose';

/**
 * Fills a test Grove through its API with a little of everything a tenant holds: people with
 * managers, values, public and private praise, reactions, a deleted praise, an idempotency
 * record, a rotated API key and signing key, a token revocation. Returns what callers compare.
 */
export async function seedTenants(t: TestGrove, names = ['Acme', 'Globex']) {
  const tenants = [];
  for (const name of names) {
    const acme = await t.tenantWithPeople(name);
    const as = async (who: string) => {
      const token = await acme.token(who);
      return (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
        t.request(method, path, { auth: token, origin: acme.origin, body, ...(headers ? { headers } : {}) });
    };
    const ann = await as('ann');
    const bob = await as('bob');
    const given = [];
    for (let i = 0; i < 5; i++) {
      const reply = await ann('POST', '/v1/praise', { recipientIds: [acme.ids.bob, acme.ids.cat], message: `${name} thanks ${i} ✨ "quoted"\nline`, values: ['ownership'] }, { 'idempotency-key': `seed-${name}-${i}` });
      if (reply.status !== 201) throw new Error(`seed praise: ${reply.status} ${JSON.stringify(reply.body)}`);
      given.push(reply.body.id as string);
    }
    const secret = await bob('POST', '/v1/praise', { recipientIds: [acme.ids.ann], message: `${name} private note`, visibility: 'private' });
    await bob('PUT', `/v1/praise/${given[0]}/reactions/clap`);
    await bob('PUT', `/v1/praise/${given[0]}/reactions/heart`);
    await (await as('cat'))('PUT', `/v1/praise/${given[0]}/reactions/clap`);
    await ann('DELETE', `/v1/praise/${given[4]}`);
    const rotated = await t.request('POST', `/v1/platform/tenants/${acme.tenant.id}/api-keys`, { auth: PLATFORM_KEY, body: { graceSeconds: 3600 } });
    if (rotated.status !== 201) throw new Error(`seed api key: ${rotated.status} ${JSON.stringify(rotated.body)}`);
    tenants.push({ ...acme, apiKey: rotated.body.apiKey as string, given, secret: secret.body.id as string });
  }
  await t.request('POST', '/v1/platform/signing-keys/rotate', { auth: PLATFORM_KEY });
  const doomed = await tenants[0]!.token('cat');
  const { jti } = decodeJwt(doomed);
  await t.request('POST', '/v1/embed/tokens/revoke', { auth: tenants[0]!.apiKey, body: { jti } });
  await t.grove.drain();
  return tenants;
}
