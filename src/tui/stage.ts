/**
 * The journey's stages: the path one request takes through the machine, in order, as the journey map
 * strip shows it — NIC → IRQ → softirq → TCP → accept q → epoll → netpoll → run q → G → mux →
 * handler → write → send buf → TX → wire → client — and which stage a trace record belongs to.
 *
 * `stageOf` reads only a record's kind, syscall name and byte count (never its sentence, which is
 * formatted when read), so it is cheap enough for the
 * trace index (traceindex.ts) to classify every record of a run. `paneOfStage` says which state pane
 * shows a stage best: on a terminal below 160×50 the one detail pane shown follows the step with it.
 */
import type { TraceRecord } from '../sim/trace.js';
import type { PaneId } from './reducer.js';

export const STAGES = [
  'NIC',
  'IRQ',
  'softirq',
  'TCP',
  'accept q',
  'epoll',
  'netpoll',
  'run q',
  'G',
  'mux',
  'handler',
  'write',
  'send buf',
  'TX',
  'wire',
  'client',
] as const;
export type Stage = (typeof STAGES)[number];

/** Short names for a narrow strip (80 columns), same order as STAGES. */
export const STAGE_SHORT: Record<Stage, string> = {
  NIC: 'NIC',
  IRQ: 'IRQ',
  softirq: 'sirq',
  TCP: 'TCP',
  'accept q': 'accq',
  epoll: 'epoll',
  netpoll: 'npoll',
  'run q': 'runq',
  G: 'G',
  mux: 'mux',
  handler: 'hdlr',
  write: 'write',
  'send buf': 'sndbuf',
  TX: 'TX',
  wire: 'wire',
  client: 'client',
};

/** One sentence per stage: what the map's stage name means (the help's legend and the narration). */
export const STAGE_ABOUT: Record<Stage, string> = {
  NIC: 'the network card: a frame arrives and is DMA-ed into an RX ring slot',
  IRQ: 'the hard interrupt that tells the CPU the ring has work',
  softirq: 'NET_RX: NAPI polls the ring and hands frames to IP and TCP',
  TCP: 'the kernel TCP stack: handshake, data into the receive queue, ACKs',
  'accept q': 'the listener queues of a new connection: SYN queue, accept queue, accept4',
  epoll: 'the fd joins epoll’s ready list; a thread in epoll_pwait wakes',
  netpoll: 'the Go netpoller collects ready fds and readies the goroutines parked on them',
  'run q': 'the goroutine waits in a P’s runnext, run queue or the global queue',
  G: 'a goroutine runs on an M: conn.serve reads and parses the request',
  mux: 'the ServeMux picks the handler for the request',
  handler: 'the application’s handler runs',
  write: 'the response is written to the socket with write',
  'send buf': 'the bytes wait in the socket send buffer; TCP segments them',
  TX: 'the driver puts a frame in a TX ring slot',
  wire: 'the frame leaves the card onto the wire',
  client: 'the client host sends or receives',
};

const BY_KIND: Partial<Record<TraceRecord['kind'], Stage>> = {
  'nic.dma': 'NIC',
  'nic.drop': 'NIC',
  'wire.rx': 'NIC',
  irq: 'IRQ',
  softirq: 'softirq',
  'tcp.rx': 'TCP',
  'tcp.state': 'TCP',
  'tcp.drop': 'TCP',
  'epoll.ready': 'epoll',
  netpoll: 'netpoll',
  'go.ready': 'run q',
  'go.create': 'run q',
  'sched.steal': 'run q',
  'sched.global': 'run q',
  'go.run': 'G',
  'go.park': 'G',
  'go.exit': 'G',
  'sched.m': 'G',
  'http.conn': 'G',
  'http.request': 'mux',
  'mux.match': 'mux',
  'mux.register': 'mux',
  handler: 'handler',
  'http.response': 'write',
  'tcp.tx': 'send buf',
  'nic.tx': 'TX',
  'wire.tx': 'wire',
  'client.send': 'client',
  'client.recv': 'client',
  'client.done': 'client',
};

const WRITE_CALLS = new Set(['write', 'writev', 'sendto', 'sendmsg', 'sendfile', 'shutdown']);

/** The stage a record belongs to, or undefined for records outside the journey (process start). */
export function stageOf(r: Pick<TraceRecord, 'kind' | 'syscall' | 'bytes'>): Stage | undefined {
  if (r.kind === 'syscall') {
    const s = r.syscall ?? '';
    if (s === 'accept4' || s === 'accept' || s === 'listen') return 'accept q';
    if (s.startsWith('epoll')) return 'epoll';
    if (WRITE_CALLS.has(s)) return 'write';
    return 'G';
  }
  // Bytes join a receive queue; a connection (no bytes) joins the listener's accept queue.
  if (r.kind === 'sock.queue') return r.bytes === undefined ? 'accept q' : 'TCP';
  return BY_KIND[r.kind];
}

/** The state pane that shows a stage best. */
export function paneOfStage(s: Stage): PaneId {
  switch (s) {
    case 'NIC':
    case 'IRQ':
    case 'softirq':
    case 'TX':
    case 'wire':
      return 'nic';
    case 'TCP':
    case 'accept q':
    case 'send buf':
    case 'client':
      return 'sockets';
    case 'epoll':
    case 'netpoll':
      return 'epoll';
    default:
      return 'sched';
  }
}

/** Syscalls that change the fd table: on a small terminal their step shows the FD table. */
const FD_CALLS = new Set(['socket', 'close', 'openat', 'epoll_create1', 'eventfd2', 'dup', 'dup2', 'dup3']);

/** The detail pane that should show a record on a terminal below 160×50. */
export function paneOfRecord(r: Pick<TraceRecord, 'kind' | 'syscall' | 'bytes'>): PaneId | undefined {
  if (r.kind === 'syscall' && FD_CALLS.has(r.syscall ?? '')) return 'fds';
  const s = stageOf(r);
  return s === undefined ? undefined : paneOfStage(s);
}
