/**
 * The undo log (src/sim/undo.ts) against the real thing: around every event of every built-in
 * scenario, the machine after `undo` is byte-for-byte the machine before the event (its JSON), and
 * stepping again gives the same records and the same machine as the first time. c10k runs with fewer
 * connections here (RUN_LARGE=1: all of them, sampled).
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../src/scenario/schema.js';
import { fingerprint } from '../src/sim/cow.js';
import { engine, type Machine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { newUndoLog, type UndoLog } from '../src/sim/undo.js';
import { builtin, c10kOr } from './helpers.js';
import { builtinNames } from './scenario-run.js';

/**
 * Where two machines' data first differ (a path like `socks[3].rcvq`), or null. Objects both hold are
 * equal at once, so comparing a machine with a snapshot of it (cow.ts: they share what neither wrote)
 * costs what differs, not what exists. The snapshot is taken through the write barrier, so an entity
 * written without it would change both; test/cow-guard.ts catches that.
 */
function diff(a: unknown, b: unknown, path: string): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${path}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length: ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (i in a !== i in b) return `${path}[${i}]: hole vs value`;
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k) => !(k in b))) return `${path}: keys ${ka} vs ${kb}`;
  for (const k of ka) {
    const d = diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

/** xorshift32: which events get checked, when not all are. */
function picker(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * Steps sc's whole run with an undo log. The first `allUpTo` events are each undone and stepped again,
 * and checked; after those, events picked with probability `share`. Returns the events stepped.
 */
function undoEvents(sc: Scenario, { allUpTo, share }: { allUpTo: number; share: number }): number {
  const m: Machine = engine.boot(sc);
  const pick = picker(7);
  let events = 0;
  for (;;) {
    const check = events < allUpTo || pick() < share;
    // A checked event gets a log of its own; the others step without one (a whole c10k run's log would
    // take gigabytes; the debugger keeps a bounded one).
    const log: UndoLog = newUndoLog();
    const before = check ? engine.snapshot!(m) : null;
    const first: TraceRecord[] = [];
    if (!engine.step(m, first, check ? { undo: log } : undefined)) {
      // The call that finds the run over leaves no entry and no change.
      expect(log.entries.length).toBe(0);
      if (before) expect(diff(m, before, 'm')).toBeNull();
      break;
    }
    events++;
    if (before === null) continue;
    expect(log.entries.length).toBe(1);
    const after = engine.snapshot!(m);
    expect(engine.undo!(m, log)).toBe(true);
    const undone = diff(m, before, 'm');
    if (undone !== null) expect.fail(`event ${events - 1}: undo left ${undone}`);
    const again: TraceRecord[] = [];
    expect(engine.step(m, again, { undo: log })).toBe(true);
    expect(again, `event ${events - 1}: records`).toEqual(first);
    const redone = diff(m, after, 'm');
    if (redone !== null) expect.fail(`event ${events - 1}: stepping again gave ${redone}`);
    engine.release!(before);
    engine.release!(after);
  }
  return events;
}

describe('undo log', () => {
  const names = builtinNames().filter((n) => n !== 'c10k');
  it.each(names)('%s: undoing any event gives back the machine before it, exactly', (name) => {
    // Every event of the first 2,000, then one in 20 (burst runs ~100k events).
    expect(undoEvents(builtin(name), { allUpTo: 2000, share: 0.05 })).toBeGreaterThan(10);
  });

  const large = process.env.RUN_LARGE === '1';
  it('c10k: undo after events of a many-connection run', { timeout: large ? 1_800_000 : 300_000 }, () => {
    const sc = c10kOr(large, 200);
    expect(undoEvents(sc, { allUpTo: 2000, share: large ? 0.005 : 0.2 })).toBeGreaterThan(1000);
  });

  it('undoes a run back to its boot, event by event', () => {
    const sc = builtin('keepalive');
    const m = engine.boot(sc);
    const boot = fingerprint(m);
    const log = newUndoLog();
    let n = 0;
    while (engine.step(m, [], { undo: log })) n++;
    expect(log.entries.length).toBe(n);
    while (engine.undo!(m, log)) n--;
    expect(n).toBe(0);
    expect(fingerprint(m) === boot).toBe(true);
    // And forward again: the same trace as a run without an undo log.
    const plain = engine.boot(sc);
    const a: TraceRecord[] = [];
    const b: TraceRecord[] = [];
    while (engine.step(plain, a)) {}
    while (engine.step(m, b, { undo: log })) {}
    expect(b).toEqual(a);
  });
});
