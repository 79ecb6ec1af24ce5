// Bundles src/cli.ts into dist/ (./bundle.mjs: a CommonJS front for the command line, the TUI, Ink
// and the rest as code-split ES modules loaded when a command needs them), then writes
// dist/builtins.json: the built-in scenarios validated (scripts/builtins-json.ts), so opening one at
// run time loads neither yaml nor zod.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleCli, common } from './bundle.mjs';

const dist = new URL('../dist', import.meta.url).pathname;
rmSync(dist, { recursive: true, force: true });
await bundleCli(dist, { sourcemap: true });

// The compiler runs bundled under node_modules/.cache (inside the package, so it finds scenarios/).
const cache = new URL('../node_modules/.cache/netflow-tui-build/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const compiler = `${cache}builtins-json.mjs`;
await build({
  ...common,
  entryPoints: [new URL('./builtins-json.ts', import.meta.url).pathname],
  outfile: compiler,
  format: 'esm',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
execFileSync(process.execPath, [compiler, `${dist}/builtins.json`], { stdio: 'inherit' });
