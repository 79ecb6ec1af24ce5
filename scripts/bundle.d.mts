// Types of ./bundle.mjs for the TypeScript that imports it (test/build-cli.ts, test/inkfast.test.ts).
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
export declare const common: BuildOptions;
export declare const uiPlugins: Plugin[];
export declare function bundleCli(
  outdir: string,
  opts?: { metafile?: boolean; sourcemap?: boolean },
): Promise<{ metafile?: Metafile }>;
