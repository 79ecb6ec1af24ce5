/**
 * The debugger's public face: what the CLI `run` command and the TUI use. Implemented by session.ts.
 *
 * A Session holds one whole run of a scenario. The cursor is the index of the current trace record:
 * that record has happened, and `view()` shows the machine just after it. A new session starts at 0.
 */
import type { Change } from '../sim/steplog.js';
import type { TraceRecord } from '../sim/trace.js';
import type { StateView } from '../sim/viewtypes.js';

export interface BreakpointInfo {
  id: number;
  /** The spec as the user typed it, normalised (e.g. "syscall:accept4 fd=3"). */
  spec: string;
  enabled: boolean;
  /**
   * How many records up to the end of the trace match it (watches: how many times it became true);
   * -1 when not counted (a watch on a long run: counting would replay the whole run).
   */
  hits: number;
}

export type AddResult = { ok: true; bp: BreakpointInfo } | { ok: false; error: string; column: number };

export interface Session {
  /** Scenario name. */
  readonly name: string;
  /** Records in the whole run (so far, while `recording`). */
  readonly total: number;
  /**
   * Present while the run is still being recorded (a session opened with a recording budget): the
   * events so far. The steps recorded so far can be navigated meanwhile.
   */
  readonly recording?: { events: number };
  /** Records more of the run for about budgetMs; true once the whole run is recorded. */
  recordMore?(opts: { budgetMs: number }): boolean;
  /** Index of the current record, 0 ≤ cursor < total. */
  readonly cursor: number;
  record(i: number): TraceRecord;
  /** Records with from ≤ step < to (clamped). */
  records(from: number, to: number): TraceRecord[];
  /** The machine state right after the current record (not after the rest of its event). */
  view(): StateView;
  /** What the current record changed (its `changes`): what the TUI highlights. */
  changes(): Change[];
  /**
   * Why is it so: the step at or before the cursor that last changed the value `spec` names
   * (`acceptq fd=3`, `G6`; see debug/why.ts), null when nothing did, or the spec's error.
   */
  why(spec: string): { step: number; change: Change } | { error: string } | null;
  step(): void;
  back(): void;
  goto(n: number): void;
  first(): void;
  last(): void;
  /** Forward to the next breakpoint hit after the cursor, or the last record. Returns the hit, if any. */
  continue(): BreakpointInfo | null;
  /** Backward to the previous hit before the cursor, or record 0. */
  reverseContinue(): BreakpointInfo | null;
  addBreakpoint(spec: string): AddResult;
  removeBreakpoint(id: number): boolean;
  toggleBreakpoint(id: number): boolean;
  breakpoints(): BreakpointInfo[];
  /** Does record i match an enabled event breakpoint (for marks in the timeline)? */
  isHit(i: number): boolean;
  /** Scenario `notes:` whose `at` spec matches record i. */
  notesAt(i: number): string[];
}
