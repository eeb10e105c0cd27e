// Bundles of the widgets: dist/grove.js (one IIFE with Lit, for a plain <script src>) and
// dist/esm/** (one ES module per source module, Lit external, for bundlers).
// `npm run build` then emits types (tsc) and custom-elements.json (cem).
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

export default [
  {
    input: 'widgets/all.ts',
    output: { file: 'dist/grove.js', format: 'iife', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), ts(), minify(), sizes()],
    onwarn,
  },
  {
    input: {
      index: 'widgets/index.ts',
      all: 'widgets/all.ts',
      'define/grove-praise-wall': 'widgets/define/grove-praise-wall.ts',
      'define/grove-praise-composer': 'widgets/define/grove-praise-composer.ts',
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
