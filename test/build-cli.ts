/**
 * Bundles src/cli.ts the way scripts/build.mjs builds dist/, into a test's private folder, so that
 * another test run rebuilding dist/ at the same time cannot pull the program away mid-run. Used by
 * the tests that run the CLI as a user does (cli-authoring, tui-e2e, fuzz).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inkfast } from '../scripts/inkfast-plugin.mjs';
import { lazyBuiltins } from '../scripts/lazy-builtins-plugin.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds `<outdir>/cli.js` (and its chunks); with `metafile`, returns esbuild's metafile. */
export async function buildCli(outdir: string, opts: { metafile?: boolean } = {}) {
  return build({
    entryPoints: [join(ROOT, 'src/cli.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react-devtools-core'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
    metafile: opts.metafile === true,
    plugins: [inkfast, lazyBuiltins],
  });
}
