/**
 * The TUI in a real terminal: tmux runs a shell at 160×50, the shell runs the built bin, and the test
 * reads the screen with capture-pane. Covers the flow a newcomer follows (step, back, goto, a
 * breakpoint and continue, help, resize, quit) and that the terminal comes back on quit, Ctrl-C and
 * SIGTERM. Each tmux server has its own socket (-L) and is killed in afterAll.
 *
 * The bundle is built like scripts/build.mjs builds dist/, but into a private folder under tmp/ next
 * to a copy of the real bin shim: other test runs rebuilding dist/ at the same time (scripts/build.mjs
 * deletes it first) cannot pull the program away while the terminal runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The private install: <tmp>/bin/netflow-tui.js (the real shim) and <tmp>/dist/. */
let BIN = '';
let privateDir = '';
const SOCKET = `netflow-e2e-${process.pid}`;
const POLL_MS = 50;
const WAIT_MS = 15_000;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** The visible screen of a window, one string. */
function screen(target: string): string {
  return tmux('capture-pane', '-p', '-t', target);
}

/** Polls the screen until `ok` holds, up to WAIT_MS; fails with the last screen. */
async function waitFor(target: string, ok: (s: string) => boolean, what: string): Promise<string> {
  const end = Date.now() + WAIT_MS;
  let last = '';
  while (Date.now() < end) {
    last = screen(target);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

const waitText = (target: string, text: string) =>
  waitFor(target, (s) => s.includes(text), JSON.stringify(text));

/** Keys for tmux send-keys: names like Enter or C-c, or literal text with `lit`. */
const keys = (target: string, ...k: string[]) => tmux('send-keys', '-t', target, ...k);
const lit = (target: string, text: string) => tmux('send-keys', '-t', target, '-l', text);

const altScreenOn = (target: string) =>
  tmux('display-message', '-p', '-t', target, '#{alternate_on}').trim() === '1';

let windows = 0;
/** A new tmux window running a plain shell at 160×50 with `CI=false`; returns its target. */
async function shell(): Promise<string> {
  const name = `w${windows++}`;
  const cmd = 'env -u NO_COLOR -u FORCE_COLOR bash --norc --noprofile';
  if (windows === 1)
    tmux(
      'new-session',
      '-d',
      '-s',
      'e2e',
      '-n',
      name,
      '-x',
      '160',
      '-y',
      '50',
      '-e',
      'CI=false',
      '-c',
      ROOT,
      cmd,
    );
  else tmux('new-window', '-d', '-t', 'e2e', '-n', name, '-e', 'CI=false', '-c', ROOT, cmd);
  const target = `e2e:${name}`;
  tmux('resize-window', '-t', target, '-x', '160', '-y', '50');
  await waitFor(target, (s) => s.trim() !== '', 'the shell prompt');
  return target;
}

/** Runs the TUI on `hello` in a fresh shell, after a marker line that must come back on exit. */
async function launch(extra = ''): Promise<string> {
  const t = await shell();
  lit(t, `echo BEFORE-TUI; node ${BIN} hello ${extra}; echo EXIT=$?`);
  keys(t, 'Enter');
  await waitText(t, 'step ');
  return t;
}

/** One whole frame on screen: panes from the top row, one status line (no drift, no leftovers). */
function expectClean(s: string): void {
  const lines = s.split('\n');
  expect(lines[0]).toMatch(/^[┌╔][─═] 1 NIC/);
  expect(s.match(/step \d+\/\d+ │/g)).toHaveLength(1);
}

/** The terminal is back: alternate screen off, the earlier output and the exit line visible. */
async function expectRestored(t: string, exit: number): Promise<void> {
  const s = await waitText(t, `EXIT=${exit}`);
  expect(altScreenOn(t)).toBe(false);
  expect(s).toContain('BEFORE-TUI');
  expect(s).not.toMatch(/step \d+\/\d+/);
}

beforeAll(async () => {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  privateDir = mkdtempSync(join(ROOT, 'tmp', 'tui-e2e-'));
  // The options of scripts/build.mjs, with a private outdir.
  await build({
    entryPoints: [join(ROOT, 'src/cli.ts')],
    outdir: join(privateDir, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react-devtools-core'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  mkdirSync(join(privateDir, 'bin'));
  BIN = join(privateDir, 'bin', 'netflow-tui.js');
  copyFileSync(join(ROOT, 'bin', 'netflow-tui.js'), BIN);
  expect(existsSync(join(privateDir, 'dist', 'cli.js'))).toBe(true);
});

afterAll(() => {
  let socketPath = '';
  try {
    socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
    tmux('kill-server');
  } catch {
    // No server was started.
  }
  // tmux leaves the socket file behind here; it is ours (unique name), so remove it.
  if (socketPath.endsWith(SOCKET)) rmSync(socketPath, { force: true });
  if (privateDir) rmSync(privateDir, { recursive: true, force: true });
});

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
    const hit = await waitText(t, 'breakpoint 1 hit: syscall:accept4');
    const current = hit.split('\n').find((l) => l.includes('▶'));
    expect(current).toMatch(/accept4/);

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

  it('restores the terminal on SIGTERM and exits 143', async () => {
    const t = await launch();
    const shellPid = tmux('display-message', '-p', '-t', t, '#{pane_pid}').trim();
    const child = execFileSync('ps', ['-o', 'pid=', '--ppid', shellPid], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)[0];
    process.kill(Number(child), 'SIGTERM');
    await expectRestored(t, 143);
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
    expect(s).toContain('as written (main)');
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
