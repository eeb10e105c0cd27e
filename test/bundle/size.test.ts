import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import terserModule from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';

// Assumes `npm run build` ran first (`npm test` does).
// The plugin's types describe CommonJS; under NodeNext the default import is the namespace.
type Terser = typeof terserModule.default;
const terser: Terser = (terserModule as unknown as { default?: Terser }).default ?? (terserModule as unknown as Terser);

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

/** An ES module of dist/ bundled and minified as a bundler user's build would, Lit external: its code. */
async function bundledWithoutLit(file: string): Promise<string> {
  const build = await rollup({
    input: join(dist, file),
    external: (id) => id === 'lit' || id.startsWith('lit/'),
    plugins: [terser({ module: true, compress: { passes: 2 } })],
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  const entry = output.find((o) => o.type === 'chunk' && o.isEntry);
  if (entry?.type !== 'chunk') throw new Error('no entry chunk');
  return entry.code;
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

  it('dist/grove.js (praise widgets, core, Lit and the survey loader) is at most 20 KB gzipped', () => {
    const size = gzip(readFileSync(join(dist, 'grove.js'), 'utf8'));
    expect(size).toBeLessThanOrEqual(20 * KB);
  });

  const surveyChunks = () => readdirSync(dist).filter((f) => /^grove-surveys\.[0-9a-f]{16}\.js$/.test(f));

  it('grove.js loads the survey elements as one content-hashed chunk, named in grove.js', () => {
    const chunks = surveyChunks();
    expect(chunks).toHaveLength(1);
    const grove = readFileSync(join(dist, 'grove.js'), 'utf8');
    expect(grove).toContain(`"${chunks[0]}"`);
    // The survey elements themselves are not in grove.js: only their tag names, for the loader.
    expect(grove).not.toMatch(/anonymityThreshold|eNPS/);
  });

  it('the survey chunk (both survey elements, en and fr) is at most 13.5 KB gzipped and carries no Lit of its own', () => {
    const code = readFileSync(join(dist, surveyChunks()[0]!), 'utf8');
    expect(code).not.toMatch(/lit-html|ReactiveElement|attachShadow/);
    // It takes Lit and core from the grove.js that loaded it (the kit).
    expect(code).toContain('grove.kits');
    // Host pages' CSP often forbids inline styles: geometry goes in SVG attributes instead.
    expect(code).not.toMatch(/\sstyle=/);
    expect(gzip(code)).toBeLessThanOrEqual(13.5 * KB);
  });

  // What a bundler user pays for the survey form alone, Lit external (the results are not imported).
  it('the survey ES module, bundled without Lit, is at most 12 KB gzipped and needs none of the results', async () => {
    const files = [...closure(join(dist, 'esm/surveys/survey.js'))];
    expect(files.some((f) => /results/.test(f))).toBe(false);
    const code = await bundledWithoutLit('esm/surveys/survey.js');
    expect(gzip(code)).toBeLessThanOrEqual(12 * KB);
  });

  it('the praise wall ES module needs core but none of the composer', () => {
    const files = [...closure(join(dist, 'esm/praise/praise-wall.js'))];
    expect(files.some((f) => f.endsWith('core/client.js'))).toBe(true);
    expect(files.some((f) => f.includes('composer') || f.includes('recipient-search'))).toBe(false);
  });

  // What a bundler user pays for the wall: its ES module and every module of ours it imports,
  // bundled and minified (as their bundler would) with Lit external. French is a lazy chunk, not counted.
  it('the praise wall ES module, bundled without Lit, is at most 8 KB gzipped', async () => {
    const code = await bundledWithoutLit('esm/praise/praise-wall.js');
    expect(code).not.toMatch(/lit-html|class\s+\w+\s+extends\s+ReactiveElement/);
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

  it('ships a custom elements manifest describing the praise and survey elements', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: { tagName?: string; attributes?: { name: string }[] }[] }[];
    };
    const decls = manifest.modules.flatMap((m) => m.declarations ?? []);
    const wall = decls.find((d) => d.tagName === 'grove-praise-wall');
    const composer = decls.find((d) => d.tagName === 'grove-praise-composer');
    expect(wall?.attributes?.map((a) => a.name)).toEqual(expect.arrayContaining(['scope', 'page-size', 'recipient-id', 'infinite']));
    expect(composer).toBeDefined();
    const survey = decls.find((d) => d.tagName === 'grove-survey');
    const results = decls.find((d) => d.tagName === 'grove-survey-results');
    expect(survey?.attributes?.map((a) => a.name)).toEqual(expect.arrayContaining(['survey', 'layout']));
    expect(results?.attributes?.map((a) => a.name)).toEqual(expect.arrayContaining(['survey', 'group-by', 'round']));
  });
});
