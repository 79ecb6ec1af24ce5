/**
 * Terminal safety: every string that comes from a scenario file or the user (names, descriptions,
 * notes, request paths and bodies echoed in narration, route patterns, breakpoint specs, file names)
 * passes through one of these before it reaches a terminal — the TUI panes, `run`'s text lines, the
 * `stopped at` line, `check`/`list` output, error messages, and JSON printed by `run --json`/`--state`.
 *
 * A scenario could carry escape sequences that retitle the window, move the cursor, write the
 * clipboard or rewrite what is already drawn (`\x1b]0;…\x07`, `\x1b]52;…`, `\x9b2J`, `\r`, backspace),
 * or bidi overrides (U+202E) that make text read backwards. `strip-ansi` leaves several of these, so
 * instead of stripping we replace each dangerous code point with something visible:
 *
 *   sanitize        glyphs, for text shown as prose: C0 controls become their Control Pictures glyph
 *                   (ESC → ␛, CR → ␍), DEL becomes ␡, C1 and bidi controls become U+FFFD (�).
 *   sanitizeLines   the same, but keeps `\n` (our own multi-line messages) and `\t`.
 *   escapeControls  `\u001b`-style escapes, for a value quoted in a message (`"a\u001bb"`).
 *   jsonSafe        for JSON text: escapes what JSON.stringify leaves raw (C1, DEL, bidi, U+2028/9) as
 *                   `\uXXXX`, which is still valid JSON for the same value (C0 is already escaped).
 *
 * Users: src/tui/** (through ../tui/sanitize.ts), src/commands/run.ts, src/cli.ts, src/scenario/*.
 */

/** C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), bidi marks/embeddings/overrides/isolates. */
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** As DANGEROUS, less newline and tab. */
const DANGEROUS_BUT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw that a terminal would act on, plus the JS line separators. */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** The placeholder shown for a replaced C1 or bidi control. */
export const PLACEHOLDER = '\ufffd';

function placeholder(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return String.fromCharCode(0x2400 + c);
  if (c === 0x7f) return '\u2421';
  return PLACEHOLDER;
}

function uEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `s` with every control and bidi override replaced by a visible, harmless placeholder. */
export function sanitize(s: string): string {
  return s.replace(DANGEROUS, placeholder);
}

/** As `sanitize`, but `\n` and `\t` stay: for multi-line messages we compose ourselves. */
export function sanitizeLines(s: string): string {
  return s.replace(DANGEROUS_BUT_LINES, placeholder);
}

/** Escapes C0/C1 controls and bidi overrides as \\uXXXX, so text from a file cannot drive the terminal. */
export function escapeControls(s: string): string {
  return s.replace(DANGEROUS, uEscape);
}

/** JSON text with every character a terminal could act on written as a `\uXXXX` escape. */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW, uEscape);
}
