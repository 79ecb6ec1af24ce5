/**
 * `--format schedtrace`: what a Go 1.23 program prints to stderr with `GODEBUG=schedtrace=X,scheddetail=1`
 * (src/runtime/proc.go `schedtrace`), every X milliseconds of the run's virtual clock. Field order,
 * spacing and brackets are Go's:
 *
 *   SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=3 spinningthreads=0 needspinning=0 idlethreads=0 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false
 *     P0: status=1 schedtick=3 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=0
 *     M1: p=nil curg=nil mallocing=0 throwing=0 preemptoff= locks=1 dying=0 spinning=false blocked=false lockedg=nil
 *     G1: status=4(IO wait) m=nil lockedm=nil
 *
 * Without scheddetail the line ends in the per-P run queue lengths, `runqueue=0 [0 0]`. As in Go, the
 * first line is printed when sysmon first wakes (its starttime, "0ms"), Ms are listed newest first
 * (allm), Gs in creation order including dead ones (allgs, status 6). Values the simulation does not
 * model print as a quiet program's would: needspinning=0, gcwaiting=false, mallocing=0, lockedg=nil.
 * `syscalltick` counts the system calls Go code made on that P (the runtime's own epoll_pwait, futex,
 * nanosleep and clone3 do not pass through entersyscall); `gfreecnt` counts Gs that exited on it;
 * the simulation keeps one timer heap, shown as P0's `timerslen`. sysmon's M holds sched.lock while
 * printing: `locks=1`. With schedtrace on, sysmon never parks (proc.go sysmon sleeps in sysmonwait only
 * `if debug.schedtrace <= 0`), so `sysmonwait=false` even where the simulated sysmon (which models a
 * program without GODEBUG) is asleep.
 */
import type { Machine } from '../sim/machine.js';
import { COST } from '../sim/params.js';
import type { Tapped, Visitor } from './capture.js';
import type { Scope } from './scope.js';
import type { Sink } from './sink.js';

/** Default X of schedtrace=X, in milliseconds (a hello run lasts about 1.2 ms of virtual time). */
export const DEFAULT_SCHEDTRACE_MS = 1;
const NS_PER_MS = 1_000_000;

/** runtime2.go: _Pidle 0, _Prunning 1. */
const P_STATUS: Record<string, number> = { idle: 0, running: 1 };
/** runtime2.go: _Gidle 0, _Grunnable 1, _Grunning 2, _Gsyscall 3, _Gwaiting 4, _Gdead 6. */
const G_STATUS: Record<string, number> = {
  idle: 0,
  runnable: 1,
  running: 2,
  syscall: 3,
  waiting: 4,
  dead: 6,
};
/** Syscalls the runtime makes itself, outside entersyscall/exitsyscall. */
const RUNTIME_SYSCALLS = new Set(['epoll_pwait', 'futex', 'nanosleep', 'clone3', 'tgkill']);

export interface SchedtraceOptions {
  intervalMs: number;
  detail: boolean;
}

export class SchedtraceWriter implements Visitor {
  private start = -1;
  private next = 0;
  private readonly syscallTick: number[] = [];
  private readonly gfree: number[] = [];
  /** G ids that have exited: still listed, as Go's allgs keeps them. */
  private readonly dead = new Set<number>();
  private lastStep = -1;
  /** Blocks for ticks before the next event; written only if that event makes records, so the
   * export ends with the run's last step, not with sysmon idling on to the time limit. */
  private pending: string[] = [];

  constructor(
    private readonly scope: Scope,
    private readonly out: Sink,
    private readonly o: SchedtraceOptions,
  ) {}

  before(m: Machine, t: number): void {
    if (this.start < 0) {
      if (m.rt.ms.length < 2) return; // sysmon (M1) not started yet
      this.start = m.now + COST.sysmonMin;
      this.next = this.start;
    }
    while (this.next <= t) {
      if (this.lastStep >= this.scope.from && this.lastStep <= this.scope.to)
        this.pending.push(this.lines(m, this.next));
      this.next += this.o.intervalMs * NS_PER_MS;
    }
  }

  event(t: Tapped): void {
    for (const block of this.pending) this.out.write(block);
    this.pending = [];
    for (const r of t.recs) {
      this.lastStep = r.step;
      if (
        r.kind === 'syscall' &&
        r.p !== undefined &&
        r.g !== undefined &&
        !RUNTIME_SYSCALLS.has(r.syscall ?? '')
      )
        this.syscallTick[r.p] = (this.syscallTick[r.p] ?? 0) + 1;
      if (r.kind === 'go.exit' && r.g !== undefined) {
        this.dead.add(r.g);
        if (r.p !== undefined) this.gfree[r.p] = (this.gfree[r.p] ?? 0) + 1;
      }
    }
  }

  finish(): void {}

  /** The block Go prints at virtual time `t`. */
  lines(m: Machine, t: number): string {
    const rt = m.rt;
    let s =
      `SCHED ${Math.floor((t - this.start) / NS_PER_MS)}ms: gomaxprocs=${rt.ps.length} idleprocs=${rt.pidle.length}` +
      ` threads=${rt.ms.length} spinningthreads=${rt.nmspinning} needspinning=0 idlethreads=${rt.midle.length}` +
      ` runqueue=${rt.globrunq.length}`;
    if (!this.o.detail) return `${s} [${rt.ps.map((p) => p.runq.length).join(' ')}]\n`;
    s += ` gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false\n`;
    for (const p of rt.ps) {
      s +=
        `  P${p.id}: status=${P_STATUS[p.status] ?? 0} schedtick=${p.schedtick} syscalltick=${this.syscallTick[p.id] ?? 0}` +
        ` m=${p.m >= 0 ? p.m : 'nil'} runqsize=${p.runq.length} gfreecnt=${this.gfree[p.id] ?? 0}` +
        ` timerslen=${p.id === 0 ? rt.timers.length : 0}\n`;
    }
    for (let i = rt.ms.length - 1; i >= 0; i--) {
      const mm = rt.ms[i];
      s +=
        `  M${mm.id}: p=${mm.p >= 0 ? mm.p : 'nil'} curg=${mm.curg > 0 ? mm.curg : 'nil'} mallocing=0 throwing=0 preemptoff=` +
        ` locks=${mm.state === 'sysmon' ? 1 : 0} dying=0 spinning=${mm.spinning} blocked=${mm.state === 'idle'} lockedg=nil\n`;
    }
    const ids = new Set<number>(this.dead);
    for (const k of Object.keys(rt.gs)) ids.add(Number(k));
    for (const id of [...ids].sort((a, b) => a - b)) {
      const g = rt.gs[id];
      const status = g ? (G_STATUS[g.status] ?? 4) : 6;
      const why = g && g.status === 'waiting' ? g.waitReason : '';
      const onM = g && g.status === 'running' && g.m >= 0 ? String(g.m) : 'nil';
      s += `  G${id}: status=${status}(${why}) m=${onM} lockedm=nil\n`;
    }
    return s;
  }
}
