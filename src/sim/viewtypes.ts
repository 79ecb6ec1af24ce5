/**
 * The view model: the machine state at one step as plain JSON (`run --at N --state`), and exactly what
 * the TUI panes draw. Built from a Machine by `viewOf` in view.ts. Keys are stable: tests, scripts and
 * the TUI rely on them.
 */

export type SlotState = 'free' | 'dma' | 'filled' | 'tx';

export interface RingView {
  size: number;
  /** Next slot the producer fills (NIC for RX, driver for TX). */
  head: number;
  /** Next slot the consumer takes (driver for RX, NIC completion for TX). */
  tail: number;
  /** Slots in use. */
  used: number;
  slots: { state: SlotState; desc?: string }[];
}

export interface NicView {
  name: string;
  mtu: number;
  rx: RingView;
  tx: RingView;
  /** Interrupts raised, by ring. */
  irqs: { rx: number; tx: number };
  /** Frames dropped because the RX ring was full (rx_missed_errors). */
  rxDropped: number;
  /** NAPI scheduled: interrupts masked while the softirq polls. */
  napiScheduled: boolean;
}

export interface SocketView {
  /** Kernel socket id (stable for the run). */
  id: number;
  /** fd in the server process, if one refers to it. */
  fd?: number;
  /** TCP state: LISTEN, SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSED. */
  state: string;
  local: string;
  remote?: string;
  /** Listener only. */
  synq?: number;
  acceptq?: number;
  backlog?: number;
  /** Bytes waiting in the receive queue and its capacity. */
  rcvq?: number;
  rcvCap?: number;
  /** Bytes in the send queue (unsent + unacknowledged) and its capacity. */
  sndq?: number;
  sndCap?: number;
  /** Client connection id. */
  conn?: number;
}

export interface FdView {
  fd: number;
  /** stdio, socket, epoll, eventfd, file */
  type: string;
  /** e.g. "TCP [::]:3000 (LISTEN)", "/proc/sys/net/core/somaxconn", "epoll", "eventfd (netpollBreak)" */
  desc: string;
  flags?: string;
}

export interface EpollView {
  fd: number;
  interest: { fd: number; events: string; et: boolean }[];
  /** fds on the ready list, in order. */
  ready: number[];
  /** Thread ids blocked in epoll_pwait on this instance. */
  waiters: number[];
}

export interface FrameView {
  fn: string;
  file?: string;
  pc: number;
}

export interface GView {
  id: number;
  /** idle, runnable, running, syscall, waiting, dead */
  status: string;
  waitReason?: string;
  m?: number;
  /** Simulated Go call stack, outermost first (runtime.main … runtime.gopark). */
  frames: FrameView[];
  /** What the G is for: "main", "c.serve 10.0.0.2:40000", … */
  label: string;
}

export interface PView {
  id: number;
  /** idle, running, syscall */
  status: string;
  m?: number;
  runnext?: number;
  runq: number[];
  schedtick: number;
}

export interface MView {
  id: number;
  tid: number;
  p?: number;
  curg?: number;
  /** running, spinning, syscall, netpoll (blocked in epoll_pwait), idle (futex sleep), sysmon */
  state: string;
  spinning: boolean;
}

export interface SchedView {
  gomaxprocs: number;
  ps: PView[];
  globrunq: number[];
  ms: MView[];
  gs: GView[];
  /** tid of the M blocked in netpoll, if any. */
  netpollWaiter?: number;
  /** pollDescs: fd → rg/wg state ("nil", "ready", "wait", or "G7"). */
  pollDescs: { fd: number; rg: string; wg: string }[];
}

export interface ClientView {
  conn: number;
  name: string;
  addr: string;
  state: string;
  sent: number;
  received: number;
  responses: number;
  lastStatus?: number;
}

export interface StateView {
  step: number;
  t_ns: number;
  scenario: string;
  nic: NicView;
  sockets: SocketView[];
  fds: FdView[];
  epoll: EpollView[];
  sched: SchedView;
  clients: ClientView[];
  /** Process exit, once it has exited. */
  exit?: { status: number; message: string };
  counters: Record<string, number>;
}
