/**
 * The simulation kernel's entry points (the SimEngine contract of api.ts): `boot` builds the machine from
 * a scenario; `step` pops the next event, applies it and appends the records it produced.
 *
 * Event handlers live with the thing they model (hw/, kernel/, runtime/, nethttp/); this file only
 * dispatches. It also registers every modelled Go function (the imports below have that side effect).
 */
import type { Scenario } from '../scenario/schema.js';
import type { Gauge, GaugeFilter, SimEngine, StepOptions } from './api.js';
import { cloneMachine } from './clone.js';
import { beginEvent, emit, endEvent, heapKeys, pop, resetCause, schedule } from './core.js';
import { familyBytes, release, snapshot } from './cow.js';
import { clientArrive, clientNew, clientNext, clientRead, clientRto, clientStart } from './hw/client.js';
import { napiPoll, nicDmaDone, nicIrq, nicRxArrive, nicXmit, ringNew } from './hw/nic.js';
import { sysRecord } from './kernel/syscalls.js';
import { tcpDelackTimer, tcpRetransmitTimer } from './kernel/tcp.js';
import type { Ev, G, Machine } from './machine.js';
import { COST, resolveParams } from './params.js';
import { mExec, timerFired } from './runtime/interp.js';
import { netpollWoken } from './runtime/netpoll.js';
import { allocm, futexWoken, mNext, runtimeMainThreads, sysmonTick } from './runtime/proc.js';
import { machineAt, whyKeys } from './steplog.js';
import type { TraceRecord } from './trace.js';
import { beginUndo, endUndo, undoEvent } from './undo.js';
import { viewOf } from './view.js';
import './nethttp/net.js';
import './nethttp/server.js';
import './nethttp/raw.js';

/** Virtual time after which a run stops even if events remain (a scenario can lower it). */
export const DEFAULT_MAX_TIME = 120_000_000_000;

function systemG(id: number, fn: string, label: string, waitReason: string): G {
  return {
    id,
    status: 'waiting',
    waitReason,
    frames: [
      { fn, pc: 0, v: {} },
      { fn: 'runtime.gopark', pc: 0, v: { pass: 1 } },
    ],
    m: -1,
    label,
    ret: { n: 0, err: '', s: '' },
    reason: '',
    waitFd: -1,
    stack: 2048,
    runStart: 0,
  };
}

/** A machine at time 0: the server process about to exec, the clients about to start. */
export function boot(sc: Scenario, seed?: number): Machine {
  const p = resolveParams(sc);
  const s = seed ?? sc.seed ?? 1;
  resetCause();
  const m: Machine = {
    scenario: sc.name,
    sc,
    p,
    now: 0,
    seq: 0,
    heap: [],
    heapT: [],
    heapS: [],
    maxTime: sc.maxTime ?? DEFAULT_MAX_TIME,
    rng: (s ^ 0x9e3779b9) >>> 0 || 1,
    nrec: 0,
    ended: false,
    nextSeg: 1,
    nextSock: 1,
    nextFile: 1,
    nic: {
      rx: ringNew(p.rxRing),
      tx: ringNew(p.txRing),
      napi: false,
      polled: 0,
      irqRx: 0,
      irqTx: 0,
      rxDropped: 0,
      txIrqPending: false,
      rxIrqPending: false,
      qdisc: [],
      txBusyUntil: 0,
    },
    socks: [],
    files: [],
    eps: {},
    evcount: {},
    proc: {
      pid: 1000,
      nextFd: 3,
      fds: [],
      nofile: p.nofile,
      user: sc.server?.user ?? 'root',
      exited: false,
      status: 0,
      message: '',
      log: [],
    },
    rt: {
      gs: [],
      ms: [],
      ps: [],
      globrunq: [],
      pidle: [],
      midle: [],
      nmspinning: 0,
      lastpoll: 1,
      netpollWaiters: 0,
      epfd: -1,
      evfd: -1,
      pollUntil: 0,
      pds: [],
      timers: [],
      nextG: 6,
      nextTid: 1001,
      sysmonIdle: 0,
      sysmonDelay: COST.sysmonMin,
      sysmonWait: false,
    },
    hconns: [],
    clients: [],
    stats: {
      framesSent: 0,
      framesDelivered: 0,
      framesDropped: 0,
      reqWritten: 0,
      reqRead: 0,
      respWritten: 0,
      respRead: 0,
      listenDrops: 0,
      retransmits: 0,
    },
    connSock: [],
    listeners: {},
    // instances: 2 — another copy of the program already holds the port; the simulated one starts second.
    taken: (sc.server?.instances ?? 1) > 1 ? [Number((sc.server?.listen ?? ':3000').split(':').pop())] : [],
    faultsFired: [],
  };
  for (const name of ['stdin', 'stdout', 'stderr']) {
    const id = m.nextFile++;
    m.files[id] = { id, type: 'stdio', obj: 0, name, nonblock: false, cloexec: false, off: 0, watchers: [] };
    m.proc.fds.push(id);
  }
  for (let i = 0; i < p.gomaxprocs; i++)
    m.rt.ps.push({
      id: i,
      status: i === 0 ? 'running' : 'idle',
      m: i === 0 ? 0 : -1,
      runnext: 0,
      runq: [],
      schedtick: 0,
    });
  for (let i = 1; i < p.gomaxprocs; i++) m.rt.pidle.push(i);
  m.rt.ms.push({
    id: 0,
    tid: 1000,
    p: 0,
    curg: 1,
    state: 'running',
    spinning: false,
    gen: 0,
    spc: 0,
    steal: -1,
    readied: [],
    pollTimeout: 0,
  });
  m.rt.gs[1] = {
    id: 1,
    status: 'running',
    waitReason: '',
    frames: [{ fn: 'runtime.main', pc: 0, v: {} }],
    m: 0,
    label: 'main',
    ret: { n: 0, err: '', s: '' },
    reason: '',
    waitFd: -1,
    stack: 8192,
    runStart: 0,
  };
  m.rt.gs[2] = systemG(2, 'runtime.forcegchelper', 'forcegc helper', 'force gc (idle)');
  m.rt.gs[3] = systemG(3, 'runtime.bgsweep', 'GC sweeper', 'GC sweep wait');
  m.rt.gs[4] = systemG(4, 'runtime.bgscavenge', 'GC scavenger', 'GC scavenge wait');
  m.rt.gs[5] = systemG(5, 'runtime.runfinq', 'finalizer', 'finalizer wait');
  schedule(m, 0, 'boot');
  // Clients: each entry opens `count` connections, `every` apart, from its own host.
  const specs = sc.clients ?? [];
  const port = Number((sc.server?.listen ?? ':3000').split(':').pop());
  let conn = 0;
  specs.forEach((c, i) => {
    const count = c.count ?? 1;
    for (let k = 0; k < count; k++) {
      conn++;
      const addr = c.host ?? `10.0.0.${2 + i}`;
      const name = c.name ?? (specs.length === 1 && count === 1 ? 'curl' : `client${conn}`);
      m.clients.push(
        clientNew(
          conn,
          i,
          count > 1 ? `${name}#${k + 1}` : name,
          addr,
          40000 + conn,
          c.latency ?? 10_000,
          `webserver:${port}`,
          p.mtu - 40,
        ),
      );
      schedule(m, (c.start ?? 1_000_000) + k * (c.every ?? 0), 'client.start', conn);
    }
  });
  return m;
}

/** execve and runtime start-up on M0; sysmon's thread. */
function bootProcess(m: Machine): void {
  const m0 = m.rt.ms[0];
  emit(m, {
    layer: 'app',
    kind: 'proc.start',
    m: 0,
    g: 1,
    p: 0,
    tid: m0.tid,
    text: () =>
      `The server binary starts (pid ${m.proc.pid}). The Go runtime initialises: GOMAXPROCS=${m.p.gomaxprocs} gives ${m.p.gomaxprocs} Ps; the main thread is M0 and runs G1 (runtime.main); the runtime's helper goroutines G2–G5 park at once.`,
    fn: 'runtime.rt0_go / schedinit — src/runtime/asm_amd64.s, proc.go',
  });
  const sysmon = allocm(m, 'sysmon', false);
  sysRecord(
    m,
    m0,
    'clone3',
    ['{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|…}', 88],
    { ret: sysmon.tid },
    `runtime.main starts sysmon on its own thread ${sysmon.tid} (M1); it runs without a P, watching for stuck syscalls, long-running Gs and an unpolled network.`,
  );
  schedule(m, COST.sysmonMin, 'sysmon');
  runtimeMainThreads(m, m0);
  mNext(m, m0, COST.runtimeInit);
}

function apply(m: Machine, ev: Ev): void {
  switch (ev.k) {
    case 'boot':
      return bootProcess(m);
    case 'm.exec': {
      const mm = m.rt.ms[ev.a];
      if (mm.gen !== ev.gen || m.proc.exited) return;
      return mExec(m, mm);
    }
    case 'm.wake': {
      const mm = m.rt.ms[ev.a];
      if (mm.gen !== ev.gen || m.proc.exited) return;
      if (mm.state === 'netpoll') return netpollWoken(m, mm, false);
      return futexWoken(m, mm);
    }
    case 'epoll.timeout': {
      const mm = m.rt.ms[ev.a];
      if (mm.gen !== ev.gen || mm.state !== 'netpoll' || m.proc.exited) return;
      return netpollWoken(m, mm, true);
    }
    case 'wire.arrive':
      return nicRxArrive(m, ev.seg!);
    case 'nic.dmaDone':
      return nicDmaDone(m, ev.a);
    case 'irq':
      return nicIrq(m, ev.a);
    case 'napi':
      return napiPoll(m);
    case 'nic.xmit':
      return nicXmit(m, ev.a);
    case 'client.arrive':
      return clientArrive(m, ev.seg!);
    case 'client.start':
      return clientStart(m, ev.a);
    case 'client.read':
      return clientRead(m, ev.a);
    case 'client.next':
      return clientNext(m, ev.a, ev.b);
    case 'client.rto':
      return clientRto(m, ev.a, ev.gen);
    case 'tcp.rto':
      return tcpRetransmitTimer(m, ev.a, ev.gen);
    case 'tcp.delack':
      return tcpDelackTimer(m, ev.a, ev.gen);
    case 'timer':
      return timerFired(m);
    case 'sysmon':
      if (!m.proc.exited) sysmonTick(m);
      return;
  }
}

/**
 * Applies the next event. False once no event is left (or the time limit passed). `text: false` skips
 * formatting sentences; a `log` tracks the step: records get `changes`, and the log keeps what each
 * record wrote (steplog.ts). An `undo` log gets what undoes the event (undo.ts).
 */
export function step(m: Machine, out: TraceRecord[], opts: StepOptions | boolean = true): boolean {
  if (m.ended) return false;
  const text = typeof opts === 'boolean' ? opts : (opts.text ?? true);
  const log = typeof opts === 'boolean' ? null : (opts.log ?? null);
  const undo = typeof opts === 'boolean' ? undefined : opts.undo;
  heapKeys(m);
  if (undo !== undefined) beginUndo(m);
  const ev = pop(m);
  if (!ev || ev.t > m.maxTime) {
    m.ended = true;
    if (undo !== undefined) {
      // No event was applied: the log keeps one entry per event, so this call leaves none (and m as it was).
      endUndo(undo);
      undoEvent(m, undo);
    }
    return false;
  }
  beginEvent(out, text, log, ev.c);
  m.now = ev.t;
  apply(m, ev);
  endEvent(m);
  if (undo !== undefined) endUndo(undo);
  return true;
}

/** The value of a watch gauge (api.ts). */
export function gauge(m: Machine, g: Gauge, f: GaugeFilter): number {
  const sockAt = (fd: number) => {
    const id = m.proc.fds[fd];
    const file = id !== undefined && id >= 0 ? m.files[id] : undefined;
    return file && file.type === 'socket' ? m.socks[file.obj] : undefined;
  };
  // Only the socket gauges walk the sockets (10,000 of them in c10k): the others must stay cheap.
  const socks = () =>
    f.fd !== undefined ? [sockAt(f.fd)].filter((s) => s !== undefined) : Object.values(m.socks);
  switch (g) {
    case 'acceptq':
      return socks().reduce((a, s) => a + s.acceptq.length, 0);
    case 'synq':
      return socks().reduce((a, s) => a + s.synq.length, 0);
    case 'rcvq':
      return socks().reduce((a, s) => a + s.rcvq, 0);
    case 'sndq':
      return socks().reduce((a, s) => a + Math.max(0, s.writeSeq - s.sndUna), 0);
    case 'rdllist':
      return Object.values(m.eps).reduce((a, e) => a + e.rdllist.length, 0);
    case 'runq': {
      const ps = f.p !== undefined ? m.rt.ps.filter((p) => p.id === f.p) : m.rt.ps;
      return ps.reduce((a, p) => a + p.runq.length + (p.runnext > 0 ? 1 : 0), 0);
    }
    case 'globrunq':
      return m.rt.globrunq.length;
    case 'rxring':
      return m.nic.rx.used;
    case 'txring':
      return m.nic.tx.used;
  }
}

export const engine: SimEngine<Machine> = {
  boot,
  step,
  clone: cloneMachine,
  snapshot,
  release,
  sharedBytes: familyBytes,
  view: (m, stepNo, log) => viewOf(log ? machineAt(m, log, stepNo) : m, stepNo),
  viewOnce: (m, stepNo, log) => viewOf(log ? machineAt(m, log, stepNo) : m, stepNo, { fresh: true }),
  at: (m, stepNo, log) => machineAt(m, log, stepNo),
  undo: undoEvent,
  whyKeys,
  gauge,
  emitted: (m) => m.nrec,
};

export type { Machine };
