import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, testGrove, type TestGrove } from '../../../test/support/grove.js';
import { searchTerms } from './people.service.js';

let t: TestGrove;
let apiKey: string;
beforeAll(async () => {
  t = await testGrove();
  apiKey = (await t.createTenant('Dir')).apiKey;
});
afterAll(() => t.close());

const sync = (users: unknown[]) => t.request('POST', '/v1/directory/users', { auth: apiKey, body: { users } });

describe('directory sync', () => {
  it('upserts people idempotently, keeps good rows and reports bad rows by index', async () => {
    const users = [
      { externalId: 'e1', name: 'Hélène Dupont', email: 'Helene@Acme.test', team: 'Sales' },
      { externalId: 'e2', name: 'Marc Leroy', managerExternalId: 'e1' },
      { externalId: 'e3', name: 42 },
      { externalId: 'e4', name: 'Unknown Boss', managerExternalId: 'nobody' },
      { externalId: 'e5', name: 'Extra', shoeSize: 44 },
    ];
    const first = await sync(users);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { externalId: string }) => i.externalId)).toEqual(['e1', 'e2', 'e4']);
    expect(first.body.errors.map((e: { index: number }) => e.index)).toEqual([2, 3, 4]);
    expect(first.body.errors[1].errors[0].path).toBe('managerExternalId');
    const second = await sync(users);
    expect(second.body.items).toEqual(first.body.items);
  });

  it('keeps stored fields the host leaves out, so a token mint never demotes an admin', async () => {
    await sync([{ externalId: 'adm', name: 'Ada Admin', role: 'admin', team: 'Ops' }]);
    const minted = await t.mint(apiKey, { externalId: 'adm', name: 'Ada Admin' }, ['praise:read', 'praise:moderate']);
    expect(minted.scopes).toEqual(['praise:read', 'praise:moderate']);
    const me = await t.request('GET', '/v1/me', { auth: minted.token, origin: ORIGIN });
    expect(me.body).toMatchObject({ role: 'admin', team: 'Ops', name: 'Ada Admin' });
  });

  it('resolves a manager named later in the same batch', async () => {
    const reply = await sync([
      { externalId: 'r1', name: 'Report One', managerExternalId: 'm1' },
      { externalId: 'm1', name: 'Manager One', role: 'manager' },
    ]);
    expect(reply.body.errors).toEqual([]);
    const token = (await t.mint(apiKey, { externalId: 'r1', name: 'Report One' })).token;
    const me = await t.request('GET', '/v1/me', { auth: token, origin: ORIGIN });
    expect(me.body.managerId).toBe(reply.body.items[1].id);
  });
});

describe('people typeahead', () => {
  it('prefix-matches any word of the name, the whole name and the email, accents folded', async () => {
    apiKey = (await t.createTenant('Typeahead')).apiKey;
    await sync([
      { externalId: 't1', name: 'Zoé Martin', email: 'zoe.martin@acme.test' },
      { externalId: 't2', name: 'Zacharie Marchand', email: 'zach@acme.test' },
      { externalId: 't3', name: 'Paul Zola' },
    ]);
    const token = (await t.mint(apiKey, { externalId: 't1', name: 'Zoé Martin' })).token;
    const q = async (text: string) =>
      (await t.request('GET', `/v1/people?q=${encodeURIComponent(text)}`, { auth: token, origin: ORIGIN })).body.items.map(
        (p: { name: string }) => p.name,
      );
    // Closest term first ("zoe" before "zola"), then by name.
    expect(await q('zo')).toEqual(['Zoé Martin', 'Paul Zola']);
    expect(await q('ZOÉ')).toEqual(['Zoé Martin']);
    expect(await q('mar')).toEqual(['Zacharie Marchand', 'Zoé Martin']);
    expect(await q('zach@')).toEqual(['Zacharie Marchand']);
    expect(await q('zoe mar')).toEqual(['Zoé Martin']);
    expect(await q('%')).toEqual([]);
    expect(await q('_')).toEqual([]);
  });

  it('needs a praise scope', async () => {
    const token = (await t.mint(apiKey, { externalId: 't1', name: 'Zoé Martin' }, ['okrs:read'])).token;
    const reply = await t.request('GET', '/v1/people?q=zo', { auth: token, origin: ORIGIN });
    expect(reply.status).toBe(403);
    expect(reply.body.type).toBe('urn:grove:problem:insufficient-scope');
  });

  it('normalises search terms', () => {
    expect(searchTerms('Hélène Dupont-Roy', 'H@x.fr')).toEqual(['helene', 'dupont', 'roy', 'helene dupont-roy', 'h@x.fr']);
  });
});
