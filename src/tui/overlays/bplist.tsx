/**
 * The breakpoint list (`B`): every breakpoint with its id, enabled state, spec and hit count; the
 * selected one marked `▶`. Its keys come from the key map's `bplist` context.
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

export interface BplistOverlayProps {
  bps: BreakpointInfo[];
  selected: number;
  theme: Theme;
  columns: number;
  rows: number;
}

export function BplistOverlay({ bps, selected, theme, columns, rows }: BplistOverlayProps) {
  const width = Math.min(columns - 2, 84);
  return (
    <Overlay
      title={`Breakpoints (${bps.length})`}
      lines={bplistLines(bps, selected, theme, overlayCapacity(rows))}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
