// An esbuild plugin for the bundles (scripts/build.mjs, test/build-cli.ts, bench/run.mjs): three of
// our dependencies load a Node module at start-up that they need only in a rare case, so the bundle
// loads it when first needed instead. commander spawns a child only for a command that is a separate
// executable (we have none), and terminal-size runs `tput`/`resize` only when no stream knows the
// terminal's size (node:child_process, which brings node:dgram and more, on every command); signal-exit
// 3 asserts that each exit handler is a function (node:assert, loaded only if that fails, with the
// same loose equality). Together ~10–30 ms of the TUI's first frame and some of `--help`, measured
// in a fresh process (process.moduleLoadList at the first frame names what loads). Each edit must match the installed package exactly
// once, or the build fails: a new version is then looked at again, not silently left eager.
import { readFileSync } from 'node:fs';

/** [file path suffix, text to replace, replacement] */
const edits = [
  [
    '/node_modules/terminal-size/index.js',
    "import {execFileSync} from 'node:child_process';",
    "const execFileSync = (...args) => require('node:child_process').execFileSync(...args);",
  ],
  [
    '/node_modules/signal-exit/index.js',
    "var assert = require('assert')",
    "var assert = { equal: function (a, b, m) { if (a != b) require('assert').equal(a, b, m) } }",
  ],
  [
    '/node_modules/commander/lib/command.js',
    "const childProcess = require('node:child_process');",
    "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  ],
];

export const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onLoad(
      {
        filter:
          /[\\/]node_modules[\\/](terminal-size[\\/]index|signal-exit[\\/]index|commander[\\/]lib[\\/]command)\.js$/,
      },
      (args) => {
        const path = args.path.replaceAll('\\', '/');
        const edit = edits.find(([suffix]) => path.endsWith(suffix));
        if (!edit) return undefined;
        const [, from, to] = edit;
        const text = readFileSync(args.path, 'utf8');
        if (text.split(from).length !== 2)
          throw new Error(`lazy-builtins: ${path} changed; look at it again`);
        return { contents: text.replace(from, to), loader: 'js' };
      },
    );
  },
};
