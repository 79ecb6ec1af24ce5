// An esbuild plugin for the bundles (scripts/bundle.mjs, bench/run.mjs): two of Ink's dependencies
// make an Intl.Segmenter (grapheme) when they load, and the first one a process makes costs 15–23 ms
// (ICU's break rules load; the next costs ~0.1 ms), every TUI start. Here they are made when first
// used: slice-ansi's only when a line is cut (none on a first frame), and @alcalzone/ansi-tokenize's
// only for a string that is not plain ASCII, or holds a CR LF pair: in any other ASCII string each
// character is a grapheme cluster of its own (Unicode UAX #29: CR × LF is the only rule that joins
// ASCII characters), so its segments are its characters, at their indices. Ink's fast path
// (src/tui/inkfast/ansi-tokenize.ts) asks the package to tokenise only colour codes (ASCII), so a
// first frame makes no segmenter. Each edit must match the installed package exactly once, or the
// build fails: a new version is then looked at again, not silently left eager.
import { readFileSync } from 'node:fs';

const MAKE = 'new Intl.Segmenter(undefined, { granularity: "grapheme" })';
/** File path suffix → [text to replace, replacement][] */
const edits = {
  '/node_modules/slice-ansi/tokenize-ansi.js': [
    [
      "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
      `let graphemeSegmenter; const GRAPHEME_SEGMENTER = { segment: (s) => (graphemeSegmenter ??= ${MAKE}).segment(s) };`,
    ],
  ],
  '/node_modules/@alcalzone/ansi-tokenize/build/tokenize.js': [
    [
      `const segmenter = ${MAKE};`,
      'let segmenter; const segments = (str) => /^[\\x00-\\x7f]*$/.test(str) && !str.includes("\\r\\n") ? ' +
        `Array.from(str, (segment, index) => ({ segment, index })) : (segmenter ??= ${MAKE}).segment(str);`,
    ],
    [
      'for (const { segment, index } of segmenter.segment(str)) {',
      'for (const { segment, index } of segments(str)) {',
    ],
  ],
};

export const lazySegmenters = {
  name: 'lazy-segmenters',
  setup(build) {
    build.onLoad(
      {
        filter:
          /[\\/]node_modules[\\/](slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/,
      },
      (args) => {
        const path = args.path.replaceAll('\\', '/');
        const suffix = Object.keys(edits).find((s) => path.endsWith(s));
        if (!suffix) return undefined;
        let text = readFileSync(args.path, 'utf8');
        for (const [from, to] of edits[suffix]) {
          if (text.split(from).length !== 2)
            throw new Error(`lazy-segmenters: ${path} changed; look at it again`);
          text = text.replace(from, () => to);
        }
        return { contents: text, loader: 'js' };
      },
    );
  },
};
