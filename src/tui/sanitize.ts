/**
 * The TUI's view of terminal safety: the one sanitizer shared by every output path lives in
 * ../text/sanitize.ts; the panes and overlays import it from here.
 */
export { PLACEHOLDER, sanitize } from '../text/sanitize.js';
