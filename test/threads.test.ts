/**
 * OS threads and spinning Ms (runtime/proc.go), from real runs of built-ins and generated scenarios:
 * the Ms are made at start-up (sysmon, the M newproc's wakep starts, the M handoffp starts while G1 is
 * locked to M0 in init, the cgo template thread) and the request path wakes parked ones with a futex
 * instead of clone3; a spinning M that finds nothing gives its P back and parks, and no more Ms spin
 * than Go allows (wakep starts one; findRunnable lets an M spin only while 2 × spinning < busy Ps).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../src/scenario/schema.js';
import { engine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { arbScenario } from './generated.js';
import { builtin, runAll } from './helpers.js';

const calls = (records: TraceRecord[], name: string) => records.filter((r) => r.syscall === name);

describe('threads are made at start-up, not on the request path', () => {
  for (const name of ['hello', 'keepalive', 'upload']) {
    it(`${name}: 4 clone3 before the first socket(), none after it; the request path wakes parked Ms`, () => {
      const { records, m } = runAll(builtin(name), { invariants: true });
      const firstSocket = records.findIndex((r) => r.syscall === 'socket');
      const clones = calls(records, 'clone3');
      expect(clones.every((r) => r.step < firstSocket)).toBe(true);
      expect(clones.length).toBe(4);
      expect(clones.every((r) => r.tid === 1000)).toBe(true);
      const firstAccept = records.findIndex((r) => r.syscall === 'accept4' && (r.ret ?? -1) >= 0);
      const wakes = calls(records, 'futex').filter(
        (r) => r.step > firstAccept && r.args?.[1] === 'FUTEX_WAKE_PRIVATE',
      );
      expect(wakes.length).toBeGreaterThan(0);
      expect(m.rt.ms.length).toBe(5);
    });
  }

  it('the start-up Ms park in stopm before main.main opens its first socket', () => {
    const { records } = runAll(builtin('hello'));
    const firstSocket = records.findIndex((r) => r.syscall === 'socket');
    const parked = records.filter((r) => r.step < firstSocket && r.fn?.startsWith('runtime.stopm'));
    expect(parked.map((r) => r.m)).toEqual([2, 3]);
    const template = records.find((r) => /template thread/.test(r.text));
    expect(template?.syscall).toBe('clone3');
  });

  it('with GOMAXPROCS=1 no P is idle, so newproc wakes no M at start-up', () => {
    const sc = builtin('hello');
    sc.machine = { ...sc.machine, gomaxprocs: 1 };
    const { records } = runAll(sc, { invariants: true });
    expect(calls(records, 'clone3').length).toBe(3);
  });
});

/** Runs a scenario, checking the spinning Ms after every event; returns what it saw. */
function spinCheck(sc: Scenario, maxEvents = 200_000) {
  const m = engine.boot(sc);
  const out: TraceRecord[] = [];
  const since = new Map<number, number>();
  let longest = 0;
  let over = 0;
  for (let n = 0; n < maxEvents && engine.step(m, out, { text: false }); n++) {
    out.length = 0;
    const busy = m.p.gomaxprocs - m.rt.pidle.length;
    const spinning = m.rt.ms.filter((x) => x.spinning);
    expect(m.rt.nmspinning).toBe(spinning.length);
    if (spinning.length > Math.max(1, Math.ceil(busy / 2))) over++;
    for (const x of m.rt.ms) {
      if (!x.spinning && x.state !== 'spinning') {
        since.delete(x.id);
        continue;
      }
      const t0 = since.get(x.id) ?? m.now;
      since.set(x.id, t0);
      longest = Math.max(longest, m.now - t0);
    }
  }
  return { longest, over, endSpinning: m.rt.ms.filter((x) => x.spinning || x.state === 'spinning').length };
}

describe('a spinning M stops (findRunnable → stopm)', () => {
  for (const name of ['hello', 'keepalive', 'slow-handler-4', 'upload', 'burst']) {
    it(`${name}: no M spins for more than 100 µs, none is left spinning, and spinning Ms stay within Go's bound`, () => {
      const r = spinCheck(builtin(name));
      expect(r.longest).toBeLessThanOrEqual(100_000);
      expect(r.endSpinning).toBe(0);
      expect(r.over).toBe(0);
    }, 120_000);
  }

  it('holds for generated scenarios (1–8 Ps, several clients)', () => {
    fc.assert(
      fc.property(arbScenario, (sc) => {
        const r = spinCheck(sc);
        expect(r.longest).toBeLessThanOrEqual(100_000);
        expect(r.endSpinning).toBe(0);
        expect(r.over).toBe(0);
      }),
      { numRuns: 15, seed: 10 },
    );
  }, 120_000);
});
