/**
 * The learner's keys in a real terminal (tmux runs the built bin), at 160×50 and at 80×24: a focus
 * change leaves every border where it was (each frame's box-drawing rows compared), keys wait while
 * the terminal is too small, and each key of issue 13 — / n N, g with a time, m ' B, y, r, a A E,
 * ] [, v, t T, ? — shows on screen what the help says it does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmuxHarness } from './tmux-harness.js';

const h = tmuxHarness('tui-learner');
const { waitFor, waitText, keys, lit, shell, tmux } = h;

beforeAll(() => h.setup());
afterAll(() => h.teardown());

/** Corners and side borders of the pane area (double drawn as single; journey and status lines cut). */
function skeleton(screen: string): string {
  const single: Record<string, string> = { '╔': '┌', '╗': '┐', '╚': '└', '╝': '┘', '║': '│' };
  const lines = screen.split('\n');
  const end = lines.findIndex((l) => /^ (\[?NIC|… )/.test(l));
  return lines
    .slice(0, end < 0 ? lines.length : end)
    .map((l) =>
      Array.from(l, (c) => single[c] ?? (/[┌┐└┘│]/.test(c) ? c : ' '))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** The TUI on `scenario` in a fresh shell of the given size; resolves once the first frame is up. */
async function open(scenario: string, columns: number, rows: number): Promise<string> {
  const t = await shell(columns, rows);
  lit(t, `node ${h.bin()} ${scenario}; echo EXIT=$?`);
  keys(t, 'Enter');
  await waitText(t, 'step 0/');
  return t;
}

const step = (s: string) => Number(/ step (\d+)\//.exec(s)?.[1] ?? -1);

describe.each([
  [160, 50],
  [80, 24],
])('the learner’s keys at %i×%i (tmux)', (columns, rows) => {
  it('Tab, Shift-Tab and 1–7 change focus and leave every border intact', async () => {
    const t = await open('tour', columns, rows);
    keys(t, 'l');
    // tmux can be caught halfway through a frame: the borders are read once two captures in a row agree.
    let prev = '';
    const first = await waitFor(
      t,
      (s) => {
        const whole = s.includes('step 1/') && skeleton(s) === prev;
        prev = skeleton(s);
        return whole;
      },
      'a whole frame at step 1',
    );
    const before = skeleton(first);
    for (const k of ['Tab', 'Tab', 'BTab', '1', '4', '6', '7']) {
      const was = tmux('capture-pane', '-p', '-t', t);
      keys(t, k);
      // The focus moves (the frame changes), and the borders are where they were.
      await waitFor(t, (s) => s !== was || k === '6', `the focus to move on ${k}`);
      await waitFor(t, (s) => skeleton(s) === before, `intact borders after ${k}`);
    }
    keys(t, 'q');
    await waitText(t, 'EXIT=0');
  });

  it("/ n N search, g takes a time, m and ' bookmark, B lists, y shares", async () => {
    const t = await open('tour', columns, rows);
    keys(t, '/');
    await waitText(t, 'Search the timeline');
    lit(t, 'fd=4');
    keys(t, 'Enter');
    const m1 = await waitFor(t, (s) => /match 1\/\d+/.test(s), 'the first match');
    keys(t, 'n');
    const m2 = await waitFor(t, (s) => /match 2\/\d+/.test(s), 'the second match');
    expect(step(m2)).toBeGreaterThan(step(m1));
    keys(t, 'N');
    await waitFor(t, (s) => /match 1\/\d+/.test(s) && step(s) === step(m1), 'back to the first match');
    keys(t, 'Escape');
    await waitText(t, 'search and lens cleared');

    keys(t, 'g');
    await waitText(t, 'Go to step');
    lit(t, '1.025ms');
    keys(t, 'Enter');
    const at = await waitText(t, '│ 1.025ms │');
    keys(t, 'm', 'a');
    await waitText(t, `bookmark 'a = step ${step(at)}`);
    keys(t, 'Home');
    await waitText(t, 'step 0/');
    keys(t, "'", 'a');
    await waitText(t, `step ${step(at)}/`);
    keys(t, 'B');
    await waitText(t, `'a step ${step(at)}`);
    keys(t, 'Escape');
    keys(t, 'y');
    await waitText(t, `netflow-tui tour --at ${step(at)}`);
    keys(t, 'x', 'q');
    await waitText(t, 'EXIT=0');
  });

  it('r lens, a A E anomalies, ] [ stages, v bytes, t T gauge, ? help', async () => {
    const t = await open('packet-loss', columns, rows);
    keys(t, 'r');
    await waitText(t, 'lens conn 1');
    keys(t, 'Escape');
    keys(t, 'a');
    const a1 = await waitFor(t, (s) => /anomaly \d+\/\d+/.test(s), 'an anomaly');
    keys(t, 'a');
    await waitFor(t, (s) => step(s) > step(a1), 'the next anomaly');
    keys(t, 'A');
    await waitFor(t, (s) => step(s) === step(a1), 'the previous anomaly');
    keys(t, 'E');
    await waitText(t, 'Anomalies (Expert Info)');
    await waitText(t, 'retransmit');
    keys(t, 'Escape');

    keys(t, 'g');
    await waitText(t, 'Go to step');
    lit(t, '1ms');
    keys(t, 'Enter');
    await waitFor(t, (s) => /\[NIC|\[TCP|\[client|\[wire|\[sirq|\[softirq|\[IRQ/.test(s), 'a lit stage');
    const before = step(tmux('capture-pane', '-p', '-t', t));
    keys(t, ']');
    await waitFor(t, (s) => /conn 1 → /.test(s) && step(s) > before, 'the next stage');
    keys(t, '[');
    await waitFor(t, (s) => /conn 1 → /.test(s) && step(s) < before + 100, 'the previous stage');

    keys(t, '/');
    lit(t, 'kind=wire.rx');
    keys(t, 'Enter');
    await waitText(t, 'match 1/');
    keys(t, 'v');
    await waitText(t, 'Transmission Control Protocol');
    keys(t, 'x');
    await waitFor(t, (s) => !s.includes('Transmission Control Protocol'), 'the bytes box to close');

    keys(t, 't');
    await waitFor(t, (s) => /acceptq .*now \d+ · peak \d+ @ step \d+/.test(s), 'the gauge strip');
    keys(t, 'T');
    await waitText(t, 'Gauge to plot');
    lit(t, 'rcvq');
    keys(t, 'Enter');
    await waitFor(
      t,
      (s) => /rcvq .*now \d+ · peak \d+/.test(s) && s.includes('▲ step'),
      'the rcvq sparkline',
    );

    keys(t, '?');
    await waitText(t, 'Keys — netflow-tui');
    for (let i = 0; i < 8; i++) keys(t, 'PageDown');
    await waitText(t, '▲ end of help');
    keys(t, 'Escape');
    await waitFor(t, (s) => !s.includes('Keys — netflow-tui'), 'the help to close');
    keys(t, 'q');
    await waitText(t, 'EXIT=0');
  });

  it('keys wait while the terminal is too small', async () => {
    const t = await open('hello', columns, rows);
    tmux('resize-window', '-t', t, '-x', '70', '-y', '20');
    await waitText(t, 'terminal too small (70×20)');
    keys(t, 'l', 'l', 'g', 'End');
    await new Promise((r) => setTimeout(r, 500));
    tmux('resize-window', '-t', t, '-x', String(columns), '-y', String(rows));
    const s = await waitText(t, 'step 0/');
    expect(s).not.toContain('Go to step');
    keys(t, 'q');
    await waitText(t, 'EXIT=0');
  });
});
