/**
 * UI state of the TUI and its reducer: which pane has focus, how far each pane is scrolled, which
 * mode the screen is in (panes, a prompt, the help overlay, the breakpoint list), play state, and the
 * one-line message under the panes. Pure: `uiReducer(state, action)` returns a new state and touches
 * nothing else. The debugger Session is not in here; controller.ts moves it and then reports what
 * happened with these actions.
 *
 * Modes: normal ⇄ help; normal ⇄ prompt (goto | break); normal ⇄ bplist → prompt (break). Closing a
 * prompt or the list returns to normal.
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

export type PromptKind = 'goto' | 'break' | 'why';

export type Mode =
  | { kind: 'normal' }
  | { kind: 'help' }
  | { kind: 'bplist'; selected: number }
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
}

export type UiAction =
  | { type: 'focus'; pane: PaneId }
  | { type: 'focus-cycle'; delta: 1 | -1 }
  /** Scroll the focused pane by `delta` lines, keeping the offset within min..max. */
  | { type: 'scroll'; delta: number; min: number; max: number }
  /** The cursor moved: the timeline re-centres on it. */
  | { type: 'moved' }
  | { type: 'open-help' }
  | { type: 'open-bplist' }
  | { type: 'open-prompt'; prompt: PromptKind }
  | { type: 'close' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'prompt-error'; message: string; column?: number }
  /** Move the breakpoint list selection by delta, within 0..count-1. */
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
    case 'moved':
      return s.scroll.timeline === 0 ? s : { ...s, scroll: { ...s.scroll, timeline: 0 } };
    case 'open-help':
      return { ...s, mode: { kind: 'help' }, playing: false };
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
      if (s.mode.kind !== 'bplist') return s;
      const selected = a.count === 0 ? 0 : clamp(s.mode.selected + a.delta, 0, a.count - 1);
      return { ...s, mode: { kind: 'bplist', selected } };
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
