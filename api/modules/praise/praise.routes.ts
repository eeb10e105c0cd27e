import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requires } from '../../http/authorize.js';
import { Problem } from '../../http/problems.js';
import type { AppEnv } from '../../http/context.js';
import { json, jsonBody, problemResponses, router } from '../../http/router.js';
import { reportUnknownId } from '../../http/violations.js';
import { FeedQuery, GivePraiseBody, PraiseIdParam, PraiseItem, PraisePage, ReactionCount, ReactionParam } from './praise.schemas.js';
import { deletePraise, getPraise, givePraise, praiseFeed, setReaction, UnknownIds } from './praise.service.js';

const praiseResource = (c: Context<AppEnv>) => `praise:${c.req.param('id')}`;

const give = createRoute({
  method: 'post',
  path: '/v1/praise',
  summary: 'Give praise to 1–10 colleagues',
  tags: ['Praise'],
  middleware: [requires('praise.write')] as const,
  request: jsonBody(GivePraiseBody),
  responses: { 201: json(PraiseItem, 'Created'), ...problemResponses },
});

const feed = createRoute({
  method: 'get',
  path: '/v1/praise',
  summary: 'The praise feed, newest first',
  tags: ['Praise'],
  middleware: [requires('praise.read')] as const,
  request: { query: FeedQuery },
  responses: { 200: json(PraisePage), ...problemResponses },
});

const one = createRoute({
  method: 'get',
  path: '/v1/praise/{id}',
  summary: 'One praise',
  tags: ['Praise'],
  middleware: [requires('praise.read', { resource: praiseResource })] as const,
  request: { params: PraiseIdParam },
  responses: { 200: json(PraiseItem), ...problemResponses },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/praise/{id}',
  summary: 'Delete praise (its giver, or a moderator)',
  tags: ['Praise'],
  middleware: [requires('praise.delete', { resource: praiseResource })] as const,
  request: { params: PraiseIdParam },
  responses: { 204: { description: 'Deleted' }, ...problemResponses },
});

const reactionResponse = json(z.object({ reactions: z.array(ReactionCount) }));

const react = createRoute({
  method: 'put',
  path: '/v1/praise/{id}/reactions/{reaction}',
  summary: 'React (idempotent)',
  tags: ['Praise'],
  middleware: [requires('praise.react', { resource: praiseResource })] as const,
  request: { params: ReactionParam },
  responses: { 200: reactionResponse, ...problemResponses },
});

const unreact = createRoute({
  method: 'delete',
  path: '/v1/praise/{id}/reactions/{reaction}',
  summary: 'Take a reaction back (idempotent)',
  tags: ['Praise'],
  middleware: [requires('praise.react', { resource: praiseResource })] as const,
  request: { params: ReactionParam },
  responses: { 200: reactionResponse, ...problemResponses },
});

/** Runs a service call; ids it could not find in the tenant are reported before the 404. */
async function reporting<T>(c: Context<AppEnv>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownIds) for (const id of error.ids) reportUnknownId(c, error.table, id);
    throw error;
  }
}

export const praiseRoutes = router()
  .openapi(give, async (c) => {
    const item = await reporting(c, () => givePraise(c.get('tx'), c.get('viewer'), c.get('fields'), c.req.valid('json')));
    // Who and what, never the message.
    c.set('audit', {
      targetType: 'praise',
      targetId: item.id,
      details: { recipientIds: item.recipients.map((r) => r.id), values: item.values, visibility: item.visibility },
    });
    return c.json(item, 201);
  })
  .openapi(feed, async (c) => {
    const query = c.req.valid('query');
    const page = await praiseFeed(c.get('tx'), c.get('viewer'), c.get('fields'), query);
    for (const id of [query.giverId, query.recipientId]) if (id && page.items.length === 0) reportUnknownId(c, 'people', id);
    return c.json(page, 200);
  })
  .openapi(one, async (c) => {
    const { id } = c.req.valid('param');
    const item = await getPraise(c.get('tx'), c.get('viewer'), c.get('fields'), id);
    if (!item) {
      reportUnknownId(c, 'praise', id);
      throw new Problem('not-found', 'No such praise.');
    }
    return c.json(item, 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await reporting(c, () => deletePraise(c.get('tx'), c.get('viewer'), c.get('fields'), id));
    c.set('audit', { targetType: 'praise', targetId: id });
    return c.body(null, 204);
  })
  .openapi(react, async (c) => {
    const { id, reaction } = c.req.valid('param');
    const result = await reporting(c, () => setReaction(c.get('tx'), c.get('viewer'), id, reaction, true));
    c.set('audit', { action: 'praise.react', targetType: 'praise', targetId: id, details: { reaction } });
    return c.json(result, 200);
  })
  .openapi(unreact, async (c) => {
    const { id, reaction } = c.req.valid('param');
    const result = await reporting(c, () => setReaction(c.get('tx'), c.get('viewer'), id, reaction, false));
    c.set('audit', { action: 'praise.unreact', targetType: 'praise', targetId: id, details: { reaction } });
    return c.json(result, 200);
  });
