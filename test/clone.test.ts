/** Checkpoint copies: equal to structuredClone, independent of the original, and replay identically. */
import { describe, expect, it } from 'vitest';
import { engine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin } from './helpers.js';

describe('engine.clone', () => {
  it('is a deep, independent copy that steps to the same records', () => {
    const m = engine.boot(builtin('keepalive'));
    const out: TraceRecord[] = [];
    for (let i = 0; i < 120; i++) engine.step(m, out);
    const c = engine.clone(m);
    expect(c).toEqual(structuredClone(m));
    expect(c.sc).toBe(m.sc);
    c.rt.ps[0].runq.push(999);
    c.clients[0].sndData += 'x';
    expect(m.rt.ps[0].runq).not.toContain(999);
    const c2 = engine.clone(m);
    const a: TraceRecord[] = [];
    const b: TraceRecord[] = [];
    while (engine.step(m, a)) {}
    while (engine.step(c2, b)) {}
    expect(b).toEqual(a);
  });
});
