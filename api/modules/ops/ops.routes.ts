import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { requires } from '../../http/authorize.js';
import { Problem } from '../../http/problems.js';
import { router } from '../../http/router.js';

/** The script-tag bundle, read once per change of the file on disk. */
async function loadBundle(path: string, cache: { mtimeMs?: number; body?: Buffer; hash?: string }) {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (cache.mtimeMs !== info.mtimeMs) {
    cache.body = await readFile(path);
    cache.hash = createHash('sha256').update(cache.body).digest('hex').slice(0, 16);
    cache.mtimeMs = info.mtimeMs;
  }
  return { body: cache.body!, hash: cache.hash! };
}

const bundleCache: { mtimeMs?: number; body?: Buffer; hash?: string } = {};
// Chunks that grove.js imports on first use (`grove-surveys.<hash>.js`), built beside it. Their
// names carry their content hash, so a name read once never changes content.
const chunkCache = new Map<string, Buffer>();
const open = requires('public');

export const opsRoutes = router()
  .get('/health', open, (c) => c.json({ status: 'ok' }, 200))
  .get('/ready', open, async (c) => {
    try {
      await Promise.race([
        c.get('deps').database.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
      ]);
      return c.json({ status: 'ready', database: c.get('deps').database.kind }, 200);
    } catch {
      throw new Problem('unavailable', 'The database does not answer.');
    }
  })
  .get('/metrics', open, async (c) => {
    const { registry } = c.get('deps').metrics;
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  })
  // `/grove.js` always serves the current bundle (revalidated by ETag); `/grove.<hash>.js` is the
  // same bytes under their content hash, cacheable for a year. The Link header names it.
  .get('/grove.js', open, async (c) => {
    const bundle = await loadBundle(c.get('deps').bundlePath, bundleCache);
    if (!bundle) throw new Problem('not-found', 'The widget bundle is not built: run `npm run build`.');
    const etag = `"${bundle.hash}"`;
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('ETag', etag);
    c.header('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
    c.header('Link', `</grove.${bundle.hash}.js>; rel="alternate"`);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(new Uint8Array(bundle.body), 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  })
  .get('/:file{grove\\.[0-9a-f]{16}\\.js}', open, async (c) => {
    const bundle = await loadBundle(c.get('deps').bundlePath, bundleCache);
    if (!bundle || c.req.param('file') !== `grove.${bundle.hash}.js`) throw new Problem('not-found', 'No bundle with that hash.');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(bundle.body), 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  })
  // The name is matched in full (letters, a dot, 16 hex digits): nothing else on disk is reachable.
  .get('/:file{grove-[a-z]+\\.[0-9a-f]{16}\\.js}', open, async (c) => {
    const file = c.req.param('file');
    let body = chunkCache.get(file);
    if (!body) {
      body = await readFile(join(dirname(c.get('deps').bundlePath), file)).catch(() => undefined);
      if (!body) throw new Problem('not-found', 'No widget chunk with that name.');
      chunkCache.set(file, body);
    }
    // Imported as a module script from the host's origin: CORS mode, so it needs the ACAO header.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(body), 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });
