/**
 * Colours and markers. Every styled string in the panes is made here, from one chalk instance whose
 * level is decided once (FORCE_COLOR, NO_COLOR mapped to FORCE_COLOR=0 by the bin, or a test's
 * choice). At level 0 colour, bold and inverse all vanish, so anything that carries meaning has a
 * plain-text form too: a changed value gets a trailing `*`, the current timeline row a `▶`, a focused
 * pane a double border.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Layer } from '../sim/trace.js';

export type ColorLevel = 0 | 1 | 2 | 3;

export interface Theme {
  level: ColorLevel;
  /** A value that changed since the previous cursor position (gdb's register view). */
  changed(s: string): string;
  /** `changed(s)` when `yes`, else `s`. */
  mark(s: string, yes: boolean): string;
  /** `mark(s, yes)` padded with spaces to `n` columns (the level-0 `*` counts). */
  markPad(s: string, n: number, yes: boolean): string;
  dim(s: string): string;
  bold(s: string): string;
  accent(s: string): string;
  error(s: string): string;
  ok(s: string): string;
  warn(s: string): string;
  /** The current row of the timeline. */
  current(s: string): string;
  layer(l: Layer, s: string): string;
  /** The colour of a ring slot glyph by state. */
  slot(state: string, s: string): string;
  /** Border colour for Ink boxes, undefined at level 0. */
  border(focused: boolean): string | undefined;
  /** A hand-drawn border line in the same colour as `border(focused)`. */
  frame(s: string, focused: boolean): string;
}

const LAYER_COLOURS: Record<Layer, (c: ChalkInstance) => ChalkInstance> = {
  wire: (c) => c.gray,
  nic: (c) => c.magenta,
  kernel: (c) => c.blue,
  runtime: (c) => c.cyan,
  app: (c) => c.green,
  client: (c) => c.yellow,
};

export function makeTheme(level: ColorLevel): Theme {
  const c = new Chalk({ level });
  const changed = level === 0 ? (s: string) => `${s}*` : (s: string) => c.bold.yellow(s);
  return {
    level,
    changed,
    mark: (s, yes) => (yes ? changed(s) : s),
    markPad: (s, n, yes) => {
      const shown = s.length + (yes && level === 0 ? 1 : 0);
      return (yes ? changed(s) : s) + ' '.repeat(Math.max(0, n - shown));
    },
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    accent: (s) => c.cyan(s),
    error: (s) => c.red(s),
    ok: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    current: (s) => c.inverse(s),
    layer: (l, s) => (LAYER_COLOURS[l]?.(c) ?? c)(s),
    slot: (state, s) => {
      if (state === 'dma') return c.yellow(s);
      if (state === 'filled') return c.green(s);
      if (state === 'tx') return c.magenta(s);
      return c.dim(s);
    },
    border: (focused) => (level === 0 ? undefined : focused ? 'cyan' : 'gray'),
    frame: (s, focused) => (focused ? c.cyan(s) : c.gray(s)),
  };
}
