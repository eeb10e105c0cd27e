import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGrove, type TestGrove } from '../../../test/support/grove.js';

let t: TestGrove;
let acme: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
beforeAll(async () => {
  t = await testGrove();
  acme = await t.tenantWithPeople('Acme');
});
afterAll(() => t.close());

const as = async (who: string, scopes?: string[]) => {
  const token = await acme.token(who, scopes);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(method, path, { auth: token, origin: acme.origin, body, headers });
  return {
    call,
    give: (body: Record<string, unknown>, headers?: Record<string, string>) => call('POST', '/v1/praise', body, headers),
    feed: (query = '') => call('GET', `/v1/praise${query}`),
  };
};

describe('giving praise', () => {
  it('appears at the top of the feed with giver, recipients and values', async () => {
    const ann = await as('ann');
    const created = await ann.give({ recipientIds: [acme.ids.bob], message: 'Shipped the release 🚀', values: ['ownership'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      giver: { id: acme.ids.ann, name: 'Acme Ann', team: 'Core' },
      recipients: [{ id: acme.ids.bob, name: 'Acme Bob' }],
      message: 'Shipped the release 🚀',
      values: ['ownership'],
      visibility: 'public',
      reactions: [],
      canDelete: true,
    });
    const feed = await (await as('cat')).feed('?limit=5');
    expect(feed.status).toBe(200);
    expect(feed.body.items[0]).toMatchObject({ id: created.body.id, canDelete: false });
  });

  it('refuses praising oneself, unknown values, more than ten recipients and empty messages', async () => {
    const ann = await as('ann');
    const self = await ann.give({ recipientIds: [acme.ids.ann], message: 'me!' });
    expect(self.status).toBe(422);
    const value = await ann.give({ recipientIds: [acme.ids.bob], message: 'hi', values: ['not-a-value'] });
    expect(value.status).toBe(422);
    expect(value.body.errors[0].message).toMatch(/not-a-value/);
    const many = await ann.give({ recipientIds: Array.from({ length: 11 }, () => crypto.randomUUID()), message: 'hi' });
    expect(many.status).toBe(400);
    const blank = await ann.give({ recipientIds: [acme.ids.bob], message: '   ' });
    expect(blank.status).toBe(400);
    const stranger = await ann.give({ recipientIds: [crypto.randomUUID()], message: 'hi' });
    expect(stranger.status).toBe(404);
  });
});

describe('giving praise in one statement', () => {
  it('answers exactly what reading it back answers (recipients by name, values in order, private)', async () => {
    const bob = await as('bob');
    const created = await bob.give({
      recipientIds: [acme.ids.cat, acme.ids.ann, acme.ids.cat],
      message: '  Thanks both  ',
      values: ['kindness', 'ownership', 'kindness'],
      visibility: 'private',
    });
    expect(created.status).toBe(201);
    expect(created.body.recipients.map((r: { name: string }) => r.name)).toEqual(['Acme Ann', 'Acme Cat']);
    expect(created.body.values).toEqual(['kindness', 'ownership']);
    const read = await bob.call('GET', `/v1/praise/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(created.body).toEqual(read.body);
  });

  it('writes nothing when a recipient or a value is unknown, and names the recipient first', async () => {
    const ann = await as('ann');
    const before = (await ann.feed('?scope=mine&limit=100')).body.items.length;
    const stranger = crypto.randomUUID();
    const both = await ann.give({ recipientIds: [acme.ids.bob, stranger], message: 'hi', values: ['ownership', 'nope'] });
    expect(both.status).toBe(404);
    expect(both.body.detail).toContain(stranger);
    expect(both.body.detail).not.toContain(acme.ids.bob);
    const value = await ann.give({ recipientIds: [acme.ids.bob], message: 'hi', values: ['ownership', 'nope'] });
    expect(value.status).toBe(422);
    expect(value.body.errors).toEqual([{ path: 'json.values', message: 'unknown value "nope"' }]);
    expect((await ann.feed('?scope=mine&limit=100')).body.items.length).toBe(before);
  });
});

describe('private praise', () => {
  it('is seen by giver, recipients and their managers only', async () => {
    const cat = await as('cat');
    const created = await cat.give({ recipientIds: [acme.ids.bob], message: 'Thanks for covering for me', visibility: 'private' });
    expect(created.status).toBe(201);
    const seenBy = async (who: string) => {
      const feed = await (await as(who)).feed('?limit=50');
      return (feed.body.items as Array<{ id: string }>).some((i) => i.id === created.body.id);
    };
    expect(await seenBy('cat')).toBe(true);
    expect(await seenBy('bob')).toBe(true);
    expect(await seenBy('boss')).toBe(true); // Bob's manager
    expect(await seenBy('ann')).toBe(false);
    expect(await seenBy('root')).toBe(false); // admins see aggregates, not what people wrote
    const direct = await (await as('ann')).call('GET', `/v1/praise/${created.body.id}`);
    expect(direct.status).toBe(404);
  });
});

describe('the feed', () => {
  it('pages newest first by cursor without repeating or skipping', async () => {
    const bob = await as('bob');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await bob.give({ recipientIds: [acme.ids.cat], message: `page test ${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    const cat = await as('cat');
    do {
      const page = await cat.feed(`?limit=3&giverId=${acme.ids.bob}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => made.includes(id))).toEqual([...made].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by recipient, giver, value, my team and mine', async () => {
    const ann = await as('ann');
    const tagged = await ann.give({ recipientIds: [acme.ids.cat], message: 'kind words', values: ['kindness'] });
    const byValue = await ann.feed('?value=kindness');
    expect(byValue.body.items.map((i: { id: string }) => i.id)).toContain(tagged.body.id);
    expect(byValue.body.items.every((i: { values: string[] }) => i.values.includes('kindness'))).toBe(true);

    const toCat = await ann.feed(`?recipientId=${acme.ids.cat}`);
    expect(toCat.body.items.every((i: { recipients: Array<{ id: string }> }) => i.recipients.some((r) => r.id === acme.ids.cat))).toBe(true);

    const mine = await (await as('cat')).feed('?scope=mine');
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(
      mine.body.items.every(
        (i: { giver: { id: string }; recipients: Array<{ id: string }> }) =>
          i.giver.id === acme.ids.cat || i.recipients.some((r) => r.id === acme.ids.cat),
      ),
    ).toBe(true);

    // Boss manages Ann and Bob: their praise is "my team" for Boss; Cat-to-Admin praise is not.
    const rootOnly = await (await as('cat')).give({ recipientIds: [acme.ids.root], message: 'outside the team' });
    const team = await (await as('boss')).feed('?scope=team&limit=100');
    const ids = team.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(tagged.body.id); // given by Ann
    expect(ids).not.toContain(rootOnly.body.id);
  });

  it('refuses a cursor it did not give', async () => {
    const feed = await (await as('ann')).feed('?cursor=bm90LWEtY3Vyc29y');
    expect(feed.status).toBe(400);
    expect(feed.body.type).toBe('urn:grove:problem:validation');
  });
});

describe('reactions', () => {
  it('toggle on and off, are counted, and say whether I reacted', async () => {
    const created = await (await as('ann')).give({ recipientIds: [acme.ids.bob], message: 'react to me' });
    const id = created.body.id;
    const bob = await as('bob');
    const cat = await as('cat');
    expect((await bob.call('PUT', `/v1/praise/${id}/reactions/clap`)).body.reactions).toEqual([{ reaction: 'clap', count: 1, reacted: true }]);
    await bob.call('PUT', `/v1/praise/${id}/reactions/clap`); // idempotent
    const both = await cat.call('PUT', `/v1/praise/${id}/reactions/clap`);
    expect(both.body.reactions).toEqual([{ reaction: 'clap', count: 2, reacted: true }]);
    await cat.call('PUT', `/v1/praise/${id}/reactions/heart`);
    const off = await bob.call('DELETE', `/v1/praise/${id}/reactions/clap`);
    expect(off.body.reactions).toEqual([
      { reaction: 'clap', count: 1, reacted: false },
      { reaction: 'heart', count: 1, reacted: false },
    ]);
    expect((await bob.call('PUT', `/v1/praise/${id}/reactions/poop`)).status).toBe(400);
  });

  it('reach the feed counted in the fixed order, reacted per viewer, beside recipients by name', async () => {
    const boss = await as('boss');
    const created = await boss.give({ recipientIds: [acme.ids.cat, acme.ids.bob, acme.ids.ann], message: 'team effort' });
    const id = created.body.id;
    for (const [who, reaction] of [['ann', 'rocket'], ['bob', 'heart'], ['cat', 'heart'], ['ann', 'clap'], ['bob', 'rocket']] as const) {
      expect((await (await as(who)).call('PUT', `/v1/praise/${id}/reactions/${reaction}`)).status).toBe(200);
    }
    const seenBy = async (who: string) => ((await (await as(who)).feed('?limit=50')).body.items as Array<{ id: string }>).find((i) => i.id === id) as Record<string, unknown>;
    const ann = await seenBy('ann');
    expect(ann.reactions).toEqual([
      { reaction: 'clap', count: 1, reacted: true },
      { reaction: 'heart', count: 2, reacted: false },
      { reaction: 'rocket', count: 2, reacted: true },
    ]);
    expect((ann.recipients as Array<{ name: string }>).map((r) => r.name)).toEqual(['Acme Ann', 'Acme Bob', 'Acme Cat']);
    expect((await seenBy('cat')).reactions).toEqual([
      { reaction: 'clap', count: 1, reacted: false },
      { reaction: 'heart', count: 2, reacted: true },
      { reaction: 'rocket', count: 2, reacted: false },
    ]);
    expect((await seenBy('root')).reactions).toEqual([
      { reaction: 'clap', count: 1, reacted: false },
      { reaction: 'heart', count: 2, reacted: false },
      { reaction: 'rocket', count: 2, reacted: false },
    ]);
  });
});

describe('deleting praise', () => {
  it('is for the giver or a moderator; the feed then never shows it', async () => {
    const created = await (await as('ann')).give({ recipientIds: [acme.ids.bob], message: 'to be deleted' });
    const id = created.body.id;
    const bobDelete = await (await as('bob')).call('DELETE', `/v1/praise/${id}`);
    expect(bobDelete.status).toBe(403);
    const annDelete = await (await as('ann')).call('DELETE', `/v1/praise/${id}`);
    expect(annDelete.status).toBe(204);
    expect((await (await as('ann')).call('GET', `/v1/praise/${id}`)).status).toBe(404);
    const feed = await (await as('cat')).feed('?limit=100');
    expect(feed.body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    const other = await (await as('bob')).give({ recipientIds: [acme.ids.cat], message: 'moderated' });
    const admin = await as('root', ['praise:read', 'praise:write', 'praise:moderate']);
    expect((await admin.call('DELETE', `/v1/praise/${other.body.id}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/v1/praise/${other.body.id}`)).status).toBe(404);
  });
});

describe('idempotency', () => {
  it('a retried POST returns the first result and creates nothing new', async () => {
    const ann = await as('ann');
    const key = `retry-${crypto.randomUUID()}`;
    const body = { recipientIds: [acme.ids.bob], message: 'only once' };
    const [first, second] = await Promise.all([ann.give(body, { 'idempotency-key': key }), ann.give(body, { 'idempotency-key': key })]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    const third = await ann.give(body, { 'idempotency-key': key });
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(third.body.id).toBe(first.body.id);
    const feed = await ann.feed('?limit=100');
    expect(feed.body.items.filter((i: { message: string }) => i.message === 'only once')).toHaveLength(1);
    const reused = await ann.give({ ...body, message: 'something else' }, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('urn:grove:problem:idempotency-key-reuse');
  });
});
