/**
 * Every step tells the truth (issue 9): the state at step N is the machine right after what record N
 * narrates. For every built-in scenario (c10k for its first events) and for generated ones, replaying
 * the recorded `changes` from boot reproduces the whole machine's flat form at every step — inside
 * multi-record events too — and no event changes state without a record (test/truth.ts). Every record
 * names the real function it models, and its cause, back to a root. Then the moments of hello a learner
 * meets, and `--why`.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWhy, whySteps } from '../src/debug/why.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { arbScenario } from './generated.js';
import { builtin } from './helpers.js';
import { checkTruth } from './truth.js';

const NAMES = readdirSync(new URL('../scenarios/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

/** Records between whole-machine comparisons in the large runs (burst: 113k records; c10k: 10k clients). */
const STRIDE: Record<string, number> = { burst: 200, c10k: 1000, 'ring-overflow': 10, 'big-response': 10 };
/** Events checked in the largest runs (c10k has 1.4 M records; burst 113 k). */
const MAX_EVENTS: Record<string, number> = { c10k: 30_000, burst: 40_000 };

describe('one step, one state transition', () => {
  for (const name of NAMES) {
    it(`${name}: each record's changes are exactly what changed, and every record names its function`, () => {
      // The whole machine is compared at every record, except in the two large runs (every STRIDE-th).
      const big = STRIDE[name];
      const r = checkTruth(builtin(name), { maxEvents: MAX_EVENTS[name], stride: big });
      expect(r.problems).toEqual([]);
      expect(r.noFn.map((i) => `${i} ${r.records[i].kind}`)).toEqual([]);
      // Causes point backwards at real steps; only roots have none.
      for (const rec of r.records) {
        if (rec.cause !== undefined) expect(rec.cause).toBeLessThan(rec.step);
      }
    }, 180_000);
  }

  it('holds for generated scenarios too', () => {
    fc.assert(
      fc.property(arbScenario, (sc) => {
        const r = checkTruth(sc, { maxProblems: 3 });
        expect(r.problems).toEqual([]);
      }),
      { numRuns: 15, seed: 9 },
    );
  });
});

describe('hello, step by step', () => {
  const { records } = checkTruth(builtin('hello'));
  const changed = (r: TraceRecord, what: string) => (r.changes ?? []).find((c) => c.what === what);
  const firstWith = (what: string, to: unknown) =>
    records.find((r) => (r.changes ?? []).some((c) => c.what === what && c.to === to));

  it('the accept queue grows on the step that says so, not on the NAPI poll before it', () => {
    const r = firstWith('fd 3 acceptq', 1)!;
    expect(r.text).toMatch(/accept queue/);
    expect(r.fn).toMatch(/inet_csk|tcp_check_req|tcp_v4/);
    const napi = records[r.step - 1];
    expect(napi.kind === 'softirq' ? changed(napi, 'fd 3 acceptq') : undefined).toBeUndefined();
  });

  it('the ready list gains fd 3 on the epoll.ready step', () => {
    const r = records.find((x) => x.kind === 'epoll.ready' && x.fd === 3)!;
    expect(changed(r, 'epoll 5 rdllist')).toMatchObject({ from: '[]', to: '[3]' });
  });

  it('G1 becomes runnable on its go.ready step and runs on its go.run step', () => {
    const ready = records.find((x) => x.kind === 'go.ready' && x.g === 1)!;
    expect(changed(ready, 'G1 status')).toMatchObject({ from: 'waiting (IO wait)', to: 'runnable' });
    const run = records.find((x) => x.step > ready.step && x.kind === 'go.run' && x.g === 1)!;
    expect(changed(run, 'G1 status')).toMatchObject({ from: 'runnable', to: 'running' });
    expect(run.cause).toBe(ready.step);
  });

  it('a ring slot fills on the nic.dma step', () => {
    const dma = records.find((x) => x.kind === 'nic.dma')!;
    expect(changed(dma, `rx slot ${dma.slot}`)).toMatchObject({ to: 'filled' });
  });

  it("the causal chain of G6's first go.run reaches the client's SYN on the wire", () => {
    let r = records.find((x) => x.kind === 'go.run' && x.g === 6)!;
    const chain: TraceRecord[] = [r];
    while (r.cause !== undefined) {
      r = records[r.cause];
      chain.push(r);
    }
    const kinds = chain.map((x) => x.kind);
    for (const k of [
      'go.create',
      'syscall',
      'go.ready',
      'netpoll',
      'epoll.ready',
      'softirq',
      'irq',
      'nic.dma',
      'wire.rx',
    ])
      expect(kinds).toContain(k);
    expect(chain.some((x) => x.kind === 'client.send' && /\bSYN\b/.test(x.flags ?? x.text))).toBe(true);
  });

  it('--why: the accept4 that emptied the accept queue, then the step that filled it', () => {
    const w = parseWhy('acceptq fd=3');
    if (!w.ok) throw new Error(w.error);
    const [a, b] = whySteps(builtin('hello'), 80, [w.why, w.why]);
    expect(a.record?.syscall).toBe('accept4');
    expect(a.record?.ret).toBe(4);
    expect(a.change).toMatchObject({ what: 'fd 3 acceptq', from: 1, to: 0 });
    expect(b.record?.kind).toBe('sock.queue');
    expect(b.change).toMatchObject({ what: 'fd 3 acceptq', from: 0, to: 1 });
  });
});
