import { describe, expect, it } from 'vitest';
import { type ControllerCtx, handleKey, parseGoto, playTick } from '../src/tui/controller.js';
import { type KeyEvent, toKeyEvents } from '../src/tui/keymap.js';
import { initialUi, PANES, SPEEDS, type UiState, uiReducer } from '../src/tui/reducer.js';
import { FakeSession } from './tui-fake.js';

describe('uiReducer', () => {
  it('cycles focus through every pane and wraps around', () => {
    let s = initialUi();
    const seen: string[] = [];
    for (let i = 0; i < PANES.length; i++) {
      s = uiReducer(s, { type: 'focus-cycle', delta: 1 });
      seen.push(s.focus);
    }
    expect(new Set(seen)).toEqual(new Set(PANES));
    expect(
      uiReducer(uiReducer(s, { type: 'focus-cycle', delta: 1 }), { type: 'focus-cycle', delta: -1 }).focus,
    ).toBe(s.focus);
  });

  it('remembers the last focused detail pane for small terminals', () => {
    let s = uiReducer(initialUi(), { type: 'focus', pane: 'epoll' });
    expect(s.detail).toBe('epoll');
    s = uiReducer(s, { type: 'focus', pane: 'timeline' });
    expect(s.detail).toBe('epoll');
  });

  it('scrolls the focused pane within its limits', () => {
    let s = uiReducer(initialUi(), { type: 'focus', pane: 'sched' });
    s = uiReducer(s, { type: 'scroll', delta: -3, min: 0, max: 10 });
    expect(s.scroll.sched).toBe(0);
    s = uiReducer(s, { type: 'scroll', delta: 25, min: 0, max: 10 });
    expect(s.scroll.sched).toBe(10);
    expect(s.scroll.nic).toBe(0);
  });

  it('lets the timeline scroll both ways and re-centres it when the cursor moves', () => {
    let s = uiReducer(initialUi(), { type: 'focus', pane: 'timeline' });
    s = uiReducer(s, { type: 'scroll', delta: -4, min: -10, max: 30 });
    expect(uiReducer(s, { type: 'scroll', delta: -40, min: -10, max: 30 }).scroll.timeline).toBe(-10);
    expect(s.scroll.timeline).toBe(-4);
    expect(uiReducer(s, { type: 'moved' }).scroll.timeline).toBe(0);
  });

  it('edits the prompt and keeps an error until closed', () => {
    let s = uiReducer(initialUi(), { type: 'open-prompt', prompt: 'break' });
    s = uiReducer(s, { type: 'type', text: 'sysc' });
    s = uiReducer(s, { type: 'type', text: 'x' });
    s = uiReducer(s, { type: 'erase' });
    expect(s.mode).toEqual({ kind: 'prompt', prompt: 'break', text: 'sysc' });
    s = uiReducer(s, { type: 'prompt-error', message: 'bad', column: 3 });
    expect(s.mode.kind === 'prompt' && s.mode.error).toEqual({ message: 'bad', column: 3 });
    expect(uiReducer(s, { type: 'close' }).mode).toEqual({ kind: 'normal' });
  });

  it('keeps speed within the list and opening a mode pauses play', () => {
    let s = initialUi();
    for (let i = 0; i < 40; i++) s = uiReducer(s, { type: 'speed', delta: 1 });
    expect(s.speed).toBe(SPEEDS.length - 1);
    s = uiReducer(uiReducer(s, { type: 'play', playing: true }), { type: 'open-help' });
    expect(s.playing).toBe(false);
  });

  it('clamps the breakpoint list selection', () => {
    let s = uiReducer(initialUi(), { type: 'open-bplist' });
    s = uiReducer(s, { type: 'bp-select', delta: 5, count: 2 });
    expect(s.mode).toEqual({ kind: 'bplist', selected: 1 });
    s = uiReducer(s, { type: 'bp-select', delta: 0, count: 0 });
    expect(s.mode).toEqual({ kind: 'bplist', selected: 0 });
  });
});

function drive(
  session: FakeSession,
  keys: (string | Parameters<typeof toKeyEvents>[1])[],
  s: UiState = initialUi(),
) {
  const ctx: ControllerCtx = { session, scrollRange: () => [0, 5], pageSize: () => 10 };
  for (const k of keys) {
    const evs: KeyEvent[] = typeof k === 'string' ? toKeyEvents(k, {}) : toKeyEvents('', k);
    for (const ev of evs) s = handleKey(s, ev, ctx);
  }
  return s;
}

describe('controller', () => {
  it('steps forward and back, and says so at either end', () => {
    const session = new FakeSession();
    let s = drive(session, ['lllll', 'h']);
    expect(session.cursor).toBe(4);
    s = drive(session, [{ home: true }, 'h'], s);
    expect(session.cursor).toBe(0);
    expect(s.message?.text).toBe('at the first step');
    s = drive(session, [{ end: true }, { rightArrow: true }], s);
    expect(session.cursor).toBe(session.total - 1);
    expect(s.message?.text).toBe('at the last step');
  });

  it('goes to a step typed in the goto prompt', () => {
    const session = new FakeSession();
    const s = drive(session, ['g', '12', { return: true }]);
    expect(session.cursor).toBe(12);
    expect(s.mode.kind).toBe('normal');
  });

  it('keeps the goto prompt open with an error for a bad step', () => {
    const session = new FakeSession();
    const s = drive(session, ['g', '999', { return: true }]);
    expect(session.cursor).toBe(0);
    expect(s.mode.kind === 'prompt' && s.mode.error?.message).toMatch(/out of range: 0 to 29/);
  });

  it('adds a breakpoint from the prompt and continues to it', () => {
    const session = new FakeSession();
    let s = drive(session, ['b', 'syscall:accept4', { return: true }]);
    expect(s.mode.kind).toBe('normal');
    expect(s.message?.text).toMatch(/^breakpoint 1: syscall:accept4 \(2 hits/);
    s = drive(session, ['c'], s);
    expect(session.record(session.cursor).syscall).toBe('accept4');
    expect(session.cursor).toBe(8);
    s = drive(session, ['c'], s);
    expect(session.cursor).toBe(23);
    s = drive(session, ['C'], s);
    expect(session.cursor).toBe(8);
    expect(s.message?.text).toBe('breakpoint 1 hit: syscall:accept4');
  });

  it('shows the grammar error with its column and keeps what was typed', () => {
    const session = new FakeSession();
    const s = drive(session, ['b', 'sycall:accept4', { return: true }]);
    expect(s.mode).toMatchObject({ kind: 'prompt', text: 'sycall:accept4', error: { column: 1 } });
    expect(session.breakpoints()).toEqual([]);
  });

  it('cancels a prompt with Esc without moving', () => {
    const session = new FakeSession();
    const s = drive(session, ['g', '5', { escape: true }]);
    expect(s.mode.kind).toBe('normal');
    expect(session.cursor).toBe(0);
  });

  it('toggles and deletes breakpoints in the list', () => {
    const session = new FakeSession();
    session.addBreakpoint('syscall:accept4');
    session.addBreakpoint('event:irq');
    let s = drive(session, ['B', { downArrow: true }, ' ']);
    expect(session.breakpoints().map((b) => b.enabled)).toEqual([true, false]);
    s = drive(session, ['d'], s);
    expect(session.breakpoints().map((b) => b.spec)).toEqual(['syscall:accept4']);
    expect(s.mode).toEqual({ kind: 'bplist', selected: 0 });
    s = drive(session, [{ escape: true }], s);
    expect(s.mode.kind).toBe('normal');
  });

  it('quits on q and on Ctrl-C', () => {
    expect(drive(new FakeSession(), ['q']).quit).toBe(true);
    // Ink reports Ctrl-C as input "c" with ctrl set (exitOnCtrlC is off).
    const [ev] = toKeyEvents('c', { ctrl: true });
    const ctx: ControllerCtx = { session: new FakeSession(), scrollRange: () => [0, 0], pageSize: () => 1 };
    expect(handleKey(initialUi(), ev, ctx).quit).toBe(true);
  });

  it('closes help on any key', () => {
    const s = drive(new FakeSession(), ['?']);
    expect(s.mode.kind).toBe('help');
    expect(drive(new FakeSession(), ['x'], s).mode.kind).toBe('normal');
  });

  it('selects panes by number', () => {
    expect(drive(new FakeSession(), ['3']).focus).toBe('fds');
    expect(drive(new FakeSession(), ['5']).focus).toBe('sched');
  });

  it('plays forward several steps per frame and pauses on a breakpoint hit', () => {
    const session = new FakeSession();
    let s = drive(session, [' ']);
    expect(s.playing).toBe(true);
    s = playTick(s, session, 3);
    expect(session.cursor).toBe(3);
    session.addBreakpoint('event:irq');
    s = playTick(s, session, 100);
    expect(session.record(session.cursor).kind).toBe('irq');
    expect(s.playing).toBe(false);
  });

  it('stops playing at the last step', () => {
    const session = new FakeSession();
    let s = drive(session, [' ']);
    s = playTick(s, session, 1000);
    expect(session.cursor).toBe(session.total - 1);
    expect(s.playing).toBe(false);
  });
});

describe('parseGoto', () => {
  it('accepts absolute, relative and end', () => {
    expect(parseGoto('7', 3, 30)).toBe(7);
    expect(parseGoto(' +5 ', 3, 30)).toBe(8);
    expect(parseGoto('-2', 3, 30)).toBe(1);
    expect(parseGoto('end', 3, 30)).toBe(29);
    expect(parseGoto('x', 3, 30)).toMatch(/expected a step number/);
    expect(parseGoto('-9', 3, 30)).toMatch(/out of range/);
  });
});
