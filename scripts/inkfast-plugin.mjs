// An esbuild plugin for the bundles (scripts/bundle.mjs, bench/run.mjs): Ink's dependencies get
// `string-width` and `@alcalzone/ansi-tokenize` through the fast paths of src/tui/inkfast/, which wrap
// the top-level copies they would have loaded and give the same answers, remembered across frames;
// Ink's own `sanitizeAnsi` module is wrapped the same way. Ink's code is unchanged; without the bundle
// (vitest, tsx) the packages load as they are. Every copy of `string-width` loads only when first asked: the fast path answers
// a first frame without it, and its module builds Intl.Segmenters and Unicode-property regexes
// (`\p{RGI_Emoji}` and others) when it loads (~15 ms of a first frame, profiled).
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const shims = fileURLToPath(new URL('../src/tui/inkfast/', import.meta.url));
const NS = 'inkfast';
// Real path: esbuild resolves symlinks (a git worktree's node_modules may be one).
const topLevel = `${realpathSync(fileURLToPath(new URL('../node_modules/', import.meta.url)))}/`;

/** Module text that wraps the real package at `real` (an absolute path). */
// `require` of an ES module makes esbuild bundle it behind a lazy initialiser: it runs on that call.
const wrappers = {
  'string-width': (real) => `
import { fastStringWidth } from ${JSON.stringify(`${shims}string-width.ts`)};
let real;
export default fastStringWidth((s, o) => (real ??= require(${JSON.stringify(real)}).default)(s, o));
`,
  // Another copy (wrap-ansi's older one), not behind the fast path: only loaded lazily.
  'lazy-string-width': (real) => `
let real;
export default (s, o) => (real ??= require(${JSON.stringify(real)}).default)(s, o);
`,
  '@alcalzone/ansi-tokenize': (real) => `
import * as real from ${JSON.stringify(real)};
import { fastAnsiTokenize } from ${JSON.stringify(`${shims}ansi-tokenize.ts`)};
export * from ${JSON.stringify(real)};
const fast = fastAnsiTokenize(real);
export const tokenize = fast.tokenize;
export const styledCharsFromTokens = fast.styledCharsFromTokens;
export const styledCharsToString = fast.styledCharsToString;
`,
  // Ink's own sanitizeAnsi: a module of Ink's, which its squash-text-nodes.js imports.
  'ink-sanitize-ansi': (real) => `
import real from ${JSON.stringify(real)};
import { fastSanitizeAnsi } from ${JSON.stringify(`${shims}sanitize-ansi.ts`)};
export default fastSanitizeAnsi(real);
`,
};

export const inkfast = {
  name: 'inkfast',
  setup(build) {
    build.onResolve({ filter: /^(string-width|@alcalzone\/ansi-tokenize)$/ }, async (args) => {
      if (args.pluginData?.inkfast) return undefined;
      const r = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { inkfast: true },
      });
      if (r.errors.length > 0) return { errors: r.errors };
      // Only the copies the fast paths were checked against (test/inkfast.test.ts): the top-level
      // ones. wrap-ansi's older string-width measures some symbols otherwise (▶ as an emoji).
      if (!r.path.startsWith(`${topLevel}${args.path}/`)) {
        if (args.path !== 'string-width') return { path: r.path };
        return { path: r.path, namespace: NS, pluginData: { pkg: 'lazy-string-width' } };
      }
      return { path: r.path, namespace: NS, pluginData: { pkg: args.path } };
    });
    build.onResolve({ filter: /^\.\/sanitize-ansi\.js$/ }, (args) => {
      if (!args.importer.startsWith(`${topLevel}ink/build/`)) return undefined;
      return {
        path: join(args.resolveDir, 'sanitize-ansi.js'),
        namespace: NS,
        pluginData: { pkg: 'ink-sanitize-ansi' },
      };
    });
    build.onLoad({ filter: /.*/, namespace: NS }, (args) => ({
      contents: wrappers[args.pluginData.pkg](args.path),
      resolveDir: shims,
      loader: 'js',
    }));
  },
};
