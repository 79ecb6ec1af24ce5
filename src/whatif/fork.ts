/**
 * A fork: the scenario as written and a changed copy (./set.ts), run side by side, headless and
 * deterministic, to find where they first differ and how their outcomes (./outcome.ts) compare.
 *
 * Both runs stream through the engine in lockstep, one record at a time; records are compared as
 * their JSON lines (every field: time, kind, text, ids). Nothing is kept per record but the last one
 * both runs shared, so a fork of c10k costs two runs' time and no more memory than two machines.
 * Used by `netflow-tui diff`.
 */
import type { Scenario } from '../scenario/schema.js';
import { engine } from '../sim/engine.js';
import { recordToJson, type TraceRecord } from '../sim/trace.js';
import { Meter, type Outcome } from './outcome.js';

/** Where the two runs first differ: the step, and each run's record there (absent: that run had ended). */
export interface Divergence {
  step: number;
  original?: TraceRecord;
  fork?: TraceRecord;
  /** The last record both runs had in common, if any. */
  lastShared?: TraceRecord;
}

export interface ForkResult {
  /** undefined: the two traces are identical, record for record. */
  divergence?: Divergence;
  original: Outcome;
  fork: Outcome;
}

/** One run as a stream of records; its outcome is the generator's return value. */
function* records(
  sc: Scenario,
  seed: number | undefined,
  meter = new Meter(),
): Generator<TraceRecord, Outcome> {
  const m = engine.boot(sc, seed);
  const recs: TraceRecord[] = [];
  for (;;) {
    recs.length = 0;
    if (!engine.step(m, recs)) break;
    meter.event(m, recs);
    yield* recs;
  }
  return meter.end(m);
}

/** One run's outcome alone, and how many latencies its meter measured (one per response it saw). */
export function measure(sc: Scenario, seed?: number): { outcome: Outcome; measured: number } {
  const meter = new Meter();
  const run = records(sc, seed, meter);
  for (;;) {
    const r = run.next();
    if (r.done) return { outcome: r.value, measured: meter.measured };
  }
}

/** Runs both scenarios to the end; `seed` overrides both scenarios' seed. */
export function runFork(original: Scenario, fork: Scenario, seed?: number): ForkResult {
  const a = records(original, seed);
  const b = records(fork, seed);
  let divergence: Divergence | undefined;
  let lastShared: TraceRecord | undefined;
  let ra = a.next();
  let rb = b.next();
  while (!ra.done || !rb.done) {
    if (!divergence) {
      const va = ra.done ? undefined : ra.value;
      const vb = rb.done ? undefined : rb.value;
      if (va && vb && recordToJson(va) === recordToJson(vb)) lastShared = va;
      else divergence = { step: (va ?? vb)!.step, original: va, fork: vb, lastShared };
    }
    if (!ra.done) ra = a.next();
    if (!rb.done) rb = b.next();
  }
  return { divergence, original: ra.value, fork: rb.value };
}
