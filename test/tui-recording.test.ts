/**
 * A long run in a real terminal (tmux, 160×50): c10k's first frame appears while the run is still
 * being recorded, with the progress in the status line; the steps recorded so far can be stepped
 * through; `q` answers while it records and gives the terminal back (src/tui/main.ts recordRest,
 * src/debug/session.ts recordMore).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmuxHarness } from './tmux-harness.js';

const h = tmuxHarness('tui-recording');
const { waitFor, waitText, keys, lit, altScreenOn, shell } = h;

/** A slice of recording plus one frame; a checkpoint's clone of a c10k machine can take most of it. */
const QUIT_MS = 3000;

beforeAll(async () => {
  await h.setup();
});

afterAll(() => h.teardown());

const progress = (s: string): number | undefined => {
  const m = /recording… ([\d,]+) events/.exec(s);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
};

describe('c10k in a real terminal while it records', () => {
  it('shows the first frame with a progress line, steps, and quits on q while recording', async () => {
    const t = await shell(160, 50);
    lit(t, `echo BEFORE-TUI; node ${h.bin()} c10k; echo EXIT=$?`);
    keys(t, 'Enter');
    const first = await waitFor(t, (s) => progress(s) !== undefined, 'the progress line');
    expect(first).toMatch(/step 0\/\d+ │ recording… [\d,]+ events │/);
    // The recording goes on behind the frame.
    await waitFor(t, (s) => (progress(s) ?? 0) > progress(first)!, 'the progress to advance');
    // Stepping works in what is recorded so far.
    keys(t, 'Right');
    await waitFor(t, (s) => /step 1\/\d+ │ recording…/.test(s), 'step 1 while recording');
    const pressed = performance.now();
    keys(t, 'q');
    await waitFor(t, () => !altScreenOn(t), 'the alternate screen to close');
    expect(performance.now() - pressed).toBeLessThan(QUIT_MS);
    const s = await waitText(t, 'EXIT=0');
    expect(s).toContain('BEFORE-TUI');
    expect(s).not.toMatch(/step \d+\/\d+/);
  });
});
