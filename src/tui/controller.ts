/**
 * The controller: the one place where a key press moves the debugger Session. `handleKey` looks the
 * key up in the key map for the current mode, runs the command against the Session (step, back,
 * continue, goto, breakpoints) and returns the new UI state built with reducer.ts actions. It runs in
 * Ink's input handler and the play timer, never inside a render: rendering only reads the Session.
 */
import type { Session } from '../debug/types.js';
import { type KeyEvent, keyId, keyLabel, matchKey } from './keymap.js';
import { PANES, type PaneId, SPEEDS, type UiAction, type UiState, uiReducer } from './reducer.js';

export interface ControllerCtx {
  session: Session;
  /** The scroll offsets the pane can take: [min, max] (0..lines below the window; the timeline
   * also goes negative, towards the first record). */
  scrollRange(pane: PaneId): [number, number];
  /** Visible content lines of the pane (a page for PgUp/PgDn). */
  pageSize(pane: PaneId): number;
}

function apply(s: UiState, ...actions: UiAction[]): UiState {
  return actions.reduce(uiReducer, s);
}

/** Moves the cursor with `move`; reports when it could not move; re-centres the timeline. */
function navigate(s: UiState, session: Session, move: () => void, edge: 'first' | 'last'): UiState {
  s = apply(s, { type: 'play', playing: false });
  const before = session.cursor;
  const atEdge = edge === 'last' ? before >= session.total - 1 : before <= 0;
  if (atEdge) {
    return apply(s, { type: 'message', text: edge === 'last' ? 'at the last step' : 'at the first step' });
  }
  move();
  return apply(s, { type: 'moved' });
}

function continueMsg(session: Session, hit: { id: number; spec: string } | null, backwards: boolean): string {
  if (hit) return `breakpoint ${hit.id} hit: ${hit.spec}`;
  const active = session.breakpoints().filter((b) => b.enabled).length;
  const where = backwards ? 'at the first step' : 'at the last step';
  return active === 0 ? `no breakpoints set (b adds one): ${where}` : `no more hits: ${where}`;
}

function runNormal(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  const { session } = ctx;
  const b = matchKey('normal', ev);
  if (!b) {
    if (ev.kind === 'key' && ev.name === 'escape') return s;
    return apply(s, { type: 'message', text: `${keyLabel(keyId(ev))}: no such key (? shows the keys)` });
  }
  switch (b.command) {
    case 'step':
      return navigate(s, session, () => session.step(), 'last');
    case 'back':
      return navigate(s, session, () => session.back(), 'first');
    case 'first':
      return navigate(s, session, () => session.first(), 'first');
    case 'last':
      return navigate(s, session, () => session.last(), 'last');
    case 'continue': {
      s = apply(s, { type: 'play', playing: false });
      const hit = session.continue();
      return apply(s, { type: 'moved' }, { type: 'message', text: continueMsg(session, hit, false) });
    }
    case 'reverse-continue': {
      s = apply(s, { type: 'play', playing: false });
      const hit = session.reverseContinue();
      return apply(s, { type: 'moved' }, { type: 'message', text: continueMsg(session, hit, true) });
    }
    case 'goto':
      return apply(s, { type: 'open-prompt', prompt: 'goto' });
    case 'why':
      return apply(s, { type: 'open-prompt', prompt: 'why' });
    case 'break-add':
      return apply(s, { type: 'open-prompt', prompt: 'break' });
    case 'break-list':
      return apply(s, { type: 'open-bplist' });
    case 'focus-next':
      return apply(s, { type: 'focus-cycle', delta: 1 });
    case 'focus-prev':
      return apply(s, { type: 'focus-cycle', delta: -1 });
    case 'focus-pane': {
      const n = Number(keyId(ev)) - 1;
      return n >= 0 && n < PANES.length ? apply(s, { type: 'focus', pane: PANES[n] }) : s;
    }
    case 'scroll-up':
    case 'scroll-down':
    case 'page-up':
    case 'page-down': {
      const page = Math.max(1, ctx.pageSize(s.focus) - 1);
      const delta = { 'scroll-up': -1, 'scroll-down': 1, 'page-up': -page, 'page-down': page }[b.command];
      const [min, max] = ctx.scrollRange(s.focus);
      return apply(s, { type: 'scroll', delta, min, max });
    }
    case 'play':
      if (s.playing) return apply(s, { type: 'play', playing: false }, { type: 'message', text: 'paused' });
      if (session.cursor >= session.total - 1) return apply(s, { type: 'message', text: 'at the last step' });
      return apply(s, { type: 'play', playing: true });
    case 'faster':
    case 'slower': {
      s = apply(s, { type: 'speed', delta: b.command === 'faster' ? 1 : -1 });
      return apply(s, { type: 'message', text: `play speed ${SPEEDS[s.speed]} steps/s` });
    }
    case 'help':
      return apply(s, { type: 'open-help' });
    case 'quit':
      return apply(s, { type: 'quit' });
    default:
      return s;
  }
}

/**
 * The why prompt: empty → the step that caused the current one (pressing w Enter again walks the causal
 * chain back to its root); a value (`acceptq fd=3`, `G6`) → the step that last changed it.
 */
function submitWhy(s: UiState, text: string, session: ControllerCtx['session']): UiState {
  const here = session.cursor;
  if (text.trim() === '') {
    const cause = session.record(here).cause;
    if (cause === undefined)
      return apply(
        s,
        { type: 'close' },
        { type: 'message', text: `step ${here} is a root: nothing in the run caused it` },
      );
    session.goto(cause);
    return apply(
      s,
      { type: 'close' },
      { type: 'moved' },
      { type: 'message', text: `step ${here} happened because of step ${cause} (w Enter: further back)` },
    );
  }
  const r = session.why(text);
  if (r && 'error' in r) return apply(s, { type: 'prompt-error', message: r.error });
  if (!r)
    return apply(
      s,
      { type: 'close' },
      {
        type: 'message',
        text: `nothing at or before step ${here} changed ${text.trim()}: it has had this value since boot`,
      },
    );
  session.goto(r.step);
  const v = (x: unknown) => (x === null ? '∅' : String(x));
  return apply(
    s,
    { type: 'close' },
    { type: 'moved' },
    { type: 'message', text: `step ${r.step} made ${r.change.what} ${v(r.change.from)}→${v(r.change.to)}` },
  );
}

/** Parses the goto prompt: a step number, `+N`/`-N` relative to the cursor, or `end`. */
export function parseGoto(text: string, cursor: number, total: number): number | string {
  const t = text.trim();
  if (t === 'end' || t === '$') return total - 1;
  const m = /^([+-]?)(\d+)$/.exec(t);
  if (!m) return `expected a step number from 0 to ${total - 1} (or +N, -N, end)`;
  const n = Number(m[2]);
  const target = m[1] === '+' ? cursor + n : m[1] === '-' ? cursor - n : n;
  if (target < 0 || target > total - 1) return `step ${target} is out of range: 0 to ${total - 1}`;
  return target;
}

function runPrompt(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'prompt') return s;
  const { session } = ctx;
  const b = matchKey('prompt', ev);
  if (!b) {
    if (ev.kind === 'char') return apply(s, { type: 'type', text: ev.ch });
    return s;
  }
  switch (b.command) {
    case 'erase':
      return apply(s, { type: 'erase' });
    case 'cancel':
      return apply(s, { type: 'close' });
    case 'submit': {
      const text = s.mode.text.trimEnd();
      if (s.mode.prompt === 'why') return submitWhy(s, text, session);
      if (text.trim() === '') return apply(s, { type: 'close' });
      if (s.mode.prompt === 'goto') {
        const target = parseGoto(text, session.cursor, session.total);
        if (typeof target === 'string') return apply(s, { type: 'prompt-error', message: target });
        session.goto(target);
        return apply(s, { type: 'close' }, { type: 'moved' });
      }
      const r = session.addBreakpoint(text);
      if (!r.ok) return apply(s, { type: 'prompt-error', message: r.error, column: r.column });
      const hits =
        r.bp.hits < 0
          ? 'hits not counted on a run this long'
          : r.bp.hits === 1
            ? '1 hit'
            : `${r.bp.hits} hits`;
      return apply(
        s,
        { type: 'close' },
        { type: 'message', text: `breakpoint ${r.bp.id}: ${r.bp.spec} (${hits}; c continues to it)` },
      );
    }
    default:
      return s;
  }
}

function runBplist(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'bplist') return s;
  const { session } = ctx;
  const bps = session.breakpoints();
  const sel = bps[s.mode.selected];
  const b = matchKey('bplist', ev);
  switch (b?.command) {
    case 'bp-up':
      return apply(s, { type: 'bp-select', delta: -1, count: bps.length });
    case 'bp-down':
      return apply(s, { type: 'bp-select', delta: 1, count: bps.length });
    case 'bp-toggle':
      if (sel) session.toggleBreakpoint(sel.id);
      return s;
    case 'bp-delete':
      if (!sel) return s;
      session.removeBreakpoint(sel.id);
      return apply(s, { type: 'bp-select', delta: 0, count: bps.length - 1 });
    case 'break-add':
      return apply(s, { type: 'open-prompt', prompt: 'break' });
    case 'close':
      return apply(s, { type: 'close' });
    case 'quit':
      return apply(s, { type: 'quit' });
    default:
      return s;
  }
}

/** One key press: the new UI state (the Session may have moved). */
export function handleKey(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.quit) return s;
  s = apply(s, { type: 'clear-message' });
  switch (s.mode.kind) {
    case 'normal':
      return runNormal(s, ev, ctx);
    case 'prompt':
      return runPrompt(s, ev, ctx);
    case 'bplist':
      return runBplist(s, ev, ctx);
    case 'help':
      return matchKey('help', ev)?.command === 'quit'
        ? apply(s, { type: 'quit' })
        : apply(s, { type: 'close' });
  }
}

/** Play: advance up to `steps` records; pause at the last record or on a breakpoint hit. */
export function playTick(s: UiState, session: Session, steps: number): UiState {
  if (!s.playing) return s;
  for (let i = 0; i < steps; i++) {
    if (session.cursor >= session.total - 1) {
      return apply(
        s,
        { type: 'play', playing: false },
        { type: 'moved' },
        { type: 'message', text: 'played to the last step' },
      );
    }
    session.step();
    if (session.isHit(session.cursor)) {
      return apply(
        s,
        { type: 'play', playing: false },
        { type: 'moved' },
        { type: 'message', text: `paused on a breakpoint hit at step ${session.cursor}` },
      );
    }
  }
  return apply(s, { type: 'moved' });
}
