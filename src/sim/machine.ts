/**
 * The whole simulated world as plain data: the server host (NIC, kernel, one Go process), the wire
 * and the client hosts. No closures, classes or generators anywhere below `Machine`, so
 * `structuredClone` checkpoints it exactly and replay from a checkpoint reproduces the trace.
 *
 * Objects refer to each other by numeric id (socket id, open-file id, G id, M id, P id), never by
 * reference. Maps are plain objects keyed by id.
 */
import type { Scenario } from '../scenario/schema.js';
import type { Params } from './params.js';

/** TCP flags on a segment. */
export const SYN = 1;
export const ACK = 2;
export const FIN = 4;
export const PSH = 8;
export const RST = 16;

/** One TCP segment in one Ethernet frame. Payload bytes are counted, their text kept only when small. */
export interface Seg {
  id: number;
  /** Client connection id (1-based). */
  conn: number;
  /** true: client → server. */
  toServer: boolean;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  /** Payload as text (requests and small responses), for narration and the client's parser. */
  data?: string;
  /** SYN options. */
  mss?: number;
  wscale?: number;
  /** A retransmission. */
  rexmit?: boolean;
  /** SACK blocks [start, end) the receiver holds beyond `ack` (RFC 2018; tcp_established_options). */
  sack?: [number, number][];
  /** Advertised receive window (bytes). */
  win: number;
}

/** An engine event. Ordered by (t, seq); cancelled by bumping the owner's generation. */
export interface Ev {
  t: number;
  seq: number;
  k: EvKind;
  /** Kind-specific ids (M id, client conn, ring slot, G id). */
  a: number;
  b: number;
  /** Generation of the owner at scheduling time: a mismatch on pop means cancelled. */
  gen: number;
  /** The step whose action scheduled this event (its records' cause), or -1. */
  c: number;
  seg?: Seg;
}

export type EvKind =
  | 'boot' // the process starts: runtime init on M0
  | 'm.exec' // an M executes its next step (a G's instruction, or the scheduler)
  | 'm.wake' // a thread blocked in futex or epoll_pwait wakes up
  | 'epoll.timeout' // an epoll_pwait with a timeout expires
  | 'wire.arrive' // a frame reaches the server NIC from the wire
  | 'nic.dmaDone' // the NIC finished DMA of a frame into an RX slot
  | 'irq' // the NIC raises a hard interrupt (a: 0 rx, 1 tx)
  | 'napi' // the NET_RX softirq polls the next frame
  | 'nic.xmit' // the NIC puts the frame in a TX slot onto the wire
  | 'client.arrive' // a frame reaches a client host
  | 'client.start' // a client connection begins (connect)
  | 'client.next' // a client sends its next request (after a pause)
  | 'client.read' // a slow client's application reads what its socket holds
  | 'client.rto' // a client's retransmission timer
  | 'tcp.rto' // a server socket's retransmission timer
  | 'tcp.delack' // a server socket's delayed-ACK timer
  | 'timer' // a Go runtime timer is due (time.Sleep, deadlines)
  | 'sysmon'; // sysmon wakes from its sleep

/** An RX or TX descriptor ring. */
export interface Ring {
  size: number;
  /** Producer index (NIC for RX, driver for TX). */
  head: number;
  /** Consumer index (driver for RX, TX completion for TX). */
  tail: number;
  used: number;
  /** 0 free, 1 DMA in progress / queued for TX, 2 filled (RX done, awaiting the driver) / sent (TX, awaiting completion). */
  state: number[];
  segs: (Seg | null)[];
}

export interface Nic {
  rx: Ring;
  tx: Ring;
  /** NAPI scheduled: device interrupts masked while the softirq polls. */
  napi: boolean;
  /** Frames polled in the current softirq round (budget). */
  polled: number;
  irqRx: number;
  irqTx: number;
  rxDropped: number;
  /** A TX completion interrupt is pending. */
  txIrqPending: boolean;
  /** An RX interrupt is pending (coalescing delay running). */
  rxIrqPending: boolean;
  /** Frames waiting in the qdisc because the TX ring is full. */
  qdisc: Seg[];
  /** NIC transmitter busy until this time (serialisation). */
  txBusyUntil: number;
}

/** TCP states (include/net/tcp_states.h). */
export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'CLOSING'
  | 'TIME_WAIT';

/** A kernel socket (struct sock). */
export interface Sock {
  id: number;
  family: 'AF_INET' | 'AF_INET6';
  state: TcpState;
  /** local address as text, e.g. "[::]:3000"; "" before bind. */
  local: string;
  remote: string;
  port: number;
  v6only: boolean;
  reuseaddr: boolean;
  nodelay: boolean;
  keepalive: boolean;
  /** Listener: SYN queue (request socks) and accept queue (established children), by socket id. */
  synq: number[];
  acceptq: number[];
  backlog: number;
  /** Listener that owns this child while it sits in a queue. */
  parent: number;
  /** Client connection id. */
  conn: number;
  /** Receive side: queued bytes (with their text, when known) and capacity. */
  rcvq: number;
  rcvData: string;
  rcvCap: number;
  rcvNxt: number;
  /** FIN received: reads return 0 once the queue drains. */
  rcvShutdown: boolean;
  /** Send side: bytes written but not yet acknowledged; text of the unsent tail when small. */
  sndCap: number;
  sndUna: number;
  sndNxt: number;
  /** Sequence number after the last byte written by the application. */
  writeSeq: number;
  /** Text of bytes [sndUna, writeSeq) when known (small responses). */
  sndData: string;
  /** Whether [sndUna, writeSeq) text is known. */
  sndText: boolean;
  /** Congestion window in segments. */
  cwnd: number;
  mss: number;
  /** Our FIN: queued after writeSeq, sent, acknowledged. */
  finQueued: boolean;
  finSent: boolean;
  sndShutdown: boolean;
  /** Timers' generations (bump to cancel). */
  rtoGen: number;
  delackGen: number;
  delackPending: boolean;
  /** The open file that refers to this socket, or -1. */
  file: number;
  /** Receive window the client was last told (bytes). */
  rcvWndSent: number;
  /** rcv_wup: rcvNxt when that window was sent; its right edge rcvWup + rcvWndSent never moves back. */
  rcvWup: number;
  /** The peer's advertised receive window (bytes): we never have more than this in flight. */
  sndWnd: number;
  /** Payload bytes accepted in order into the receive queue, ever (for conservation). */
  rcvd: number;
  /** Bytes the application wrote / read, for conservation. */
  appWritten: number;
  appRead: number;
  /** SYN-ACK retransmissions of a request sock. */
  synackRetries: number;
  /** Orphaned by close() while the FIN handshake finishes. */
  orphan: boolean;
  /**
   * The out-of-order queue (tp->out_of_order_queue, an rbtree by seq in Linux): data that arrived
   * beyond a hole, kept sorted and coalesced until the hole fills (tcp_data_queue_ofo, tcp_ofo_queue).
   */
  ofo: OfoRange[];
}

/** One coalesced range of the out-of-order queue: bytes [seq, seq + len), and whether a FIN ends it. */
export interface OfoRange {
  seq: number;
  len: number;
  data: string;
  fin: boolean;
}

/** An open file description (struct file). */
export interface OpenFile {
  id: number;
  type: 'stdio' | 'socket' | 'epoll' | 'eventfd' | 'procfs';
  /** Socket id, epoll id, eventfd counter id; for procfs the content offset. */
  obj: number;
  name: string;
  nonblock: boolean;
  cloexec: boolean;
  /** procfs: read offset. */
  off: number;
  /** epoll items watching this file: [epoll id, fd] (the file's wait queue). */
  watchers: [number, number][];
}

/** One epoll item (struct epitem). */
/**
 * An epitem. Never written in place: a change replaces it (kernel/epoll.ts `epitem`), so the copy of an
 * instance that a snapshot gets shares the items (cow.ts); with 10,000 of them a deep copy cost ~3 ms.
 */
export interface EpItem {
  readonly fd: number;
  readonly file: number;
  readonly events: number;
  /** On the ready list. */
  readonly ready: boolean;
  /** Events collected by ep_poll_callback since the last report. */
  readonly revents: number;
}

/** A page of an interest list (kernel/epoll.ts); `ep` names the instance that may write it in place. */
export type EpPage = (EpItem | undefined)[] & { ep?: Epoll };

/** An epoll instance (struct eventpoll). */
export interface Epoll {
  id: number;
  /** The fd of this instance in the process. */
  fd: number;
  /**
   * Interest list by fd (the kernel's RB tree of epitems), in pages of EP_PAGE fds: items[fd >> bits][fd
   * & mask]. Read and written through kernel/epoll.ts (epItem, epItemList, epSetItem), which copies a
   * page before writing it unless this instance made it, so a copy of the instance copies the page
   * list only (epCopy).
   */
  items: EpPage[];
  /** Number of items. */
  nitems: number;
  /** Ready list: fds in the order they became ready (rdllist). */
  rdllist: number[];
  /** Thread ids blocked in epoll_pwait on it (ep->wq). */
  waiters: number[];
}

/** pollDesc rg/wg: 0 pdNil, -1 pdReady, -2 pdWait, > 0 the id of the parked G. */
export const PD_NIL = 0;
export const PD_READY = -1;
export const PD_WAIT = -2;

/** runtime.pollDesc: one per pollable fd. */
export interface PollDesc {
  fd: number;
  rg: number;
  wg: number;
  /** Read/write deadlines: 0 none, -1 already expired (aLongTimeAgo), else absolute ns. */
  rd: number;
  wd: number;
  closing: boolean;
}

/** A simulated Go call frame: the function, a program counter, and its locals. */
export interface Frame {
  fn: string;
  pc: number;
  /** Locals by name: numbers and strings only. */
  v: Record<string, number | string>;
}

export type GStatus = 'idle' | 'runnable' | 'running' | 'syscall' | 'waiting' | 'dead';

export interface G {
  id: number;
  status: GStatus;
  waitReason: string;
  /** Stack: frames[0] is the outermost. */
  frames: Frame[];
  m: number;
  label: string;
  /** Result of the last call that returned into the top frame. */
  ret: { n: number; err: string; s: string };
  /** What it is parked for, as the trace's `reason`: accept, read, write, sleep, cond, or ''. */
  reason: string;
  /** The fd it waits on, or -1. */
  waitFd: number;
  /** Stack size in bytes. */
  stack: number;
  /** When it last started running (for sysmon's preemption check). */
  runStart: number;
  /** The step that last made it runnable (go.create, go.ready, a steal): its next go.run's cause. */
  readyStep?: number;
}

/** The states of an M. */
export type MState =
  | 'running' // executing a G, or the scheduler
  | 'spinning' // looking for work with a P
  | 'netpoll' // blocked in epoll_pwait
  | 'idle' // futex sleep on m.park (stopm)
  | 'sleep' // nanosleep
  | 'sysmon' // the sysmon thread
  | 'new' // being created
  | 'exited';

export interface M {
  id: number;
  tid: number;
  p: number;
  curg: number;
  state: MState;
  spinning: boolean;
  /** Cancels pending m.exec / m.wake / epoll.timeout events. */
  gen: number;
  /** The scheduler's own program counter while the M has no G (findRunnable's stages). */
  spc: number;
  /** Steal pass and victim index during stealWork. */
  steal: number;
  /** Gs readied by netpoll, to run/inject once a P is had. */
  readied: number[];
  /** epoll_pwait in progress: its timeout argument (-1, 0, ms). */
  pollTimeout: number;
}

export interface P {
  id: number;
  status: 'idle' | 'running';
  m: number;
  runnext: number;
  runq: number[];
  schedtick: number;
}

export interface Timer {
  when: number;
  g: number;
  /** 'sleep' wakes the G; 'deadline' expires a pollDesc deadline. */
  kind: 'sleep' | 'deadline';
  seq: number;
}

export interface Runtime {
  gs: Record<number, G>;
  ms: M[];
  ps: P[];
  globrunq: number[];
  pidle: number[];
  midle: number[];
  nmspinning: number;
  /** 0 while an M is blocked in netpoll; otherwise the time of the last poll. */
  lastpoll: number;
  /** Gs parked in netpollblock. */
  netpollWaiters: number;
  /** epoll fd and eventfd once netpollinit has run; -1 before. */
  epfd: number;
  evfd: number;
  /** When the M blocked in netpoll will wake for a timer (pollUntil); 0 none. */
  pollUntil: number;
  pds: Record<number, PollDesc>;
  timers: Timer[];
  nextG: number;
  nextTid: number;
  sysmonIdle: number;
  sysmonDelay: number;
  /** sysmon found every P idle and sleeps until a P is taken again (sched.sysmonwait). */
  sysmonWait: boolean;
}

/** A server-side HTTP connection's state shared between c.serve and the background reader. */
export interface HttpConn {
  id: number;
  fd: number;
  conn: number;
  g: number;
  /** Bytes buffered in the bufio.Reader and their text. */
  buf: number;
  bufData: string;
  /** Background read: in flight, aborted. */
  inRead: boolean;
  aborted: boolean;
  bgG: number;
  requests: number;
  /** The client hung up. */
  sawEOF: boolean;
}

/** A client connection on a client host: a small TCP endpoint plus an HTTP client script. */
export interface Client {
  conn: number;
  name: string;
  addr: string;
  port: number;
  latency: number;
  state:
    | 'waiting'
    | 'SYN_SENT'
    | 'ESTABLISHED'
    | 'FIN_WAIT1'
    | 'FIN_WAIT2'
    | 'CLOSE_WAIT'
    | 'LAST_ACK'
    | 'TIME_WAIT'
    | 'CLOSED'
    | 'done';
  iss: number;
  sndUna: number;
  sndNxt: number;
  /** Sequence after the last byte queued to send. */
  writeSeq: number;
  /** Text of [sndUna, writeSeq). */
  sndData: string;
  rcvNxt: number;
  /**
   * The response parser (client.ts): the header text of the response being read (an HTTP client), or
   * the first bytes of the reply (a raw client); `rcvBytes` counts a raw client's reply bytes.
   */
  rcvBuf: string;
  rcvBytes: number;
  /** Body bytes of the current response still to come (-1: its header is still being read). */
  bodyLeft: number;
  /** Body bytes of the current response read so far, and their text while there are at most 512. */
  bodyLen: number;
  bodyText: string;
  /** Index of the next request to send, and of the one in flight. */
  reqIdx: number;
  inFlight: boolean;
  responses: number;
  statuses: number[];
  bodies: string[];
  finSent: boolean;
  finRcvd: boolean;
  rtoGen: number;
  rto: number;
  retries: number;
  sent: number;
  received: number;
  /** Index into the scenario's clients array. */
  spec: number;
  /** The server's last advertised window, and our congestion window in segments. */
  wnd: number;
  cwnd: number;
  mss: number;
  /** Host header value. */
  host: string;
  /** The server said "Connection: close". */
  serverClose: boolean;
  /** Sequence where the current request's body starts (Expect: 100-continue holds it back until then). */
  holdAt: number;
  /** Slow reader: bytes that arrived but the application has not read yet, and whether a read is scheduled. */
  unread: string;
  readPending: boolean;
  /** Duplicate ACKs in a row (same ack, no data): the third triggers a fast retransmit. */
  dupAcks: number;
  /** When the client's link to the server is free again: frames leave in order (hw/link.ts). */
  linkBusyUntil: number;
}

export interface Stats {
  framesSent: number;
  framesDelivered: number;
  framesDropped: number;
  /** Bytes the client apps wrote / the server app read; and the reverse. */
  reqWritten: number;
  reqRead: number;
  respWritten: number;
  respRead: number;
  listenDrops: number;
  retransmits: number;
}

export interface Proc {
  pid: number;
  /** fd → open file id, -1 free. */
  fds: number[];
  /** No fd below this is free (files_struct next_fd). */
  nextFd: number;
  nofile: number;
  user: 'root' | 'nobody';
  exited: boolean;
  status: number;
  message: string;
  /** Lines printed to stderr (log output). */
  log: string[];
}

export interface Machine {
  scenario: string;
  /** The validated scenario (plain data). */
  sc: Scenario;
  p: Params;
  now: number;
  seq: number;
  heap: Ev[];
  /**
   * The heap's keys, parallel to `heap` (heapT[i] = heap[i].t, heapS[i] = heap[i].seq): comparisons read
   * two packed number arrays instead of chasing one object pointer per node (40k pending in c10k). A
   * key of -1 is not known yet (a machine restored from a checkpoint: core.ts heapKeys).
   */
  heapT: number[];
  heapS: number[];
  /** The scenario's time limit, resolved once at boot. */
  maxTime: number;
  /** xorshift32 state. */
  rng: number;
  /** Records emitted so far. */
  nrec: number;
  ended: boolean;
  nextSeg: number;
  nextSock: number;
  nextFile: number;
  nic: Nic;
  socks: Record<number, Sock>;
  files: Record<number, OpenFile>;
  eps: Record<number, Epoll>;
  /** eventfd counters by id. */
  evcount: Record<number, number>;
  proc: Proc;
  rt: Runtime;
  hconns: Record<number, HttpConn>;
  clients: Client[];
  stats: Stats;
  /** Client connection id → the server socket for it (the established-hash lookup). */
  connSock: Record<number, number>;
  /** Port → listening socket id (the listening-hash lookup). */
  listeners: Record<number, number>;
  /** Ports bound on the host by other programs (port-in-use). */
  taken: number[];
  /** Fault bookkeeping: segments already dropped by a one-shot fault. */
  faultsFired: number[];
}
