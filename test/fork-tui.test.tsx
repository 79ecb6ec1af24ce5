// The what-if fork in the TUI (`f`, and `diff --tui`), on real runs: hello with one P instead of two,
// burst with a backlog of 4096 instead of 16, ring-overflow with 256 RX slots instead of 8. The
// change is validated like `diff --set` (did-you-mean, the column in the prompt); the split keeps the
// other side at the same virtual time (or step), marks the first divergence, `d` jumps to the next
// point where the traces start to differ, and `2` makes the fork the main run.
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession } from '../src/debug/session.js';
import type { Session } from '../src/debug/types.js';
import { resolveScenario } from '../src/scenario/builtin.js';
import { engine } from '../src/sim/engine.js';
import { recordToJson } from '../src/sim/trace.js';
import {
  type ForkSplit,
  follow,
  forkArgs,
  forkKey,
  loadWhatIf,
  nextDivergence,
  openFork,
} from '../src/tui/fork.js';
import { ForkHost } from '../src/tui/forkhost.js';
import type { KeyEvent } from '../src/tui/keymap.js';
import { startTui } from '../src/tui/main.js';
import { makeTheme } from '../src/tui/theme.js';
import { applyChanges } from '../src/whatif/set.js';
import { builtin } from './helpers.js';
import { renderAt, settle, until } from './tui-harness.js';

const theme = makeTheme(0);

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function sessions(name: string, sets: string[]) {
  const path = resolveScenario(name);
  const original = createSession(engine, builtin(name), {});
  const fork = createSession(engine, applyChanges(readFileSync(path, 'utf8'), path, sets), {});
  return { original, fork };
}

/** Opens the fork of a fresh run of `name`; fails the test on a problem. */
function fork(name: string, text: string): ForkSplit {
  const main = createSession(engine, builtin(name), {});
  const r = openFork({ scenarioPath: name, sets: [] }, main, text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const ch = (c: string): KeyEvent => ({ kind: 'char', ch: c });
const sameAt = (a: Session, b: Session, i: number) => recordToJson(a.record(i)) === recordToJson(b.record(i));

// The TUI loads the --set reader after its first frame; these tests fork at once.
beforeAll(() => loadWhatIf());

describe('fork: where the runs part, and following', () => {
  it('nextDivergence finds where the traces start to differ; follow keeps the other side in step', () => {
    const { original, fork } = sessions('ring-overflow', ['machine.nic.rxRing=256']);
    const first = nextDivergence(original, fork, 0);
    expect(original.record(first).text).toMatch(/RX ring is full/);
    expect(fork.record(first).text).not.toMatch(/RX ring is full/);
    expect(original.record(first - 1)).toEqual(fork.record(first - 1));
    original.goto(first);
    follow(original, fork, 'time');
    expect(fork.record(fork.cursor).t_ns).toBeLessThanOrEqual(original.record(first).t_ns);
    if (fork.cursor + 1 < fork.total)
      expect(fork.record(fork.cursor + 1).t_ns).toBeGreaterThan(original.record(first).t_ns);
    follow(original, fork, 'step');
    expect(fork.cursor).toBe(first);
    const same = sessions('hello', []);
    expect(nextDivergence(same.original, same.fork, 0)).toBe(-1);
  });
});

describe('fork: the prompt is validated like diff --set', () => {
  const main = createSession(engine, builtin('hello'), {});
  const base = { scenarioPath: 'hello', sets: [] };

  it('a misspelt key gets "did you mean" and the column of the bad segment in what was typed', () => {
    expect(openFork(base, main, 'machine.gomaxprocz=1')).toEqual({
      error: 'machine: unknown key "gomaxprocz"; did you mean "gomaxprocs"?',
      column: 9,
    });
    // A value out of range points at the value; the message is the scenario file's.
    const r = openFork(base, main, 'machine.gomaxprocs=0');
    expect(r).toMatchObject({ column: 20 });
    expect('error' in r && r.error).toMatch(/gomaxprocs: 0 is out of range: must be at least 1/);
  });

  it('several changes separated by ; — a problem names its change and points into the whole text', () => {
    const text = 'machine.gomaxprocs=1;  server.routes.9.cpu=1ms';
    expect(forkArgs(text)).toEqual([
      { arg: 'machine.gomaxprocs=1', at: 0 },
      { arg: 'server.routes.9.cpu=1ms', at: 23 },
    ]);
    const r = openFork(base, main, text);
    expect(r).toEqual({
      error: 'server.routes.9.cpu=1ms: server.routes: no item 9: the list has 2 items (0..1)',
      column: 23 + 15,
    });
    expect(text.slice(23 + 15 - 1)).toMatch(/^9\.cpu/);
    expect(openFork(base, main, ' ; ')).toMatchObject({ error: expect.stringMatching(/^type a change/) });
    expect(openFork(base, main, 'gomaxprocs')).toMatchObject({ error: expect.stringMatching(/KEY=VALUE/) });
  });
});

describe('fork: keys in the split (real runs)', () => {
  it('hello with GOMAXPROCS=1: parts at boot; steps keep both at the same virtual time; d, t, s, 1, 2, Esc', () => {
    const s = fork('hello', 'machine.gomaxprocs=1');
    expect(s.first).toBe(0);
    expect(s.original.record(0).text).toMatch(/GOMAXPROCS=2 gives 2 Ps/);
    expect(s.fork.record(0).text).toMatch(/GOMAXPROCS=1 gives 1 P/);
    expect(s.message).toBe('the runs part at step 0 (≠) · d jumps there');

    for (let i = 0; i < 1; i++) forkKey(s, ch('l'));
    expect(s.original.cursor).toBe(1);
    const t = s.original.record(1).t_ns;
    expect(s.fork.record(s.fork.cursor).t_ns).toBeLessThanOrEqual(t);
    expect(s.fork.cursor).toBe(1); // records at the same virtual time: the same step number

    // d: a step whose records differ right after ones that were the same.
    expect(forkKey(s, ch('d'))).toBe('open');
    const at = s.original.cursor;
    expect(at).toBeGreaterThan(1);
    expect(sameAt(s.original, s.fork, at)).toBe(false);
    expect(sameAt(s.original, s.fork, at - 1)).toBe(true);
    expect(s.message).toBe(`the traces start to differ at step ${at}`);
    forkKey(s, ch('d'));
    expect(s.message).toMatch(/^no point after step \d+ where the traces start to differ/);
    forkKey(s, ch('D'));
    expect(s.original.cursor).toBe(0);

    forkKey(s, ch('t'));
    expect(s.sync).toBe('step');
    forkKey(s, { kind: 'key', name: 'end' });
    expect(s.fork.cursor).toBe(Math.min(s.original.cursor, s.fork.total - 1));
    forkKey(s, ch('s'));
    forkKey(s, { kind: 'key', name: 'home' });
    forkKey(s, ch('l'));
    expect([s.fork.cursor, s.original.cursor]).toEqual([1, 1]);

    forkKey(s, ch('x'));
    expect(s.message).toMatch(/not a key in the fork split/);
    expect(forkKey(s, ch('2'))).toBe('keep-fork');
    expect(forkKey(s, ch('1'))).toBe('keep-original');
    expect(forkKey(s, { kind: 'key', name: 'escape' })).toBe('close');
    expect(forkKey(s, ch('f'))).toBe('close');
    expect(forkKey(s, ch('q'))).toBe('quit');
  });

  it('burst with a backlog of 4096 instead of 16: parts at the somaxconn read; d walks later partings', () => {
    const s = fork('burst', 'machine.tcp.somaxconn=4096');
    expect(s.original.record(s.first).text).toMatch(/reads the file: "16\\n"/);
    expect(s.fork.record(s.first).text).toMatch(/reads the file: "4096\\n"/);
    const stops: number[] = [];
    for (let i = 0; i < 4; i++) {
      forkKey(s, ch('d'));
      const at = s.original.cursor;
      expect(sameAt(s.original, s.fork, at)).toBe(false);
      expect(sameAt(s.original, s.fork, at - 1)).toBe(true);
      stops.push(at);
    }
    expect(stops[0]).toBe(s.first);
    expect([...stops].sort((a, b) => a - b)).toEqual(stops);
    expect(new Set(stops).size).toBe(4);
    // The fork follows by virtual time: never ahead of the side you step.
    expect(s.fork.record(s.fork.cursor).t_ns).toBeLessThanOrEqual(s.original.record(s.original.cursor).t_ns);
  }, 120_000);
});

/** The app with the fork on hello at 160×44, after its first frame; `press` types and lets it draw. */
async function mountHost(onQuit?: () => void) {
  const session = createSession(engine, builtin('hello'), {});
  const r = renderAt(
    <ForkHost
      session={session}
      theme={theme}
      columns={160}
      rows={44}
      onQuit={onQuit}
      base={{ scenarioPath: 'hello', sets: [] }}
    />,
    160,
    44,
  );
  cleanup.push(r.unmount);
  const press = async (k: string) => {
    r.stdin.write(k);
    await settle(60);
  };
  await until(r.lastFrame, (f) => f.includes('step 0/'));
  return { session, r, press };
}

describe('fork in the app (Ink)', () => {
  it('f opens the prompt; a bad key is refused with did-you-mean; a good one splits; 2 makes the fork main', async () => {
    const onQuit = vi.fn();
    const { session, r, press } = await mountHost(onQuit);
    await press('f');
    expect(r.lastFrame()).toContain('What if? Fork the run with a change');
    await press('machine.gomaxprocz=1');
    await press('\r');
    expect(r.lastFrame()).toContain('did you mean "gomaxprocs"?');
    for (let i = 0; i < 3; i++) await press('\x7f');
    await press('s=1');
    await press('\r');
    const split = await until(r.lastFrame, (f) => f.includes('fork ·'), 20_000);
    expect(split).toContain('first divergence: step 0 (≠)');
    expect(split).toContain('1 as written ◀ keys step this side');
    expect(split).toContain('2 with machine.gomaxprocs=1');
    expect(split).toMatch(/▶≠ {5}0 /);
    await press('d');
    const at = session.cursor;
    expect(at).toBeGreaterThan(0);
    expect(r.lastFrame()).toContain(`the traces start to differ at step ${at}`);
    await press('2');
    const after = await until(r.lastFrame, (f) => f.includes('is now the main run'));
    expect(after).toContain('the fork (machine.gomaxprocs=1) is now the main run');
    expect(after).not.toContain('fork ·');
    // The app now steps the fork: its scheduler has one P.
    await press('l');
    expect(r.lastFrame()).toMatch(/P0/);
    expect(r.lastFrame()).not.toMatch(/P1\b/);
    expect(session.cursor).toBe(at);
    // y: the command line that reopens this moment carries the change.
    await press('y');
    const stepped = Number(/step (\d+)\//.exec(r.lastFrame())?.[1]);
    expect(r.lastFrame()).toContain(`netflow-tui hello --at ${stepped} --set machine.gomaxprocs=1`);
    await press('y');
    await press('q');
    expect(onQuit).toHaveBeenCalledTimes(1);
  }, 60_000);

  it('Esc closes the fork: the app is back where the left side was, with its message', async () => {
    const { session, r, press } = await mountHost();
    await press('f');
    await press('machine.tcp.somaxconn=8\r');
    await until(r.lastFrame, (f) => f.includes('fork ·'), 20_000);
    await press('lll');
    expect(session.cursor).toBe(3);
    await press('\x1b');
    const back = await until(r.lastFrame, (f) => f.includes('fork closed'));
    expect(back).toContain('fork closed: back at step 3');
    expect(back).toMatch(/step 3\/\d+ │/);
  }, 60_000);
});

describe('netflow-tui <scenario> --set KEY=VALUE (what the share line of a fork reopens)', () => {
  it('opens the changed run; a bad change is reported as diff reports it, exit 2, before the terminal', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await startTui({ scenarioPath: 'hello', breaks: [], sets: ['machine.gomaxprocz=1'] });
      expect(process.exitCode).toBe(2);
      const said = err.mock.calls.map((c) => String(c[0])).join('');
      expect(said).toContain('--set:1:9: machine: unknown key "gomaxprocz"; did you mean "gomaxprocs"?');
      err.mockClear();
      process.exitCode = undefined;
      // A good change gets as far as wanting a terminal (stdin is not one here).
      await startTui({ scenarioPath: 'hello', breaks: [], sets: ['machine.gomaxprocs=1'], at: 130 });
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('the TUI needs a terminal');
      // The changed run has its own length: 139 steps with one P, so step 150 is refused.
      err.mockClear();
      await startTui({ scenarioPath: 'hello', breaks: [], sets: ['machine.gomaxprocs=1'], at: 150 });
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(
        /--at 150: this run has steps 0 to 1[34]\d/,
      );
    } finally {
      err.mockRestore();
      process.exitCode = before;
    }
  });
});
