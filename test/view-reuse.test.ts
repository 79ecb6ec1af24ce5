/**
 * viewOf reuses the last view of each entity whose fields read the same (src/sim/view.ts): on real runs
 * of built-in scenarios, every view it gives, of the running machine, of a machine left behind, and of
 * each record inside a tracked event (machineAt), is exactly the view built from scratch (`fresh`).
 */
import { describe, expect, it } from 'vitest';
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
