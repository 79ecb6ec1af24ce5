/**
 * A fast path in front of Ink's `sanitizeAnsi` (ink/build/sanitize-ansi.js), which Ink runs on the
 * text of every Text node twice a frame (measuring it, then drawing it): any text holding an ESC or a
 * C1 control is tokenised, and only text and colour codes are kept. Our panes' lines hold colour
 * codes and nothing else that is a control, so the answer is the text itself; finding that out took
 * the tokeniser, cold, ~5–15 ms of a first frame (profiled).
 *
 * Here a text whose every ESC starts a colour code (`ESC [`, digits, `;` or `:`, `m`: what Ink keeps)
 * and that holds no C1 control is returned as it is, which is what the tokeniser would have built
 * from its pieces; anything else goes to the real function. `test/inkfast.test.ts` checks real frames'
 * lines and random ones against it. The bundle (scripts/inkfast-plugin.mjs) puts it in Ink's place.
 */

const ESC = 0x1b;
const LEFT_BRACKET = 0x5b;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const LETTER_M = 0x6d;
/** C1 controls (U+0080–U+009F): Ink's tokeniser reads CSI, OSC, DCS and others from them. */
const C1_FIRST = 0x80;
const C1_LAST = 0x9f;

/** True when every control in `s` is a colour code Ink keeps (so sanitizing changes nothing). */
export function onlyColourCodes(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === ESC) {
      if (s.charCodeAt(i + 1) !== LEFT_BRACKET) return false;
      let j = i + 2;
      for (; j < n; j++) {
        const d = s.charCodeAt(j);
        if ((d < DIGIT_0 || d > DIGIT_9) && d !== SEMICOLON && d !== COLON) break;
      }
      if (s.charCodeAt(j) !== LETTER_M) return false;
      i = j;
    } else if (c >= C1_FIRST && c <= C1_LAST) return false;
  }
  return true;
}

/** `sanitizeAnsi` with the fast path in front. */
export function fastSanitizeAnsi(real: (text: string) => string): (text: string) => string {
  return (text) => (onlyColourCodes(text) ? text : real(text));
}
