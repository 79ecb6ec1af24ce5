/**
 * viewOf: the machine as the view model of viewtypes.ts — plain JSON for `run --at N --state` and the
 * TUI panes. It only reads the machine.
 */
import { maskNames } from './kernel/epoll.js';
import { segSummary } from './kernel/tcp.js';
import type { Client, G, Machine, Ring, Sock } from './machine.js';
import { pdState } from './runtime/netpoll.js';
import { takeDirty } from './viewdirty.js';
import type {
  ClientView,
  EpollView,
  FdView,
  FrameView,
  GView,
  RingView,
  SlotState,
  SocketView,
  StateView,
} from './viewtypes.js';

const SLOT: SlotState[] = ['free', 'dma', 'filled'];

function ringView(r: Ring, tx: boolean): RingView {
  return {
    size: r.size,
    head: r.head,
    tail: r.tail,
    used: r.used,
    slots: r.state.map((st, i) => {
      const seg = r.segs[i];
      const state: SlotState = tx && st > 0 ? 'tx' : SLOT[st];
      return seg ? { state, desc: `conn ${seg.conn}: ${segSummary(seg)}` } : { state };
    }),
  };
}

/** What the last fd view was built from (its file, and the socket or count its text names). */
interface FdInputs {
  type: string;
  name: string;
  obj: number;
  nonblock: boolean;
  cloexec: boolean;
  hasSock: boolean;
  local: string | undefined;
  remote: string | undefined;
  state: string | undefined;
  extra: number;
}

/**
 * The last view built of each socket, fd, interest item, G, pollDesc and client, by id: a view whose
 * entity reads the same now is reused instead of built again (on c10k one step changes a few of 10k;
 * rebuilding all of them made most of a frame's garbage). Reused views are frozen: views only read them.
 * Whatever machine is viewed, an entry is reused only when its content matches, field by field, or
 * (viewdirty.ts) when it is the same object as at the last view of the same machine, not written since.
 */
function newReuse() {
  return {
    socks: [] as SocketView[],
    fds: [] as FdView[],
    fdIn: [] as FdInputs[],
    interest: [] as EpollView['interest'],
    interestEvents: [] as number[],
    gs: [] as GView[],
    pds: [] as StateView['sched']['pollDescs'],
    pdRg: [] as number[],
    pdWg: [] as number[],
    clients: [] as ClientView[],
    clientIn: [] as { addr: string; port: number }[],
    /** The entity objects the views above were last built or checked from (see viewdirty.ts). */
    sockObj: [] as Sock[],
    fdFile: [] as unknown[],
    fdSock: [] as (Sock | undefined)[],
    gObj: [] as G[],
    clientObj: [] as Client[],
  };
}

type Reuse = ReturnType<typeof newReuse>;
const shared: Reuse = newReuse();

const freeze = <T>(v: T): T => Object.freeze(v);

function sameSock(v: SocketView, s: Sock, fd: number | undefined): boolean {
  if (v.fd !== fd || v.state !== s.state || v.local !== (s.local || '(unbound)')) return false;
  if (s.state === 'LISTEN')
    return v.synq === s.synq.length && v.acceptq === s.acceptq.length && v.backlog === s.backlog;
  return (
    v.remote === (s.remote ? s.remote : undefined) &&
    v.rcvq === s.rcvq &&
    v.rcvCap === s.rcvCap &&
    v.sndq === Math.max(0, s.writeSeq - s.sndUna) &&
    v.sndCap === s.sndCap &&
    v.conn === (s.conn ? s.conn : undefined)
  );
}

function sameG(v: GView, g: G): boolean {
  if (
    v.status !== g.status ||
    v.waitReason !== (g.status === 'waiting' ? g.waitReason : undefined) ||
    v.m !== (g.m >= 0 ? g.m : undefined) ||
    v.label !== g.label ||
    v.frames.length !== g.frames.length
  )
    return false;
  for (let i = 0; i < v.frames.length; i++) {
    const a = v.frames[i];
    const b = g.frames[i];
    if (a.fn !== b.fn || a.pc !== b.pc) return false;
  }
  return true;
}

function sameClient(v: ClientView, c: Client, inp: { addr: string; port: number } | undefined): boolean {
  return (
    inp !== undefined &&
    inp.addr === c.addr &&
    inp.port === c.port &&
    v.conn === c.conn &&
    v.name === c.name &&
    v.state === c.state &&
    v.sent === c.sent &&
    v.received === c.received &&
    v.responses === c.responses &&
    v.lastStatus === (c.statuses.length ? c.statuses[c.statuses.length - 1] : undefined)
  );
}

export function viewOf(m: Machine, step: number, opts: { fresh?: boolean } = {}): StateView {
  // `fresh`: build every entity's view, watching nothing (tests compare it with the reusing build;
  // engine.viewOnce: a machine that will not be shown again).
  const reuse = opts.fresh ? newReuse() : shared;
  // Writes to `m` since its last view (viewdirty.ts): an entity not written since, and still the same
  // object as then, keeps its view unchecked. Undefined (another machine, or `fresh`): check them all.
  const dirty = opts.fresh ? undefined : takeDirty(m);
  const trustSocks = dirty !== undefined && !dirty.fds;
  // Built with plain loops and objects written key by key in one order (no spreads of conditional
  // parts): on c10k this runs for 10k sockets, fds, Gs and pollDescs on every step the TUI shows.
  const fdOfFile: number[] = [];
  const fdt = m.proc.fds;
  for (let fd = 0; fd < fdt.length; fd++) if (fdt[fd] >= 0) fdOfFile[fdt[fd]] = fd;
  const sockets: SocketView[] = [];
  for (const s of Object.values(m.socks)) {
    const last = reuse.socks[s.id];
    if (trustSocks && last !== undefined && reuse.sockObj[s.id] === s && !dirty.sock.has(s.id)) {
      sockets.push(last);
      continue;
    }
    const fd = s.file >= 0 ? fdOfFile[s.file] : undefined;
    reuse.sockObj[s.id] = s;
    sockets.push(
      last !== undefined && sameSock(last, s, fd) ? last : (reuse.socks[s.id] = freeze(sockView(s, fd))),
    );
  }
  const fds: FdView[] = [];
  for (let fd = 0; fd < fdt.length; fd++) {
    const id = fdt[fd];
    if (id < 0) continue;
    const f = m.files[id];
    if (!f) continue;
    const sk = f.type === 'socket' ? m.socks[f.obj] : undefined;
    // Not written since the last view (viewdirty.ts), the same file and socket objects: the same view.
    if (
      trustSocks &&
      reuse.fdFile[fd] === f &&
      reuse.fdSock[fd] === sk &&
      (sk === undefined ? f.type !== 'epoll' && f.type !== 'eventfd' : !dirty.sock.has(sk.id))
    ) {
      fds.push(reuse.fds[fd]);
      continue;
    }
    reuse.fdFile[fd] = f;
    reuse.fdSock[fd] = sk;
    const extra =
      f.type === 'epoll' ? (m.eps[f.obj]?.nitems ?? 0) : f.type === 'eventfd' ? (m.evcount[f.obj] ?? 0) : 0;
    const inp = reuse.fdIn[fd];
    if (
      inp !== undefined &&
      inp.type === f.type &&
      inp.name === f.name &&
      inp.obj === f.obj &&
      inp.nonblock === f.nonblock &&
      inp.cloexec === f.cloexec &&
      inp.hasSock === (sk !== undefined) &&
      (sk === undefined || (inp.local === sk.local && inp.remote === sk.remote && inp.state === sk.state)) &&
      inp.extra === extra
    ) {
      fds.push(reuse.fds[fd]);
      continue;
    }
    let desc = f.name;
    if (f.type === 'socket') {
      desc = sk
        ? `TCP ${sk.local || '(unbound)'}${sk.remote ? ` ↔ ${sk.remote}` : ''} (${sk.state})`
        : 'TCP (closed)';
    } else if (f.type === 'epoll') desc = `epoll instance (${extra} fds watched)`;
    else if (f.type === 'eventfd') desc = `eventfd (netpollBreak), count ${extra}`;
    const flags =
      f.nonblock && f.cloexec
        ? 'O_NONBLOCK|O_CLOEXEC'
        : f.nonblock
          ? 'O_NONBLOCK'
          : f.cloexec
            ? 'O_CLOEXEC'
            : '';
    const v: FdView = { fd, type: f.type, desc };
    if (flags) v.flags = flags;
    reuse.fds[fd] = freeze(v);
    reuse.fdIn[fd] = {
      type: f.type,
      name: f.name,
      obj: f.obj,
      nonblock: f.nonblock,
      cloexec: f.cloexec,
      hasSock: sk !== undefined,
      local: sk?.local,
      remote: sk?.remote,
      state: sk?.state,
      extra,
    };
    fds.push(v);
  }
  const epoll = Object.values(m.eps).map((e) => {
    const file = Object.values(m.files).find((f) => f.type === 'epoll' && f.obj === e.id);
    const interest: EpollView['interest'] = [];
    for (const it of Object.values(e.items)) {
      const last = reuse.interest[it.fd];
      if (last !== undefined && reuse.interestEvents[it.fd] === it.events) interest.push(last);
      else {
        reuse.interestEvents[it.fd] = it.events;
        interest.push(
          (reuse.interest[it.fd] = freeze({
            fd: it.fd,
            events: maskView(it.events),
            et: (it.events & 0x80000000) !== 0,
          })),
        );
      }
    }
    return {
      fd: file ? (fdOfFile[file.id] ?? -1) : -1,
      interest,
      ready: [...e.rdllist],
      waiters: [...e.waiters],
    };
  });
  const rt = m.rt;
  const poller = rt.ms.find((x) => x.state === 'netpoll');
  return {
    step,
    t_ns: m.now,
    scenario: m.scenario,
    nic: {
      name: 'eth0',
      mtu: m.p.mtu,
      rx: ringView(m.nic.rx, false),
      tx: ringView(m.nic.tx, true),
      irqs: { rx: m.nic.irqRx, tx: m.nic.irqTx },
      rxDropped: m.nic.rxDropped,
      napiScheduled: m.nic.napi,
    },
    sockets,
    fds,
    epoll,
    sched: {
      gomaxprocs: m.p.gomaxprocs,
      ps: rt.ps.map((p) => ({
        id: p.id,
        status: p.status,
        ...(p.m >= 0 ? { m: p.m } : {}),
        ...(p.runnext > 0 ? { runnext: p.runnext } : {}),
        runq: [...p.runq],
        schedtick: p.schedtick,
      })),
      globrunq: [...rt.globrunq],
      ms: rt.ms.map((x) => ({
        id: x.id,
        tid: x.tid,
        ...(x.p >= 0 ? { p: x.p } : {}),
        ...(x.curg >= 0 ? { curg: x.curg } : {}),
        state: x.state,
        spinning: x.spinning,
      })),
      gs: Object.values(rt.gs).map((g) => {
        const last = reuse.gs[g.id];
        if (dirty !== undefined && last !== undefined && reuse.gObj[g.id] === g && !dirty.g.has(g.id))
          return last;
        reuse.gObj[g.id] = g;
        return last !== undefined && sameG(last, g) ? last : (reuse.gs[g.id] = freeze(gView(g)));
      }),
      ...(poller ? { netpollWaiter: poller.tid } : {}),
      pollDescs: Object.values(rt.pds).map((pd) => {
        const last = reuse.pds[pd.fd];
        if (last !== undefined && reuse.pdRg[pd.fd] === pd.rg && reuse.pdWg[pd.fd] === pd.wg) return last;
        reuse.pdRg[pd.fd] = pd.rg;
        reuse.pdWg[pd.fd] = pd.wg;
        return (reuse.pds[pd.fd] = freeze({ fd: pd.fd, rg: pdState(pd.rg), wg: pdState(pd.wg) }));
      }),
    },
    clients: m.clients.map((c, i) => {
      const last = reuse.clients[i];
      // Client ids are 1-based (steplog.ts).
      if (dirty !== undefined && last !== undefined && reuse.clientObj[i] === c && !dirty.client.has(i + 1))
        return last;
      reuse.clientObj[i] = c;
      if (last !== undefined && sameClient(last, c, reuse.clientIn[i])) return last;
      reuse.clientIn[i] = { addr: c.addr, port: c.port };
      return (reuse.clients[i] = freeze(clientView(c)));
    }),
    ...(m.proc.exited ? { exit: { status: m.proc.status, message: m.proc.message } } : {}),
    counters: {
      framesSent: m.stats.framesSent,
      framesDelivered: m.stats.framesDelivered,
      framesDropped: m.stats.framesDropped,
      listenDrops: m.stats.listenDrops,
      retransmits: m.stats.retransmits,
      irqRx: m.nic.irqRx,
      irqTx: m.nic.irqTx,
    },
  };
}

/** A socket's view: listener fields or connection fields, keys in the order `--state` prints them. */
function sockView(s: Sock, fd: number | undefined): SocketView {
  const v: SocketView = { id: s.id } as SocketView;
  if (fd !== undefined) v.fd = fd;
  v.state = s.state;
  v.local = s.local || '(unbound)';
  if (s.state === 'LISTEN') {
    v.synq = s.synq.length;
    v.acceptq = s.acceptq.length;
    v.backlog = s.backlog;
    return v;
  }
  if (s.remote) v.remote = s.remote;
  v.rcvq = s.rcvq;
  v.rcvCap = s.rcvCap;
  v.sndq = Math.max(0, s.writeSeq - s.sndUna);
  v.sndCap = s.sndCap;
  if (s.conn) v.conn = s.conn;
  return v;
}

/**
 * Frame views, one frozen object per (function, pc): 10k goroutines mostly sit in the same few frames,
 * so a c10k view shares ~100 frame objects instead of making 100k. Views only read them.
 */
const frameViews = new Map<string, FrameView[]>();

function frameView(fn: string, pc: number): FrameView {
  let byPc = frameViews.get(fn);
  if (byPc === undefined) {
    byPc = [];
    frameViews.set(fn, byPc);
  }
  return (byPc[pc] ??= Object.freeze({ fn, pc }) as FrameView);
}

/** `maskNames(events, false)` by mask: an interest list repeats a few masks. */
const maskViews = new Map<number, string>();

function maskView(events: number): string {
  let s = maskViews.get(events);
  if (s === undefined) {
    s = maskNames(events, false);
    maskViews.set(events, s);
  }
  return s;
}

function gView(g: G): GView {
  const v: GView = { id: g.id, status: g.status } as GView;
  if (g.status === 'waiting') v.waitReason = g.waitReason;
  if (g.m >= 0) v.m = g.m;
  const frames: FrameView[] = new Array(g.frames.length);
  for (let i = 0; i < frames.length; i++) frames[i] = frameView(g.frames[i].fn, g.frames[i].pc);
  v.frames = frames;
  v.label = g.label;
  return v;
}

function clientView(c: Client): ClientView {
  const v: ClientView = {
    conn: c.conn,
    name: c.name,
    addr: `${c.addr}:${c.port}`,
    state: c.state,
    sent: c.sent,
    received: c.received,
    responses: c.responses,
  };
  if (c.statuses.length) v.lastStatus = c.statuses[c.statuses.length - 1];
  return v;
}
