/**
 * viewOf: the machine as the view model of viewtypes.ts — plain JSON for `run --at N --state` and the
 * TUI panes. It only reads the machine.
 */
import { maskNames } from './kernel/epoll.js';
import { segSummary } from './kernel/tcp.js';
import type { Machine, Ring } from './machine.js';
import { pdState } from './runtime/netpoll.js';
import type { RingView, SlotState, StateView } from './viewtypes.js';

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

export function viewOf(m: Machine, step: number): StateView {
  const fdOfFile: Record<number, number> = {};
  m.proc.fds.forEach((id, fd) => {
    if (id >= 0) fdOfFile[id] = fd;
  });
  const sockets = Object.values(m.socks).map((s) => {
    const fd = s.file >= 0 ? fdOfFile[s.file] : undefined;
    const base = {
      id: s.id,
      ...(fd !== undefined ? { fd } : {}),
      state: s.state,
      local: s.local || '(unbound)',
    };
    if (s.state === 'LISTEN')
      return { ...base, synq: s.synq.length, acceptq: s.acceptq.length, backlog: s.backlog };
    return {
      ...base,
      ...(s.remote ? { remote: s.remote } : {}),
      rcvq: s.rcvq,
      rcvCap: s.rcvCap,
      sndq: Math.max(0, s.writeSeq - s.sndUna),
      sndCap: s.sndCap,
      ...(s.conn ? { conn: s.conn } : {}),
    };
  });
  const fds = m.proc.fds.flatMap((id, fd) => {
    if (id < 0) return [];
    const f = m.files[id];
    if (!f) return [];
    let desc = f.name;
    if (f.type === 'socket') {
      const s = m.socks[f.obj];
      desc = s
        ? `TCP ${s.local || '(unbound)'}${s.remote ? ` ↔ ${s.remote}` : ''} (${s.state})`
        : 'TCP (closed)';
    } else if (f.type === 'epoll') desc = `epoll instance (${m.eps[f.obj]?.nitems ?? 0} fds watched)`;
    else if (f.type === 'eventfd') desc = `eventfd (netpollBreak), count ${m.evcount[f.obj] ?? 0}`;
    const flags = [f.nonblock ? 'O_NONBLOCK' : '', f.cloexec ? 'O_CLOEXEC' : ''].filter(Boolean).join('|');
    return [{ fd, type: f.type, desc, ...(flags ? { flags } : {}) }];
  });
  const epoll = Object.values(m.eps).map((e) => {
    const file = Object.values(m.files).find((f) => f.type === 'epoll' && f.obj === e.id);
    return {
      fd: file ? (fdOfFile[file.id] ?? -1) : -1,
      interest: Object.values(e.items).map((it) => ({
        fd: it.fd,
        events: maskNames(it.events, false),
        et: (it.events & 0x80000000) !== 0,
      })),
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
      gs: Object.values(rt.gs).map((g) => ({
        id: g.id,
        status: g.status,
        ...(g.status === 'waiting' ? { waitReason: g.waitReason } : {}),
        ...(g.m >= 0 ? { m: g.m } : {}),
        frames: g.frames.map((f) => ({ fn: f.fn, pc: f.pc })),
        label: g.label,
      })),
      ...(poller ? { netpollWaiter: poller.tid } : {}),
      pollDescs: Object.values(rt.pds).map((pd) => ({ fd: pd.fd, rg: pdState(pd.rg), wg: pdState(pd.wg) })),
    },
    clients: m.clients.map((c) => ({
      conn: c.conn,
      name: c.name,
      addr: `${c.addr}:${c.port}`,
      state: c.state,
      sent: c.sent,
      received: c.received,
      responses: c.responses,
      ...(c.statuses.length ? { lastStatus: c.statuses[c.statuses.length - 1] } : {}),
    })),
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
