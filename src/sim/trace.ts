/**
 * The trace record: one JSON object per simulated event (ARCHITECTURE §3).
 *
 * The engine emits records as it applies events; `run --json` prints them one per line; the debugger
 * indexes them by `step`. `text` is one plain-English sentence written by the code that made the event.
 */
import type { Change } from './steplog.js';

/** Where an event happened, outermost to innermost. */
export type Layer = 'wire' | 'nic' | 'kernel' | 'runtime' | 'app' | 'client';

export const LAYERS: readonly Layer[] = ['wire', 'nic', 'kernel', 'runtime', 'app', 'client'];

/** Every kind the simulation emits. Breakpoints and the TUI key on these. */
export const KINDS = [
  'wire.rx',
  'wire.tx',
  'nic.dma',
  'nic.tx',
  'nic.drop',
  'irq',
  'softirq',
  'tcp.rx',
  'tcp.tx',
  'tcp.state',
  'tcp.drop',
  'sock.queue',
  'epoll.ready',
  'syscall',
  'netpoll',
  'go.create',
  'go.run',
  'go.park',
  'go.ready',
  'go.exit',
  'sched.steal',
  'sched.global',
  'sched.m',
  'proc.start',
  'proc.exit',
  'mux.register',
  'http.request',
  'http.conn',
  'mux.match',
  'handler',
  'http.response',
  'client.send',
  'client.recv',
  'client.done',
] as const;

export type Kind = (typeof KINDS)[number];

export interface TraceRecord {
  /** Index in the trace, dense, from 0. */
  step: number;
  /** Virtual time in nanoseconds; never decreases. */
  t_ns: number;
  layer: Layer;
  kind: Kind;
  /** One plain-English sentence: what happened and, where it helps, why. */
  text: string;
  syscall?: string;
  args?: (string | number)[];
  ret?: number;
  errno?: string;
  fd?: number;
  /** Simulated OS thread id. */
  tid?: number;
  g?: number;
  m?: number;
  p?: number;
  /** Client connection id (1-based, in order of connect). */
  conn?: number;
  /** Ring slot index. */
  slot?: number;
  bytes?: number;
  /** Why a goroutine parked or woke: accept, read, write, sleep, cond, … */
  reason?: string;
  /** TCP flags of the segment a wire/client record is about, e.g. "PSH|ACK". */
  flags?: string;
  /** `ring` for irq/nic: rx or tx. */
  ring?: 'rx' | 'tx';
  /** The real function this event models, e.g. `runtime.netpollready — src/runtime/netpoll.go`. */
  fn?: string;
  /** The step whose action made this one happen (absent only for roots: boot, a client's own timer). */
  cause?: number;
  /** What this step changed, in the panes' and watches' names (only when the run is tracked). */
  changes?: Change[];
}

/** Field order for JSON output: stable and readable. */
export const RECORD_FIELDS: readonly (keyof TraceRecord)[] = [
  'step',
  't_ns',
  'layer',
  'kind',
  'text',
  'syscall',
  'args',
  'ret',
  'errno',
  'fd',
  'tid',
  'g',
  'm',
  'p',
  'conn',
  'slot',
  'ring',
  'flags',
  'bytes',
  'reason',
  'fn',
  'cause',
  'changes',
];

/** One record as a JSON line, fields in RECORD_FIELDS order. */
export function recordToJson(r: TraceRecord): string {
  const o: Record<string, unknown> = {};
  for (const k of RECORD_FIELDS) if (r[k] !== undefined) o[k] = r[k];
  return JSON.stringify(o);
}

/** `12.345µs` style: virtual time for people. */
export function formatTime(ns: number): string {
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(3)}µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(3)}ms`;
  return `${(ns / 1_000_000_000).toFixed(3)}s`;
}

/** The text line `run` prints: step, time, layer, text. */
export function recordToLine(r: TraceRecord): string {
  return `${String(r.step).padStart(5)}  ${formatTime(r.t_ns).padStart(11)}  ${r.layer.padEnd(7)}  ${r.text}`;
}
