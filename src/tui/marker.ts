/**
 * The "TUI running" marker: a file per running TUI (`$TMPDIR/netflow-tui-<uid>/tui-<pid>`), written
 * when the TUI takes the terminal and removed when it gives it back. SIGKILL (and a crash of Node
 * itself) cannot be caught, so such a run leaves the terminal in raw mode on the alternate screen and
 * leaves its marker behind. The next TUI finds the stale marker (its pid is gone), removes it, and
 * tells the user, after its own exit, that `reset` restores a terminal left that way.
 *
 * Contract: `claimMarker()` once before entering the alternate screen; call the returned `release()`
 * on every way out (it is idempotent). Failures to read or write the folder are ignored: the marker
 * is a courtesy, never a reason not to start. Used by ./main.ts only.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Words printed after the TUI exits when an earlier run was killed. */
export const RESET_HINT =
  'netflow-tui: an earlier netflow-tui was killed before it could restore the terminal; ' +
  'if the terminal still misbehaves (no echo, odd screen), type `reset` and press Enter.';

export interface Marker {
  /** Pids of earlier TUIs that were killed without cleaning up (their markers are removed). */
  stale: number[];
  /** Removes this TUI's marker. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function claimMarker(dir = join(tmpdir(), `netflow-tui-${process.getuid?.() ?? 'user'}`)): Marker {
  const stale: number[] = [];
  const mine = join(dir, `tui-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      const pid = Number(/^tui-(\d+)$/.exec(f)?.[1]);
      if (!pid || pid === process.pid || alive(pid)) continue;
      stale.push(pid);
      rmSync(join(dir, f), { force: true });
    }
    writeFileSync(mine, `${process.pid}\n`);
  } catch {
    // No marker: the hint is a courtesy.
  }
  let released = false;
  return {
    stale,
    release() {
      if (released) return;
      released = true;
      try {
        rmSync(mine, { force: true });
      } catch {}
    },
  };
}
