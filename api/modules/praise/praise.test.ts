import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGrove, type TestGrove } from '../../../test/support/grove.js';

let t: TestGrove;
let acme: Awaited<ReturnType<TestGrove['tenantWithPeople']>>;
beforeAll(async () => {
  t = await testGrove();
  acme = await t.tenantWithPeople('Acme');
});
afterAll(() => t.close());

const give = async (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.request('POST', '/v1/praise', { auth: token, origin: acme.origin, body, headers });

describe('praise', () => {
  it('gives praise that appears at the top of the feed with giver, recipients and values', async () => {
    const ann = await acme.token('ann');
    const created = await give(ann, { recipientIds: [acme.ids.bob], message: 'Shipped the release 🚀', values: ['ownership'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      giver: { id: acme.ids.ann, name: 'Acme Ann' },
      recipients: [{ id: acme.ids.bob, name: 'Acme Bob' }],
      message: 'Shipped the release 🚀',
      values: ['ownership'],
      visibility: 'public',
      reactions: [],
      canDelete: true,
    });
    const feed = await t.request('GET', '/v1/praise?limit=5', { auth: await acme.token('cat'), origin: acme.origin });
    expect(feed.status).toBe(200);
    expect(feed.body.items[0].id).toBe(created.body.id);
    expect(feed.body.items[0].canDelete).toBe(false);
  });
});
