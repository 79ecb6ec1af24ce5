/**
 * Screen layout: where each pane goes for a terminal size. Pure: (columns, rows, ui) → a tree of rows
 * and columns with exact cell sizes, which app.tsx turns into Ink boxes.
 *
 * The root box is one row shorter than the terminal (at full height Ink clears the whole screen on
 * every frame); under the panes come the journey map (one row, always), the gauge strip when it is on
 * (`t`, GAUGE_ROWS rows) and the status line, so panes get `rows - 3` rows (`rows - 5` with the gauge).
 *
 * - full (≥ 160×50): every pane. NIC | Sockets across the top; FD table | epoll over the Timeline on
 *   the left; Scheduler over Narration on the right.
 * - compact (≥ 80×24): the detail pane picked with `1`–`5` or Tab across the top, Timeline and
 *   Narration below (side by side when wide enough, stacked otherwise).
 * - below 80×24: a message instead of panes.
 */
import { DETAIL_PANES, type PaneId, type UiState } from './reducer.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
export const FULL_COLUMNS = 160;
export const FULL_ROWS = 50;
/** Rows of the journey map strip (always shown) and of the gauge strip (when on). */
export const JOURNEY_ROWS = 1;
export const GAUGE_ROWS = 2;
/** NIC pane width that fits 64 ring slots per row (borders and padding: 3). */
const NIC_WIDTH = 67;
/** NIC pane height: two rings of 4 rows, 4 more lines, 2 borders. */
const NIC_HEIGHT = 14;

export type LayoutNode =
  | { kind: 'pane'; pane: PaneId; width: number; height: number }
  | { kind: 'row' | 'col'; width: number; height: number; children: LayoutNode[] };

export type Layout =
  | { kind: 'too-small'; columns: number; rows: number }
  | { kind: 'full' | 'compact'; root: LayoutNode; panes: PaneId[] };

const pane = (p: PaneId, width: number, height: number): LayoutNode => ({
  kind: 'pane',
  pane: p,
  width,
  height,
});
const row = (width: number, height: number, children: LayoutNode[]): LayoutNode => ({
  kind: 'row',
  width,
  height,
  children,
});
const col = (width: number, height: number, children: LayoutNode[]): LayoutNode => ({
  kind: 'col',
  width,
  height,
  children,
});

function full(w: number, h: number): LayoutNode {
  const top = NIC_HEIGHT;
  const rest = h - top;
  const right = Math.max(60, Math.floor((w * 3) / 8));
  const left = w - right;
  const fdH = Math.max(10, Math.floor(rest * 0.34));
  const schedH = Math.ceil(rest * 0.63);
  const fdW = Math.floor(left / 2);
  return col(w, h, [
    row(w, top, [pane('nic', NIC_WIDTH, top), pane('sockets', w - NIC_WIDTH, top)]),
    row(w, rest, [
      col(left, rest, [
        row(left, fdH, [pane('fds', fdW, fdH), pane('epoll', left - fdW, fdH)]),
        pane('timeline', left, rest - fdH),
      ]),
      col(right, rest, [pane('sched', right, schedH), pane('narration', right, rest - schedH)]),
    ]),
  ]);
}

function compact(w: number, h: number, detail: PaneId): LayoutNode {
  const side = w >= 110;
  const topH = side
    ? Math.max(8, Math.min(NIC_HEIGHT, Math.floor(h * 0.5)))
    : Math.max(8, Math.floor(h * 0.36));
  const rest = h - topH;
  let bottom: LayoutNode;
  if (side) {
    const narrW = Math.max(36, Math.floor(w * 0.38));
    bottom = row(w, rest, [pane('timeline', w - narrW, rest), pane('narration', narrW, rest)]);
  } else {
    const tlH = Math.ceil(rest / 2);
    bottom = col(w, rest, [pane('timeline', w, tlH), pane('narration', w, rest - tlH)]);
  }
  return col(w, h, [pane(detail, w, topH), bottom]);
}

function panesOf(n: LayoutNode, out: PaneId[] = []): PaneId[] {
  if (n.kind === 'pane') out.push(n.pane);
  else for (const c of n.children) panesOf(c, out);
  return out;
}

export function computeLayout(
  columns: number,
  rows: number,
  ui: Pick<UiState, 'detail'> & Partial<Pick<UiState, 'gauge'>>,
): Layout {
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) return { kind: 'too-small', columns, rows };
  const h = rows - 2 - JOURNEY_ROWS - (ui.gauge?.on ? GAUGE_ROWS : 0);
  const detail = DETAIL_PANES.includes(ui.detail) ? ui.detail : 'nic';
  const root = columns >= FULL_COLUMNS && rows >= FULL_ROWS ? full(columns, h) : compact(columns, h, detail);
  return {
    kind: columns >= FULL_COLUMNS && rows >= FULL_ROWS ? 'full' : 'compact',
    root,
    panes: panesOf(root),
  };
}

/** The message shown instead of panes on a terminal below the minimum. */
export function tooSmallMessage(columns: number, rows: number): string {
  return `terminal too small (${columns}×${rows}); need at least ${MIN_COLUMNS}×${MIN_ROWS}`;
}
