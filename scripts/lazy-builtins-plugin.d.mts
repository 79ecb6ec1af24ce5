// Types of ./lazy-builtins-plugin.mjs for the TypeScript that imports it (test/build-cli.ts).
import type { Plugin } from 'esbuild';
export declare const lazyBuiltins: Plugin;
