/**
 * UI state of the TUI and its reducer: which pane has focus, how far each pane is scrolled, which
 * mode the screen is in (panes, a prompt, the help overlay, the breakpoint list), play state, and the
 * one-line message under the panes. Pure: `uiReducer(state, action)` returns a new state and touches
 * nothing else. The debugger Session is not in here; controller.ts moves it and then reports what
 * happened with these actions.
 *
 * Modes: normal ⇄ help (scrolls); normal ⇄ prompt (goto | break | search | gauge | why | export | fork); normal ⇄ bplist →
 * prompt (break); normal ⇄ await (the letter after `m` or `'`); normal ⇄ anomalies (the list);
 * normal ⇄ share / bytes (read-only boxes). Closing any of them returns to normal.
 *
 * Also here, because keys change them: the `/` search, bookmarks (letter → step), the request lens
 * (a connection id: stepping stays within its steps) and the gauge strip (on/off, which gauge).
 */

/** The panes, in focus order; `1`–`7` pick them by position. */
export const PANES = ['nic', 'sockets', 'fds', 'epoll', 'sched', 'timeline', 'narration'] as const;
export type PaneId = (typeof PANES)[number];

/** Panes with machine state; on a small terminal one of them is shown above the timeline. */
export const DETAIL_PANES: readonly PaneId[] = ['nic', 'sockets', 'fds', 'epoll', 'sched'];

export const PANE_TITLES: Record<PaneId, string> = {
  nic: 'NIC',
  sockets: 'Sockets',
  fds: 'FD table',
  epoll: 'epoll',
  sched: 'Scheduler',
  timeline: 'Timeline',
  narration: 'Narration',
};

/** Play speeds in steps per second; `+`/`-` move along this list. */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
export const DEFAULT_SPEED = 2;

export type PromptKind = 'goto' | 'break' | 'search' | 'gauge' | 'why' | 'export' | 'fork';

/** The gauge the strip plots until the user picks another with `T` (a watch's gauge spec). */
export const DEFAULT_GAUGE = 'acceptq';

export type Mode =
  | { kind: 'normal' }
  | { kind: 'help'; scroll: number }
  | { kind: 'bplist'; selected: number }
  | { kind: 'anomalies'; selected: number }
  | { kind: 'await'; what: 'mark' | 'jump' }
  | { kind: 'share' }
  | { kind: 'bytes' }
  | {
      kind: 'prompt';
      prompt: PromptKind;
      text: string;
      /** Why the last submit failed; `column` (1-based, in `text`) points at the problem. */
      error?: { message: string; column?: number };
    };

export interface Message {
  text: string;
  tone: 'info' | 'error';
}

export interface UiState {
  focus: PaneId;
  /** The detail pane a small terminal shows: the last focused of DETAIL_PANES. */
  detail: PaneId;
  /** Lines scrolled down, per pane (the timeline: records from the cursor-centred window). */
  scroll: Record<PaneId, number>;
  mode: Mode;
  playing: boolean;
  /** Index into SPEEDS. */
  speed: number;
  message: Message | null;
  quit: boolean;
  /** The last `/` query, while n / N move between its matches; null when none. */
  search: string | null;
  /** Bookmarks: a letter → a step. */
  bookmarks: Record<string, number>;
  /** The request lens: a connection id whose steps alone the timeline shows; null when off. */
  lens: number | null;
  /** The gauge strip: shown or not, and the gauge spec it plots (`acceptq fd=3`, `runq p=0`). */
  gauge: { on: boolean; spec: string };
}

export type UiAction =
  | { type: 'focus'; pane: PaneId }
  | { type: 'focus-cycle'; delta: 1 | -1 }
  /** Scroll the focused pane by `delta` lines, keeping the offset within min..max. */
  | { type: 'scroll'; delta: number; min: number; max: number }
  /** The cursor moved: the timeline re-centres on it, the narration goes back to its top, and a small
   * terminal's detail pane follows the step (`detail`, when the step has a pane). */
  | { type: 'moved'; detail?: PaneId }
  | { type: 'open-help' }
  /** Scroll the help by delta lines within 0..max. */
  | { type: 'help-scroll'; delta: number; max: number }
  | { type: 'open-anomalies' }
  | { type: 'open-await'; what: 'mark' | 'jump' }
  | { type: 'open-box'; box: 'share' | 'bytes' }
  | { type: 'bookmark'; letter: string; step: number }
  | { type: 'search'; query: string | null }
  | { type: 'lens'; conn: number | null }
  | { type: 'gauge'; on?: boolean; spec?: string }
  | { type: 'open-bplist' }
  | { type: 'open-prompt'; prompt: PromptKind }
  | { type: 'close' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'prompt-error'; message: string; column?: number }
  /** Move the selection of the open list (breakpoints, anomalies) by delta, within 0..count-1. */
  | { type: 'bp-select'; delta: number; count: number }
  | { type: 'play'; playing: boolean }
  | { type: 'speed'; delta: 1 | -1 }
  | { type: 'message'; text: string; tone?: 'info' | 'error' }
  | { type: 'clear-message' }
  | { type: 'quit' };

export function initialUi(): UiState {
  const scroll = Object.fromEntries(PANES.map((p) => [p, 0])) as Record<PaneId, number>;
  return {
    focus: 'timeline',
    detail: 'nic',
    scroll,
    mode: { kind: 'normal' },
    playing: false,
    speed: DEFAULT_SPEED,
    message: null,
    quit: false,
    search: null,
    bookmarks: {},
    lens: null,
    gauge: { on: false, spec: DEFAULT_GAUGE },
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function focusPane(s: UiState, pane: PaneId): UiState {
  return { ...s, focus: pane, detail: DETAIL_PANES.includes(pane) ? pane : s.detail };
}

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'focus':
      return focusPane(s, a.pane);
    case 'focus-cycle': {
      const i = PANES.indexOf(s.focus);
      return focusPane(s, PANES[(i + a.delta + PANES.length) % PANES.length]);
    }
    case 'scroll': {
      const next = clamp(s.scroll[s.focus] + a.delta, Math.min(0, a.min), Math.max(0, a.max));
      return { ...s, scroll: { ...s.scroll, [s.focus]: next } };
    }
    case 'moved': {
      const detail = a.detail && DETAIL_PANES.includes(a.detail) ? a.detail : s.detail;
      if (s.scroll.timeline === 0 && s.scroll.narration === 0 && detail === s.detail) return s;
      return { ...s, detail, scroll: { ...s.scroll, timeline: 0, narration: 0 } };
    }
    case 'open-help':
      return { ...s, mode: { kind: 'help', scroll: 0 }, playing: false };
    case 'help-scroll':
      if (s.mode.kind !== 'help') return s;
      return { ...s, mode: { kind: 'help', scroll: clamp(s.mode.scroll + a.delta, 0, Math.max(0, a.max)) } };
    case 'open-anomalies':
      return { ...s, mode: { kind: 'anomalies', selected: 0 }, playing: false };
    case 'open-await':
      return { ...s, mode: { kind: 'await', what: a.what }, playing: false };
    case 'open-box':
      return { ...s, mode: { kind: a.box }, playing: false };
    case 'bookmark':
      return { ...s, bookmarks: { ...s.bookmarks, [a.letter]: a.step } };
    case 'search':
      return { ...s, search: a.query };
    case 'lens':
      return { ...s, lens: a.conn };
    case 'gauge':
      return { ...s, gauge: { on: a.on ?? s.gauge.on, spec: a.spec ?? s.gauge.spec } };
    case 'open-bplist':
      return { ...s, mode: { kind: 'bplist', selected: 0 }, playing: false };
    case 'open-prompt':
      return { ...s, mode: { kind: 'prompt', prompt: a.prompt, text: '' }, playing: false };
    case 'close':
      return { ...s, mode: { kind: 'normal' } };
    case 'type':
      if (s.mode.kind !== 'prompt') return s;
      return { ...s, mode: { kind: 'prompt', prompt: s.mode.prompt, text: s.mode.text + a.text } };
    case 'erase':
      if (s.mode.kind !== 'prompt') return s;
      return {
        ...s,
        mode: { kind: 'prompt', prompt: s.mode.prompt, text: Array.from(s.mode.text).slice(0, -1).join('') },
      };
    case 'prompt-error':
      if (s.mode.kind !== 'prompt') return s;
      return { ...s, mode: { ...s.mode, error: { message: a.message, column: a.column } } };
    case 'bp-select': {
      if (s.mode.kind !== 'bplist' && s.mode.kind !== 'anomalies') return s;
      const selected = a.count === 0 ? 0 : clamp(s.mode.selected + a.delta, 0, a.count - 1);
      return { ...s, mode: { kind: s.mode.kind, selected } };
    }
    case 'play':
      return { ...s, playing: a.playing };
    case 'speed':
      return { ...s, speed: clamp(s.speed + a.delta, 0, SPEEDS.length - 1) };
    case 'message':
      return { ...s, message: { text: a.text, tone: a.tone ?? 'info' } };
    case 'clear-message':
      return s.message === null ? s : { ...s, message: null };
    case 'quit':
      return { ...s, quit: true, playing: false };
  }
}
