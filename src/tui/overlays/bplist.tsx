/**
 * The breakpoint list (`B`): every breakpoint with its id, enabled state, spec and hit count; the
 * selected one marked `▶`; under them the bookmarks (`m` + letter) with their steps. Its keys come
 * from the key map's `bplist` context.
 */
import type { BreakpointInfo } from '../../debug/types.js';
import { keyHints } from '../keymap.js';
import { sanitize } from '../sanitize.js';
import type { Theme } from '../theme.js';
import { Overlay, overlayCapacity } from './overlay.js';

/** The list's lines; the window scrolls to keep the selection visible within `height` lines. */
export function bplistLines(bps: BreakpointInfo[], selected: number, theme: Theme, height: number): string[] {
  const hints = keyHints('bplist');
  if (bps.length === 0)
    return [theme.dim('no breakpoints: b adds one (e.g. syscall:accept4)'), '', theme.dim(hints)];
  const room = Math.max(1, height - 2);
  const start = Math.max(0, Math.min(selected - room + 1, bps.length - room));
  const lines = bps.slice(start, start + room).map((b, k) => {
    const i = start + k;
    const here = i === selected;
    const text = `${here ? '▶' : ' '} #${b.id} [${b.enabled ? 'x' : ' '}] ${sanitize(b.spec)}  ${b.hits < 0 ? '? hits' : `${b.hits} hit${b.hits === 1 ? '' : 's'}`}`;
    if (here) return theme.current(text);
    return b.enabled ? text : theme.dim(text);
  });
  return [...lines, '', theme.dim(hints)];
}

/** The bookmarks line under the list: `bookmarks: 'a step 83 · 'b step 120`. */
export function bookmarkLine(marks: Record<string, number>, theme: Theme): string {
  const list = Object.entries(marks)
    .sort()
    .map(([k, v]) => `'${k} step ${v}`);
  return theme.dim(
    list.length ? `bookmarks (' + letter jumps): ${list.join(' · ')}` : 'no bookmarks: m + a letter sets one',
  );
}

export interface BplistOverlayProps {
  bps: BreakpointInfo[];
  /** Bookmarks: letter → step. */
  bookmarks?: Record<string, number>;
  selected: number;
  theme: Theme;
  columns: number;
  rows: number;
}

export function BplistOverlay({ bps, bookmarks = {}, selected, theme, columns, rows }: BplistOverlayProps) {
  const width = Math.min(columns - 2, 84);
  const lines = bplistLines(bps, selected, theme, overlayCapacity(rows) - 2);
  return (
    <Overlay
      title={`Breakpoints (${bps.length}) and bookmarks (${Object.keys(bookmarks).length})`}
      lines={[...lines, '', bookmarkLine(bookmarks, theme)]}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
