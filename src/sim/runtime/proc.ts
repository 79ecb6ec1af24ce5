/**
 * The Go scheduler (runtime/proc.go): Gs (goroutines), Ms (OS threads) and Ps (processors, GOMAXPROCS
 * of them). An M needs a P to run Go code. Each P has a local run queue of 256 slots plus `runnext`;
 * there is one global run queue. Idle Ps and idle Ms sit on `pidle` / `midle`.
 *
 * An M without a G runs `schedule` → `findRunnable`, modelled as stages on `m.spc`, one visible step per
 * event: 0 top (timers, the 61st-tick global check, runnext, local queue, global queue, a non-blocking
 * netpoll), 1 steal (4 passes; a victim's runnext only on the last, after a 3 µs back-off), 3 the
 * back-off's end, 2 drop the P and either block in netpoll or sleep (stopm).
 */
import { emit, type RecordDraft, random, schedule, touch } from '../core.js';
import { sysRecord } from '../kernel/syscalls.js';
import type { G, M, Machine, P } from '../machine.js';
import { COST, GO } from '../params.js';
import { netpollBlock, netpollNonBlocking } from './netpoll.js';

export const CONT = 0;
export const PARKED = -1;
export const EXITED = -2;
export const BLOCKED = -3;

/** The display-only frame a parked G shows on top of its stack (gopark, src/runtime/proc.go). */
export const GOPARK_FRAME = 'runtime.gopark';

/** The M's next step, `delay` ns from now. */
export function mNext(m: Machine, mm: M, delay: number): void {
  schedule(m, delay, 'm.exec', mm.id, 0, mm.gen);
}

function gDesc(g: G): string {
  return `G${g.id} (${g.label})`;
}

/** runqput (runtime/proc.go): next=true puts g in runnext, kicking the old runnext to the tail. */
export function runqput(m: Machine, pp: P, gid: number, next: boolean): void {
  touch(m, 'p', pp.id);
  if (next) {
    const old = pp.runnext;
    pp.runnext = gid;
    if (old <= 0) return;
    gid = old;
  }
  if (pp.runq.length < GO.runqSize) {
    pp.runq.push(gid);
    return;
  }
  runqputslow(m, pp, gid);
}

/** runqputslow: the local queue is full, so half of it and g move to the global queue. */
function runqputslow(m: Machine, pp: P, gid: number): void {
  touch(m, 'globrunq', 0);
  const batch = pp.runq.splice(0, pp.runq.length >> 1);
  batch.push(gid);
  m.rt.globrunq.push(...batch);
  emit(m, {
    layer: 'runtime',
    kind: 'sched.global',
    p: pp.id,
    text: () =>
      `runqputslow: P${pp.id}'s local run queue is full (${GO.runqSize}); half of it plus G${gid} (${batch.length} Gs) move to the global run queue (${m.rt.globrunq.length}).`,
    fn: 'runtime.runqputslow — src/runtime/proc.go',
  });
}

/** runqget: runnext first, then the local queue's head. */
function runqget(m: Machine, pp: P): number {
  touch(m, 'p', pp.id);
  if (pp.runnext > 0) {
    const g = pp.runnext;
    pp.runnext = 0;
    return g;
  }
  return pp.runq.shift() ?? 0;
}

/** globrunqget: a fair share of the global queue; the first to run, the rest to the local queue. */
function globrunqget(m: Machine, pp: P, max: number): number {
  const q = m.rt.globrunq;
  if (q.length === 0) return 0;
  touch(m, 'globrunq', 0);
  let n = Math.min(q.length, Math.floor(q.length / m.p.gomaxprocs) + 1, max, GO.runqSize >> 1);
  const first = q.shift()!;
  while (--n > 0) runqput(m, pp, q.shift()!, false);
  return first;
}

/**
 * schedule → resetspinning → execute (runtime/proc.go): a spinning M that found work first stops
 * spinning and wakes another M to keep looking (its futex/clone3 record comes first), then marks g
 * running on mm and emits go.run, which claims the G, M and P changes.
 */
export function execute(m: Machine, mm: M, gid: number, how: string): void {
  const g = m.rt.gs[gid];
  const pp = m.rt.ps[mm.p];
  const wasSpinning = mm.spinning;
  if (wasSpinning) resetspinning(m, mm);
  touch(m, 'g', gid);
  touch(m, 'm', mm.id);
  touch(m, 'p', pp.id);
  mm.spinning = false;
  g.status = 'running';
  g.m = mm.id;
  g.runStart = m.now;
  mm.curg = gid;
  mm.state = 'running';
  pp.schedtick++;
  emit(m, {
    layer: 'runtime',
    kind: 'go.run',
    g: gid,
    m: mm.id,
    p: pp.id,
    tid: mm.tid,
    text: () =>
      `schedule: M${mm.id} (thread ${mm.tid}) on P${pp.id} runs ${gDesc(g)}, ${how}${wasSpinning ? '; the M stops spinning' : ''}.`,
    fn: 'runtime.execute — src/runtime/proc.go',
  });
  mNext(m, mm, COST.runtime);
}

/**
 * resetspinning (runtime/proc.go): a spinning M found work; it leaves the spinning count and wakes
 * another M to keep looking. Its own `spinning` flag is cleared by execute, under go.run.
 */
function resetspinning(m: Machine, mm: M): void {
  m.rt.nmspinning--;
  wakep(m, mm);
}

/** acquirep: associate P with M. */
export function acquirep(m: Machine, mm: M, pid: number): void {
  const pp = m.rt.ps[pid];
  touch(m, 'p', pid);
  touch(m, 'm', mm.id);
  pp.status = 'running';
  pp.m = mm.id;
  mm.p = pid;
  if (m.rt.sysmonWait) {
    m.rt.sysmonWait = false;
    schedule(m, COST.sysmonMin, 'sysmon');
  }
}

/** releasep + pidleput: the P goes idle. */
function releasep(m: Machine, mm: M): void {
  const pp = m.rt.ps[mm.p];
  touch(m, 'p', pp.id);
  touch(m, 'm', mm.id);
  pp.status = 'idle';
  pp.m = -1;
  m.rt.pidle.push(pp.id);
  mm.p = -1;
}

/** pidleget: the most recently idled P (sched.pidle is a LIFO list). */
function pidleget(m: Machine): number {
  return m.rt.pidle.pop() ?? -1;
}

/** wakep: if there is an idle P and no M is spinning, start one spinning M. */
export function wakep(m: Machine, mm: M): void {
  if (m.rt.nmspinning !== 0 || m.rt.pidle.length === 0) return;
  m.rt.nmspinning++;
  startm(m, mm, pidleget(m), true, 'wakep: there is an idle P and no spinning M');
}

/** allocm (runtime/proc.go): a new M record on the next thread id, in `state`, with no P or G. */
export function allocm(m: Machine, state: M['state'], spinning: boolean): M {
  const nm: M = {
    id: m.rt.ms.length,
    tid: m.rt.nextTid++,
    p: -1,
    curg: -1,
    state,
    spinning,
    gen: 0,
    spc: 0,
    steal: -1,
    readied: [],
    pollTimeout: 0,
  };
  touch(m, 'm', nm.id);
  m.rt.ms.push(nm);
  return nm;
}

/**
 * newm (runtime/proc.go): a new M on a new OS thread (newosproc → clone3), made by `caller`. With a P it
 * starts running it (startm's case); without one (start-up's helper threads) its mstart → schedule
 * takes an idle P if there is one, else parks in stopm. The thread runs `COST.newm` later.
 */
export function newm(
  m: Machine,
  caller: M,
  o: { pid: number; spinning: boolean; why: string; template?: boolean },
): M {
  const nm = allocm(m, 'new', o.spinning);
  if (o.pid >= 0) acquirep(m, nm, o.pid);
  sysRecord(
    m,
    caller,
    'clone3',
    ['{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|…}', 88],
    { ret: nm.tid },
    o.pid >= 0
      ? `newm: ${o.why}, but no M is idle, so the runtime creates OS thread ${nm.tid} (M${nm.id}) to run P${o.pid}.`
      : `newm: ${o.why}; the runtime creates OS thread ${nm.tid} (M${nm.id}).`,
  );
  // The template thread (templateThread) never schedules Gs: it sleeps on newmHandoff.wake at once.
  if (o.template) nm.state = 'idle';
  else mNext(m, nm, COST.newm);
  return nm;
}

/**
 * The Ms runtime.main makes before main.main (runtime/proc.go main and init, mgc.go gcenable), as an
 * strace of a Go 1.23 net/http server shows them: 4–5 clone3 before the first socket(), none while a
 * request is served. After sysmon: runtime's init runs `go forcegchelper()`, and newproc's wakep
 * starts a spinning M for the idle P; gcenable's `<-c` blocks G1 while it is locked to M0
 * (lockOSThread during init), so handoffp starts another M; a cgo binary (net's resolver links libc)
 * starts the template thread. The first two find nothing to do and park in stopm, on the idle list
 * where the request path's startm finds them (a futex wake, not a clone3).
 */
export function runtimeMainThreads(m: Machine, m0: M): void {
  if (m.rt.pidle.length > 0 && m.rt.nmspinning === 0) {
    m.rt.nmspinning++;
    startm(
      m,
      m0,
      pidleget(m),
      true,
      "runtime's init runs `go forcegchelper()`: newproc → wakep finds an idle P and no spinning M",
    );
  }
  newm(m, m0, {
    pid: -1,
    spinning: false,
    why: 'gcenable starts bgsweep and bgscavenge and waits for them in `<-c`; G1 is locked to M0 while init runs (lockOSThread), so stoplockedm → handoffp → startm hands P0 to another M, and none is idle',
  });
  newm(m, m0, {
    pid: -1,
    spinning: false,
    template: true,
    why: 'the binary uses cgo (net links libc for its resolver), so runtime.main starts the template thread (startTemplateThread); it sleeps on newmHandoff.wake until a locked thread needs a new M',
  });
}

/** startm: run P on an idle M (futex wake), or create a new M (clone3) when none is idle. */
export function startm(m: Machine, caller: M, pid: number, spinning: boolean, why: string): void {
  const nid = m.rt.midle.pop();
  if (nid === undefined) {
    newm(m, caller, { pid, spinning, why });
    return;
  }
  const nm = m.rt.ms[nid];
  touch(m, 'm', nm.id);
  nm.spinning = spinning;
  nm.state = spinning ? 'spinning' : 'running';
  nm.spc = 0;
  acquirep(m, nm, pid);
  sysRecord(
    m,
    caller,
    'futex',
    ['&m.park', 'FUTEX_WAKE_PRIVATE', 1],
    { ret: 1 },
    `startm: ${why}; the runtime wakes idle thread ${nm.tid} (M${nm.id}) to run P${pid}${spinning ? ' and look for work' : ''}.`,
  );
  schedule(m, COST.futexWake, 'm.wake', nm.id, 0, nm.gen);
}

/** gopark: the running G stops; its M goes back to schedule(). */
export function gopark(
  m: Machine,
  mm: M,
  g: G,
  waitReason: string,
  reason: string,
  why: string,
  fd = -1,
): number {
  touch(m, 'g', g.id);
  touch(m, 'm', mm.id);
  g.status = 'waiting';
  g.waitReason = waitReason;
  g.reason = reason;
  g.waitFd = fd;
  g.m = -1;
  mm.curg = -1;
  mm.spc = 0;
  g.frames.push({ fn: GOPARK_FRAME, pc: 0, v: { pass: 1 } });
  const rec: RecordDraft = {
    layer: 'runtime',
    kind: 'go.park',
    g: g.id,
    m: mm.id,
    p: mm.p,
    tid: mm.tid,
    reason,
    text: () => `gopark: ${gDesc(g)} parks (${waitReason}): ${why}. M${mm.id} goes back to the scheduler.`,
    fn: 'runtime.gopark — src/runtime/proc.go',
  };
  if (fd >= 0) rec.fd = fd;
  emit(m, rec);
  return PARKED;
}

/**
 * goready → ready (runtime/proc.go): a waiting G becomes runnable in the current P's runnext (or, on an
 * M without a P, the global queue); go.ready claims both; then wakep.
 */
export function goready(m: Machine, mm: M, gid: number, why: string): void {
  const g = m.rt.gs[gid];
  touch(m, 'g', gid);
  g.status = 'runnable';
  if (mm.p >= 0) runqput(m, m.rt.ps[mm.p], gid, true);
  else {
    touch(m, 'globrunq', 0);
    m.rt.globrunq.push(gid);
  }
  const rec: RecordDraft = {
    layer: 'runtime',
    kind: 'go.ready',
    g: gid,
    m: mm.id,
    tid: mm.tid,
    reason: g.reason,
    text: () =>
      `goready: ${why}: ${gDesc(g)} becomes runnable${mm.p >= 0 ? ` in P${mm.p}'s runnext` : ' on the global run queue'}.`,
    fn: 'runtime.goready — src/runtime/proc.go',
  };
  if (mm.p >= 0) rec.p = mm.p;
  if (g.waitFd >= 0) rec.fd = g.waitFd;
  emit(m, rec);
  if (mm.p >= 0) wakep(m, mm);
}

/**
 * injectglist (runtime/proc.go): Gs readied by netpoll become runnable; as many as there are idle Ps go
 * to the global queue (all of them on an M without a P) and idle Ps get Ms; the rest go to this P's
 * local queue. One go.ready per G claims its status and its queue slot.
 */
export function injectglist(m: Machine, mm: M, list: number[]): void {
  if (list.length === 0) return;
  const nidle = Math.min(list.length, m.rt.pidle.length);
  const toGlobal = mm.p < 0 ? list.length : nidle;
  list.forEach((gid, i) => {
    const g = m.rt.gs[gid];
    touch(m, 'g', gid);
    g.status = 'runnable';
    const global = i < toGlobal;
    if (global) {
      touch(m, 'globrunq', 0);
      m.rt.globrunq.push(gid);
    } else runqput(m, m.rt.ps[mm.p], gid, false);
    readyRecord(m, mm, g, {
      how: global ? 'on the global run queue' : `in P${mm.p}'s local run queue`,
      fn: 'runtime.injectglist — src/runtime/proc.go',
    });
  });
  for (let i = 0; i < nidle; i++) {
    const pid = pidleget(m);
    if (pid < 0) break;
    startm(m, mm, pid, false, `injectglist: ${list.length} Gs became runnable`);
  }
}

/** checkTimers: run due timers (time.Sleep wake-ups) onto this P. */
function checkTimers(m: Machine, mm: M): void {
  const due = m.rt.timers.filter((t) => t.when <= m.now);
  if (due.length === 0) return;
  m.rt.timers = m.rt.timers.filter((t) => t.when > m.now);
  for (const t of due) {
    const g = m.rt.gs[t.g];
    if (g?.status !== 'waiting') continue;
    goready(m, mm, t.g, `the timer of ${g.reason === 'sleep' ? 'time.Sleep' : 'a deadline'} fired`);
  }
}

/**
 * The go.ready of a G that netpoll returned (runtime/proc.go: findRunnable's or injectglist's
 * casgstatus(gp, _Gwaiting, _Grunnable)); the caller has made the G runnable and queued it.
 */
export function readyRecord(m: Machine, mm: M, g: G, o: { how: string; fn: string }): void {
  const what = g.reason === 'accept' ? 'Accept' : g.reason === 'write' ? 'Write' : 'Read';
  const rec: RecordDraft = {
    layer: 'runtime',
    kind: 'go.ready',
    g: g.id,
    m: mm.id,
    tid: mm.tid,
    reason: g.reason,
    text: () =>
      `${o.fn.slice('runtime.'.length, o.fn.indexOf(' '))}: fd ${g.waitFd} is ${g.reason === 'write' ? 'writable' : 'readable'}, so ${gDesc(g)}, parked in ${what}, becomes runnable ${o.how}.`,
    fn: o.fn,
  };
  if (mm.p >= 0) rec.p = mm.p;
  if (g.waitFd >= 0) rec.fd = g.waitFd;
  emit(m, rec);
}

/**
 * stopm (runtime/proc.go): nothing to do; the thread puts itself on the idle M list and sleeps in
 * futex on m.park until startm wakes it. `dropped` is the P it has just released, if any.
 */
export function stopm(m: Machine, mm: M, o: { dropped: number; why: string }): void {
  touch(m, 'm', mm.id);
  mm.state = 'idle';
  mm.spinning = false;
  m.rt.midle.push(mm.id);
  emit(m, {
    layer: 'runtime',
    kind: 'sched.m',
    m: mm.id,
    tid: mm.tid,
    text: () =>
      `stopm: ${o.why}; M${mm.id} (thread ${mm.tid})${o.dropped >= 0 ? ` gives P${o.dropped} back to the idle list and` : ''} goes to sleep in futex(FUTEX_WAIT) on m.park until startm wakes it.`,
    fn: 'runtime.stopm — src/runtime/proc.go',
  });
}

/**
 * schedule → findRunnable (runtime/proc.go), one stage per call. Returns after scheduling the M's next
 * event or blocking it.
 */
export function findRunnable(m: Machine, mm: M): void {
  const rt = m.rt;
  if (mm.p < 0) {
    // An M woken without a P (e.g. after netpoll with none free): take one or sleep.
    const pid = pidleget(m);
    if (pid < 0) return stopm(m, mm, { dropped: -1, why: 'it woke without a P and no P is idle' });
    acquirep(m, mm, pid);
  }
  const pp = rt.ps[mm.p];
  switch (mm.spc) {
    case 0: {
      checkTimers(m, mm);
      if (pp.schedtick % GO.globalCheckTick === 0 && pp.schedtick > 0 && rt.globrunq.length > 0) {
        const gid = globrunqget(m, pp, 1);
        if (gid)
          return execute(m, mm, gid, 'taken from the global run queue on the 61st schedtick, for fairness');
      }
      const fromNext = pp.runnext > 0;
      let gid = runqget(m, pp);
      if (gid)
        return execute(
          m,
          mm,
          gid,
          fromNext ? "taken from its P's runnext slot" : "taken from its P's local run queue",
        );
      gid = globrunqget(m, pp, 0);
      if (gid) return execute(m, mm, gid, 'taken from the global run queue');
      mm.spc = 1;
      if (rt.epfd >= 0 && rt.netpollWaiters > 0 && rt.lastpoll !== 0) {
        const list = netpollNonBlocking(
          m,
          mm,
          'findRunnable has no G to run, so it polls the network without blocking',
        );
        if (list.length > 0) return runPolled(m, mm, list, 'readied by that poll');
        return mNext(m, mm, COST.findRunnable);
      }
      return findRunnable(m, mm);
    }
    case 1: {
      const busy = m.p.gomaxprocs - rt.pidle.length;
      if (!mm.spinning && 2 * rt.nmspinning >= busy) {
        mm.spc = 2;
        return findRunnable(m, mm);
      }
      if (!mm.spinning) {
        touch(m, 'm', mm.id);
        mm.spinning = true;
        mm.state = 'spinning';
        rt.nmspinning++;
      }
      const n = rt.ps.length;
      for (let pass = 0; pass < GO.stealTries; pass++) {
        const start = Math.floor(random(m) * n);
        for (let k = 0; k < n; k++) {
          const v = rt.ps[(start + k) % n];
          if (v.id === pp.id) continue;
          if (v.runq.length > 0) {
            touch(m, 'p', v.id);
            const take = v.runq.splice(0, Math.ceil(v.runq.length / 2));
            const first = take.pop()!;
            for (const gid of take) runqput(m, pp, gid, false);
            emit(m, {
              layer: 'runtime',
              kind: 'sched.steal',
              m: mm.id,
              p: pp.id,
              g: first,
              tid: mm.tid,
              text: () =>
                `stealWork: M${mm.id} on P${pp.id} steals ${take.length + 1} G${take.length ? 's' : ''} — half of P${v.id}'s local run queue.`,
              fn: 'runtime.runqsteal — src/runtime/proc.go',
            });
            mm.spc = 0;
            return execute(m, mm, first, `stolen from P${v.id}`);
          }
          if (pass === GO.stealTries - 1 && v.runnext > 0) {
            if (v.status === 'running') {
              touch(m, 'm', mm.id);
              mm.steal = v.id;
              mm.spc = 3;
              mm.state = 'sleep';
              sysRecord(
                m,
                mm,
                'nanosleep',
                ['{tv_sec=0, tv_nsec=3000}', 'NULL'],
                { ret: 0 },
                `runqgrab: P${v.id} is running and has G${v.runnext} in runnext; before stealing it, M${mm.id} sleeps 3 µs so P${v.id} can run it itself (usleep(3)).`,
              );
              return mNext(m, mm, COST.stealBackoff);
            }
            const gid = v.runnext;
            touch(m, 'p', v.id);
            v.runnext = 0;
            return stoleRunnext(m, mm, pp, v, gid);
          }
        }
      }
      mm.spc = 2;
      return findRunnable(m, mm);
    }
    case 3: {
      touch(m, 'm', mm.id);
      mm.state = 'spinning';
      const v = rt.ps[mm.steal];
      mm.steal = -1;
      if (v.runnext > 0) {
        const gid = v.runnext;
        touch(m, 'p', v.id);
        v.runnext = 0;
        return stoleRunnext(m, mm, pp, v, gid);
      }
      mm.spc = 2;
      return findRunnable(m, mm);
    }
    default: {
      // Drop the P; stop spinning; then block in netpoll if someone waits on it, else sleep.
      mm.spc = 0;
      const wasSpinning = mm.spinning;
      const dropped = mm.p;
      releasep(m, mm);
      if (wasSpinning) {
        mm.spinning = false;
        rt.nmspinning--;
        // Re-check all run queues after dropping spinning (a G may have arrived meanwhile).
        const work = rt.globrunq.length > 0 || rt.ps.some((x) => x.runq.length > 0);
        if (work && rt.pidle.length > 0) {
          const pid = pidleget(m);
          acquirep(m, mm, pid);
          emit(m, {
            layer: 'runtime',
            kind: 'sched.m',
            m: mm.id,
            p: pid,
            tid: mm.tid,
            text: () =>
              `findRunnable: M${mm.id} stops spinning and drops P${dropped}, but re-checking the run queues finds a G that arrived meanwhile, so it takes P${pid} again and looks once more.`,
            fn: 'runtime.findRunnable — src/runtime/proc.go',
          });
          return mNext(m, mm, COST.findRunnable);
        }
      }
      const due = rt.timers.length > 0 ? Math.min(...rt.timers.map((t) => t.when)) : 0;
      if (rt.epfd >= 0 && (rt.netpollWaiters > 0 || due > 0) && rt.lastpoll !== 0) {
        // netpoll_epoll.go netpoll(delay): waitms = delay / 1e6 truncated (1 under 1 ms): 499 for 499.9 ms left.
        const left = due - m.now;
        const delayMs = due > 0 ? (left <= 0 ? 0 : left < 1e6 ? 1 : Math.floor(left / 1e6)) : -1;
        return netpollBlock(m, mm, { delayMs, dropped });
      }
      return stopm(m, mm, { dropped, why: 'findRunnable found no G to run anywhere' });
    }
  }
}

/**
 * findRunnable after a netpoll that returned Gs (runtime/proc.go): all but the first are injected; the
 * first becomes runnable (its own go.ready) and this M runs it.
 */
export function runPolled(m: Machine, mm: M, list: number[], how: string): void {
  const first = list.shift()!;
  injectglist(m, mm, list);
  const g = m.rt.gs[first];
  touch(m, 'g', first);
  g.status = 'runnable';
  readyRecord(m, mm, g, {
    how: `and M${mm.id} will run it itself`,
    fn: 'runtime.findRunnable — src/runtime/proc.go',
  });
  mm.spc = 0;
  execute(m, mm, first, how);
}

/** stealWork → runqsteal with stealRunNextG (runtime/proc.go): a victim's runnext G moves here and runs. */
function stoleRunnext(m: Machine, mm: M, pp: P, v: P, gid: number): void {
  emit(m, {
    layer: 'runtime',
    kind: 'sched.steal',
    m: mm.id,
    p: pp.id,
    g: gid,
    tid: mm.tid,
    text: () => `stealWork: M${mm.id} on P${pp.id} steals G${gid} from P${v.id}'s runnext slot.`,
    fn: 'runtime.runqgrab — src/runtime/proc.go',
  });
  mm.spc = 0;
  execute(m, mm, gid, `stolen from P${v.id}`);
}

/** A thread that slept (futex on m.park) wakes: the blocked futex call returns. */
export function futexWoken(m: Machine, mm: M): void {
  sysRecord(
    m,
    mm,
    'futex',
    ['&m.park', 'FUTEX_WAIT_PRIVATE', 0, 'NULL'],
    { ret: 0 },
    () => `thread ${mm.tid} (M${mm.id}) wakes from its idle sleep, now holding P${mm.p}.`,
  );
  mm.spc = 0;
  mNext(m, mm, COST.runtime);
}

/**
 * preemptone → preemptM (runtime/preempt.go, signal_unix.go): sysmon sends SIGURG to the thread; the
 * signal handler injects asyncPreempt, and gopreempt_m puts the G on the global run queue so its M
 * schedules something else. Only CPU loops can be interrupted here: the frame that burns CPU marks
 * itself with `burnEnd` (when the loop would finish) and `burnPc` (where to resume the rest, `cpuLeft`).
 */
function asyncPreempt(m: Machine, sysmon: M, x: M, g: G, top: G['frames'][number]): void {
  const ran = m.now - g.runStart;
  sysRecord(
    m,
    sysmon,
    'tgkill',
    [m.proc.pid, x.tid, 'SIGURG'],
    { ret: 0 },
    `sysmon: G${g.id} has run on M${x.id} for ${(ran / 1e6).toFixed(1)} ms, past the 10 ms time slice (forcePreemptNS); preemptone signals thread ${x.tid} so the G stops at its next safe point.`,
  );
  touch(m, 'g', g.id);
  touch(m, 'm', x.id);
  touch(m, 'globrunq', 0);
  top.v.cpuLeft = (top.v.burnEnd as number) - m.now;
  top.pc = top.v.burnPc as number;
  delete top.v.burnEnd;
  x.gen++;
  g.status = 'runnable';
  g.m = -1;
  x.curg = -1;
  x.spc = 0;
  m.rt.globrunq.push(g.id);
  emit(m, {
    layer: 'runtime',
    kind: 'sched.global',
    g: g.id,
    m: x.id,
    p: x.p,
    tid: x.tid,
    text: () =>
      `asyncPreempt: SIGURG interrupts ${gDesc(g)} with ${((top.v.cpuLeft as number) / 1e6).toFixed(1)} ms of its work left; gopreempt_m puts it on the global run queue (${m.rt.globrunq.length}) and M${x.id} schedules another G.`,
    fn: 'runtime.gopreempt_m — src/runtime/proc.go',
  });
  wakep(m, x);
  mNext(m, x, COST.park);
}

/** sysmon (runtime/proc.go): runs without a P; polls the network if nobody has for 10 ms. */
export function sysmonTick(m: Machine): void {
  const rt = m.rt;
  const mm = rt.ms[1];
  let acted = false;
  if (rt.epfd >= 0 && rt.lastpoll !== 0 && m.now - rt.lastpoll > 10_000_000) {
    const list = netpollNonBlocking(m, mm, 'sysmon: nobody has polled the network for over 10 ms');
    if (list.length > 0) {
      injectglist(m, mm, list);
      acted = true;
    }
  }
  // retake → preemptone: a G that has run for forcePreemptNS is asked to stop (async preemption).
  for (const x of rt.ms) {
    if (x.curg < 0 || x.p < 0 || x.state !== 'running') continue;
    const g = rt.gs[x.curg];
    const top = g?.frames[g.frames.length - 1];
    if (!top || typeof top.v.burnEnd !== 'number' || top.v.burnEnd <= m.now) continue;
    if (m.now - g.runStart < GO.forcePreemptNS) continue;
    asyncPreempt(m, mm, x, g, top);
    acted = true;
  }
  rt.sysmonIdle = acted ? 0 : rt.sysmonIdle + 1;
  rt.sysmonDelay = rt.sysmonIdle > 50 ? Math.min(rt.sysmonDelay * 2, COST.sysmonMax) : COST.sysmonMin;
  const allIdle = rt.pidle.length === m.p.gomaxprocs;
  if (allIdle && rt.globrunq.length === 0) {
    rt.sysmonWait = true;
    return;
  }
  schedule(m, rt.sysmonDelay, 'sysmon');
}
