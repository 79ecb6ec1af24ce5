import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App, playPace } from '../src/tui/app.js';
import { makeTheme } from '../src/tui/theme.js';
import { FakeSession } from './tui-fake.js';
import { renderAt, settle, until } from './tui-harness.js';

const theme = makeTheme(0);
const ESC = '\x1b';
const RIGHT = `${ESC}[C`;
const LEFT = `${ESC}[D`;
const ENTER = '\r';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

/** The App in ink-testing-library (100 columns): the compact layout. */
function small(session = new FakeSession(), onQuit = vi.fn()) {
  const r = render(<App session={session} theme={theme} columns={100} rows={30} onQuit={onQuit} />);
  cleanup.push(r.unmount);
  const frame = () => r.lastFrame() ?? '';
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await settle();
    }
  };
  return { session, onQuit, frame, press };
}

describe('App at 100×30 (ink-testing-library)', () => {
  it('steps forward 5 and back 1: the status shows step 4/', async () => {
    const { frame, press } = small();
    expect(frame()).toContain('step 0/29');
    await press('l', 'l', RIGHT, 'n', 'l');
    expect(frame()).toContain('step 5/29');
    await press(LEFT);
    expect(frame()).toContain('step 4/29');
  });

  it('handles a burst of keys arriving as one input', async () => {
    const { frame, press } = small();
    await press('lllllll', 'hh');
    expect(frame()).toContain('step 5/29');
  });

  it('goes to a step through the prompt', async () => {
    const { frame, press } = small();
    await press('g');
    expect(frame()).toContain('Go to step');
    await press('2', '1', ENTER);
    expect(frame()).toContain('step 21/29');
    expect(frame()).not.toContain('Go to step');
  });

  it('shows a breakpoint grammar error inline under the prompt, with a caret', async () => {
    const { frame, press } = small();
    await press('b', 'sycall:accept4', ENTER);
    const f = frame();
    const lines = f.split('\n');
    const at = lines.findIndex((l) => l.includes('> sycall:accept4'));
    expect(at).toBeGreaterThan(-1);
    const caretCol = lines[at].indexOf('> ') + 2;
    expect(lines[at + 1].indexOf('^')).toBe(caretCol);
    expect(lines[at + 2]).toContain('column 1: unknown breakpoint kind "sycall"');
  });

  it('adds syscall:accept4 and continues to it: the timeline shows accept4', async () => {
    const { frame, press, session } = small();
    await press('b', 'syscall:accept4', ENTER, 'c');
    expect(session.cursor).toBe(8);
    const f = frame();
    expect(f).toMatch(/▶● ?8 .*accept4\(3\) fails with EAGAIN/);
    expect(f).toContain('breakpoint 1 hit: syscall:accept4');
    expect(f).toContain('bp #1 syscall:accept4');
  });

  it('lists, toggles and deletes breakpoints', async () => {
    const { frame, press, session } = small();
    session.addBreakpoint('syscall:accept4');
    await press('B');
    expect(frame()).toContain('Breakpoints (1)');
    expect(frame()).toContain('▶ #1 [x] syscall:accept4  2 hits');
    await press(' ');
    expect(frame()).toContain('#1 [ ] syscall:accept4');
    await press('d');
    expect(frame()).toContain('Breakpoints (0)');
    await press(ESC);
    await settle(100);
    expect(frame()).not.toContain('Breakpoints (');
  });

  it('opens the help overlay from the key map and closes it on any key', async () => {
    const { frame, press } = small();
    await press('?');
    expect(frame()).toContain('Keys — netflow-tui');
    expect(frame()).toContain('step forward one event');
    expect(frame()).toContain('continue to the next');
    await press('x');
    expect(frame()).not.toContain('Keys — netflow-tui');
  });

  it('switches the detail pane with number keys and Tab on a small terminal', async () => {
    const { frame, press } = small();
    expect(frame()).toContain('1 NIC eth0');
    await press('4');
    expect(frame()).toContain('4 epoll');
    expect(frame()).not.toContain('1 NIC eth0');
    await press('\t');
    expect(frame()).toContain('5 Scheduler');
  });

  it('quits on q and on Ctrl-C', async () => {
    const a = small();
    await a.press('q');
    expect(a.onQuit).toHaveBeenCalledTimes(1);
    const b = small();
    await b.press('\x03');
    expect(b.onQuit).toHaveBeenCalledTimes(1);
  });

  it('plays forward and pauses with space', async () => {
    const { frame, press, session } = small();
    await press('+', '+', '+', '+');
    expect(frame()).toContain('play speed 100 steps/s');
    await press(' ');
    await until(frame, () => session.cursor >= 5);
    await press(' ');
    const stopped = session.cursor;
    expect(stopped).toBeGreaterThanOrEqual(5);
    await settle(100);
    expect(session.cursor).toBe(stopped);
    expect(frame()).toContain(`step ${stopped}/29`);
  });
});

describe('App at 160×50', () => {
  it('shows every pane and marks values that changed since the previous cursor position', async () => {
    const session = new FakeSession();
    session.goto(18);
    const r = renderAt(<App session={session} theme={theme} columns={160} rows={50} />, 160, 50);
    cleanup.push(r.unmount);
    await settle();
    expect(r.lastFrame()).toContain('acceptq 0/4096');
    r.stdin.write('l');
    const f = await until(r.lastFrame, (x) => x.includes('step 19/29'));
    expect(f).toContain('acceptq 1*/4096');
    expect(f).toContain('synq 0*/4096');
    for (const t of [
      '1 NIC eth0',
      '2 Sockets',
      '3 FD table',
      '4 epoll',
      '5 Scheduler',
      '6 Timeline',
      '7 Narration',
    ]) {
      expect(f).toContain(t);
    }
  });

  it('scrolls the focused pane with ↑↓, and re-centres the timeline when the cursor moves', async () => {
    const session = new FakeSession();
    session.goto(15);
    const r = renderAt(<App session={session} theme={theme} columns={160} rows={50} />, 160, 50);
    cleanup.push(r.unmount);
    await settle();
    const firstStep = () => {
      const line = r
        .lastFrame()
        .split('\n')
        .find((l) => /^║ [ ▶][ ●] ?\d+ /.test(l));
      return Number(/^║ [ ▶][ ●] ?(\d+) /.exec(line ?? '')?.[1]);
    };
    /** Waits until the timeline's first row is step n; returns the first row's step. */
    const shows = async (n: number) =>
      Number(
        await until(
          () => String(firstStep()),
          (f) => f === String(n),
        ),
      );
    expect(firstStep()).toBe(5);
    r.stdin.write(`${ESC}[A`);
    await settle();
    r.stdin.write(`${ESC}[A`);
    expect(await shows(3)).toBe(3);
    for (let i = 0; i < 20; i++) r.stdin.write(`${ESC}[A`);
    expect(await shows(0)).toBe(0);
    // No dead zone past the end: one ↓ moves the window at once.
    r.stdin.write(`${ESC}[B`);
    expect(await shows(1)).toBe(1);
    r.stdin.write('l');
    expect(await shows(6)).toBe(6);
  });

  it('re-lays out when the size changes', async () => {
    const session = new FakeSession();
    const r = renderAt(<App session={session} theme={theme} columns={160} rows={50} />, 160, 50);
    cleanup.push(r.unmount);
    await settle();
    expect(r.lastFrame()).toContain('3 FD table');
    r.rerender(<App session={session} theme={theme} columns={90} rows={30} />);
    await settle();
    expect(r.lastFrame()).not.toContain('3 FD table');
    expect(r.lastFrame()).toContain('6 Timeline');
    r.rerender(<App session={session} theme={theme} columns={60} rows={20} />);
    await settle();
    expect(r.lastFrame()).toContain('terminal too small (60×20); need at least 80×24');
  });
});

describe('playPace', () => {
  it('coalesces frames: never more than 30 frames a second', () => {
    expect(playPace(5)).toEqual({ fps: 5, steps: 1 });
    expect(playPace(30)).toEqual({ fps: 30, steps: 1 });
    expect(playPace(1000)).toEqual({ fps: 30, steps: 33 });
  });
});
