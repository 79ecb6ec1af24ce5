/**
 * "What if?" in a real terminal (tmux runs the built bin at 160×50): in the ordinary TUI on hello, `f`
 * opens the fork prompt, a misspelt key is refused with "did you mean", the change is typed, Enter
 * splits the screen into the run as written and the fork with the first divergence marked, `d` jumps
 * to the next point where the traces start to differ, `2` makes the fork the main run (the panes come
 * back, on the fork: one P), and `q` quits within 1 s with the terminal restored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmuxHarness } from './tmux-harness.js';

const h = tmuxHarness('tui-fork');
const { waitFor, waitText, keys, lit, shell, altScreenOn } = h;

beforeAll(() => h.setup());
afterAll(() => h.teardown());

const step = (s: string) => Number(/ step (\d+)\//.exec(s)?.[1] ?? -1);

describe('the fork split in a real terminal', () => {
  it('f, a change, Enter: both sides and the ≠ mark; d; 2 makes the fork main; q quits within 1 s', async () => {
    const t = await shell(160, 50);
    lit(t, `echo BEFORE-TUI; node ${h.bin()} hello; echo EXIT=$?`);
    keys(t, 'Enter');
    await waitText(t, 'step 0/');

    keys(t, 'f');
    await waitText(t, 'What if? Fork the run with a change');
    lit(t, 'machine.gomaxprocz=1');
    keys(t, 'Enter');
    await waitText(t, 'did you mean "gomaxprocs"?');
    keys(t, 'BSpace');
    keys(t, 'BSpace');
    keys(t, 'BSpace');
    lit(t, 's=1');
    keys(t, 'Enter');

    // The whole split frame: its header and both sides' narration at the bottom (tmux may be caught
    // halfway through drawing it, with the header on screen and the narration not yet).
    const narrations = /GOMAXPROCS=2 +│The server binary starts .*GOMAXPROCS=1\n/;
    const split = await waitFor(
      t,
      (s) => s.includes('fork · first divergence: step 0 (≠)') && narrations.test(s),
      'the split screen with both narrations',
    );
    expect(split).toContain('1 as written ◀ keys step this side');
    expect(split).toContain('2 with machine.gomaxprocs=1');
    // The first divergence marked on both sides, each at its cursor (same time, same step).
    expect(split).toMatch(/▶≠ {5}0 app {5}The server binary starts.*│▶≠ {5}0 app/);

    keys(t, 'd');
    // The message and the cursor's row at the step it names (the whole frame, not its first lines).
    const differAt = (s: string) => Number(/differ at step (\d+)/.exec(s)?.[1] ?? -1);
    const jumped = await waitFor(
      t,
      (s) => differAt(s) > 0 && new RegExp(`▶ {1,6}${differAt(s)} `).test(s),
      'the jump to where the traces start to differ',
    );
    expect(differAt(jumped)).toBeGreaterThan(0);

    keys(t, '2');
    const main = await waitFor(
      t,
      (s) => s.includes('the fork (machine.gomaxprocs=1) is now the main run') && /Scheduler/.test(s),
      'the fork as the main run, with its panes',
    );
    expect(main).not.toContain('fork · first divergence');
    expect(step(main)).toBeGreaterThan(0);
    // The panes are back, on the fork: its scheduler has one P.
    expect(main).toMatch(/Scheduler/);
    expect(main).not.toMatch(/\bP1\b/);
    keys(t, 'l');
    await waitFor(t, (s) => step(s) === step(main) + 1, 'the fork to step on');

    const pressed = performance.now();
    keys(t, 'q');
    await waitFor(t, () => !altScreenOn(t), 'the alternate screen to close');
    expect(performance.now() - pressed).toBeLessThan(1000);
    const after = await waitText(t, 'EXIT=0');
    expect(after).toContain('BEFORE-TUI');
  }, 120_000);
});
