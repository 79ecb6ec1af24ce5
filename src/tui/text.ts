/**
 * Small text helpers shared by the panes: byte sizes, gauges, padding, word wrap, and windowed
 * content. Panes build their content as plain strings (one per screen line) so each line becomes one
 * Ink `Text` node; long lists (10k connections, 10k goroutines) are `Block` lists that produce only
 * the lines inside the visible window.
 */

/** 131072 → `128KiB`, 1536 → `1.5KiB`, 78 → `78B`. */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const s = u === 0 || Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${s}${units[u]}`;
}

/** A bar `width` cells wide, filled in proportion to value/cap (any non-zero value shows one cell). */
export function gauge(value: number, cap: number, width: number): string {
  if (width <= 0) return '';
  const frac = cap > 0 ? Math.min(1, value / cap) : 0;
  let full = Math.round(frac * width);
  if (value > 0 && full === 0) full = 1;
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Left-aligns `s` in `n` columns (longer text is kept whole). */
export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Right-aligns `s` in `n` columns. */
export function padLeft(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** Cuts `s` to `n` columns, ending in `…` when cut. */
export function cut(s: string, n: number): string {
  if (n <= 0) return '';
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** Word-wraps plain text to lines of at most `width` columns (long words are split). */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (let word of para.split(/ +/)) {
      while (word.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(word.slice(0, w));
        word = word.slice(w);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/** Pane content: fixed lines, or a list of `count` lines made on demand by `line(i)`. */
export type Block = string | { count: number; line: (i: number) => string };

/** What a pane shows: the visible lines and how many lines its whole content has. */
export interface PaneContent {
  lines: string[];
  total: number;
}

/** The lines of `blocks` from `offset` (clamped so the window stays full), at most `height` of them. */
export function materialize(blocks: Block[], offset: number, height: number): PaneContent {
  let total = 0;
  for (const b of blocks) total += typeof b === 'string' ? 1 : b.count;
  const start = Math.max(0, Math.min(offset, total - height));
  const end = Math.min(total, start + height);
  const lines: string[] = [];
  let at = 0;
  for (const b of blocks) {
    if (at >= end) break;
    const n = typeof b === 'string' ? 1 : b.count;
    if (at + n > start) {
      const from = Math.max(0, start - at);
      const to = Math.min(n, end - at);
      for (let i = from; i < to; i++) lines.push(typeof b === 'string' ? b : b.line(i));
    }
    at += n;
  }
  return { lines, total };
}

const SGR = /\x1b\[[0-9;]*m/g;

/** Columns a styled line takes: its length without SGR colour codes. */
export function visibleLength(s: string): number {
  return s.replace(SGR, '').length;
}

/** A styled line padded with spaces to `n` columns. */
export function padStyled(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - visibleLength(s)));
}

/**
 * Cuts a styled line to `n` columns, ending in `…` when cut (what Ink's `truncate-end` does), keeping
 * its colour codes; the `…` takes the style of the text it cuts, then a reset ends the line.
 */
export function cutStyled(s: string, n: number): string {
  if (visibleLength(s) <= n) return s;
  if (n <= 0) return '';
  let out = '';
  let shown = 0;
  let i = 0;
  while (i < s.length && shown < n - 1) {
    if (s.charCodeAt(i) === 0x1b) {
      SGR_AT.lastIndex = i;
      const m = SGR_AT.exec(s);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    out += s[i];
    shown++;
    i++;
  }
  return `${out}…${s.includes('\x1b') ? '\x1b[0m' : ''}`;
}

const SGR_AT = /\x1b\[[0-9;]*m/y;
