// An esbuild plugin for the bundles (scripts/bundle.mjs, bench/run.mjs): Ink's Output.get() starts each
// frame from a grid of blank cells, one new object and one new empty styles array per cell (8,000 each
// at 160×50: ~0.9 MB of a c10k frame's ~3 MB of garbage, sampled), then replaces the cells that text
// covers. It only ever replaces a cell, never writes into one, and everything after it only reads cells
// (Ink's own code and src/tui/inkfast/ansi-tokenize.ts), so one blank cell can stand in every place:
// here the grid is filled with it. The edit must match the installed package exactly once, or the
// build fails: a new version is then looked at again, not silently left. test/inkfast.test.ts checks
// that frames drawn through the bundle are the frames Ink draws without it.
import { readFileSync } from 'node:fs';

const FILE = /[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/;
const FROM = `                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`;
const TO = '                row.push(BLANK_CELL);';
/** Declared at the top of the module: the one blank cell. */
const DECLARE = "const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };\n";

/** Ink's output.js text with the grid filled with one blank cell (throws when the text is not the one looked at). */
export function shareBlankCells(text, file = 'ink/build/output.js') {
  if (text.split(FROM).length !== 2) throw new Error(`ink-blank-cells: ${file} changed; look at it again`);
  return DECLARE + text.replace(FROM, TO);
}

export const inkBlankCells = {
  name: 'ink-blank-cells',
  setup(build) {
    build.onLoad({ filter: FILE }, (args) => ({
      contents: shareBlankCells(readFileSync(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};
