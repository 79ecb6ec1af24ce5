/**
 * The contract between the simulation kernel and everything above it (debugger, CLI, TUI).
 *
 * The kernel is a pure, deterministic state machine over plain data: `boot` builds a machine from a
 * scenario; `step` applies exactly one event, mutating the machine in place and appending the trace
 * records that event produced (zero or more; their `step` fields continue the dense numbering).
 * Same scenario and seed → byte-identical records. A machine can be cloned with `structuredClone` and
 * stepping the clone gives the same records as stepping the original: that is how the debugger rewinds.
 */
import type { Scenario } from '../scenario/schema.js';
import type { StepLog, WhySpec } from './steplog.js';
import type { TraceRecord } from './trace.js';
import type { UndoLog } from './undo.js';
import type { StateView } from './viewtypes.js';

/** Simulated quantities a `watch` breakpoint can test (ARCHITECTURE §4). */
export const GAUGES = [
  'acceptq',
  'synq',
  'rcvq',
  'sndq',
  'rdllist',
  'runq',
  'globrunq',
  'rxring',
  'txring',
] as const;
export type Gauge = (typeof GAUGES)[number];

/** Filters a watch may name: `fd=4` (rcvq, sndq, acceptq, synq), `p=0` (runq). */
export interface GaugeFilter {
  fd?: number;
  p?: number;
}

export interface StepOptions {
  /** Format sentences (default true). */
  text?: boolean;
  /** Track the step: fill this log and give records their `changes`. */
  log?: StepLog;
  /** Keep what undoes the event in this log (undo.ts; engines with `undo` only). */
  undo?: UndoLog;
}

export interface SimEngine<M> {
  /** A machine at virtual time 0, before its first event. `seed` overrides the scenario's. */
  boot(scenario: Scenario, seed?: number): M;
  /**
   * Apply one event; append its records to `out`. Returns false (and appends nothing) once the run is
   * over. With `opts.log` the step is tracked: each record gets `changes`, and the log keeps what each
   * record wrote, so `view` can show any record of this event exactly.
   */
  step(m: M, out: TraceRecord[], opts?: StepOptions): boolean;
  /** A deep, independent copy. */
  clone(m: M): M;
  /**
   * An independent copy that shares unchanged parts with `m` (copy-on-write through the write barrier,
   * cow.ts): cheap to take, costs memory only for what either machine writes later. `release` it when
   * dropped. Engines without it: the debugger uses `clone`. `kept`: the copy will only ever be copied
   * from (a checkpoint), never stepped itself, so it may leave out what a copy of it rebuilds.
   */
  snapshot?(m: M, opts?: { kept?: boolean }): M;
  release?(m: M): void;
  /** Estimated bytes snapshots of m's family and their copies-on-write have allocated so far. */
  sharedBytes?(m: M): number;
  /**
   * The view model at record `step` (-1: before any). `m` is the machine after the event that emitted
   * `step`; when that event emitted later records too, `log` (from its tracked step) rewinds to `step`.
   */
  view(m: M, step: number, log?: StepLog): StateView;
  /**
   * As `view`, for a machine that will not be shown again (it steps on unseen): built without the
   * views kept for reuse and without watching m's later writes (view.ts, viewdirty.ts).
   */
  viewOnce?(m: M, step: number, log?: StepLog): StateView;
  /** The machine right after record `step` of the event `log` tracked (read-only; `m` itself at its last record). */
  at?(m: M, step: number, log: StepLog): M;
  /** The change-vocabulary names a why-question means in this machine (steplog.ts whyKeys). */
  whyKeys?(m: M, spec: WhySpec): string[];
  /**
   * A gauge's value: the sum over matching objects when a filter is absent (acceptq over all listeners,
   * runq over all Ps, rcvq over all sockets), the one object's value when a filter names it.
   */
  gauge(m: M, g: Gauge, f: GaugeFilter): number;
  /** Records emitted so far (the next record's step). */
  emitted(m: M): number;
  /**
   * Undoes the latest event of `log` (kept by steps with `opts.undo`): m is as it was before that
   * event, exactly. False when the log is empty. Engines without it: the debugger replays instead.
   */
  undo?(m: M, log: UndoLog): boolean;
}
