// Bundles src/cli.ts into dist/ (ESM, code-split so the TUI and Ink load only when the TUI starts),
// then writes dist/builtins.json: the built-in scenarios validated (scripts/builtins-json.ts), so
// opening one at run time loads neither yaml nor zod.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { inkfast } from './inkfast-plugin.mjs';
import { lazyBuiltins } from './lazy-builtins-plugin.mjs';

const dist = new URL('../dist', import.meta.url).pathname;
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  // ink imports react-devtools-core only when DEV is set; it is not a dependency.
  external: ['react-devtools-core'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
};
rmSync(dist, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outdir: dist,
  splitting: true,
  sourcemap: 'linked',
  // Ink's width and ANSI helpers through remembered fast paths (src/tui/inkfast/); two rarely needed
  // Node modules Ink's dependencies load, loaded when first needed (./lazy-builtins-plugin.mjs).
  plugins: [inkfast, lazyBuiltins],
});

// The compiler runs bundled under node_modules/.cache (inside the package, so it finds scenarios/).
const cache = new URL('../node_modules/.cache/netflow-tui-build/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const compiler = `${cache}builtins-json.mjs`;
await build({
  ...common,
  entryPoints: [new URL('./builtins-json.ts', import.meta.url).pathname],
  outfile: compiler,
});
execFileSync(process.execPath, [compiler, `${dist}/builtins.json`], { stdio: 'inherit' });
