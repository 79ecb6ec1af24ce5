/**
 * The outcome of a run: the numbers that matter when two runs of a scenario are compared (`diff`).
 *
 * A Meter watches one headless run event by event: `event(m, recs)` after each engine step with the
 * records it made, `end(m)` once. It reads only the trace records and the plain-data machine (never
 * changes either) and keeps O(clients) memory, so it can watch a c10k run. What it measures:
 *
 *   responses, latency     per response: from the client's connect() (a connection's first request) or
 *                          its write (a later keep-alive request) to reading the complete response, the
 *                          time curl's time_total reports; p50/p99/max by nearest rank
 *   acceptq peak, drops    the listeners' accept queues summed, and ListenDrops (SYNs and final ACKs the
 *                          kernel dropped because a queue was full)
 *   RX ring peak, drops    descriptors in use, and frames the NIC dropped with the ring full
 *   retransmissions        segments sent again (client and server)
 *   run queue peaks        each P's local run queue (runnext included) and the global one
 *   steals, preemptions    sched.steal records; sysmon's async preemptions (gopreempt_m)
 *   syscalls, errors       completed syscalls by name; those that failed, by name and errno
 *   wire                   frames and payload bytes each way at the server's NIC
 *   last response          virtual time when the last response was read
 */
import type { Machine } from '../sim/engine.js';
import type { TraceRecord } from '../sim/trace.js';

export interface Outcome {
  records: number;
  /** Virtual time of the last record. */
  endNs: number;
  responses: number;
  /** Nearest-rank percentiles of the response latencies, ns; 0 with no responses. */
  latency: { p50: number; p99: number; max: number };
  acceptqPeak: number;
  listenDrops: number;
  rxRingPeak: number;
  rxDrops: number;
  retransmits: number;
  /** Peak of each P's run queue (runnext counted), by P id. */
  runqPeak: number[];
  globrunqPeak: number;
  steals: number;
  preemptions: number;
  /** Completed syscalls by name, names sorted. */
  syscalls: Record<string, number>;
  /** Failed syscalls by `name errno` (e.g. `write EAGAIN`), sorted. */
  errors: Record<string, number>;
  wire: { framesIn: number; framesOut: number; bytesIn: number; bytesOut: number };
  /** Virtual time the last response was read; 0 with none. */
  lastResponseNs: number;
}

/** The function sysmon's async preemption ends in (the `fn` of its sched.global record). */
const PREEMPT_FN = 'runtime.gopreempt_m';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sortedObject(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class Meter {
  private records = 0;
  private endNs = 0;
  private acceptqPeak = 0;
  private rxRingPeak = 0;
  private runqPeak: number[] = [];
  private globrunqPeak = 0;
  private steals = 0;
  private preemptions = 0;
  private readonly syscalls = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly wire = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  private readonly latencies: number[] = [];
  private lastResponseNs = 0;
  /** Per client connection (index conn - 1): what was seen after the last event that touched it. */
  private seenResponses = new Int32Array(0);
  private seenInFlight = new Uint8Array(0);
  private seenStarted = new Uint8Array(0);
  private startNs = new Float64Array(0);

  /** After one engine step: the machine as the event left it, and the records it made. */
  event(m: Machine, recs: readonly TraceRecord[]): void {
    if (this.seenResponses.length !== m.clients.length) this.sizeFor(m.clients.length);
    let touched = false;
    for (const r of recs) {
      this.records++;
      this.endNs = r.t_ns;
      switch (r.kind) {
        case 'syscall':
          if (r.syscall) count(this.syscalls, r.syscall);
          if (r.syscall && r.errno) count(this.errors, `${r.syscall} ${r.errno}`);
          break;
        case 'sched.steal':
          this.steals++;
          break;
        case 'sched.global':
          if (r.fn?.startsWith(PREEMPT_FN)) this.preemptions++;
          break;
        case 'wire.rx':
          this.wire.framesIn++;
          this.wire.bytesIn += r.bytes ?? 0;
          break;
        case 'wire.tx':
          this.wire.framesOut++;
          this.wire.bytesOut += r.bytes ?? 0;
          break;
      }
      if (r.conn !== undefined) touched = true;
    }
    if (touched) for (const r of recs) if (r.conn !== undefined) this.client(m, r.conn);

    let acceptq = 0;
    for (const id of Object.values(m.listeners)) acceptq += m.socks[id]?.acceptq.length ?? 0;
    if (acceptq > this.acceptqPeak) this.acceptqPeak = acceptq;
    if (m.nic.rx.used > this.rxRingPeak) this.rxRingPeak = m.nic.rx.used;
    for (const p of m.rt.ps) {
      const n = p.runq.length + (p.runnext > 0 ? 1 : 0);
      if (n > (this.runqPeak[p.id] ?? 0)) this.runqPeak[p.id] = n;
    }
    if (m.rt.globrunq.length > this.globrunqPeak) this.globrunqPeak = m.rt.globrunq.length;
  }

  /** The client connection `conn` may have started a request or read a response in this event. */
  private client(m: Machine, conn: number): void {
    const i = conn - 1;
    const c = m.clients[i];
    if (!c) return;
    if (!this.seenStarted[i] && c.state !== 'waiting') {
      this.seenStarted[i] = 1;
      this.startNs[i] = m.now; // connect(): the first request's clock starts here
    }
    for (let n = this.seenResponses[i]!; n < c.responses; n++) {
      this.latencies.push(m.now - this.startNs[i]!);
      this.lastResponseNs = Math.max(this.lastResponseNs, m.now);
    }
    const inFlight = c.inFlight ? 1 : 0;
    if (inFlight && !this.seenInFlight[i] && c.responses > 0) this.startNs[i] = m.now; // a later request's write
    this.seenResponses[i] = c.responses;
    this.seenInFlight[i] = inFlight;
  }

  private sizeFor(n: number): void {
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a.subarray(0, Math.min(n, a.length)) as never);
      return b;
    };
    this.seenResponses = grow(this.seenResponses, (k) => new Int32Array(k));
    this.seenInFlight = grow(this.seenInFlight, (k) => new Uint8Array(k));
    this.seenStarted = grow(this.seenStarted, (k) => new Uint8Array(k));
    this.startNs = grow(this.startNs, (k) => new Float64Array(k));
  }

  /** The outcome, once the run is over. */
  end(m: Machine): Outcome {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      records: this.records,
      endNs: this.endNs,
      responses: m.clients.reduce((a, c) => a + c.responses, 0),
      latency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
      acceptqPeak: this.acceptqPeak,
      listenDrops: m.stats.listenDrops,
      rxRingPeak: this.rxRingPeak,
      rxDrops: m.nic.rxDropped,
      retransmits: m.stats.retransmits,
      runqPeak: m.rt.ps.map((p) => this.runqPeak[p.id] ?? 0),
      globrunqPeak: this.globrunqPeak,
      steals: this.steals,
      preemptions: this.preemptions,
      syscalls: sortedObject(this.syscalls),
      errors: sortedObject(this.errors),
      wire: { ...this.wire },
      lastResponseNs: this.lastResponseNs,
    };
  }

  /** Latencies measured (one per response seen): the check that no response went unnoticed. */
  get measured(): number {
    return this.latencies.length;
  }
}
