/**
 * Terminal safety: every string that comes from a scenario file (names, descriptions, notes, request
 * paths and bodies echoed in narration) passes through `sanitize` before it reaches the screen.
 *
 * A scenario could carry escape sequences that retitle the window, move the cursor, or rewrite what is
 * already drawn (`\x1b]0;…\x07`, `\r`, backspace), or bidi overrides (U+202E) that make text read
 * backwards. `strip-ansi` leaves several of these, so instead of stripping we replace each dangerous
 * code point with a visible placeholder: C0 controls become their Control Pictures glyph (ESC → ␛,
 * CR → ␍), DEL becomes ␡, and C1 controls and bidi controls become U+FFFD (�).
 */

/** C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), bidi marks/embeddings/overrides/isolates. */
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The placeholder shown for a replaced C1 or bidi control. */
export const PLACEHOLDER = '\ufffd';

function placeholder(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return String.fromCharCode(0x2400 + c);
  if (c === 0x7f) return '\u2421';
  return PLACEHOLDER;
}

/** `s` with every control and bidi override replaced by a visible, harmless placeholder. */
export function sanitize(s: string): string {
  return s.replace(DANGEROUS, placeholder);
}
