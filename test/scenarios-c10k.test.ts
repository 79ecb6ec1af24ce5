/**
 * c10k: 10,000 concurrent keep-alive connections run headless to completion. Invariants are checked
 * every 20,000 events and at the end (checking them after each of the ~1.1 million events would cost
 * minutes); narration is not formatted. On a 2-vCPU VM the run takes about 6–10 s.
 */
import { describe, expect, it } from 'vitest';
import { runBuiltin } from './scenario-run.js';

describe('c10k', () => {
  const run = () => runBuiltin('c10k', { invariantsEvery: 20_000, text: false, sampleEvery: 1_000 });

  it('runs to completion and passes its expect: (20,000 responses of "Hello World")', () => {
    const { failures, m } = run();
    expect(failures).toEqual([]);
    expect(m.clients.every((c) => c.state === 'done' && c.responses === 2)).toBe(true);
  }, 120_000);

  it('holds 10,000 connections at once: 10,000 fds and a goroutine parked per connection', () => {
    const { peak } = run();
    expect(peak.fds).toBeGreaterThanOrEqual(10_000);
    expect(peak.gs).toBeGreaterThanOrEqual(10_000);
  }, 120_000);

  it('every note reaches at least one step', () => {
    const { sc, noteHits } = run();
    expect((sc.notes ?? []).filter((_, i) => noteHits[i] === 0)).toEqual([]);
  }, 120_000);
});
