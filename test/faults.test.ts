/**
 * A lossy network (each frame lost with probability 5 %, seeded): every connection still completes
 * all its requests, keep-alive and uploads included, and the run ends on its own — no socket keeps
 * retransmitting to a peer that has forgotten it (a client in TIME_WAIT acknowledges a repeated FIN).
 */
import { describe, expect, it } from 'vitest';
import { runAll, scenario } from './helpers.js';

const lossy = (seed: number) =>
  scenario({
    name: 'lossy',
    description: 'five percent loss',
    seed,
    server: {
      routes: [
        { pattern: '/hello', body: 'Hello World' },
        { pattern: 'POST /up', body: 'ok' },
      ],
    },
    clients: [
      {
        count: 20,
        every: '50us',
        latency: '20us',
        keepAlive: true,
        requests: ['GET /hello', { method: 'POST', path: '/up', body: 30000 }, 'GET /hello'],
      },
    ],
    faults: [{ probability: 0.05 }],
  });

describe('5 % frame loss', () => {
  it.each([1, 2, 3, 8])('seed %i: every request is answered and the run ends by itself', (seed) => {
    const { m, records } = runAll(lossy(seed), { invariants: true });
    expect(m.stats.framesDropped).toBeGreaterThan(0);
    expect(m.clients.map((c) => c.statuses)).toEqual(m.clients.map(() => [200, 200, 200]));
    expect(m.now).toBeLessThan(60_000_000_000);
    const last = records[records.length - 1];
    expect(m.now - last.t_ns).toBeLessThan(10_000_000_000);
  });
});
