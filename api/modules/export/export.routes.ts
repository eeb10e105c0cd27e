import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requires } from '../../http/authorize.js';
import type { AppEnv, GroveDeps } from '../../http/context.js';
import { Problem } from '../../http/problems.js';
import { problemResponses, router } from '../../http/router.js';
import { Uuid } from '../../shared/schemas.js';
import type { TenantInfo } from '../platform/tenant-registry.js';
import { tenantArchive, type ArchiveOptions } from './archive.js';
import { personArchive } from './person-archive.js';
import { exportStream, type ReadBatch } from './stream.js';

/**
 * On PostgreSQL each running export holds one connection of the tenant pool (20) for its whole
 * duration: a cap per instance keeps requests served while exports run.
 */
export const MAX_CONCURRENT_EXPORTS = 2;
const running = new WeakMap<GroveDeps, number>();

const archive = {
  200: {
    description: 'The archive, `grove-export/1`, streamed (docs/export.md).',
    content: {
      'application/json': {
        schema: z.object({ format: z.literal('grove-export/1'), scope: z.enum(['tenant', 'person']), complete: z.literal(true) }).passthrough(),
      },
    },
  },
  ...problemResponses,
} as const;

const tenantExport = createRoute({
  method: 'get',
  path: '/v1/export',
  summary: 'The tenant\'s data as a JSON archive (tenant API key, or an admin\'s token with data:export)',
  tags: ['Export'],
  middleware: [requires('data.export')] as const,
  responses: archive,
});

const platformExport = createRoute({
  method: 'get',
  path: '/v1/platform/tenants/{id}/export',
  summary: 'A tenant\'s data as a JSON archive (platform key)',
  tags: ['Export'],
  middleware: [requires('platform.export')] as const,
  request: { params: z.object({ id: Uuid }) },
  responses: archive,
});

const meExport = createRoute({
  method: 'get',
  path: '/v1/me/export',
  summary: 'The token\'s user\'s own data as a JSON archive (GDPR art. 20)',
  tags: ['Export'],
  middleware: [requires('me.export')] as const,
  responses: archive,
});

type Produce = (read: ReadBatch, consistency: 'snapshot' | 'batches', options: ArchiveOptions) => AsyncIterable<string>;

/** Starts a streamed archive; refuses while MAX_CONCURRENT_EXPORTS already run on this instance. */
async function respond(c: Context<AppEnv>, tenant: TenantInfo, name: string, produce: Produce): Promise<Response> {
  const deps = c.get('deps');
  // The tenant's data keys, loaded before the export's first unit opens (see reveal.ts).
  await deps.cipher.prepare(tenant.id);
  const now = running.get(deps) ?? 0;
  if (now >= MAX_CONCURRENT_EXPORTS) {
    c.header('Retry-After', '30');
    throw new Problem('unavailable', `${now} exports are running on this instance; retry later.`);
  }
  running.set(deps, now + 1);
  const log = c.get('log');
  const options: ArchiveOptions = {
    tenant,
    reveal: { tenantId: tenant.id, deps },
    batchSize: deps.exportBatchSize,
    onBatch: (rowCount) => {
      deps.metrics.exportBatches.inc();
      deps.metrics.exportRows.inc(rowCount);
    },
  };
  let ended = false;
  const body = exportStream(deps.database, tenant.id, (read, consistency) => produce(read, consistency, options), (error) => {
    if (ended) return;
    ended = true;
    running.set(deps, (running.get(deps) ?? 1) - 1);
    if (error) log.error({ err: (error as Error).message, tenantId: tenant.id }, 'export failed mid-stream');
  }, deps.exportIdleMs);
  return c.body(body, 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.json"`,
    'Cache-Control': 'no-store',
  });
}

export const exportRoutes = router()
  .openapi(tenantExport, async (c) =>
    (await respond(c, c.get('tenant'), `grove-export-${c.get('tenant').id}`, (read, consistency, options) => tenantArchive(read, consistency, options))) as never,
  )
  .openapi(platformExport, async (c) => {
    const tenant = await c.get('deps').tenants.get(c.req.valid('param').id);
    if (!tenant) throw new Problem('not-found', 'No such tenant.');
    return (await respond(c, tenant, `grove-export-${tenant.id}`, (read, consistency, options) => tenantArchive(read, consistency, options))) as never;
  })
  .openapi(meExport, async (c) => {
    const viewer = c.get('viewer');
    return (await respond(c, c.get('tenant'), `grove-export-${viewer.id}`, (read, consistency, options) => personArchive(read, consistency, viewer.id, options))) as never;
  });
