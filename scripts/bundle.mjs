// How src/cli.ts is bundled into dist/ (scripts/build.mjs) and into the tests' private folders
// (test/build-cli.ts): two builds, so that `--help` reads one small file and the rest loads on demand.
//
//   dist/cli.js   the front: src/cli.ts, commander and the few small modules cli.ts imports statically
//                 (its help texts, the export formats, package.json, text/sanitize.ts), one CommonJS
//                 file (dist/package.json says so; bin/package.json for the bin shim). Node runs it
//                 without starting its ES module loader, which costs `--help` ~5 ms before a line of
//                 ours runs, and each further module file ~1 ms (measured).
//   dist/*.mjs    everything cli.ts imports with `import()` (the TUI, Ink, the simulator, the commands,
//                 the scenario finder): ES modules, code-split, each an entry named after its source
//                 file; cli.js's `import('./tui/main.js')` becomes `import('./main-<hash>.mjs')`.
//
// A small module both builds reach (the sanitiser, the format list, package.json: no state, no class
// that is checked with instanceof) is in both; the scenario finder and its error classes are only in
// the second, which cli.ts imports when it needs them. All output sits in dist/ itself: the scenario
// finder finds dist/builtins.json next to its own file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { inkBlankCells } from './ink-blank-cells-plugin.mjs';
import { inkfast } from './inkfast-plugin.mjs';
import { lazyBuiltins } from './lazy-builtins-plugin.mjs';
import { lazySegmenters } from './lazy-segmenters-plugin.mjs';
import { yogaBytes } from './yoga-bytes-plugin.mjs';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');

/**
 * The plugins of every bundle that holds the TUI (this one's second build, the bench's, the test of
 * frames drawn through the bundle): Ink's width and ANSI helpers through remembered fast paths
 * (src/tui/inkfast/) and its frame grid filled with one blank cell (./ink-blank-cells-plugin.mjs);
 * rarely needed Node modules Ink's dependencies load, loaded when first needed
 * (./lazy-builtins-plugin.mjs); yoga's WebAssembly decoded natively (./yoga-bytes-plugin.mjs);
 * Intl.Segmenters made when first used (./lazy-segmenters-plugin.mjs).
 */
export const uiPlugins = [inkfast, inkBlankCells, lazyBuiltins, yogaBytes, lazySegmenters];

/** The options both bundles (and scripts/build.mjs's built-ins compiler) share. */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  // ink imports react-devtools-core only when DEV is set; it is not a dependency.
  external: ['react-devtools-core'],
  // Less text for V8 to read at start-up (Ink's chunk 827 -> 607 KB; React's reconciler ships
  // unminified): importing that chunk alone took ~10 ms less CPU (25 runs, median 258 -> 247 ms).
  // Names are kept (no identifier minifying: a NETFLOW_DEBUG stack still names its functions).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

/** ES modules get a `require` (for the CommonJS packages bundled into them). */
const esmBanner = {
  js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
};

/**
 * The front's `import()`s: `collect` records each target (an absolute source path) and leaves it
 * out; `to` maps each to its file in the second build.
 */
function dynamicImports({ collect, to }) {
  return {
    name: 'dynamic-imports',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const r = await b.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
        if (r.errors.length > 0) return { errors: r.errors };
        collect?.add(r.path);
        return { path: to ? `./${to.get(r.path)}` : args.path, external: true };
      });
    },
  };
}

/**
 * Bundles src/cli.ts into `outdir` (cli.js, *.mjs chunks, package.json). Options: `metafile` returns
 * both builds' metafiles merged (outputs keyed by path, as esbuild gives them); `sourcemap`.
 */
export async function bundleCli(outdir, { metafile = false, sourcemap = false } = {}) {
  const front = {
    ...common,
    entryPoints: [join(src, 'cli.ts')],
    outfile: join(outdir, 'cli.js'),
    format: 'cjs',
    sourcemap: sourcemap ? 'linked' : false,
    metafile: true,
    plugins: [lazyBuiltins],
  };
  // 1. Which modules cli.ts imports dynamically.
  const targets = new Set();
  await build({ ...front, write: false, plugins: [...front.plugins, dynamicImports({ collect: targets })] });
  // 2. Those, code-split.
  const rest = await build({
    ...common,
    entryPoints: [...targets],
    outdir,
    format: 'esm',
    splitting: true,
    entryNames: '[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    banner: esmBanner,
    sourcemap: sourcemap ? 'linked' : false,
    metafile: true,
    plugins: uiPlugins,
  });
  const to = new Map();
  for (const [out, o] of Object.entries(rest.metafile.outputs)) {
    if (o.entryPoint) to.set(join(root, o.entryPoint), out.slice(out.lastIndexOf('/') + 1));
  }
  for (const t of targets) if (!to.has(t)) throw new Error(`bundle: no output for ${t}`);
  // 3. The front, its imports pointing at them.
  const made = await build({ ...front, plugins: [...front.plugins, dynamicImports({ to })] });
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  if (!metafile) return {};
  return {
    metafile: {
      inputs: { ...rest.metafile.inputs, ...made.metafile.inputs },
      outputs: { ...rest.metafile.outputs, ...made.metafile.outputs },
    },
  };
}
