/**
 * viewOf reuses the last view of each entity whose fields read the same (src/sim/view.ts): on real runs
 * of built-in scenarios, every view it gives, of the running machine, of a machine left behind, and of
 * each record inside a tracked event (machineAt), is exactly the view built from scratch (`fresh`).
 * And as the TUI asks for them, one per step of a session stepping forward, back (the undo log) and
 * jumping: a view of the machine viewed last copies its lists and rebuilds the rows written since.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from '../src/debug/session.js';
import type { Scenario } from '../src/scenario/schema.js';
import { engine, type Machine } from '../src/sim/engine.js';
import { machineAt, newStepLog } from '../src/sim/steplog.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { viewOf } from '../src/sim/view.js';
import { builtin } from './helpers.js';

function c10kCut(n: number): Scenario {
  const sc = builtin('c10k');
  return {
    ...sc,
    name: `c${n}`,
    clients: sc.clients!.map((c) => ({ ...c, count: Math.min(c.count ?? 1, n) })),
  };
}

/** Steps the scenario; every `every` events compares views (reused vs fresh) of what it names. */
function check(sc: Scenario, every: number, maxEvents: number): number {
  const m = engine.boot(sc);
  let behind: Machine = engine.clone(m);
  const recs: TraceRecord[] = [];
  let compared = 0;
  const same = (x: Machine, step: number) => {
    expect(JSON.stringify(viewOf(x, step))).toBe(JSON.stringify(viewOf(x, step, { fresh: true })));
    compared++;
  };
  for (let e = 1; e <= maxEvents; e++) {
    recs.length = 0;
    const tracked = e % every === 0;
    const log = tracked ? newStepLog() : undefined;
    if (!engine.step(m, recs, log ? { log } : undefined)) break;
    if (!tracked) continue;
    same(m, m.nrec - 1);
    // The machine left behind, then each record of this event rewound: views of other machines in
    // between, so a reused entry must match whichever machine is viewed.
    same(behind, behind.nrec - 1);
    for (const r of recs) same(machineAt(m, log!, r.step), r.step);
    if (e % (every * 7) === 0) behind = engine.clone(m);
  }
  return compared;
}

describe('views reused across steps are the views built from scratch', () => {
  it.each([
    ['slow-reader', 1, 100_000],
    ['keepalive', 1, 100_000],
    ['ring-overflow', 3, 100_000],
    ['upload-large', 1, 100_000],
  ])('%s (every %i events)', (name, every, max) => {
    expect(check(builtin(name), every, max)).toBeGreaterThan(100);
  });

  it('c10k cut to 200 connections, its first 12,000 events', { timeout: 120_000 }, () => {
    expect(check(c10kCut(200), 29, 12_000)).toBeGreaterThan(500);
  });
});

/**
 * A session whose engine checks every view it gives against the view built from scratch of the same
 * machine (the session cannot tell: `viewOnce` watches nothing). Returns how many were checked.
 */
function navigate(sc: Scenario, moves: (s: ReturnType<typeof createSession>) => void): number {
  let checked = 0;
  const checking = {
    ...engine,
    view: (m: Machine, step: number, log?: Parameters<typeof engine.view>[2]) => {
      const v = engine.view(m, step, log);
      expect(JSON.stringify(v)).toBe(JSON.stringify(engine.viewOnce!(m, step, log)));
      checked++;
      return v;
    },
  };
  moves(createSession(checking, sc));
  return checked;
}

/** Steps forward n times, viewing each step. */
function forward(s: ReturnType<typeof createSession>, n: number): void {
  for (let i = 0; i < n && s.cursor < s.total - 1; i++) {
    s.step();
    s.view();
  }
}

/** Steps back n times, viewing each step. */
function backward(s: ReturnType<typeof createSession>, n: number): void {
  for (let i = 0; i < n && s.cursor > 0; i++) {
    s.back();
    s.view();
  }
}

describe("a session's views, one per step as the TUI asks, are the views built from scratch", () => {
  it.each(['hello', 'keepalive', 'slow-reader', 'ring-overflow'])(
    '%s: every step forward, then back',
    (name) => {
      const n = navigate(builtin(name), (s) => {
        s.view();
        forward(s, s.total);
        backward(s, s.total);
      });
      expect(n).toBeGreaterThan(100);
    },
  );

  it('c10k cut to 300 connections: steps, backs and jumps mid-run', { timeout: 120_000 }, () => {
    const n = navigate(c10kCut(300), (s) => {
      for (const at of [0.3, 0.8]) {
        s.goto(Math.floor(s.total * at));
        s.view();
        forward(s, 800);
        backward(s, 400);
        forward(s, 200);
      }
    });
    expect(n).toBeGreaterThan(2500);
  });
});
