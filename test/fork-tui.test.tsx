// The fork side by side in the terminal (diff --tui), on real runs of ring-overflow with 8 and 256 RX
// slots: the first divergence is marked on both sides, `d` jumps to it, the other side follows by
// virtual time (or by step after `t`), `s` makes the other side the main one.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../src/debug/session.js';
import { resolveScenario } from '../src/scenario/builtin.js';
import { engine } from '../src/sim/engine.js';
import { makeTheme } from '../src/tui/theme.js';
import { applyChanges } from '../src/whatif/set.js';
import { ForkApp, follow, nextDivergence } from '../src/whatif/tui.js';
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

describe('fork view', () => {
  it('nextDivergence finds where the traces start to differ; follow keeps the other side in step', () => {
    const { original, fork } = sessions('ring-overflow', ['machine.nic.rxRing=256']);
    const first = nextDivergence(original, fork, 0);
    // A frame meets the full 8-slot ring; with 256 slots it is DMA-ed into slot 8.
    expect(original.record(first).kind).toBe('wire.rx');
    expect(original.record(first).slot).toBeUndefined();
    expect(fork.record(first).slot).toBe(8);
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

  it('shows both runs, marks the first divergence, and d / t / s / q work', async () => {
    const { original, fork } = sessions('ring-overflow', ['machine.nic.rxRing=256']);
    const first = nextDivergence(original, fork, 0);
    const onQuit = vi.fn();
    const r = renderAt(
      <ForkApp
        original={original}
        fork={fork}
        label="machine.nic.rxRing=256"
        theme={theme}
        columns={160}
        rows={40}
        onQuit={onQuit}
      />,
      160,
      40,
    );
    cleanup.push(r.unmount);
    const press = async (k: string) => {
      r.stdin.write(k);
      await settle(50);
    };
    const f0 = await until(r.lastFrame, (f) => f.includes('fork ·'), 10_000);
    expect(f0).toContain(`first divergence: step ${first}`);
    expect(f0).toContain('as written (main)');
    expect(f0).toContain('with machine.nic.rxRing=256');
    expect(f0).toMatch(/RX 0\/8 drops 0/);
    expect(f0).toMatch(/RX 0\/256 drops 0/);

    await press('d');
    expect(original.cursor).toBe(first);
    const f1 = r.lastFrame();
    expect(f1).toContain(`▶≠${String(first).padStart(6)} wire    A frame from`);
    expect(f1).toMatch(/RX 8\/8 drops/);
    expect(fork.record(fork.cursor).t_ns).toBeLessThanOrEqual(original.record(first).t_ns);

    await press('t');
    await press('l');
    expect(r.lastFrame()).toContain('following by step');
    expect(fork.cursor).toBe(first + 1);
    expect(original.cursor).toBe(first + 1);

    await press('s');
    await press('l');
    expect(r.lastFrame()).toContain('with machine.nic.rxRing=256 (main)');
    expect(fork.cursor).toBe(first + 2);
    expect(original.cursor).toBe(first + 2);

    await press('q');
    expect(onQuit).toHaveBeenCalledTimes(1);
  });
});
