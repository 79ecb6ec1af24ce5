/**
 * The bundle's fast paths in front of Ink's width and ANSI helpers (src/tui/inkfast/) must give the
 * real packages' answers: checked on the lines real frames of built-in scenarios draw, and on random
 * lines mixing colour codes, box drawing, wide characters, emoji, combining marks and controls. And
 * whole frames drawn through a bundle built with the CLI's plugins (scripts/bundle.mjs uiPlugins: the
 * fast paths and Ink's grid of one blank cell) must be the frames Ink draws without them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as realTokenize from '@alcalzone/ansi-tokenize';
import { build } from 'esbuild';
import fc from 'fast-check';
import { renderToString } from 'ink';
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
// Ink's own module (not among its exports): the bundle wraps it (scripts/inkfast-plugin.mjs).
import realSanitizeAnsi from '../node_modules/ink/build/sanitize-ansi.js';
import { common, uiPlugins } from '../scripts/bundle.mjs';
import { createSession } from '../src/debug/session.js';
import { engine } from '../src/sim/engine.js';
import { appElement } from '../src/tui/app.js';
import { fastAnsiTokenize } from '../src/tui/inkfast/ansi-tokenize.js';
import { fastSanitizeAnsi, onlyColourCodes } from '../src/tui/inkfast/sanitize-ansi.js';
import { fastStringWidth, standaloneWidth, standsAlone } from '../src/tui/inkfast/string-width.js';
import { makeTheme } from '../src/tui/theme.js';
import { builtin } from './helpers.js';

const width = fastStringWidth(realStringWidth);
const fast = fastAnsiTokenize(realTokenize);
const sanitizeAnsi = fastSanitizeAnsi(realSanitizeAnsi);

/** Real frames: hello and keepalive at a few steps, in colour, 160 columns. */
function realFrames(): string[] {
  const frames: string[] = [];
  for (const name of ['hello', 'keepalive']) {
    const session = createSession(engine, builtin(name));
    for (const at of [0, Math.floor(session.total / 3), session.total - 1]) {
      session.goto(at);
      frames.push(
        renderToString(appElement({ session, theme: makeTheme(3), columns: 160, rows: 50 }), {
          columns: 160,
        }),
      );
    }
  }
  return frames;
}

const realFrameLines = (): string[] => realFrames().flatMap((f) => f.split('\n'));

/** The same frames, drawn by a bundle built with the CLI's plugins (run in its own process). */
async function bundledFrames(): Promise<string[]> {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'netflow-inkfast-'));
  try {
    const at = (f: string) => JSON.stringify(join(root, f));
    writeFileSync(
      join(dir, 'entry.ts'),
      `import { renderToString } from 'ink';
import { createSession } from ${at('src/debug/session.ts')};
import { loadScenarioFile } from ${at('src/scenario/load.ts')};
import { engine } from ${at('src/sim/engine.ts')};
import { appElement } from ${at('src/tui/app.tsx')};
import { makeTheme } from ${at('src/tui/theme.ts')};
const frames = [];
for (const name of ['hello', 'keepalive']) {
  const session = createSession(engine, loadScenarioFile(${at('scenarios')} + '/' + name + '.yaml'));
  for (const at of [0, Math.floor(session.total / 3), session.total - 1]) {
    session.goto(at);
    frames.push(renderToString(appElement({ session, theme: makeTheme(3), columns: 160, rows: 50 }), { columns: 160 }));
  }
}
process.stdout.write(JSON.stringify(frames));
`,
    );
    // The CLI bundle's own options (production React, minified as dist/ is), its TUI plugins.
    await build({
      ...common,
      entryPoints: [join(dir, 'entry.ts')],
      outdir: dir,
      nodePaths: [join(root, 'node_modules')],
      splitting: true,
      format: 'esm',
      outExtension: { '.js': '.mjs' },
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      plugins: uiPlugins,
    });
    const r = spawnSync(process.execPath, [join(dir, 'entry.mjs')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`the bundle failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pieces = [
  'a',
  'Z',
  ' ',
  '│',
  '─',
  '╔',
  '·',
  '…',
  '→',
  '≠',
  '✓',
  '▶',
  '█',
  'é',
  'e\u0301',
  '漢',
  'ｱ',
  '😀',
  '👩‍💻',
  '1\u20e3',
  '\u200b',
  '\u00ad',
  '\t',
  '\x07',
  '\u{1f1eb}\u{1f1f7}',
  '\u1100\u1161',
  '\x1b[1m',
  '\x1b[2m',
  '\x1b[22m',
  '\x1b[31m',
  '\x1b[39m',
  '\x1b[38;5;208m',
  '\x1b[48;2;1;2;3m',
  '\x1b[0m',
  '\x1b[m',
  '\x1b[4m',
  '\x1b[24m',
  '\x1b]8;;http://x\x07',
  '\x1b[2K',
  '\x1b[1:2m',
  '\x1b[?25l',
  '\x1b[',
  '\x1b',
  '\x9b31m',
  '\x85',
  '[31m',
];
const line = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(''));

describe('Ink fast paths (the bundle only)', () => {
  const frames = realFrameLines();

  it('draw whole frames exactly as Ink draws them without the bundle', { timeout: 60_000 }, async () => {
    const bundled = await bundledFrames();
    const plain = realFrames();
    expect(bundled.length).toBe(6);
    expect(bundled).toEqual(plain);
  });

  it('measure every line of real frames as string-width does', () => {
    expect(frames.length).toBeGreaterThan(200);
    for (const l of frames) expect(width(l)).toBe(realStringWidth(l));
  });

  it('measure every code point of the fast ranges alone as string-width does', () => {
    const wrong: string[] = [];
    let n = 0;
    for (let cp = 0; cp < 0x3000; cp++) {
      if (!standsAlone(cp)) continue;
      n++;
      const want = realStringWidth(String.fromCharCode(cp));
      if (standaloneWidth(cp) !== want)
        wrong.push(`U+${cp.toString(16)}: ${standaloneWidth(cp)} not ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(n).toBe(3589);
    // Tokenised alone, each is one character token with the package's fullWidth.
    const all = Array.from({ length: 0x3000 }, (_, cp) => cp).filter(standsAlone);
    const line = String.fromCharCode(...all);
    expect(fast.tokenize(line)).toEqual(realTokenize.tokenize(line));
  });

  it('measure random lines as string-width does, twice (the memo)', () => {
    fc.assert(
      fc.property(line, (s) => {
        const want = realStringWidth(s);
        return width(s) === want && width(s) === want;
      }),
      { numRuns: 3000 },
    );
  });

  it('turn real and random lines into the same styled cells and row strings', () => {
    const check = (s: string) => {
      expect(fast.tokenize(s)).toEqual(realTokenize.tokenize(s));
      const want = realTokenize.styledCharsFromTokens(realTokenize.tokenize(s));
      const got = fast.styledCharsFromTokens(fast.tokenize(s));
      expect(got).toEqual(want);
      // Asked again (remembered), the answer is the same.
      expect(fast.styledCharsFromTokens(fast.tokenize(s))).toBe(got);
      expect(fast.styledCharsToString(got)).toBe(realTokenize.styledCharsToString(want));
    };
    for (const l of frames) check(l);
    fc.assert(
      fc.property(line, (s) => {
        check(s);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('a row of the same cells (blank fillers new each frame) is the same string; another cell changes it', () => {
    const red = fast.styledCharsFromTokens(fast.tokenize('\x1b[31mab\x1b[39m cd'));
    const green = fast.styledCharsFromTokens(fast.tokenize('\x1b[32mab\x1b[39m cd'));
    const filler = () => ({ type: 'char' as const, value: ' ', fullWidth: false, styles: [] });
    const row = () => [...red, filler(), filler()];
    const first = fast.styledCharsToString(row());
    expect(first).toBe(realTokenize.styledCharsToString(row()));
    expect(fast.styledCharsToString(row())).toBe(first);
    // Same first cell, a different second one: not the remembered row.
    const changed = [red[0]!, green[1]!, ...red.slice(2), filler(), filler()];
    expect(fast.styledCharsToString(changed)).toBe(realTokenize.styledCharsToString(changed));
    expect(fast.styledCharsToString(changed)).not.toBe(first);
  });

  it("sanitize real and random lines as Ink does, and every real frame's line on the fast path", () => {
    for (const l of frames) {
      expect(onlyColourCodes(l)).toBe(true);
      expect(sanitizeAnsi(l)).toBe(realSanitizeAnsi(l));
    }
    fc.assert(
      fc.property(line, (s) => sanitizeAnsi(s) === realSanitizeAnsi(s)),
      { numRuns: 3000 },
    );
    for (const s of ['\x1b[2Kx', 'a\x1b[?25lb', 'x\x1b', '\x1b[31', '\x9b31mz', 'a\x85b'])
      expect([onlyColourCodes(s), sanitizeAnsi(s)]).toEqual([false, realSanitizeAnsi(s)]);
  });

  it('join cells of different lines into a row as the package does', () => {
    // Ink's rows mix the cells of neighbouring panes' lines: styles change at each boundary.
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (parts) => {
        const row = parts.flatMap((p) => fast.styledCharsFromTokens(fast.tokenize(p)));
        const realRow = parts.flatMap((p) => realTokenize.styledCharsFromTokens(realTokenize.tokenize(p)));
        return fast.styledCharsToString(row) === realTokenize.styledCharsToString(realRow);
      }),
      { numRuns: 2000 },
    );
  });
});
