// Bundles src/cli.ts into dist/ (ESM, code-split so the TUI and Ink load only when the TUI starts).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outdir: new URL('../dist', import.meta.url).pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  // ink imports react-devtools-core only when DEV is set; it is not a dependency.
  external: ['react-devtools-core'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
