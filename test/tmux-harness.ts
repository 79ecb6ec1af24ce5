/**
 * The real-terminal harness the tmux tests share: a private build of the bin, a tmux server of our
 * own (-L socket, unique per test file and process), shells at a chosen size running it, and ways to
 * read the screen (capture-pane) and send keys. `setup()` in beforeAll, `teardown()` in afterAll.
 *
 * The bundle is built like scripts/build.mjs builds dist/, but into a private folder under tmp/ next
 * to a copy of the real bin shim: other test runs rebuilding dist/ at the same time (scripts/build.mjs
 * deletes it first) cannot pull the program away while the terminal runs it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from './build-cli.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLL_MS = 50;
/** How long a screen may take to show what a test waits for (the machine is shared: be patient). */
export const WAIT_MS = 20_000;

export function tmuxHarness(label: string) {
  const socket = `netflow-${label}-${process.pid}`;
  let privateDir = '';
  let bin = '';
  let windows = 0;

  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** The visible screen of a window, one string (`escapes`: with its colour codes). */
  const screen = (target: string, escapes = false): string =>
    tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', target);

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
  /** Keys for tmux send-keys: names like Enter or C-c. */
  const keys = (target: string, ...k: string[]) => tmux('send-keys', '-t', target, ...k);
  /** Literal text. */
  const lit = (target: string, text: string) => tmux('send-keys', '-t', target, '-l', text);
  const altScreenOn = (target: string) =>
    tmux('display-message', '-p', '-t', target, '#{alternate_on}').trim() === '1';

  /** A new tmux window running a plain shell at columns×rows with `CI=false`; returns its target. */
  async function shell(columns = 160, rows = 50): Promise<string> {
    const name = `w${windows++}`;
    const cmd = 'env -u NO_COLOR -u FORCE_COLOR bash --norc --noprofile';
    const size = ['-x', String(columns), '-y', String(rows)];
    if (windows === 1)
      tmux('new-session', '-d', '-s', 'e2e', '-n', name, ...size, '-e', 'CI=false', '-c', ROOT, cmd);
    else tmux('new-window', '-d', '-t', 'e2e', '-n', name, '-e', 'CI=false', '-c', ROOT, cmd);
    const target = `e2e:${name}`;
    tmux('resize-window', '-t', target, ...size);
    await waitFor(target, (s) => s.trim() !== '', 'the shell prompt');
    return target;
  }

  async function setup(): Promise<void> {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    privateDir = mkdtempSync(join(ROOT, 'tmp', `${label}-`));
    // The options of scripts/build.mjs, with a private outdir.
    await buildCli(join(privateDir, 'dist'));
    mkdirSync(join(privateDir, 'bin'));
    bin = join(privateDir, 'bin', 'netflow-tui.js');
    copyFileSync(join(ROOT, 'bin', 'netflow-tui.js'), bin);
    // The shim is CommonJS by its folder's package.json (scripts/bundle.mjs).
    copyFileSync(join(ROOT, 'bin', 'package.json'), join(privateDir, 'bin', 'package.json'));
    if (!existsSync(join(privateDir, 'dist', 'cli.js')))
      throw new Error('the private build made no dist/cli.js');
  }

  function teardown(): void {
    let socketPath = '';
    try {
      socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
      tmux('kill-server');
    } catch {
      // No server was started.
    }
    // tmux leaves the socket file behind here; it is ours (unique name), so remove it.
    if (socketPath.endsWith(socket)) rmSync(socketPath, { force: true });
    if (privateDir) rmSync(privateDir, { recursive: true, force: true });
  }

  return {
    tmux,
    screen,
    waitFor,
    waitText,
    keys,
    lit,
    altScreenOn,
    shell,
    setup,
    teardown,
    /** The private bin (after setup). */
    bin: () => bin,
  };
}
