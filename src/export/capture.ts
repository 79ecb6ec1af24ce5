/**
 * The capture: one run of a scenario through the engine, event by event, with a tap on the server's
 * wire. Every exporter (pcapng, pcap, perfetto, strace, schedtrace, jsonl) is a `Visitor` fed here.
 *
 * The tap: a `wire.rx` record is made by the engine event `wire.arrive`, which carries the segment
 * (Seg: seq, ack, window, flags, options, payload); a `wire.tx` record by `nic.xmit`, whose TX slot holds
 * the segment. The tap looks at the next event before the engine applies it (core.ts `peek`, read
 * only), so the segments reach the exporters exactly as the simulation sent them, without adding them
 * to every trace record. The machine is only read, never changed: the run is the same run as
 * `netflow-tui run`, step for step.
 */
import type { Scenario } from '../scenario/schema.js';
import { peek } from '../sim/core.js';
import { boot, type Machine, step } from '../sim/engine.js';
import type { Seg } from '../sim/machine.js';
import type { TraceRecord } from '../sim/trace.js';

/** What one engine event produced, as the exporters see it. */
export interface Tapped {
  /** The records of this event, in step order. */
  recs: TraceRecord[];
  /** The segment on the server's wire in this event (with `wire.rx`/`wire.tx`), if any. */
  seg?: Seg;
  /** For a segment arriving: the RX slot it will take if the ring has room. */
  rxSlot?: number;
}

/** An exporter's view of the run. `event` sees the machine after the event was applied. */
export interface Visitor {
  event(t: Tapped, m: Machine): void;
  /** Before an event at virtual time `t` is applied (the machine still shows the time before it). */
  before?(m: Machine, t: number): void;
  /** After the last event (or the last one in the requested range). */
  finish(m: Machine): void;
}

export interface CaptureOptions {
  scenario: Scenario;
  seed?: number;
  /** Stop after the event that produced this step. */
  toStep?: number;
  /** Sentences for `text` (pcapng comments, perfetto args want them; strace does not). */
  text: boolean;
  /** Called every so often (every `YIELD_EVERY` events) so a caller can flush output; true: stop here
   * (the reader went away). */
  pause?: () => Promise<boolean>;
}

/** Events between calls to `pause`. */
const YIELD_EVERY = 4096;

/** Runs the scenario to its end (or `toStep`), feeding each event to `visitor`. */
export async function capture(opts: CaptureOptions, visitor: Visitor): Promise<Machine> {
  const m = boot(opts.scenario, opts.seed);
  let n = 0;
  for (;;) {
    const next = peek(m);
    let seg: Seg | undefined;
    let rxSlot: number | undefined;
    if (next?.k === 'wire.arrive') {
      seg = next.seg;
      rxSlot = m.nic.rx.head;
    } else if (next?.k === 'nic.xmit') seg = m.nic.tx.segs[next.a] ?? undefined;
    if (next && visitor.before) visitor.before(m, next.t);
    const recs: TraceRecord[] = [];
    if (!step(m, recs, opts.text)) break;
    if (recs.length > 0) {
      visitor.event({ recs, seg, rxSlot }, m);
      if (opts.toStep !== undefined && recs[recs.length - 1].step >= opts.toStep) break;
    }
    if (opts.pause && ++n % YIELD_EVERY === 0 && (await opts.pause())) break;
  }
  visitor.finish(m);
  return m;
}
