/**
 * viewOf: the machine as the view model of viewtypes.ts — plain JSON for `run --at N --state` and the
 * TUI panes. It only reads the machine.
 */
import { epItemList, maskNames } from './kernel/epoll.js';
import { segSummary } from './kernel/tcp.js';
import type { Client, Epoll, G, Machine, OpenFile, PollDesc, Ring, Sock } from './machine.js';
import { pdState } from './runtime/netpoll.js';
import { baseOf, type Dirty, takeDirty } from './viewdirty.js';
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

/** A list of rows in key order (ids, or fds), with each key's row index. */
interface Keyed<R> {
  rows: R[];
  keys: number[];
  /** Row index by key. */
  at: number[];
}

function keyed<R>(): Keyed<R> {
  return { rows: [], keys: [], at: [] };
}

function addRow<R>(l: Keyed<R>, key: number, row: R): void {
  l.at[key] = l.rows.length;
  l.keys.push(key);
  l.rows.push(row);
}

/**
 * `prev` with the rows of `changed` (keys in ascending order) as `rowOf` gives them now: a row
 * replaced, or (undefined) gone, or a new key put in its place. Without a key coming or going, the
 * keys and their indices are prev's.
 */
function mergeRows<R>(prev: Keyed<R>, changed: number[], rowOf: (key: number) => R | undefined): Keyed<R> {
  const got = changed.map(rowOf);
  let moved = false;
  for (let i = 0; i < changed.length && !moved; i++) {
    moved = (got[i] === undefined) !== (prev.at[changed[i]] === undefined);
  }
  if (!moved) {
    if (changed.length === 0) return prev;
    const rows = prev.rows.slice();
    for (let i = 0; i < changed.length; i++) rows[prev.at[changed[i]]] = got[i] as R;
    return { rows, keys: prev.keys, at: prev.at };
  }
  const out = keyed<R>();
  let j = 0;
  const take = () => {
    if (got[j] !== undefined) addRow(out, changed[j], got[j] as R);
    j++;
  };
  for (let i = 0; i < prev.keys.length; i++) {
    const k = prev.keys[i];
    while (j < changed.length && changed[j] < k) take();
    if (j < changed.length && changed[j] === k) take();
    else addRow(out, k, prev.rows[i]);
  }
  while (j < changed.length) take();
  return out;
}

const ascending = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b);

/**
 * The last view built of a machine (by the reusing build) and where each entity's row sits in it, so
 * the next view of the same machine can copy its lists and rebuild only the rows of what was written
 * since (viewdirty.ts), putting rows in or out where an entity came or went: on c10k a step writes a
 * handful of 60k entities, and touching all of them to find those took 9 ms a view, and 20–50 ms when
 * an fd was opened or closed (profiled; most of a key press).
 */
interface Last {
  /** The machine viewed (an overlay's base). */
  base: Machine;
  view: StateView;
  sockets: Keyed<SocketView>;
  fds: Keyed<FdView>;
  gs: Keyed<GView>;
  pds: Keyed<StateView['sched']['pollDescs'][number]>;
  /** The fd table viewed (a copy), and the fd of each open file in it. */
  fdt: number[];
  fdOfFile: number[];
  /** Fds whose rows name a count that changes without an fd write (epoll and eventfd files). */
  counted: number[];
  /** Each epoll's index by id, and its own open file, in epoll order. */
  epAt: number[];
  epFile: (OpenFile | undefined)[];
}

let last: Last | null = null;

export function viewOf(m: Machine, step: number, opts: { fresh?: boolean } = {}): StateView {
  // `fresh`: build every entity's view, watching nothing (tests compare it with the reusing build;
  // engine.viewOnce: a machine that will not be shown again).
  const reuse = opts.fresh ? newReuse() : shared;
  // Writes to `m` since its last view (viewdirty.ts): an entity not written since, and still the same
  // object as then, keeps its view unchecked. Undefined (another machine, or `fresh`): check them all.
  const dirty = opts.fresh ? undefined : takeDirty(m);
  if (dirty !== undefined && last !== null && last.base === baseOf(m)) {
    const v = patched(m, step, dirty, last);
    if (v !== undefined) return v;
  }
  const trustSocks = dirty !== undefined && dirty.fd.size === 0 && dirty.file.size === 0;
  // Built with plain loops and objects written key by key in one order (no spreads of conditional
  // parts): on c10k this runs for 10k sockets, fds, Gs and pollDescs.
  const fdOfFile: number[] = [];
  const fdt = m.proc.fds;
  for (let fd = 0; fd < fdt.length; fd++) if (fdt[fd] >= 0) fdOfFile[fdt[fd]] = fd;
  const sockets = keyed<SocketView>();
  for (const s of Object.values(m.socks)) {
    const trusted = trustSocks && !dirty.sock.has(s.id);
    addRow(sockets, s.id, sockRow(reuse, s, s.file >= 0 ? fdOfFile[s.file] : undefined, trusted));
  }
  const fds = keyed<FdView>();
  const counted: number[] = [];
  for (let fd = 0; fd < fdt.length; fd++) {
    const id = fdt[fd];
    if (id < 0) continue;
    const f = m.files[id];
    if (!f) continue;
    if (namesCount(f)) counted.push(fd);
    addRow(fds, fd, fdRow(m, reuse, fd, f, trustSocks ? dirty : undefined));
  }
  const epAt: number[] = [];
  const epFile: (OpenFile | undefined)[] = [];
  const epoll = Object.values(m.eps).map((e, i) => {
    epAt[e.id] = i;
    const file = Object.values(m.files).find((f) => f.type === 'epoll' && f.obj === e.id);
    epFile.push(file);
    return epollRow(reuse, e, file, fdOfFile);
  });
  const gs = keyed<GView>();
  for (const g of Object.values(m.rt.gs))
    addRow(gs, g.id, gRow(reuse, g, dirty !== undefined && !dirty.g.has(g.id)));
  const pds = keyed<StateView['sched']['pollDescs'][number]>();
  for (const pd of Object.values(m.rt.pds)) addRow(pds, pd.fd, pdRow(reuse, pd));
  // Client ids are 1-based (steplog.ts).
  const clients = m.clients.map((c, i) =>
    clientRow(reuse, c, i, dirty !== undefined && !dirty.client.has(i + 1)),
  );
  const lists = { sockets: sockets.rows, fds: fds.rows, epoll, gs: gs.rows, pollDescs: pds.rows, clients };
  const view = assemble(m, step, lists);
  if (!opts.fresh) {
    const base = baseOf(m);
    last = { base, view, sockets, fds, gs, pds, fdt: fdt.slice(), fdOfFile, counted, epAt, epFile };
  }
  return view;
}

/**
 * The view of the machine `prev` was built of: `prev`'s lists, with the rows of what was written since
 * built again as the whole build would, put in or taken out where an entity came or went. Undefined
 * when something this does not follow changed (an epoll or eventfd opened or closed, two fds on one
 * file, a client gone): the caller builds the whole view.
 */
function patched(m: Machine, step: number, dirty: Dirty, prev: Last): StateView | undefined {
  const reuse = shared;
  const pv = prev.view;
  for (const id of dirty.ep) if ((m.eps[id] === undefined) !== (prev.epAt[id] === undefined)) return;
  for (const id of dirty.client) if (m.clients[id - 1] === undefined) return;
  // Fd slots written: the fd table copy and fdOfFile follow, and the rows of the fds and of the
  // sockets whose files they name are built again.
  const fdt = m.proc.fds;
  const fdRows = new Set<number>(prev.counted);
  const sockRows = new Set<number>(dirty.sock);
  const sockOf = (file: number) => {
    const f = file >= 0 ? m.files[file] : undefined;
    if (f?.type === 'socket') sockRows.add(f.obj);
    return f;
  };
  for (const fd of dirty.fd) {
    const was = prev.fdt[fd] ?? -1;
    const now = fdt[fd] ?? -1;
    if (was === now) continue;
    fdRows.add(fd);
    if (namesCount(sockOf(was)) || namesCount(sockOf(now))) return;
    if (was >= 0 && prev.fdOfFile[was] === fd) delete prev.fdOfFile[was];
    if (now >= 0) {
      const other = prev.fdOfFile[now];
      if (other !== undefined && other !== fd && fdt[other] === now) return;
      prev.fdOfFile[now] = fd;
    }
    prev.fdt[fd] = now;
  }
  for (const id of dirty.file) {
    if (namesCount(sockOf(id))) return;
    const fd = prev.fdOfFile[id];
    if (fd !== undefined) fdRows.add(fd);
  }
  const fdOfFile = prev.fdOfFile;
  for (const id of sockRows) {
    const s = m.socks[id];
    const was = prev.sockets.at[id];
    if (was !== undefined && prev.sockets.rows[was].fd !== undefined) fdRows.add(prev.sockets.rows[was].fd!);
    if (s !== undefined && s.file >= 0 && fdOfFile[s.file] !== undefined) fdRows.add(fdOfFile[s.file]);
  }
  const sockets = mergeRows(prev.sockets, ascending(sockRows), (id) => {
    const s = m.socks[id];
    return s === undefined ? undefined : sockRow(reuse, s, s.file >= 0 ? fdOfFile[s.file] : undefined, false);
  });
  const fds = mergeRows(prev.fds, ascending(fdRows), (fd) => {
    const id = fdt[fd] ?? -1;
    const f = id >= 0 ? m.files[id] : undefined;
    return f === undefined ? undefined : fdRow(m, reuse, fd, f, undefined);
  });
  let epoll = pv.epoll;
  if (dirty.ep.size > 0) {
    epoll = Object.values(m.eps).map((e, i) =>
      dirty.ep.has(e.id) ? epollRow(reuse, e, prev.epFile[i], fdOfFile) : pv.epoll[i],
    );
  }
  const gs = mergeRows(prev.gs, ascending(dirty.g), (id) => {
    const g = m.rt.gs[id];
    return g === undefined ? undefined : gRow(reuse, g, false);
  });
  const pds = mergeRows(prev.pds, ascending(dirty.pd), (fd) => {
    const pd = m.rt.pds[fd];
    return pd === undefined ? undefined : pdRow(reuse, pd);
  });
  let clients = pv.clients;
  if (dirty.client.size > 0) {
    clients = clients.slice();
    for (const id of dirty.client) clients[id - 1] = clientRow(reuse, m.clients[id - 1], id - 1, false);
  }
  const lists = { sockets: sockets.rows, fds: fds.rows, epoll, gs: gs.rows, pollDescs: pds.rows, clients };
  const view = assemble(m, step, lists);
  prev.view = view;
  prev.sockets = sockets;
  prev.fds = fds;
  prev.gs = gs;
  prev.pds = pds;
  return view;
}

/**
 * An epoll or eventfd file: its fd's row names a count (fds watched, the counter) that changes without
 * a write to the file or its fd, so the row is built again at every view.
 */
function namesCount(f: OpenFile | undefined): boolean {
  return f?.type === 'epoll' || f?.type === 'eventfd';
}

/**
 * A socket's row: its last view when trusted (not written since the last view of this machine) and
 * still the same object, or when its fields read the same; otherwise a new one.
 */
function sockRow(reuse: Reuse, s: Sock, fd: number | undefined, trusted: boolean): SocketView {
  const last = reuse.socks[s.id];
  if (trusted && last !== undefined && reuse.sockObj[s.id] === s) return last;
  reuse.sockObj[s.id] = s;
  return last !== undefined && sameSock(last, s, fd) ? last : (reuse.socks[s.id] = freeze(sockView(s, fd)));
}

/**
 * Fd `fd`'s row (its open file f). `dirty`: what was written since the last view of this machine, when
 * no fd or file was: a socket's fd whose socket was not written keeps its row unchecked.
 */
function fdRow(m: Machine, reuse: Reuse, fd: number, f: OpenFile, dirty: Dirty | undefined): FdView {
  const sk = f.type === 'socket' ? m.socks[f.obj] : undefined;
  // Not written since the last view (viewdirty.ts), the same file and socket objects: the same view.
  if (
    dirty !== undefined &&
    reuse.fdFile[fd] === f &&
    reuse.fdSock[fd] === sk &&
    (sk === undefined ? !namesCount(f) : !dirty.sock.has(sk.id))
  ) {
    return reuse.fds[fd];
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
    return reuse.fds[fd];
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
  return v;
}

function epollRow(reuse: Reuse, e: Epoll, file: OpenFile | undefined, fdOfFile: number[]): EpollView {
  const interest: EpollView['interest'] = [];
  for (const it of epItemList(e)) {
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
}

/** A G's row: `trusted` as for sockRow. */
function gRow(reuse: Reuse, g: G, trusted: boolean): GView {
  const last = reuse.gs[g.id];
  if (trusted && last !== undefined && reuse.gObj[g.id] === g) return last;
  reuse.gObj[g.id] = g;
  return last !== undefined && sameG(last, g) ? last : (reuse.gs[g.id] = freeze(gView(g)));
}

function pdRow(reuse: Reuse, pd: PollDesc): StateView['sched']['pollDescs'][number] {
  const last = reuse.pds[pd.fd];
  if (last !== undefined && reuse.pdRg[pd.fd] === pd.rg && reuse.pdWg[pd.fd] === pd.wg) return last;
  reuse.pdRg[pd.fd] = pd.rg;
  reuse.pdWg[pd.fd] = pd.wg;
  return (reuse.pds[pd.fd] = freeze({ fd: pd.fd, rg: pdState(pd.rg), wg: pdState(pd.wg) }));
}

/** Client i's row (its id is i + 1): `trusted` as for sockRow. */
function clientRow(reuse: Reuse, c: Client, i: number, trusted: boolean): ClientView {
  const last = reuse.clients[i];
  if (trusted && last !== undefined && reuse.clientObj[i] === c) return last;
  reuse.clientObj[i] = c;
  if (last !== undefined && sameClient(last, c, reuse.clientIn[i])) return last;
  reuse.clientIn[i] = { addr: c.addr, port: c.port };
  return (reuse.clients[i] = freeze(clientView(c)));
}

/** The lists of a view, built or patched. */
interface Lists {
  sockets: SocketView[];
  fds: FdView[];
  epoll: EpollView[];
  gs: GView[];
  pollDescs: StateView['sched']['pollDescs'];
  clients: ClientView[];
}

/** The whole view: the lists, and the parts rebuilt every time (a handful of rows: NIC, Ps, Ms). */
function assemble(m: Machine, step: number, l: Lists): StateView {
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
    sockets: l.sockets,
    fds: l.fds,
    epoll: l.epoll,
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
      gs: l.gs,
      ...(poller ? { netpollWaiter: poller.tid } : {}),
      pollDescs: l.pollDescs,
    },
    clients: l.clients,
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
