/**
 * A hand-written Session for TUI tests: the first moments of `hello` (a listener on :3000, a client's
 * SYN landing in the RX ring, the accept queue filling, epoll reporting the listener ready, G1 woken
 * from IO wait, `go c.serve`, the request read) as 30 records and one StateView per record. Breakpoints
 * understand `syscall[:NAME]` and `event:KIND` only; anything else is an error at column 1.
 */
import type { AddResult, BreakpointInfo, Session } from '../src/debug/types.js';
import { type Change, diffFlat, sockViewName } from '../src/sim/steplog.js';
import type { Kind, Layer, TraceRecord } from '../src/sim/trace.js';
import type { FrameView, GView, StateView } from '../src/sim/viewtypes.js';

type Rec = Omit<TraceRecord, 'step' | 't_ns'> & { dt: number };
type Mut = (v: StateView) => void;

const ACCEPT_FRAMES: FrameView[] = [
  { fn: 'main.main', file: 'main.go:12', pc: 0x4a1000 },
  { fn: 'net/http.ListenAndServe', file: 'net/http/server.go:3366', pc: 0x4a2000 },
  { fn: 'net/http.(*Server).Serve', file: 'net/http/server.go:3285', pc: 0x4a3000 },
  { fn: 'net.(*TCPListener).Accept', file: 'net/tcpsock.go:327', pc: 0x4a4000 },
  { fn: 'net.(*netFD).accept', file: 'net/fd_unix.go:172', pc: 0x4a5000 },
  { fn: 'internal/poll.(*FD).Accept', file: 'internal/poll/fd_unix.go:620', pc: 0x4a6000 },
  { fn: 'internal/poll.(*pollDesc).waitRead', file: 'internal/poll/fd_poll_runtime.go:89', pc: 0x4a7000 },
  { fn: 'runtime.gopark', file: 'runtime/proc.go:435', pc: 0x4a8000 },
];

const SERVE_FRAMES: FrameView[] = [
  { fn: 'net/http.(*conn).serve', file: 'net/http/server.go:2042', pc: 0x4b1000 },
  { fn: 'net/http.(*conn).readRequest', file: 'net/http/server.go:1010', pc: 0x4b2000 },
  { fn: 'bufio.(*Reader).Peek', file: 'bufio/bufio.go:152', pc: 0x4b3000 },
  { fn: 'net.(*conn).Read', file: 'net/net.go:194', pc: 0x4b4000 },
  { fn: 'internal/poll.(*FD).Read', file: 'internal/poll/fd_unix.go:165', pc: 0x4b5000 },
];

function baseView(): StateView {
  const slots = Array.from({ length: 256 }, () => ({ state: 'free' as const }));
  return {
    step: 0,
    t_ns: 0,
    scenario: 'hello',
    nic: {
      name: 'eth0',
      mtu: 1500,
      rx: { size: 256, head: 0, tail: 0, used: 0, slots: structuredClone(slots) },
      tx: { size: 256, head: 0, tail: 0, used: 0, slots: structuredClone(slots) },
      irqs: { rx: 0, tx: 0 },
      rxDropped: 0,
      napiScheduled: false,
    },
    sockets: [],
    fds: [
      { fd: 0, type: 'stdio', desc: '/dev/pts/0 (stdin)' },
      { fd: 1, type: 'stdio', desc: '/dev/pts/0 (stdout)' },
      { fd: 2, type: 'stdio', desc: '/dev/pts/0 (stderr)' },
    ],
    epoll: [],
    sched: {
      gomaxprocs: 2,
      ps: [
        { id: 0, status: 'running', m: 0, runq: [], schedtick: 1 },
        { id: 1, status: 'idle', runq: [], schedtick: 0 },
      ],
      globrunq: [],
      ms: [
        { id: 0, tid: 1000, p: 0, curg: 1, state: 'running', spinning: false },
        { id: 1, tid: 1001, state: 'sysmon', spinning: false },
        { id: 2, tid: 1002, state: 'idle', spinning: false },
      ],
      gs: [{ id: 1, status: 'running', m: 0, frames: ACCEPT_FRAMES.slice(0, 2), label: 'main' }],
      pollDescs: [],
    },
    clients: [
      { conn: 1, name: 'curl', addr: '10.0.0.2:40000', state: 'idle', sent: 0, received: 0, responses: 0 },
    ],
    counters: { framesRx: 0, framesTx: 0 },
  };
}

const g = (v: StateView, id: number): GView => v.sched.gs.find((x) => x.id === id)!;

/** The script: each record and what it does to the view. */
const SCRIPT: [Rec, Mut][] = [
  [
    {
      dt: 0,
      layer: 'kernel',
      kind: 'proc.start',
      text: 'The kernel execs ./server: PID 100 starts with fds 0, 1, 2 open.',
      fn: 'execve — fs/exec.c',
    },
    () => {},
  ],
  [
    {
      dt: 1000,
      layer: 'runtime',
      kind: 'go.create',
      g: 1,
      text: 'The runtime starts main.main on G1.',
      fn: 'runtime.main — src/runtime/proc.go',
    },
    () => {},
  ],
  [
    {
      dt: 2000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'socket',
      args: ['AF_INET6', 'SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC', 0],
      ret: 3,
      fd: 3,
      tid: 1000,
      text: 'socket() returns fd 3, a new TCP socket.',
    },
    (v) => {
      v.sockets.push({ id: 1, fd: 3, state: 'CLOSED', local: '[::]:0' });
      v.fds.push({ fd: 3, type: 'socket', desc: 'TCP [::]:0 (CLOSED)' });
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'bind',
      args: [3, '[::]:3000'],
      ret: 0,
      fd: 3,
      tid: 1000,
      text: 'bind(3, [::]:3000) succeeds.',
    },
    (v) => {
      v.sockets[0].local = '[::]:3000';
      v.fds[3].desc = 'TCP [::]:3000 (CLOSED)';
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'listen',
      args: [3, 4096],
      ret: 0,
      fd: 3,
      tid: 1000,
      text: 'listen(3, 4096): the socket becomes a listener with a backlog of 4096.',
      fn: 'inet_listen — net/ipv4/af_inet.c',
    },
    (v) => {
      Object.assign(v.sockets[0], { state: 'LISTEN', synq: 0, acceptq: 0, backlog: 4096 });
      v.fds[3].desc = 'TCP [::]:3000 (LISTEN)';
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'epoll_create1',
      args: ['EPOLL_CLOEXEC'],
      ret: 4,
      fd: 4,
      tid: 1000,
      text: 'The netpoller creates its epoll instance: fd 4.',
      fn: 'runtime.netpollinit — src/runtime/netpoll_epoll.go',
    },
    (v) => {
      v.fds.push({ fd: 4, type: 'epoll', desc: 'epoll (netpoll)' });
      v.epoll.push({ fd: 4, interest: [], ready: [], waiters: [] });
    },
  ],
  [
    {
      dt: 500,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'eventfd2',
      args: [0, 'EFD_NONBLOCK|EFD_CLOEXEC'],
      ret: 5,
      fd: 5,
      tid: 1000,
      text: 'eventfd2 returns fd 5: the netpoller can be woken through it.',
    },
    (v) => {
      v.fds.push({ fd: 5, type: 'eventfd', desc: 'eventfd (netpollBreak)' });
      v.epoll[0].interest.push({ fd: 5, events: 'IN', et: false });
    },
  ],
  [
    {
      dt: 500,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'epoll_ctl',
      args: [4, 'EPOLL_CTL_ADD', 3, 'IN|OUT|RDHUP|ET'],
      ret: 0,
      fd: 3,
      tid: 1000,
      text: 'epoll_ctl adds the listener fd 3 to the interest list, edge-triggered.',
      fn: 'runtime.netpollopen — src/runtime/netpoll_epoll.go',
    },
    (v) => {
      v.epoll[0].interest.unshift({ fd: 3, events: 'IN|OUT|RDHUP', et: true });
      v.sched.pollDescs.push({ fd: 3, rg: 'nil', wg: 'nil' });
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'accept4',
      args: [3],
      ret: -1,
      errno: 'EAGAIN',
      fd: 3,
      tid: 1000,
      text: 'accept4(3) fails with EAGAIN: nobody has connected yet.',
      fn: 'inet_csk_accept — net/ipv4/inet_connection_sock.c',
    },
    () => {},
  ],
  [
    {
      dt: 500,
      layer: 'runtime',
      kind: 'go.park',
      g: 1,
      m: 0,
      p: 0,
      reason: 'accept',
      text: 'G1 parks in IO wait until fd 3 is readable.',
      fn: 'runtime.gopark — src/runtime/proc.go',
    },
    (v) => {
      Object.assign(g(v, 1), {
        status: 'waiting',
        waitReason: 'IO wait',
        m: undefined,
        frames: ACCEPT_FRAMES,
      });
      v.sched.ms[0].curg = undefined;
      v.sched.pollDescs[0].rg = 'G1';
    },
  ],
  [
    {
      dt: 500,
      layer: 'runtime',
      kind: 'netpoll',
      m: 0,
      tid: 1000,
      text: 'M0 finds nothing to run and blocks in epoll_pwait(4, …, -1).',
      fn: 'runtime.netpoll — src/runtime/netpoll_epoll.go',
    },
    (v) => {
      Object.assign(v.sched.ms[0], { state: 'netpoll', p: undefined });
      Object.assign(v.sched.ps[0], { status: 'idle', m: undefined });
      v.sched.netpollWaiter = 1000;
      v.epoll[0].waiters = [1000];
    },
  ],
  [
    {
      dt: 100000,
      layer: 'client',
      kind: 'client.send',
      conn: 1,
      text: 'curl connects to 10.0.0.1:3000 and sends a SYN.',
    },
    (v) => {
      v.clients[0].state = 'SYN_SENT';
    },
  ],
  [
    {
      dt: 50000,
      layer: 'wire',
      kind: 'wire.rx',
      conn: 1,
      bytes: 74,
      text: 'A frame from 10.0.0.2:40000 arrives at eth0: SYN seq=0 win=64240.',
    },
    (v) => {
      Object.assign(v.nic.rx, { head: 1, used: 1 });
      v.nic.rx.slots[0] = { state: 'dma', desc: 'SYN 10.0.0.2:40000' };
    },
  ],
  [
    {
      dt: 1000,
      layer: 'nic',
      kind: 'nic.dma',
      ring: 'rx',
      slot: 0,
      conn: 1,
      bytes: 74,
      text: 'The NIC DMA-writes the frame into RX slot 0 (1/256 slots in use).',
      fn: 'e1000_clean_rx_irq — drivers/net/ethernet/intel/e1000e/netdev.c',
    },
    (v) => {
      v.nic.rx.slots[0].state = 'filled';
    },
  ],
  [
    {
      dt: 3000,
      layer: 'nic',
      kind: 'irq',
      ring: 'rx',
      text: 'Hard IRQ: eth0 signals received frames on CPU 0; the driver schedules NAPI.',
      fn: 'e1000_intr_msix_rx — drivers/net/ethernet/intel/e1000e/netdev.c',
    },
    (v) => {
      v.nic.irqs.rx = 1;
      v.nic.napiScheduled = true;
    },
  ],
  [
    {
      dt: 2000,
      layer: 'kernel',
      kind: 'softirq',
      slot: 0,
      text: 'NET_RX softirq: NAPI polls RX slot 0 and hands the frame to the IP stack.',
      fn: 'net_rx_action — net/core/dev.c',
    },
    (v) => {
      Object.assign(v.nic.rx, { tail: 1, used: 0 });
      v.nic.rx.slots[0] = { state: 'free' };
      v.nic.napiScheduled = false;
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'tcp.rx',
      conn: 1,
      fd: 3,
      text: 'The listener answers the SYN: a request sock joins the SYN queue (1/4096).',
      fn: 'tcp_v4_conn_request — net/ipv4/tcp_input.c',
    },
    (v) => {
      v.sockets[0].synq = 1;
    },
  ],
  [
    {
      dt: 1000,
      layer: 'nic',
      kind: 'nic.tx',
      ring: 'tx',
      slot: 0,
      conn: 1,
      text: 'The SYN-ACK goes into TX slot 0.',
    },
    (v) => {
      Object.assign(v.nic.tx, { head: 1, used: 1 });
      v.nic.tx.slots[0] = { state: 'tx', desc: 'SYN-ACK to 10.0.0.2:40000' };
    },
  ],
  [
    {
      dt: 100000,
      layer: 'wire',
      kind: 'wire.rx',
      conn: 1,
      bytes: 66,
      text: 'The client’s ACK arrives at eth0.',
    },
    (v) => {
      Object.assign(v.nic.tx, { tail: 1, used: 0 });
      v.nic.tx.slots[0] = { state: 'free' };
      Object.assign(v.nic.rx, { head: 2, used: 1 });
      v.nic.rx.slots[1] = { state: 'filled', desc: 'ACK 10.0.0.2:40000' };
    },
  ],
  [
    {
      dt: 5000,
      layer: 'kernel',
      kind: 'sock.queue',
      conn: 1,
      fd: 3,
      text: 'The handshake completes: the connection moves from the SYN queue to the accept queue (1/4096).',
      fn: 'inet_csk_complete_hashdance — net/ipv4/inet_connection_sock.c',
    },
    (v) => {
      Object.assign(v.nic.rx, { tail: 2, used: 0 });
      v.nic.rx.slots[1] = { state: 'free' };
      Object.assign(v.sockets[0], { synq: 0, acceptq: 1 });
      v.sockets.push({
        id: 2,
        state: 'ESTABLISHED',
        local: '10.0.0.1:3000',
        remote: '10.0.0.2:40000',
        rcvq: 0,
        rcvCap: 131072,
        sndq: 0,
        sndCap: 16384,
        conn: 1,
      });
      v.clients[0].state = 'ESTABLISHED';
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'epoll.ready',
      fd: 3,
      text: 'fd 3 becomes readable: epoll puts it on the ready list and wakes tid 1000.',
      fn: 'ep_poll_callback — fs/eventpoll.c',
    },
    (v) => {
      v.epoll[0].ready = [3];
    },
  ],
  [
    {
      dt: 2000,
      layer: 'runtime',
      kind: 'netpoll',
      m: 0,
      tid: 1000,
      fd: 3,
      text: 'epoll_pwait returns fd 3; the netpoller makes G1 runnable.',
      fn: 'runtime.netpollready — src/runtime/netpoll.go',
    },
    (v) => {
      v.epoll[0].ready = [];
      v.epoll[0].waiters = [];
      v.sched.netpollWaiter = undefined;
      v.sched.pollDescs[0].rg = 'ready';
      Object.assign(v.sched.ms[0], { state: 'running', p: 0 });
      Object.assign(v.sched.ps[0], { status: 'running', m: 0, runnext: 1 });
      g(v, 1).status = 'runnable';
      g(v, 1).waitReason = undefined;
    },
  ],
  [
    {
      dt: 1000,
      layer: 'runtime',
      kind: 'go.run',
      g: 1,
      m: 0,
      p: 0,
      text: 'M0 runs G1 again: Accept retries.',
      fn: 'runtime.execute — src/runtime/proc.go',
    },
    (v) => {
      v.sched.ps[0].runnext = undefined;
      v.sched.ps[0].schedtick = 2;
      Object.assign(g(v, 1), { status: 'running', m: 0, frames: ACCEPT_FRAMES.slice(0, 6) });
      v.sched.ms[0].curg = 1;
      v.sched.pollDescs[0].rg = 'nil';
    },
  ],
  [
    {
      dt: 2000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'accept4',
      args: [3],
      ret: 6,
      fd: 3,
      tid: 1000,
      text: 'accept4(3) returns fd 6, the new connection from 10.0.0.2:40000.',
      fn: 'inet_csk_accept — net/ipv4/inet_connection_sock.c',
    },
    (v) => {
      v.sockets[0].acceptq = 0;
      v.sockets[1].fd = 6;
      v.fds.push({
        fd: 6,
        type: 'socket',
        desc: 'TCP 10.0.0.1:3000 ↔ 10.0.0.2:40000 (ESTABLISHED)',
        flags: 'O_NONBLOCK',
      });
    },
  ],
  [
    {
      dt: 1000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'epoll_ctl',
      args: [4, 'EPOLL_CTL_ADD', 6, 'IN|OUT|RDHUP|ET'],
      ret: 0,
      fd: 6,
      tid: 1000,
      text: 'epoll_ctl adds fd 6 to the interest list.',
    },
    (v) => {
      v.epoll[0].interest.push({ fd: 6, events: 'IN|OUT|RDHUP', et: true });
      v.sched.pollDescs.push({ fd: 6, rg: 'nil', wg: 'nil' });
    },
  ],
  [
    {
      dt: 2000,
      layer: 'app',
      kind: 'go.create',
      g: 5,
      m: 0,
      p: 0,
      text: 'Serve starts `go c.serve(ctx)`: G5 goes into P0’s runnext.',
      fn: 'runtime.newproc — src/runtime/proc.go',
    },
    (v) => {
      v.sched.gs.push({
        id: 5,
        status: 'runnable',
        frames: SERVE_FRAMES.slice(0, 1),
        label: 'c.serve 10.0.0.2:40000',
      });
      v.sched.ps[0].runnext = 5;
    },
  ],
  [
    {
      dt: 50000,
      layer: 'client',
      kind: 'client.send',
      conn: 1,
      bytes: 78,
      text: 'curl sends GET /hello (78 bytes).',
    },
    (v) => {
      Object.assign(v.nic.rx, { head: 3, used: 1 });
      v.nic.rx.slots[2] = { state: 'filled', desc: 'PSH 78B 10.0.0.2:40000' };
      v.clients[0].sent = 78;
    },
  ],
  [
    {
      dt: 5000,
      layer: 'kernel',
      kind: 'sock.queue',
      conn: 1,
      fd: 6,
      bytes: 78,
      text: 'The request bytes land in fd 6’s receive queue (78 B).',
      fn: 'tcp_data_queue — net/ipv4/tcp_input.c',
    },
    (v) => {
      Object.assign(v.nic.rx, { tail: 3, used: 0 });
      v.nic.rx.slots[2] = { state: 'free' };
      v.sockets[1].rcvq = 78;
    },
  ],
  [
    {
      dt: 1000,
      layer: 'runtime',
      kind: 'go.run',
      g: 5,
      m: 0,
      p: 0,
      text: 'G1 parks in Accept again; M0 runs G5 from runnext.',
      fn: 'runtime.schedule — src/runtime/proc.go',
    },
    (v) => {
      Object.assign(g(v, 1), {
        status: 'waiting',
        waitReason: 'IO wait',
        m: undefined,
        frames: ACCEPT_FRAMES,
      });
      v.sched.pollDescs[0].rg = 'G1';
      v.sched.ps[0].runnext = undefined;
      v.sched.ps[0].runq = [7, 8];
      v.sched.globrunq = [9];
      Object.assign(g(v, 5), { status: 'running', m: 0, frames: SERVE_FRAMES });
      v.sched.gs.push({ id: 7, status: 'runnable', frames: [], label: 'timer' });
      v.sched.gs.push({ id: 8, status: 'runnable', frames: [], label: 'gc worker' });
      v.sched.gs.push({ id: 9, status: 'runnable', frames: [], label: 'finalizer' });
      v.sched.ms[0].curg = 5;
      v.epoll[0].ready = [6, 5];
    },
  ],
  [
    {
      dt: 2000,
      layer: 'kernel',
      kind: 'syscall',
      syscall: 'read',
      args: [6, 4096],
      ret: 78,
      fd: 6,
      g: 5,
      tid: 1000,
      bytes: 78,
      text: 'read(6, 4096) returns the 78-byte request: GET /hello HTTP/1.1.',
    },
    (v) => {
      v.sockets[1].rcvq = 0;
    },
  ],
];

/** Views after each record, and the records with step and time filled in. */
function build(): { records: TraceRecord[]; views: StateView[] } {
  const records: TraceRecord[] = [];
  const views: StateView[] = [];
  let v = baseView();
  let t = 0;
  SCRIPT.forEach(([rec, mut], step) => {
    const { dt, ...rest } = rec;
    t += dt;
    records.push({ step, t_ns: t, ...rest });
    v = structuredClone(v);
    mut(v);
    v.step = step;
    v.t_ns = t;
    views.push(v);
  });
  return { records, views };
}

export const FAKE = build();

interface FakeBp extends BreakpointInfo {
  kind?: Kind;
  syscall?: string;
  layer?: Layer;
}

export class FakeSession implements Session {
  readonly name = 'hello';
  cursor = 0;
  private bps: FakeBp[] = [];
  private nextId = 1;
  notes: Record<number, string[]> = { 21: ['Look at the epoll pane: fd 3 is on the ready list, in order.'] };

  get total(): number {
    return FAKE.records.length;
  }
  record(i: number): TraceRecord {
    return FAKE.records[i];
  }
  records(from: number, to: number): TraceRecord[] {
    return FAKE.records.slice(Math.max(0, from), Math.max(0, Math.min(this.total, to)));
  }
  view(): StateView {
    return FAKE.views[this.cursor];
  }
  /** The fake cannot replay: why-questions are for the real session (test/steps.test.ts, tui-e2e). */
  why(): { error: string } {
    return { error: 'the fake session cannot answer why' };
  }
  /** The fake has no engine to claim changes: the difference of its hand-written views stands in. */
  changes(): Change[] {
    return this.cursor > 0 ? viewChanges(FAKE.views[this.cursor - 1], FAKE.views[this.cursor]) : [];
  }
  step(): void {
    this.cursor = Math.min(this.total - 1, this.cursor + 1);
  }
  back(): void {
    this.cursor = Math.max(0, this.cursor - 1);
  }
  goto(n: number): void {
    this.cursor = Math.max(0, Math.min(this.total - 1, n));
  }
  first(): void {
    this.cursor = 0;
  }
  last(): void {
    this.cursor = this.total - 1;
  }
  private matches(bp: FakeBp, r: TraceRecord): boolean {
    if (!bp.enabled) return false;
    if (bp.kind && r.kind !== bp.kind) return false;
    if (bp.syscall && r.syscall !== bp.syscall) return false;
    return true;
  }
  isHit(i: number): boolean {
    return this.bps.some((b) => this.matches(b, FAKE.records[i]));
  }
  continue(): BreakpointInfo | null {
    for (let i = this.cursor + 1; i < this.total; i++) {
      const hit = this.bps.find((b) => this.matches(b, FAKE.records[i]));
      if (hit) {
        this.cursor = i;
        return hit;
      }
    }
    this.cursor = this.total - 1;
    return null;
  }
  reverseContinue(): BreakpointInfo | null {
    for (let i = this.cursor - 1; i >= 0; i--) {
      const hit = this.bps.find((b) => this.matches(b, FAKE.records[i]));
      if (hit) {
        this.cursor = i;
        return hit;
      }
    }
    this.cursor = 0;
    return null;
  }
  addBreakpoint(spec: string): AddResult {
    const m = /^(syscall)(?::(\w+))?$|^event:([\w.]+)$/.exec(spec.trim());
    if (!m) {
      const word = spec.trim().split(/[: ]/)[0];
      return { ok: false, error: `unknown breakpoint kind "${word}"`, column: 1 };
    }
    const bp: FakeBp = {
      id: this.nextId++,
      spec: spec.trim(),
      enabled: true,
      hits: 0,
      kind: m[1] ? 'syscall' : (m[3] as Kind),
      syscall: m[2],
    };
    bp.hits = FAKE.records.filter((r) => this.matches(bp, r)).length;
    this.bps.push(bp);
    return { ok: true, bp };
  }
  removeBreakpoint(id: number): boolean {
    const n = this.bps.length;
    this.bps = this.bps.filter((b) => b.id !== id);
    return this.bps.length !== n;
  }
  toggleBreakpoint(id: number): boolean {
    const b = this.bps.find((x) => x.id === id);
    if (!b) return false;
    b.enabled = !b.enabled;
    return true;
  }
  breakpoints(): BreakpointInfo[] {
    return this.bps.map(({ id, spec, enabled, hits }) => ({ id, spec, enabled, hits }));
  }
  notesAt(i: number): string[] {
    return this.notes[i] ?? [];
  }
}

/** The change vocabulary (src/sim/steplog.ts) between two views: a stand-in for a fake without an engine. */
export function viewChanges(a: StateView, b: StateView): Change[] {
  const flat = (v: StateView): Record<string, string | number | boolean> => {
    const f: Record<string, string | number | boolean> = {};
    for (const s of v.sockets) {
      const n = sockViewName(s);
      f[`${n} state`] = s.state;
      for (const k of ['synq', 'acceptq', 'rcvq', 'sndq'] as const)
        if (s[k] !== undefined) f[`${n} ${k}`] = s[k];
    }
    for (const x of v.fds) f[`fd ${x.fd}`] = `${x.type} ${x.desc}`;
    for (const e of v.epoll) {
      f[`epoll ${e.fd} rdllist`] = `[${e.ready.join(' ')}]`;
      f[`epoll ${e.fd} waiters`] = `[${e.waiters.join(' ')}]`;
      f[`epoll ${e.fd} interest`] = `[${e.interest.map((i) => i.fd).join(' ')}]`;
    }
    for (const pd of v.sched.pollDescs) {
      f[`pd ${pd.fd} rg`] = pd.rg;
      f[`pd ${pd.fd} wg`] = pd.wg;
    }
    for (const p of v.sched.ps) {
      f[`P${p.id} status`] = p.status;
      f[`P${p.id} m`] = p.m ?? -1;
      f[`P${p.id} runnext`] = p.runnext ?? 0;
      f[`P${p.id} runq`] = p.runq.join(' ');
    }
    for (const m of v.sched.ms) {
      f[`M${m.id} state`] = m.state;
      f[`M${m.id} p`] = m.p ?? -1;
      f[`M${m.id} curg`] = m.curg ?? -1;
      f[`M${m.id} spinning`] = m.spinning;
    }
    for (const g of v.sched.gs) f[`G${g.id} status`] = `${g.status} ${g.waitReason ?? ''}`;
    f.globrunq = v.sched.globrunq.join(' ');
    for (const r of ['rx', 'tx'] as const) {
      const ring = v.nic[r];
      f[`${r} head`] = ring.head;
      f[`${r} tail`] = ring.tail;
      f[`${r} used`] = ring.used;
      f[`${r} irqs`] = v.nic.irqs[r];
      ring.slots.forEach((s, i) => {
        f[`${r} slot ${i}`] = s.state;
      });
    }
    f['rx drops'] = v.nic.rxDropped;
    f.napi = v.nic.napiScheduled;
    return f;
  };
  return diffFlat(flat(a), flat(b));
}
