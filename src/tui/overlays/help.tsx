/**
 * The `?` overlay: the key map table rendered by category, in one column, or two when one does not
 * fit the screen. Any key closes it.
 */
import { bindingKeys, bindingsByCategory, type Context } from '../keymap.js';
import { cut, pad, padStyled } from '../text.js';
import type { Theme } from '../theme.js';
import { Overlay, overlayCapacity } from './overlay.js';

const KEY_COL = 14;

function section(ctx: Context, theme: Theme, width: number): string[][] {
  return bindingsByCategory(ctx).map(([cat, list]) => [
    theme.bold(cat),
    ...list.map((b) => `${theme.accent(pad(bindingKeys(b), KEY_COL))}${cut(b.description, width - KEY_COL)}`),
  ]);
}

/** The help's lines for a box with `width` content columns and room for `height` lines. */
export function helpLines(theme: Theme, width: number, height: number): string[] {
  const groups = [...section('normal', theme, width), ...section('bplist', theme, width)];
  const footer = theme.dim(
    'Any key closes this help. Breakpoint grammar: syscall:accept4, irq:rx, wakeup:accept, watch acceptq > 0',
  );
  const one = groups.flatMap((g) => [...g, '']);
  if (one.length + 1 <= height) return [...one, footer];
  // Two columns: fill the left one to half, then the right.
  const colW = Math.floor((width - 2) / 2);
  const narrow = [...section('normal', theme, colW), ...section('bplist', theme, colW)];
  const half = Math.ceil(narrow.flat().length / 2);
  const left: string[] = [];
  const right: string[] = [];
  for (const g of narrow) {
    const target = right.length === 0 && (left.length === 0 || left.length + g.length <= half) ? left : right;
    target.push(...g);
  }
  const rows = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) out.push(`${padStyled(left[i] ?? '', colW)}  ${right[i] ?? ''}`);
  return [...out, footer];
}

export interface HelpOverlayProps {
  theme: Theme;
  columns: number;
  rows: number;
}

export function HelpOverlay({ theme, columns, rows }: HelpOverlayProps) {
  const width = Math.min(columns - 2, 120);
  return (
    <Overlay
      title="Keys — netflow-tui"
      lines={helpLines(theme, width - 3, overlayCapacity(rows))}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
