/**
 * `--format perfetto`: the run as Chrome JSON trace events, for ui.perfetto.dev (Open trace file) or
 * chrome://tracing. One process per layer, one track per thing:
 *
 *   eth0            RX ring, TX ring, hard IRQ, kernel TCP/IP (softirq and socket calls); ring counters
 *   kernel          counters: each listener's acceptq and synq, each connection's rcvq and sndq,
 *                   each epoll instance's ready list
 *   server (pid N)  one track per OS thread (M): its syscalls as slices entry → return (timing.ts),
 *                   the runtime's and net/http's steps on it
 *   Go Ps           one track per P: which G runs on it; counters: each P's run queue, the global queue
 *   goroutines      one track per G: its run slices
 *   wire, clients   each connection's frames and what its client did
 *
 * Every slice is an `X` event with `args` { step, conn, fd, g, text }; slices on one track never cross,
 * so they nest. Each request is one flow (v2: the same numeric `bind_id` on every slice of it,
 * `flow_out` on all but the last, `flow_in` on all but the first): from the first frame of the request
 * (its connection's SYN for the first request) through the IRQ, TCP, the accept queue, epoll, the
 * netpoller, the goroutine, the handler, the write, the TX ring, to the client reading the complete
 * response — so Perfetto's `]`/`[` follow it across every layer.
 *
 * Which connection a step belongs to: its `conn`, else the connection of its fd (from accept4) or of
 * its goroutine (from `go c.serve`), else the fd a ready list or epoll_pwait names, else the step before
 * it in the same event; a hard IRQ belongs to the frame DMA'd just before it.
 */
import type { Machine } from '../sim/machine.js';
import type { TraceRecord } from '../sim/trace.js';
import type { Tapped, Visitor } from './capture.js';
import type { Scope } from './scope.js';
import type { Sink } from './sink.js';
import { SyscallClock } from './timing.js';

const PID_NIC = 1;
const PID_KERNEL = 2;
const PID_PS = 3;
const PID_GS = 4;
const PID_WIRE = 5;
const PID_CLIENTS = 6;
const TID_RX = 1;
const TID_TX = 2;
const TID_IRQ = 3;
const TID_NET = 4;
/** Counters are process-scoped: they use tid 0. */
const TID_COUNTERS = 0;

/** One trace event of the Trace Event Format. */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'C' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
  bind_id?: number;
  flow_in?: boolean;
  flow_out?: boolean;
}

function us(ns: number): number {
  return ns / 1000;
}

interface Run {
  g: number;
  p: number;
  start: number;
  step: number;
}

export class PerfettoWriter implements Visitor {
  private first = true;
  private readonly named = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly clock = new SyscallClock();
  private readonly fdConn = new Map<number, number>();
  private readonly gConn = new Map<number, number>();
  private readonly readyConn = new Map<number, number>();
  private dmaConn: number | undefined;
  /** Open flows: connection → slices so far. */
  private readonly flows = new Map<number, TraceEvent[]>();
  /** Connections whose next flow starts at their next frame with data (not at any frame). */
  private readonly served = new Set<number>();
  private nextFlow = 1;
  private readonly runs = new Map<number, Run>();
  private readonly pRun = new Map<number, number>();

  constructor(
    private readonly scope: Scope,
    private readonly out: Sink,
  ) {
    this.out.write('{"displayTimeUnit":"ns","traceEvents":[\n');
    this.meta(PID_NIC, 'process_name', 'eth0 (NIC, driver, kernel TCP/IP)');
    this.meta(PID_KERNEL, 'process_name', 'kernel sockets and epoll');
    this.meta(PID_PS, 'process_name', 'Go Ps');
    this.meta(PID_GS, 'process_name', 'goroutines');
    this.meta(PID_WIRE, 'process_name', 'wire (eth0 ↔ clients)');
    this.meta(PID_CLIENTS, 'process_name', 'clients');
    this.thread(PID_NIC, TID_RX, 'RX ring (DMA)');
    this.thread(PID_NIC, TID_TX, 'TX ring');
    this.thread(PID_NIC, TID_IRQ, 'hard IRQ');
    this.thread(PID_NIC, TID_NET, 'kernel TCP/IP (softirq, socket calls)');
  }

  private emit(e: TraceEvent): void {
    this.out.write(`${this.first ? '' : ',\n'}${JSON.stringify(e)}`);
    this.first = false;
  }

  private meta(pid: number, name: 'process_name' | 'thread_name', value: string, tid = 0): void {
    this.emit({ name, ph: 'M', pid, tid, args: { name: value } });
  }

  private thread(pid: number, tid: number, name: string): void {
    const key = `${pid}/${tid}`;
    if (this.named.has(key)) return;
    this.named.add(key);
    this.meta(pid, 'thread_name', name, tid);
  }

  private counter(pid: number, name: string, value: number, t: number): void {
    if (this.counters.get(name) === value) return;
    this.counters.set(name, value);
    this.emit({ name, ph: 'C', pid, tid: TID_COUNTERS, ts: us(t), args: { value } });
  }

  /** The connection a record belongs to (see the file comment); `prev`: the one before it in its event. */
  private relate(r: TraceRecord, prev: number | undefined): number | undefined {
    if (r.kind === 'syscall' && r.syscall === 'accept4' && r.conn !== undefined && r.ret !== undefined)
      this.fdConn.set(r.ret, r.conn);
    if (r.kind === 'go.create' && r.conn !== undefined && r.g !== undefined) this.gConn.set(r.g, r.conn);
    let c = r.conn;
    if (c === undefined && r.fd !== undefined && r.kind !== 'epoll.ready') c = this.fdConn.get(r.fd);
    if (c === undefined && r.g !== undefined && r.kind !== 'syscall') c = this.gConn.get(r.g);
    if (r.kind === 'epoll.ready' && r.fd !== undefined) {
      c ??= this.fdConn.get(r.fd) ?? prev;
      if (c !== undefined) this.readyConn.set(r.fd, c);
    }
    if (c === undefined && r.syscall === 'epoll_pwait') {
      for (const m of String(r.args?.[1] ?? '').matchAll(/fd (\d+)/g)) {
        c = this.readyConn.get(Number(m[1]));
        if (c !== undefined) break;
      }
    }
    if (r.kind === 'nic.dma') this.dmaConn = r.conn;
    if (c === undefined && r.kind === 'irq' && r.ring === 'rx') {
      c = this.dmaConn;
      this.dmaConn = undefined;
    }
    if (c === undefined && r.layer === 'runtime') c = prev;
    if (r.syscall === 'close' && r.fd !== undefined) this.fdConn.delete(r.fd);
    return c;
  }

  /** The track a record's slice goes on. */
  private track(r: TraceRecord, m: Machine): [number, number] {
    switch (r.layer) {
      case 'wire':
        this.thread(PID_WIRE, r.conn ?? 0, r.conn ? `conn ${r.conn}` : 'wire');
        return [PID_WIRE, r.conn ?? 0];
      case 'client':
        this.thread(PID_CLIENTS, r.conn ?? 0, connName(m, r.conn));
        return [PID_CLIENTS, r.conn ?? 0];
      case 'nic':
        if (r.kind === 'irq') return [PID_NIC, TID_IRQ];
        return [PID_NIC, r.ring === 'tx' || r.kind === 'nic.tx' ? TID_TX : TID_RX];
    }
    const mm = r.m !== undefined ? m.rt.ms[r.m] : undefined;
    const tid = r.tid ?? mm?.tid;
    if (tid !== undefined && (r.kind === 'syscall' || r.layer === 'runtime' || r.layer === 'app')) {
      if (!this.named.has(`${m.proc.pid}`)) {
        this.named.add(`${m.proc.pid}`);
        this.meta(m.proc.pid, 'process_name', `server (pid ${m.proc.pid}): one track per OS thread`);
      }
      this.thread(m.proc.pid, tid, `M${mm?.id ?? '?'} (thread ${tid})`);
      return [m.proc.pid, tid];
    }
    return [PID_NIC, TID_NET];
  }

  event(t: Tapped, m: Machine): void {
    let prev: number | undefined;
    const conns = new Set<number>();
    for (const r of t.recs) {
      const start = r.kind === 'syscall' ? this.clock.entry(r) : r.t_ns;
      this.clock.saw(r);
      const c = this.relate(r, prev);
      prev = c;
      if (c !== undefined) conns.add(c);
      this.runSlices(r, m);
      if (!this.scope.keeps(r)) continue;
      const [pid, tid] = this.track(r, m);
      const args: Record<string, unknown> = { step: r.step };
      if (c !== undefined) args.conn = c;
      if (r.fd !== undefined) args.fd = r.fd;
      if (r.g !== undefined) args.g = r.g;
      args.text = r.text;
      const e: TraceEvent = {
        name: sliceName(r),
        cat: r.layer,
        ph: 'X',
        pid,
        tid,
        ts: us(start),
        dur: us(r.t_ns - start),
        args,
      };
      if (c === undefined || !this.flowStep(r, c, e)) this.emit(e);
    }
    this.sample(m, conns);
  }

  /** Adds a slice to its connection's flow; false when it belongs to none (emit it now). */
  private flowStep(r: TraceRecord, c: number, e: TraceEvent): boolean {
    let flow = this.flows.get(c);
    const toServer = r.kind === 'wire.rx' && r.bytes !== undefined;
    if (!flow && toServer && (!this.served.has(c) || (r.bytes ?? 0) > 0)) {
      flow = [];
      this.flows.set(c, flow);
    }
    if (!flow) return false;
    flow.push(e);
    if (r.kind === 'client.recv' && r.text.includes(' reads the complete response')) this.closeFlow(c);
    return true;
  }

  private closeFlow(c: number): void {
    const flow = this.flows.get(c);
    if (!flow) return;
    this.flows.delete(c);
    this.served.add(c);
    if (flow.length >= 2) {
      const id = this.nextFlow++;
      flow.forEach((e, i) => {
        e.bind_id = id;
        if (i > 0) e.flow_in = true;
        if (i < flow.length - 1) e.flow_out = true;
      });
    }
    for (const e of flow) this.emit(e);
  }

  /** A G's run on a P: from go.run to its park or exit (or the next G on that P). */
  private runSlices(r: TraceRecord, m: Machine): void {
    if (r.g === undefined) return;
    if (r.kind === 'go.run' && r.p !== undefined) {
      const other = this.pRun.get(r.p);
      if (other !== undefined) this.endRun(other, r.t_ns, m);
      const mine = this.runs.get(r.g);
      if (mine) this.endRun(r.g, r.t_ns, m);
      this.runs.set(r.g, { g: r.g, p: r.p, start: r.t_ns, step: r.step });
      this.pRun.set(r.p, r.g);
    } else if (r.kind === 'go.park' || r.kind === 'go.exit') this.endRun(r.g, r.t_ns, m);
  }

  private endRun(g: number, t: number, m: Machine): void {
    const run = this.runs.get(g);
    if (!run) return;
    this.runs.delete(g);
    if (this.pRun.get(run.p) === g) this.pRun.delete(run.p);
    if (!this.scope.inRange(run.step)) return;
    const label = m.rt.gs[g]?.label;
    const name = label ? `G${g} ${label}` : `G${g}`;
    this.thread(PID_PS, run.p, `P${run.p}`);
    this.thread(PID_GS, g, name);
    const args = { step: run.step, g };
    this.emit({
      name,
      cat: 'runtime',
      ph: 'X',
      pid: PID_PS,
      tid: run.p,
      ts: us(run.start),
      dur: us(t - run.start),
      args,
    });
    this.emit({
      name: `running on P${run.p}`,
      cat: 'runtime',
      ph: 'X',
      pid: PID_GS,
      tid: g,
      ts: us(run.start),
      dur: us(t - run.start),
      args,
    });
  }

  /** Counters that may have changed in this event. */
  private sample(m: Machine, conns: Set<number>): void {
    const t = m.now;
    this.counter(PID_NIC, 'RX ring used', m.nic.rx.used, t);
    this.counter(PID_NIC, 'TX ring used', m.nic.tx.used, t);
    for (const id of Object.values(m.listeners)) {
      const l = m.socks[id];
      if (!l) continue;
      this.counter(PID_KERNEL, `listener :${l.port} acceptq`, l.acceptq.length, t);
      this.counter(PID_KERNEL, `listener :${l.port} synq`, l.synq.length, t);
    }
    for (const c of conns) {
      const s = m.socks[m.connSock[c]];
      if (!s) continue;
      this.counter(PID_KERNEL, `conn ${c} rcvq`, s.rcvq, t);
      this.counter(PID_KERNEL, `conn ${c} sndq`, Math.max(0, s.writeSeq - s.sndUna), t);
    }
    for (const ep of Object.values(m.eps))
      this.counter(PID_KERNEL, `epoll ${ep.fd} ready list`, ep.rdllist.length, t);
    for (const p of m.rt.ps)
      this.counter(PID_PS, `P${p.id} runq`, p.runq.length + (p.runnext > 0 ? 1 : 0), t);
    this.counter(PID_PS, 'global runq', m.rt.globrunq.length, t);
  }

  finish(m: Machine): void {
    for (const g of [...this.runs.keys()]) this.endRun(g, m.now, m);
    for (const c of [...this.flows.keys()]) this.closeFlow(c);
    this.out.write('\n]}\n');
  }
}

function connName(m: Machine, conn: number | undefined): string {
  const c = conn ? m.clients[conn - 1] : undefined;
  return c ? `${c.name} ${c.addr}:${c.port} (conn ${conn})` : 'clients';
}

/** A short slice title: the syscall, or the kind with its flags. */
function sliceName(r: TraceRecord): string {
  if (r.kind === 'syscall') return r.errno ? `${r.syscall} ${r.errno}` : (r.syscall ?? 'syscall');
  if (r.flags) return `${r.kind} ${r.flags}${r.bytes ? ` ${r.bytes} B` : ''}`;
  return r.kind;
}
