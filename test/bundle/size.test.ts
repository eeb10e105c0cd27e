import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// Assumes `npm run build` ran first (`npm test` does).
const dist = resolve(import.meta.dirname, '../../dist');
const KB = 1024;

const gzip = (code: string) => gzipSync(code, { level: 9 }).length;

/** A module and every relative module it imports, transitively: what it costs without Lit. */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  for (const m of code.matchAll(/(?:import|export)[^"']*?from\s*["'](\.[^"']+)["']|import\s*["'](\.[^"']+)["']/g)) {
    const spec = m[1] ?? m[2];
    if (spec) closure(resolve(dirname(entry), spec), seen);
  }
  return seen;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => join(d.parentPath, d.name));
}

describe('bundle', () => {
  it('was built', () => {
    expect(existsSync(join(dist, 'grove.js')), 'run `npm run build` first').toBe(true);
  });

  it('dist/grove.js (praise widgets, core and Lit) is at most 20 KB gzipped', () => {
    const size = gzip(readFileSync(join(dist, 'grove.js'), 'utf8'));
    expect(size).toBeLessThanOrEqual(20 * KB);
  });

  it('the praise wall ES module, with our modules it needs but without Lit, is at most 8 KB gzipped', () => {
    const files = closure(join(dist, 'esm/praise/praise-wall.js'));
    expect([...files].some((f) => f.endsWith('core/client.js'))).toBe(true);
    expect([...files].some((f) => f.includes('composer'))).toBe(false);
    const code = [...files].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(code).not.toMatch(/lit-html|LitElement\s*=|class\s+\w+\s+extends\s+ReactiveElement/);
    expect(gzip(code)).toBeLessThanOrEqual(8 * KB);
  });

  it('keeps Lit external in the ES modules', () => {
    const wall = readFileSync(join(dist, 'esm/praise/praise-wall.js'), 'utf8');
    expect(wall).toMatch(/from\s*"lit"/);
  });

  it('never writes HTML from strings in our own modules', () => {
    const ours = jsFiles(join(dist, 'esm'));
    expect(ours.length).toBeGreaterThan(5);
    for (const file of ours) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|unsafeHTML|document\.write/);
    }
  });

  it('ships a custom elements manifest describing both praise elements', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: { tagName?: string; attributes?: { name: string }[] }[] }[];
    };
    const decls = manifest.modules.flatMap((m) => m.declarations ?? []);
    const wall = decls.find((d) => d.tagName === 'grove-praise-wall');
    const composer = decls.find((d) => d.tagName === 'grove-praise-composer');
    expect(wall?.attributes?.map((a) => a.name)).toEqual(expect.arrayContaining(['scope', 'page-size', 'recipient-id', 'infinite']));
    expect(composer).toBeDefined();
  });
});
