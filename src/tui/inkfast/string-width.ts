/**
 * A fast path in front of `string-width`, which Ink calls for every line of every Text node on every
 * frame (widest-line, its Output's clipping and cell widths). `string-width` segments any line that
 * is not plain ASCII into grapheme clusters and tests each against emoji regexes; our panes' lines
 * carry box-drawing characters, `·`, `…`, arrows and colour codes, so every line took the slow path
 * (11 % of a key press's CPU time on hello, profiled).
 *
 * Here a line made only of colour codes (`ESC [ … m`) and code points that are each a grapheme cluster
 * of their own (ranges below) is measured by summing per-code-point widths: zero for the invisible
 * classes `string-width` skips, else the East Asian Width it would look up (the same package, ambiguous
 * as narrow). None of these code points is an emoji or a Hangul jamo, the cases where `string-width`
 * decides otherwise, so the sum is its answer: `test/inkfast.test.ts` checks every code point of the
 * ranges and random lines against it. Anything else goes to the real function, memoised. (Asking the
 * real function even once compiles its emoji regex: ~130 ms of a first frame, profiled.)
 * The bundle (scripts/inkfast-plugin.mjs) wraps each copy of `string-width` Ink's dependencies load.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import { GenerationMemo } from './memo.js';

export type StringWidth = (s: string, options?: StringWidthOptions) => number;
export interface StringWidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/** Lines remembered per generation: a 160×50 frame has ~400 distinct lines; room for several frames. */
const WIDTH_MEMO_LINES = 8192;

/**
 * True for a code point that Intl.Segmenter always makes a grapheme cluster of its own, whatever its
 * neighbours are in this set: printable ASCII, Latin-1 and Latin Extended (not the soft hyphen, a
 * format character), General Punctuation without its zero-width and format characters, and U+2100–
 * U+2BFF (letter-like symbols, arrows, maths, technical, box drawing, blocks, shapes, dingbats): none
 * of them is a combining mark, ZWJ, variation selector, regional indicator or Hangul jamo.
 */
export function standsAlone(cp: number): boolean {
  return (
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0x2ff && cp !== 0xad) ||
    (cp >= 0x2010 && cp <= 0x2027) ||
    (cp >= 0x2030 && cp <= 0x205e) ||
    (cp >= 0x2100 && cp <= 0x2bff)
  );
}

/** What `string-width` skips as printing nothing (its `visibleCharacterRegex`, negated). */
const INVISIBLE =
  /[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/u;

/** The width of a code point for which standsAlone(cp) holds, as `string-width` measures it alone. */
export function standaloneWidth(cp: number): number {
  return INVISIBLE.test(String.fromCharCode(cp)) ? 0 : eastAsianWidth(cp, { ambiguousAsWide: false });
}

/** `string-width` with a per-code-point fast path and a memo; same answers as `real`. */
export function fastStringWidth(real: StringWidth): StringWidth {
  const perCodePoint = new Map<number, number>();
  const memo = new GenerationMemo<string, number>(WIDTH_MEMO_LINES);
  const cpWidth = (cp: number): number => {
    let w = perCodePoint.get(cp);
    if (w === undefined) {
      w = standaloneWidth(cp);
      perCodePoint.set(cp, w);
    }
    return w;
  };
  /** The width by per-code-point sums, or -1 when the line needs the real function. */
  const summed = (s: string): number => {
    let width = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x1b) {
        // A colour code: ESC [ digits and semicolons, then m. Anything else: the real function.
        if (s.charCodeAt(i + 1) !== 0x5b) return -1;
        let j = i + 2;
        for (; j < n; j++) {
          const d = s.charCodeAt(j);
          if ((d < 0x30 || d > 0x39) && d !== 0x3b) break;
        }
        if (s.charCodeAt(j) !== 0x6d) return -1;
        i = j;
        continue;
      }
      if (c >= 0x20 && c <= 0x7e) width++;
      else if (standsAlone(c)) width += cpWidth(c);
      else return -1;
    }
    return width;
  };
  return (s, options) => {
    if (typeof s !== 'string' || options?.ambiguousIsNarrow === false || options?.countAnsiEscapeCodes) {
      return real(s, options);
    }
    const fast = summed(s);
    if (fast >= 0) return fast;
    let w = memo.get(s);
    if (w === undefined) {
      w = real(s, options);
      memo.set(s, w);
    }
    return w;
  };
}
