/**
 * Goroutines as data: each G is a stack of simulated Go frames, each frame a function name, a program
 * counter and its locals. `runG` executes the top frame's function at its pc until a step does something
 * visible (a syscall, a park, a record) and costs time; that cost schedules the M's next step.
 *
 * A modelled Go function is `(m, mm, g, f) => number` and returns a cost in ns (> 0: visible step done),
 * CONT (0: keep going in this same event — calls and returns), PARKED, EXITED or BLOCKED. `call` pushes a
 * frame; `ret` pops it and leaves the result in `g.ret`. Frames marked `pass` are shown on the stack but
 * only forward their callee's result (thin wrappers like net.(*conn).Read).
 */
import { emit, invariant, schedule, touch } from '../core.js';
import { own } from '../cow.js';
import type { G, M, Machine } from '../machine.js';
import { COST, GO } from '../params.js';
import { netpollBreak } from './netpoll.js';
import { BLOCKED, CONT, EXITED, findRunnable, GOPARK_FRAME, gopark, mNext, PARKED } from './proc.js';

export type GoFn = (m: Machine, mm: M, g: G, f: G['frames'][number]) => number;

/** Every modelled Go function by its Go name. Filled by the modules that define them. */
export const FNS: Record<string, GoFn> = {};

/** Models already resolved, by frame name (mExec resolves one per Go step: a Map hit, no regex). */
const resolved = new Map<string, GoFn | undefined>();

export function defGo(name: string, fn: GoFn): void {
  FNS[name] = fn;
  resolved.clear();
}

/** The model key of an HTTP handler: its frames carry the Go name (main.main.func1, net/http.NotFound …). */
export const HANDLER = 'http handler';
const HANDLER_NAMES =
  /^main\.main\.func\d+$|^net\/http\.(NotFound|\(\*ServeMux\)\.findHandler\.func1|\(\*redirectHandler\)\.ServeHTTP)$/;

/** The model that runs a frame: its own name's, or the handler model for a handler's Go name. */
function modelOf(name: string): GoFn | undefined {
  let fn = resolved.get(name);
  if (fn === undefined && !resolved.has(name)) {
    fn = FNS[name] ?? (HANDLER_NAMES.test(name) ? FNS[HANDLER] : undefined);
    resolved.set(name, fn);
  }
  return fn;
}

/** Calls fn: pushes display-only wrapper frames, then fn's frame. */
export function call(g: G, fn: string, v?: Record<string, number | string>, wrappers?: string[]): number {
  // No default objects: most calls pass no wrappers, and this runs for every simulated Go call.
  if (wrappers !== undefined) for (const w of wrappers) g.frames.push({ fn: w, pc: 0, v: { pass: 1 } });
  g.frames.push({ fn, pc: 0, v: v ?? {} });
  return CONT;
}

/** Returns from the top frame (and the wrapper frames above its caller) with a result. */
export function ret(g: G, n = 0, err = '', s = ''): number {
  g.frames.pop();
  while (g.frames.length > 0 && g.frames[g.frames.length - 1].v.pass === 1) g.frames.pop();
  g.ret = { n, err, s };
  return CONT;
}

/**
 * newproc → newproc1 (runtime/proc.go): a new runnable G with fn as its only frame. The caller puts it in
 * its P's runnext (runqput) and then emits go.create, which claims both.
 */
export function newG(m: Machine, fn: string, v: Record<string, number | string>, label: string): G {
  touch(m, 'g', m.rt.nextG);
  const g: G = {
    id: m.rt.nextG++,
    status: 'runnable',
    waitReason: '',
    frames: [{ fn, pc: 0, v }],
    m: -1,
    label,
    ret: { n: 0, err: '', s: '' },
    reason: '',
    waitFd: -1,
    stack: GO.stackMin,
    runStart: 0,
  };
  m.rt.gs[g.id] = g;
  return g;
}

/** goexit: the G's function returned; the G is freed and its M schedules. */
export function goexit(m: Machine, mm: M, g: G, why: string): number {
  touch(m, 'g', g.id);
  touch(m, 'm', mm.id);
  g.status = 'dead';
  mm.curg = -1;
  mm.spc = 0;
  delete m.rt.gs[g.id];
  emit(m, {
    layer: 'runtime',
    kind: 'go.exit',
    g: g.id,
    m: mm.id,
    p: mm.p,
    tid: mm.tid,
    text: () => `goexit: G${g.id} (${g.label}) ${why}; M${mm.id} looks for the next G.`,
    fn: 'runtime.goexit1 — src/runtime/proc.go',
  });
  return EXITED;
}

/** time.Sleep: a runtime timer, then park until it fires (runtime/time.go timeSleep). */
export function timeSleep(m: Machine, mm: M, g: G, d: number, why: string): number {
  const when = m.now + d;
  m.rt.timers.push({ when, g: g.id, kind: 'sleep', seq: m.seq });
  schedule(m, d, 'timer', g.id);
  const poller = m.rt.ms.find((x) => x.state === 'netpoll');
  if (poller && (m.rt.pollUntil === 0 || when < m.rt.pollUntil)) netpollBreak(m, mm);
  return gopark(m, mm, g, 'sleep', 'sleep', why);
}

/** The M runs its G (or, without one, the scheduler). */
export function mExec(m: Machine, mm: M): void {
  if (mm.curg < 0) return findRunnable(m, mm);
  for (let i = 0; i < 500; i++) {
    const g = m.rt.gs[mm.curg];
    own(m, 'g', g.id);
    // A parked G resumes under the display-only runtime.gopark frame (gopark, proc.go): drop it. (`ret`
    // already drops the wrappers it returns through, so no other pass frame can be on top here.)
    const frames = g.frames;
    while (
      frames.length > 0 &&
      frames[frames.length - 1].fn === GOPARK_FRAME &&
      frames[frames.length - 1].v.pass === 1
    )
      frames.pop();
    const f = frames[frames.length - 1];
    if (!f) invariant(false, `G${g.id} ran off the end of its stack`);
    const fn = modelOf(f.fn);
    if (!fn) invariant(false, `no model for Go function ${f.fn}`);
    const r = fn(m, mm, g, f);
    if (r > 0) return mNext(m, mm, r);
    if (r === PARKED || r === EXITED) return mNext(m, mm, COST.park);
    if (r === BLOCKED) return;
    if (mm.curg < 0) return mNext(m, mm, COST.park);
  }
  invariant(false, `G${mm.curg} made no visible progress in 500 steps`);
}

/** A runtime timer fired: if nobody ran it yet, the next scheduler pass or poll will. */
export function timerFired(m: Machine): void {
  // A P that is idle gets an M to run due timers; otherwise a running M's findRunnable picks them up.
  const due = m.rt.timers.some((t) => t.when <= m.now);
  if (!due) return;
  if (
    m.rt.pidle.length === m.p.gomaxprocs &&
    !m.rt.ms.some((x) => x.state === 'netpoll' || x.state === 'running' || x.state === 'spinning')
  ) {
    // Nobody would notice: wake an idle M (the timer's P) the way a netpoll timeout would.
    const mm = m.rt.ms.find((x) => x.state === 'idle');
    if (mm) {
      touch(m, 'm', mm.id);
      m.rt.midle = m.rt.midle.filter((x) => x !== mm.id);
      mm.state = 'running';
      mm.spc = 0;
      emit(m, {
        layer: 'runtime',
        kind: 'sched.m',
        m: mm.id,
        tid: mm.tid,
        text: () =>
          `sysmon: a timer is due and every P is idle with no M awake to run it, so startm wakes idle thread ${mm.tid} (M${mm.id}) to run the timer.`,
        fn: 'runtime.sysmon → startm — src/runtime/proc.go',
      });
      mNext(m, mm, COST.futexWake);
    }
  }
}
