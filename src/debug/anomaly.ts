/**
 * Anomalies: the steps where something went wrong or out of the ordinary, like Wireshark's Expert
 * Info — a queue overflowed, the RX ring dropped a frame, a segment was retransmitted, a window
 * closed, a syscall failed with an errno, sysmon preempted a goroutine, an idle P stole work.
 *
 * Each kind says how to recognise it in a trace record (`test`). Kinds a breakpoint can find by
 * scanning the compact trace (kind, syscall, errno columns: no text) also carry `spec`, which
 * `anomaly:<kind>` in breakpoints.ts turns into an event breakpoint; the others are found by the TUI
 * (`a` / `A` and the anomaly list), which reads whole records. An errno is its own kind, named after
 * it in lower case (`eagain`, `emfile`, `econnreset`).
 *
 * Used by: src/debug/breakpoints.ts (the `anomaly` spec), src/tui/traceindex.ts (the TUI's list).
 */
import type { Kind, TraceRecord } from '../sim/trace.js';

export interface AnomalyKind {
  /** The name in `anomaly:<id>` and in the TUI's list. */
  id: string;
  /** What it is, for people. */
  label: string;
  test(r: TraceRecord): boolean;
  /** How a breakpoint finds it in the compact trace, when the record's fields suffice. */
  spec?: { kinds: Kind[]; syscall?: string };
}

/** Kinds in the order the list shows them; errno kinds (made by `errnoKind`) come after. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  {
    id: 'overflow',
    label: 'SYN or accept queue overflow: TCP dropped a segment (ListenDrops)',
    test: (r) => r.kind === 'tcp.drop',
    spec: { kinds: ['tcp.drop'] },
  },
  {
    id: 'rxdrop',
    label: 'RX ring full: the card dropped a frame (rx_missed_errors)',
    test: (r) => r.kind === 'nic.drop',
    spec: { kinds: ['nic.drop'] },
  },
  {
    id: 'retransmit',
    label: 'a retransmission timer fired (RTO) and a segment was sent again',
    test: (r) => (r.kind === 'client.send' || r.kind === 'tcp.tx') && /retransmi/i.test(r.text),
  },
  {
    id: 'zerowindow',
    label: 'a receive window closed to 0 bytes: the sender must wait',
    test: (r) => (r.kind === 'client.recv' || r.kind === 'tcp.rx') && /\bwindow 0 B\b/.test(r.text),
  },
  {
    id: 'preempt',
    label: 'sysmon preempted a goroutine that ran past its 10 ms slice (tgkill SIGURG)',
    test: (r) => r.kind === 'syscall' && r.syscall === 'tgkill',
    spec: { kinds: ['syscall'], syscall: 'tgkill' },
  },
  {
    id: 'steal',
    label: 'an idle P stole goroutines from another P’s run queue',
    test: (r) => r.kind === 'sched.steal',
    spec: { kinds: ['sched.steal'] },
  },
];

/** The kind for a syscall that failed with `errno`: `eagain` for EAGAIN. */
export function errnoKind(errno: string): AnomalyKind {
  const e = errno.toUpperCase();
  return {
    id: e.toLowerCase(),
    label: `a syscall returned ${e}`,
    test: (r) => r.errno === e,
    spec: { kinds: ['syscall'] },
  };
}

/** The errnos the simulation returns (kernel/syscalls), for did-you-mean on `anomaly:<errno>`. */
export const KNOWN_ERRNOS = ['EAGAIN', 'EMFILE', 'ECONNRESET', 'EADDRINUSE', 'EACCES', 'EPIPE', 'EINTR'];

/** The anomaly kind of a record, or undefined for an ordinary one. */
export function anomalyOf(r: TraceRecord): string | undefined {
  if (r.errno !== undefined) return r.errno.toLowerCase();
  for (const k of ANOMALY_KINDS) if (k.test(r)) return k.id;
  return undefined;
}

/** The label of an anomaly kind id (errno kinds included). */
export function anomalyLabel(id: string): string {
  return ANOMALY_KINDS.find((k) => k.id === id)?.label ?? errnoKind(id).label;
}
