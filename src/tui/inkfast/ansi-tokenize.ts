/**
 * Fast paths in front of `@alcalzone/ansi-tokenize`, which Ink's Output uses on every frame: each line
 * of each Text is tokenised into styled characters (`tokenize` + `styledCharsFromTokens`), and each of
 * the screen's rows is turned back into a string (`styledCharsToString`), diffing the styles of every
 * pair of neighbouring cells. Ink caches the first per frame only; a key press redrew ~8,000 cells
 * from scratch (tokenising, styling and diffing: ~27 % of a hello key press's CPU, profiled).
 *
 * Here:
 * - a line of colour codes and code points that stand alone (./string-width.ts) is tokenised without
 *   the package's grapheme segmenter (~0.2 ms a 160-column line: 80 ms of a first frame); each
 *   distinct colour code is still tokenised by the package, once;
 * - a line's tokens and styled characters are remembered across frames (a bounded memo), and
 *   neighbouring characters with the same styles share one styles array;
 * - turning a row into a string skips the diff where two neighbours' styles are the same codes (the
 *   diff of equal reduced styles is empty, so the output is the same string), and a row made of the
 *   very cells of a row turned before (the same remembered lines in the same places) is that string.
 * Ink's Output only reads these arrays (it places the character objects in its grid), so sharing them
 * between frames is safe. `test/inkfast.test.ts` checks the answers against the real functions.
 * The bundle (scripts/inkfast-plugin.mjs) puts this module in place of the package for Ink.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import { GenerationMemo } from './memo.js';
import { standsAlone } from './string-width.js';

export interface AnsiCode {
  type: 'ansi';
  code: string;
  endCode: string;
}
export interface Char {
  type: 'char';
  value: string;
  fullWidth: boolean;
}
export type Token = AnsiCode | Char;
export interface StyledChar extends Char {
  styles: AnsiCode[];
}

/** The package's functions this module speeds up (the rest it re-exports unchanged). */
export interface AnsiTokenize {
  tokenize: (str: string, endChar?: number) => Token[];
  reduceAnsiCodesIncremental: (codes: AnsiCode[], newCodes: AnsiCode[]) => AnsiCode[];
  ansiCodesToString: (codes: AnsiCode[]) => string;
  diffAnsiCodes: (from: AnsiCode[], to: AnsiCode[]) => AnsiCode[];
}

/** Lines whose styled characters are remembered per generation (a 160×50 frame has ~400). */
const STYLED_MEMO_LINES = 4096;
/** Screen rows remembered per generation, by first cell (a frame has 50), and rows per first cell. */
const ROW_MEMO_ROWS = 1024;
const ROWS_PER_FIRST_CELL = 8;

/** The same codes in the same order (two reduced styles that draw the same). */
function sameStyles(a: AnsiCode[], b: AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].code !== b[i].code || a[i].endCode !== b[i].endCode) return false;
  }
  return true;
}

export function fastAnsiTokenize(real: AnsiTokenize) {
  const memo = new GenerationMemo<string, Token[]>(STYLED_MEMO_LINES);
  const tokenLines = new WeakMap<Token[], StyledChar[]>();

  /**
   * Styles in force, one array per state reached: the package's reducer applied once per (state,
   * code), so equal paths give the same array everywhere (lines, frames) and comparing styles is
   * mostly comparing identities. The reducer returns a new array, so none is ever changed.
   */
  const EMPTY: AnsiCode[] = [];
  const reduced = new WeakMap<AnsiCode[], Map<string, AnsiCode[]>>();
  const reduce = (codes: AnsiCode[], t: AnsiCode): AnsiCode[] => {
    let next = reduced.get(codes);
    if (next === undefined) {
      next = new Map();
      reduced.set(codes, next);
    }
    let r = next.get(t.code);
    if (r === undefined) {
      r = real.reduceAnsiCodesIncremental(codes, [t]);
      if (r.length === 0) r = EMPTY;
      next.set(t.code, r);
    }
    return r;
  };
  /** The style change from one state to the next, as the package writes it, remembered per pair. */
  const diffs = new WeakMap<AnsiCode[], WeakMap<AnsiCode[], string>>();
  const diffText = (from: AnsiCode[], to: AnsiCode[]): string => {
    const f = from.length === 0 ? EMPTY : from;
    const t = to.length === 0 ? EMPTY : to;
    let row = diffs.get(f);
    if (row === undefined) {
      row = new WeakMap();
      diffs.set(f, row);
    }
    let d = row.get(t);
    if (d === undefined) {
      d = real.ansiCodesToString(real.diffAnsiCodes(f, t));
      row.set(t, d);
    }
    return d;
  };

  /**
   * The package's styled characters, built as it does (each code reduced into the styles in force,
   * with its own reducer), except that characters share their state's styles array (reduce) where
   * the package copies it per character.
   */
  const styledCharsFromTokens = (tokens: Token[]): StyledChar[] => {
    const known = tokenLines.get(tokens);
    if (known) return known;
    const chars: StyledChar[] = [];
    let codes = EMPTY;
    for (const t of tokens) {
      if (t.type === 'ansi') codes = reduce(codes, t);
      else chars.push({ type: 'char', value: t.value, fullWidth: t.fullWidth, styles: codes });
    }
    tokenLines.set(tokens, chars);
    return chars;
  };

  // Tokens are only read (styledCharsFromTokens copies them): one object per character and per code.
  const charTokens = new Map<number, Char>();
  const charToken = (cp: number): Char => {
    let t = charTokens.get(cp);
    if (t === undefined) {
      // A code point alone is its grapheme: the package's fullWidth is is-fullwidth-code-point's.
      t = { type: 'char', value: String.fromCharCode(cp), fullWidth: eastAsianWidth(cp) === 2 };
      charTokens.set(cp, t);
    }
    return t;
  };
  const codeTokens = new Map<string, Token[]>();
  const sgrTokens = (seq: string): Token[] => {
    let t = codeTokens.get(seq);
    if (t === undefined) {
      t = real.tokenize(seq);
      codeTokens.set(seq, t);
    }
    return t;
  };
  /** The package's tokens for a line of colour codes and lone code points; undefined for others. */
  const tokenizeSimple = (str: string): Token[] | undefined => {
    const out: Token[] = [];
    const n = str.length;
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c === 0x1b) {
        if (str.charCodeAt(i + 1) !== 0x5b) return undefined;
        let j = i + 2;
        for (; j < n; j++) {
          const d = str.charCodeAt(j);
          if ((d < 0x30 || d > 0x39) && d !== 0x3b) break;
        }
        if (str.charCodeAt(j) !== 0x6d) return undefined;
        for (const t of sgrTokens(str.slice(i, j + 1))) out.push(t);
        i = j;
      } else if (standsAlone(c)) out.push(charToken(c));
      else return undefined;
    }
    return out;
  };

  /**
   * `tokenize(line)`, remembered: Ink calls `styledCharsFromTokens(tokenize(line))`, so a remembered
   * line's tokens (the same array) find its styled characters by identity.
   */
  const tokenize = (str: string, endChar?: number): Token[] => {
    if (endChar !== undefined) return real.tokenize(str, endChar);
    let tokens = memo.get(str);
    if (tokens === undefined) {
      tokens = tokenizeSimple(str) ?? real.tokenize(str);
      memo.set(str, tokens);
    }
    return tokens;
  };

  /**
   * Rows already turned into strings, by their first cell: a row whose cells are the same objects
   * (remembered lines drawn where they were) is the same string. Ink's blank filler cells are new
   * objects each frame: any two of them are the same cell.
   */
  const rows = new GenerationMemo<StyledChar, { cells: StyledChar[]; text: string }[]>(ROW_MEMO_ROWS);
  const blank = (c: StyledChar) => c.value === ' ' && c.styles.length === 0;
  const sameCells = (a: StyledChar[], b: StyledChar[]): boolean => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      if (x !== y && !(blank(x) && blank(y))) return false;
    }
    return true;
  };

  /** A row of styled cells as a string, with the fewest style changes (same output as the package). */
  const styledCharsToString = (chars: StyledChar[]): string => {
    if (chars.length === 0) return '';
    const seen = rows.get(chars[0]);
    if (seen) for (const r of seen) if (sameCells(r.cells, chars)) return r.text;
    const text = rowText(chars);
    if (seen) {
      if (seen.length >= ROWS_PER_FIRST_CELL) seen.shift();
      seen.push({ cells: chars, text });
    } else rows.set(chars[0], [{ cells: chars, text }]);
    return text;
  };

  const rowText = (chars: StyledChar[]): string => {
    let out = '';
    let prev: AnsiCode[] = [];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (!sameStyles(prev, c.styles)) out += diffText(prev, c.styles);
      out += c.value;
      prev = c.styles;
    }
    if (chars.length > 0 && prev.length > 0) out += diffText(prev, EMPTY);
    return out;
  };

  return { tokenize, styledCharsFromTokens, styledCharsToString };
}
