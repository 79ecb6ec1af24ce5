/**
 * The TUI in a real terminal: tmux runs a shell at 160×50, the shell runs the built bin, and the test
 * reads the screen with capture-pane. Covers the flow a newcomer follows (step, back, goto, a
 * breakpoint and continue, help, resize, quit) and that the terminal comes back on quit, Ctrl-C and
 * SIGTERM. The terminal, the private build and the tmux server are ./tmux-harness.ts's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tmuxHarness } from './tmux-harness.js';

const h = tmuxHarness('tui-e2e');
const { tmux, waitFor, waitText, keys, lit, altScreenOn, shell } = h;
let BIN = '';

/** Runs the TUI on `hello` in a fresh shell, after a marker line that must come back on exit. */
async function launch(extra = ''): Promise<string> {
  const t = await shell();
  lit(t, `echo BEFORE-TUI; node ${BIN} hello ${extra}; echo EXIT=$?`);
  keys(t, 'Enter');
  await waitText(t, 'step ');
  return t;
}

/** One whole frame on screen: panes from the top row (on a small terminal, the detail pane that
 * follows the step), one status line (no drift, no leftovers). */
function expectClean(s: string): void {
  const lines = s.split('\n');
  expect(lines[0]).toMatch(/^[┌╔][─═] [1-5] (NIC|Sockets|FD table|epoll|Scheduler)/);
  expect(s.match(/step \d+\/\d+ │/g)).toHaveLength(1);
}

/** The pid of the program the window's shell is running (the TUI). */
function tuiPid(t: string): number {
  const shellPid = tmux('display-message', '-p', '-t', t, '#{pane_pid}').trim();
  return Number(
    execFileSync('ps', ['-o', 'pid=', '--ppid', shellPid], { encoding: 'utf8' }).trim().split(/\s+/)[0],
  );
}

/** The terminal is back: alternate screen off, the earlier output and the exit line visible. */
async function expectRestored(t: string, exit: number): Promise<void> {
  const s = await waitText(t, `EXIT=${exit}`);
  expect(altScreenOn(t)).toBe(false);
  expect(s).toContain('BEFORE-TUI');
  expect(s).not.toMatch(/step \d+\/\d+/);
}

beforeAll(async () => {
  await h.setup();
  BIN = h.bin();
});

afterAll(() => h.teardown());

describe('TUI in a real terminal (tmux)', () => {
  it('steps, goes to a step, breaks on accept4, shows help, re-lays out on resize, and quits cleanly', async () => {
    const t = await launch();
    await waitText(t, 'step 0/');
    expect(altScreenOn(t)).toBe(true);

    for (let i = 0; i < 5; i++) keys(t, 'l');
    await waitText(t, 'step 5/');
    keys(t, 'Left');
    expectClean(await waitText(t, 'step 4/'));

    keys(t, 'g');
    await waitText(t, 'Go to step');
    lit(t, '12');
    keys(t, 'Enter');
    await waitText(t, 'step 12/');

    keys(t, 'b');
    await waitText(t, 'Add breakpoint');
    lit(t, 'syscall:accept4');
    keys(t, 'Enter');
    await waitText(t, 'breakpoint 1: syscall:accept4');
    keys(t, 'c');
    // The message and the timeline's cursor row (the whole frame, not only the lines drawn first).
    const cursorRow = (s: string) => s.split('\n').find((l) => l.includes('▶'));
    const hit = await waitFor(
      t,
      (s) => s.includes('breakpoint 1 hit: syscall:accept4') && /accept4/.test(cursorRow(s) ?? ''),
      'the breakpoint hit with the cursor on accept4',
    );
    expect(cursorRow(hit)).toMatch(/accept4/);

    keys(t, '?');
    await waitText(t, 'Keys — netflow-tui');
    keys(t, 'x');
    expectClean(await waitFor(t, (s) => !s.includes('Keys — netflow-tui'), 'the help to close'));

    await waitText(t, '3 FD table');
    tmux('resize-window', '-t', t, '-x', '100', '-y', '30');
    const small = await waitFor(
      t,
      (s) => !s.includes('3 FD table') && s.includes('6 Timeline'),
      'the compact layout',
    );
    expectClean(small);
    expect(Math.max(...small.split('\n').map((l) => l.trimEnd().length))).toBeLessThanOrEqual(100);
    tmux('resize-window', '-t', t, '-x', '70', '-y', '20');
    await waitText(t, 'terminal too small (70×20); need at least 80×24');
    tmux('resize-window', '-t', t, '-x', '160', '-y', '50');
    expectClean(await waitText(t, '3 FD table'));

    keys(t, 'q');
    await expectRestored(t, 0);
  });

  it('opens with --break and --at, and restores the terminal on Ctrl-C', async () => {
    const t = await launch('--at 3 --break syscall:accept4');
    await waitText(t, 'step 3/');
    await waitText(t, 'bp #1 syscall:accept4');
    keys(t, 'C-c');
    await expectRestored(t, 0);
  });

  it('keeps changed-value markers without colour under NO_COLOR, and colours otherwise', async () => {
    const plain = await shell();
    lit(plain, `NO_COLOR=1 node ${BIN} hello --at 5`);
    keys(plain, 'Enter');
    await waitText(plain, 'step 5/');
    keys(plain, 'l', 'l', 'l');
    await waitText(plain, 'step 8/');
    const raw = tmux('capture-pane', '-p', '-e', '-t', plain);
    expect(raw).not.toMatch(/\x1b\[(3\d|9\d|4\d|7)(;\d+)*m/);
    // Go method names like (*Server) contain `*`; a marker follows a value.
    expect(raw).toMatch(/[^(]\*/);
    keys(plain, 'q');

    const colour = await launch();
    keys(colour, 'l');
    await waitText(colour, 'step 1/');
    expect(tmux('capture-pane', '-p', '-e', '-t', colour)).toMatch(/\x1b\[[0-9;]*m/);
    keys(colour, 'q');
    await expectRestored(colour, 0);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGQUIT', 131],
  ] as const)('restores the terminal on %s and exits %i', async (signal, exit) => {
    const t = await launch();
    process.kill(tuiPid(t), signal);
    await expectRestored(t, exit);
  });

  it('a hostile glob at the b prompt is matched at once, and q quits within 1 s', async () => {
    const t = await launch();
    keys(t, 'b');
    await waitText(t, 'Add breakpoint');
    // As a regular expression (.*.*….*n$) this backtracks for hours on every kind without an n at
    // the end; it matches go.run, so the prompt accepts it.
    lit(t, `event:${'*'.repeat(300)}n`);
    keys(t, 'Enter');
    await waitText(t, 'breakpoint 1: event:***');
    const pressed = performance.now();
    keys(t, 'q');
    await waitFor(t, () => !altScreenOn(t), 'the alternate screen to close');
    expect(performance.now() - pressed).toBeLessThan(1000);
    await expectRestored(t, 0);
  });

  it('after a run killed with SIGKILL, the next one says to type reset', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'netflow-killed-'));
    const t = await shell();
    lit(t, `export TMPDIR=${tmp}; echo BEFORE-TUI; node ${BIN} hello; echo EXIT=$?`);
    keys(t, 'Enter');
    await waitText(t, 'step ');
    process.kill(tuiPid(t), 'SIGKILL');
    await waitText(t, 'EXIT=137');
    keys(t, 'C-l');
    lit(t, `printf '\\033[?1049l'; stty sane; clear; node ${BIN} hello; echo EXIT2=$?`);
    keys(t, 'Enter');
    await waitText(t, 'step ');
    keys(t, 'q');
    const s = await waitText(t, 'EXIT2=0');
    expect(s.replace(/\s+/g, '')).toContain('type`reset`andpressEnter'); // the line wraps
  });
});

describe('TUI refuses what it cannot do, before touching the terminal', () => {
  const run = (...args: string[]) =>
    spawnSync('node', [BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      input: '',
      env: { ...process.env, CI: 'false' },
    });

  it('points to `run` when not on a terminal, with exit code 2', () => {
    const r = run('hello');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('netflow-tui run hello');
    expect(r.stdout).not.toContain('\x1b[?1049h');
  });

  it('reports a bad --break with its column and exit code 2, without the alternate screen', async () => {
    const t = await shell();
    lit(t, `echo BEFORE-TUI; node ${BIN} hello --break sycall:accept4; echo EXIT=$?`);
    keys(t, 'Enter');
    const s = await waitText(t, 'EXIT=2');
    expect(s).toMatch(/--break "sycall:accept4": column 1: /);
    expect(altScreenOn(t)).toBe(false);
  });
});

describe('diff --tui and quiz in a real terminal (tmux)', () => {
  it('diff --tui: both runs side by side, d to the first divergence, q restores the terminal', async () => {
    const t = await shell();
    lit(
      t,
      `echo BEFORE-TUI; node ${BIN} diff ring-overflow --set machine.nic.rxRing=256 --tui; echo EXIT=$?`,
    );
    keys(t, 'Enter');
    const s = await waitText(t, 'first divergence: step');
    expect(altScreenOn(t)).toBe(true);
    expect(s).toContain('1 as written ◀ keys step this side');
    expect(s).toContain('with machine.nic.rxRing=256');
    keys(t, 'd');
    const at = await waitFor(t, (x) => /▶≠ +\d+ wire +A frame from/.test(x), 'the cursor on the divergence');
    expect(at).toMatch(/RX 8\/8 drops/);
    keys(t, 'q');
    await expectRestored(t, 0);
  });

  it('quiz: a question over the panes, one key answers, q restores the terminal', async () => {
    const t = await shell();
    lit(t, `echo BEFORE-TUI; node ${BIN} quiz tour; echo EXIT=$?`);
    keys(t, 'Enter');
    await waitText(t, 'question 1 of');
    expect(altScreenOn(t)).toBe(true);
    lit(t, 'b');
    await waitText(t, 'the answer: b) two');
    keys(t, 'Space');
    await waitText(t, 'question 2 of');
    keys(t, 'q');
    await expectRestored(t, 0);
  });
});
