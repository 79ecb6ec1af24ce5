/**
 * The `?` overlay: the key map table rendered by category, in one column, or two when one does not
 * fit the screen, then the legend (what the highlights, colours and words on screen mean). Never cut:
 * when it is taller than the screen it scrolls (↑ ↓ PgUp PgDn space) and its last row says how much
 * is left. Esc, ?, q or Enter close it, and so does any other key.
 */
import { bindingKeys, bindingsByCategory, type Context } from '../keymap.js';
import { cut, pad, padStyled, wrap } from '../text.js';
import type { Theme } from '../theme.js';
import { Overlay, overlayCapacity } from './overlay.js';

const KEY_COL = 14;
/** Content columns below which the help stays in one column: two would cut most descriptions. */
const TWO_COLUMNS_MIN = 110;
/** The key map contexts the help lists, in this order. */
const HELP_CONTEXTS: readonly Context[] = ['normal', 'bplist', 'anomalies', 'fork', 'help'];

function section(ctx: Context, theme: Theme, width: number): string[][] {
  return bindingsByCategory(ctx).map(([cat, list]) => [
    theme.bold(cat),
    ...list.map((b) => `${theme.accent(pad(bindingKeys(b), KEY_COL))}${cut(b.description, width - KEY_COL)}`),
  ]);
}

/** What the screen's marks, colours and words mean. */
export const LEGEND: readonly string[] = [
  'yellow bold (or a trailing * without colour): a value this step changed',
  '╔═╗ double border: the focused pane · ▶ the current step · ● a breakpoint hit · / a search match',
  'layer colours: wire grey · nic magenta · kernel blue · runtime cyan · app green · client yellow',
  'journey map (under the panes): the stage of this step lit; a number is how many requests are there',
  'rg / wg: a pollDesc’s read and write waiters: nil, pdReady (ready, nobody waits), pdWait, or a G',
  'ET: edge-triggered (EPOLLET): epoll reports a change once, not while it lasts',
  'runnext: a P’s one-G slot that runs before its run queue · tick: the P’s schedule count',
  'runq 812: G13833 G13834 …: a long list says its length first',
];

function legend(theme: Theme, width: number): string[] {
  return [theme.bold('Legend'), ...LEGEND.flatMap((l) => wrap(l, width).map((x) => `  ${x}`))];
}

/** The help's lines for a box with `width` content columns and room for `height` lines (all of them:
 * the overlay scrolls when they do not fit). */
export function helpLines(theme: Theme, width: number, height: number): string[] {
  const groups = HELP_CONTEXTS.flatMap((c) => section(c, theme, width));
  const footer = theme.dim(
    'Esc closes this help (any key does). Breakpoints: syscall:accept4, irq:rx, wakeup:accept, anomaly:overflow, watch acceptq > 0',
  );
  const one = groups.flatMap((g) => [...g, '']);
  const tail = [...legend(theme, width - 2), '', footer];
  // One column when it fits, or when two would cut the descriptions short (the help scrolls).
  if (one.length + tail.length <= height || width < TWO_COLUMNS_MIN) return [...one, ...tail];
  // Two columns: fill the left one to half, then the right.
  const colW = Math.floor((width - 2) / 2);
  const narrow = HELP_CONTEXTS.flatMap((c) => section(c, theme, colW));
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
  return [...out, '', ...tail];
}

export interface HelpOverlayProps {
  theme: Theme;
  columns: number;
  rows: number;
  /** Lines scrolled down. */
  scroll?: number;
}

/** The window of `lines` that fits `cap` rows from `scroll`, its last row saying what is left. */
export function helpWindow(lines: string[], scroll: number, cap: number, theme: Theme): string[] {
  if (lines.length <= cap) return lines;
  const room = Math.max(1, cap - 1);
  const first = Math.max(0, Math.min(scroll, lines.length - room));
  const below = lines.length - first - room;
  const more =
    below > 0
      ? `▼ ${below} more line${below === 1 ? '' : 's'}: ↓ PgDn space scroll · Esc closes`
      : '▲ end of help · ↑ PgUp scroll back · Esc closes';
  return [...lines.slice(first, first + room), theme.warn(theme.bold(more))];
}

export function HelpOverlay({ theme, columns, rows, scroll = 0 }: HelpOverlayProps) {
  const width = Math.min(columns - 2, 120);
  const cap = overlayCapacity(rows) - 1;
  return (
    <Overlay
      title="Keys — netflow-tui"
      lines={helpWindow(helpLines(theme, width - 3, cap), scroll, cap, theme)}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
