/**
 * Every size, limit and cost of the simulation in one place (xv6's param.h), each with its unit and
 * where the default comes from. A scenario overrides the ones its format exposes; `resolveParams` builds
 * the resolved set a Machine carries.
 */
import type { Scenario } from '../scenario/schema.js';

export interface Params {
  /** CPUs of the server host. */
  cpus: number;
  /** GOMAXPROCS: number of Ps. Go's default is the CPU count. */
  gomaxprocs: number;
  /** RX/TX ring descriptors. Linux drivers default to 256 (ethtool -g). */
  rxRing: number;
  txRing: number;
  /** Interface MTU, bytes. Ethernet 1500. */
  mtu: number;
  /** net.core.somaxconn: 4096 since Linux 5.4. */
  somaxconn: number;
  /** net.ipv4.tcp_max_syn_backlog: 2048 typical default (min 128). */
  synBacklog: number;
  /** tcp_rmem[1] default receive buffer, bytes: 131072. The initial window is 64 KiB. */
  rmem: number;
  /** tcp_wmem[1] default send buffer, bytes: 16384. */
  wmem: number;
  /** net.core.netdev_budget: 300 packets per NET_RX softirq round. */
  netdevBudget: number;
  /** NAPI weight: 64 packets per poll of one device. */
  napiWeight: number;
  /** Initial RTO: 1 s (RFC 6298); TCP_RTO_MIN 200 ms once an RTT is measured. */
  rtoInitial: number;
  rtoMin: number;
  /** RLIMIT_NOFILE hard limit; Go raises the soft limit to it. */
  nofile: number;
  /** Interrupt coalescing delay between a DMA completing and the IRQ (rx-usecs). */
  irqDelay: number;
}

/** CPU and device costs in nanoseconds. Magnitudes follow FIDELITY §8 (2-vCPU VM). */
export const COST = {
  /** A cheap syscall round trip (getsockname, setsockopt, epoll_ctl). */
  syscall: 700,
  /** socket(2), bind(2), listen(2): allocate and hash kernel objects. */
  syscallHeavy: 2_000,
  /** accept4: dequeue, allocate a file and an fd. */
  accept: 2_500,
  /** read/write base cost plus per-byte copy. */
  rw: 1_200,
  perByteNs: 0.25,
  /** write(2) on a TCP socket runs the whole send path in the caller: tcp_sendmsg → ip → qdisc → driver. */
  txPath: 5_000,
  /** Go runtime bookkeeping between visible steps (newproc, goready, runqput). */
  runtime: 300,
  /** schedule() → findRunnable finding nothing locally. */
  findRunnable: 400,
  /** gopark → mcall → schedule. */
  park: 250,
  /** futex wake to the woken thread running (wake-up latency on an idle CPU). */
  futexWake: 6_000,
  /** clone3 of a new M and its start (mstart). */
  newm: 48_000,
  /** epoll_pwait returning to a blocked thread after a wake-up. */
  epollWake: 4_000,
  /** The runnext steal back-off (runtime.usleep(3) in runqgrab). */
  stealBackoff: 3_000,
  /** ServeMux registration at start-up. */
  register: 1_500,
  /** Runtime and package init before main.main. */
  runtimeInit: 60_000,
  /** Parse one request header (readRequest), cold. */
  parseRequest: 18_000,
  /** Match a pattern in ServeMux. */
  muxMatch: 3_000,
  /** The handler body and the response's header assembly, cold (first request). */
  handler: 25_000,
  /** finishRequest bookkeeping after the write, and c.serve's loop head. */
  finish: 25_000,
  /** NIC DMA of one frame into host memory. */
  dma: 1_000,
  /** Hard IRQ entry to NAPI schedule. */
  irq: 1_000,
  /** NAPI poll of one frame through netif_receive_skb → tcp_v4_rcv. */
  napiFrame: 1_500,
  /** NIC serialisation onto the wire per byte (10 Gb/s → 0.8 ns/byte). */
  wirePerByteNs: 0.8,
  /** TX completion IRQ delay after a frame leaves. */
  txDone: 2_000,
  /** The client host's own processing of a segment. */
  clientProc: 3_000,
  /** sysmon: first sleep 20 µs, doubling after 50 idle rounds (1 ms), at most 10 ms. */
  sysmonMin: 20_000,
  sysmonMax: 10_000_000,
  /** TCP delayed ACK (ATO) once in pingpong mode: 40 ms. */
  delack: 40_000_000,
  /** How long the client takes from the full response to its next action. */
  clientThink: 5_000,
} as const;

/** Linux TCP constants (include/net/tcp.h, include/linux/tcp.h). */
export const TCP = {
  /** SACK blocks in one segment beside the timestamps option (TCP_NUM_SACKS 4; 3 fit with TS). */
  maxSackBlocksWithTs: 3,
  /** net.ipv4.tcp_adv_win_scale = 1: half of the receive buffer is window (tcp_win_from_space). */
  advWinScale: 1,
  /** The largest window a SYN or SYN-ACK can carry: its window field is never scaled (RFC 7323). */
  maxSynWindow: 65535,
  /** Window scale we offer: ilog2(max(tcp_rmem[2] = 6 MiB, rmem_max)) - 15 = 7. */
  rcvWscale: 7,
} as const;

/** Go's pollDesc and run-queue constants. */
export const GO = {
  /** Local run queue slots per P (runtime/runtime2.go: runq [256]guintptr). */
  runqSize: 256,
  /** Every 61st schedtick takes one G from the global queue (proc.go findRunnable). */
  globalCheckTick: 61,
  /** Steal passes over all Ps (proc.go stealWork: stealTries = 4). */
  stealTries: 4,
  /** epoll_pwait asks for 128 events (netpoll_epoll.go: var events [128]syscall.EpollEvent). */
  netpollEvents: 128,
  /** bufio.Reader size of a conn (net/http: newBufioReader 4096). */
  bufSize: 4096,
  /** Serve's Accept retry back-off: 5 ms doubling to 1 s. */
  acceptBackoffMin: 5_000_000,
  acceptBackoffMax: 1_000_000_000,
  /** Drain up to 256 KiB of an unread body (maxPostHandlerReadBytes). */
  maxPostHandlerReadBytes: 256 << 10,
  /** rstAvoidanceDelay: 500 ms. */
  rstAvoidanceDelay: 500_000_000,
  /** New goroutine stack. */
  stackMin: 2048,
  /** sysmon preempts a G that has run this long without rescheduling (proc.go forcePreemptNS: 10 ms). */
  forcePreemptNS: 10_000_000,
} as const;

export function resolveParams(s: Scenario): Params {
  const m = s.machine ?? {};
  const cpus = m.cpus ?? 2;
  return {
    cpus,
    gomaxprocs: m.gomaxprocs ?? cpus,
    rxRing: m.nic?.rxRing ?? 256,
    txRing: m.nic?.txRing ?? 256,
    mtu: m.nic?.mtu ?? 1500,
    somaxconn: m.tcp?.somaxconn ?? 4096,
    synBacklog: m.tcp?.synBacklog ?? 2048,
    rmem: m.tcp?.rmem ?? 131072,
    wmem: m.tcp?.wmem ?? 16384,
    netdevBudget: m.netdevBudget ?? 300,
    napiWeight: m.napiWeight ?? 64,
    rtoInitial: m.tcp?.rto ?? 1_000_000_000,
    rtoMin: 200_000_000,
    nofile: s.server?.nofile ?? 1048576,
    irqDelay: m.nic?.irqDelay ?? 1_000,
  };
}

/**
 * The wall clock of the simulated machine at virtual time 0, in ms since 1970: 2026-11-22 05:00:00 UTC
 * (the machine's zone is UTC). A fixed epoch keeps runs deterministic; it shows in the HTTP Date header
 * and in log.Fatal's "2026/11/22 05:00:00 listen tcp …" line.
 */
export const WALL_EPOCH_MS = Date.UTC(2026, 10, 22, 5, 0, 0);
