/**
 * Property tests over generated small scenarios: any mix of clients, paths (routes and misses), ring
 * sizes, GOMAXPROCS and keep-alive. Two runs of the same scenario and seed give identical traces, the
 * invariants hold after every event, every client gets a response to every request, and the run ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordToJson } from '../src/sim/trace.js';
import { arbScenario } from './generated.js';
import { runAll, scenario } from './helpers.js';

describe('generated scenarios', () => {
  it('are deterministic, keep every invariant at every step, and answer every request', () => {
    fc.assert(
      fc.property(arbScenario, (sc) => {
        const a = runAll(sc, { invariants: true, maxEvents: 400_000 });
        const b = runAll(sc, { maxEvents: 400_000 });
        expect(b.records.length).toBe(a.records.length);
        for (let i = 0; i < a.records.length; i++) {
          if (recordToJson(a.records[i]) !== recordToJson(b.records[i]))
            expect(recordToJson(b.records[i])).toBe(recordToJson(a.records[i]));
        }
        for (const c of a.m.clients) {
          const spec = sc.clients![c.spec];
          const expected = spec.keepAlive ? spec.requests!.length : 1;
          expect(c.state, `client ${c.conn}`).toBe('done');
          expect(c.responses, `client ${c.conn} responses`).toBe(expected);
        }
        for (let i = 1; i < a.records.length; i++)
          expect(a.records[i].t_ns).toBeGreaterThanOrEqual(a.records[i - 1].t_ns);
        expect(a.records.map((r) => r.step)).toEqual(a.records.map((_, i) => i));
      }),
      { numRuns: 40 },
    );
  });
});

describe('an RX ring of 2 under a burst of 20 connections', () => {
  const sc = scenario({
    name: 'burst',
    description: 'burst',
    machine: { nic: { rxRing: 2 } },
    server: { routes: [{ pattern: '/hello', body: 'Hello World' }] },
    clients: [{ count: 20, every: 0, keepAlive: true, requests: ['GET /hello', 'GET /nope'] }],
  });
  const { records, m } = runAll(sc, { invariants: true });

  it('drops frames at the ring and counts them', () => {
    expect(m.nic.rxDropped).toBeGreaterThan(0);
    expect(records.filter((r) => r.kind === 'nic.drop').length).toBe(m.nic.rxDropped);
    expect(m.stats.framesDropped).toBe(m.nic.rxDropped);
  });

  it('recovers by retransmission: every client gets both responses', () => {
    expect(m.stats.retransmits).toBeGreaterThan(0);
    expect(m.clients.map((c) => c.statuses)).toEqual(m.clients.map(() => [200, 404]));
  });
});
