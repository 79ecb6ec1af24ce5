// Types of ./bundle.mjs for the TypeScript that imports it (test/build-cli.ts).
import type { BuildOptions, Metafile } from 'esbuild';
export declare const common: BuildOptions;
export declare function bundleCli(
  outdir: string,
  opts?: { metafile?: boolean; sourcemap?: boolean },
): Promise<{ metafile?: Metafile }>;
