// Bundles of the widgets:
// - dist/grove-surveys.<hash>.js: the survey elements, an ES module that grove.js imports the
//   first time a survey tag is on the page; it takes Lit and core from that grove.js (the kit);
// - dist/grove.js: one IIFE with Lit, the praise elements and the survey loader, for a plain <script src>;
// - dist/esm/**: one ES module per source module, Lit external, for bundlers.
// `npm run build` then emits types (tsc) and custom-elements.json (cem).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const ts = () =>
  esbuild({
    tsconfig: 'tsconfig.widgets.json',
    target: 'es2021',
    define: { __GROVE_VERSION__: JSON.stringify(pkg.version) },
  });

const minify = () => terser({ ecma: 2021, module: true, compress: { passes: 2 }, format: { comments: false } });

/** Prints every emitted file's minified and gzipped (level 9) size. */
function sizes() {
  return {
    name: 'grove-sizes',
    generateBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const bytes = Buffer.byteLength(file.code);
        const gz = gzipSync(file.code, { level: 9 }).length;
        const name = options.dir ? `${options.dir}/${file.fileName}` : options.file;
        console.log(`  ${name}`.padEnd(56) + `${(bytes / 1024).toFixed(2)} KB min  ${(gz / 1024).toFixed(2)} KB gzip`);
      }
    },
  };
}

const onwarn = (warning, warn) => {
  // Lit's ESM uses `this` at top level in a way rollup flags but that is harmless.
  if (warning.code === 'THIS_IS_UNDEFINED') return;
  warn(warning);
};

// The names widgets/surveys/kit.ts exports: the chunk reads exactly these from grove.js's kit.
const kitNames = [...readFileSync(new URL('./widgets/surveys/kit.ts', import.meta.url), 'utf8').matchAll(/^export \{([^}]+)\}/gm)]
  .flatMap((m) => m[1].split(','))
  .map((n) => n.trim().split(/\s+as\s+/).pop())
  .filter(Boolean);

/** Built first; its content-hashed file name is written into grove.js. */
const surveysChunk = { fileName: '' };

/**
 * In the survey chunk, `./kit.js` becomes the kit object that the loading grove.js registered
 * under the chunk's URL, so both share one Lit, one token provider and one client. Any other
 * import of Lit or core from survey code would bundle a second copy: that fails the build.
 */
function surveysKit() {
  return {
    name: 'grove-surveys-kit',
    resolveId(source, importer) {
      if (!importer) return null;
      if (/(^|\/)kit\.(js|ts)$/.test(source)) return '\0grove-kit';
      if (source === 'lit' || source.startsWith('lit/') || source.startsWith('@lit/') || /(^|\/)core\//.test(source)) {
        this.error(`${importer} imports ${source}; survey code takes Lit and core only from ./kit.js`);
      }
      return null;
    },
    load(id) {
      if (id !== '\0grove-kit') return null;
      return [
        `const kits = globalThis[Symbol.for('grove.kits')];`,
        `const kit = kits && (kits.get(import.meta.url) || kits.values().next().value);`,
        `if (!kit) throw new Error('[grove] the survey chunk is loaded by grove.js, not on its own');`,
        `export const { ${kitNames.join(', ')} } = kit;`,
      ].join('\n');
    },
    generateBundle(_options, bundle) {
      const [key, chunk] = Object.entries(bundle).find(([, f]) => f.type === 'chunk' && f.isEntry);
      const hash = createHash('sha256').update(chunk.code).digest('hex').slice(0, 16);
      surveysChunk.fileName = `grove-surveys.${hash}.js`;
      delete bundle[key];
      this.emitFile({ type: 'asset', fileName: surveysChunk.fileName, source: chunk.code });
    },
  };
}

/** Writes the survey chunk's file name into grove.js (the placeholder is a free identifier). */
function surveysChunkName() {
  return {
    name: 'grove-surveys-chunk-name',
    renderChunk(code) {
      if (!surveysChunk.fileName) this.error('the survey chunk must be built before grove.js');
      return { code: code.replaceAll('__GROVE_SURVEYS_CHUNK__', JSON.stringify(surveysChunk.fileName)), map: null };
    },
  };
}

/** Prints a chunk emitted as an asset (the hashed survey chunk). */
function assetSizes() {
  return {
    name: 'grove-asset-sizes',
    writeBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.js')) continue;
        const gz = gzipSync(file.source, { level: 9 }).length;
        console.log(`  ${options.dir}/${file.fileName}`.padEnd(56) + `${(Buffer.byteLength(file.source) / 1024).toFixed(2)} KB min  ${(gz / 1024).toFixed(2)} KB gzip`);
      }
    },
  };
}

export default [
  {
    input: 'widgets/surveys/chunk.ts',
    output: { dir: 'dist', format: 'es', inlineDynamicImports: true },
    plugins: [surveysKit(), ts(), minify(), assetSizes()],
    onwarn,
  },
  {
    input: 'widgets/script-tag.ts',
    output: { file: 'dist/grove.js', format: 'iife', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), surveysChunkName(), minify(), sizes()],
    onwarn,
  },
  {
    input: {
      index: 'widgets/index.ts',
      all: 'widgets/all.ts',
      'define/grove-praise-wall': 'widgets/define/grove-praise-wall.ts',
      'define/grove-praise-composer': 'widgets/define/grove-praise-composer.ts',
      'define/grove-survey': 'widgets/define/grove-survey.ts',
      'define/grove-survey-results': 'widgets/define/grove-survey-results.ts',
    },
    external: (id) => id === 'lit' || id.startsWith('lit/') || id.startsWith('@lit/') || id.startsWith('lit-'),
    output: {
      dir: 'dist/esm',
      format: 'es',
      sourcemap: true,
      preserveModules: true,
      preserveModulesRoot: 'widgets',
    },
    plugins: [ts(), minify(), sizes()],
    onwarn,
  },
];
