/**
 * The network poller (runtime/netpoll.go, runtime/netpoll_epoll.go). Every pollable fd has a pollDesc
 * whose `rg`/`wg` say who waits to read/write it:
 *   pdNil   — nobody, nothing pending
 *   pdReady — an I/O edge arrived while nobody waited; the next netpollblock consumes it without parking
 *   pdWait  — a G is about to park (transient)
 *   G id    — that G is parked in netpollblock, waiting for the edge
 * netpollblock moves nil → G (park) or ready → nil (no park). netpoll (epoll_pwait) turns each reported
 * event into netpollready → netpollunblock: a parked G is returned to be made runnable, otherwise the
 * descriptor is marked pdReady. There is no poller thread: an M with nothing to run blocks in
 * epoll_pwait (only one at a time: `lastpoll == 0` while it does), or polls with timeout 0.
 */
import { emit, schedule, touch } from '../core.js';
import {
  EPOLLERR,
  EPOLLHUP,
  EPOLLIN,
  EPOLLOUT,
  EPOLLRDHUP,
  epSendEvents,
  maskNames,
} from '../kernel/epoll.js';
import { fileAt } from '../kernel/file.js';
import { sysRead, sysRecord, sysWrite } from '../kernel/syscalls.js';
import type { M, Machine, PollDesc } from '../machine.js';
import { PD_NIL, PD_READY } from '../machine.js';
import { COST, GO } from '../params.js';
import { acquirep, injectglist, mNext, runPolled, stopm } from './proc.js';

/** pollDesc state as text: nil, ready, wait, G7. */
export function pdState(v: number): string {
  if (v === PD_NIL) return 'nil';
  if (v === PD_READY) return 'ready';
  if (v < 0) return 'wait';
  return `G${v}`;
}

/**
 * One side of a pollDesc, taken for writing: Go's `gpp := &pd.rg; if mode == 'w' { gpp = &pd.wg }`
 * then `gpp.Store(v)` (runtime/netpoll.go). Every write to rg/wg goes through here, after the barrier.
 */
export function gppStore(m: Machine, pd: PollDesc, mode: 'r' | 'w', v: number): void {
  touch(m, 'pd', pd.fd);
  if (mode === 'r') pd.rg = v;
  else pd.wg = v;
}

/**
 * netpollunblock (runtime/netpoll.go): returns the G parked on this side, if any. With ioready the
 * side becomes pdReady (an edge to consume); without (deadline, close) it becomes pdNil.
 */
export function netpollunblock(m: Machine, pd: PollDesc, mode: 'r' | 'w', ioready: boolean): number {
  const old = mode === 'r' ? pd.rg : pd.wg;
  if (old === PD_READY) return 0;
  if (old === PD_NIL && !ioready) return 0;
  gppStore(m, pd, mode, ioready ? PD_READY : PD_NIL);
  if (old > 0) {
    m.rt.netpollWaiters--;
    return old;
  }
  return 0;
}

/** One event netpoll handled: the wake-up eventfd, or a pollDesc and the Gs its rg/wg held (0: none; -1: not looked at). */
interface PollNote {
  fd: number;
  ev: number;
  wake: boolean;
  rg: number;
  wg: number;
}

function pollNote(n: PollNote): string {
  if (n.wake) return `fd ${n.fd} is the wake-up eventfd`;
  const parts: string[] = [];
  if (n.rg >= 0)
    parts.push(n.rg ? `rg had G${n.rg} parked → ready it` : 'rg := pdReady (nobody is waiting to read)');
  if (n.wg >= 0)
    parts.push(n.wg ? `wg had G${n.wg} parked → ready it` : 'wg := pdReady (nobody is waiting to write)');
  return `fd ${n.fd} ${maskNames(n.ev, false)}: ${parts.join('; ')}`;
}

/**
 * netpoll's loop over the events epoll_pwait returned (runtime/netpoll_epoll.go) → netpollready →
 * netpollunblock (runtime/netpoll.go): each event sets its pollDesc's rg/wg; a G parked there joins the
 * returned list. One `netpoll` record claims the pollDesc changes; the Gs become runnable later, each
 * on its own go.ready (findRunnable / injectglist).
 */
function collect(m: Machine, mm: M, events: [number, number][], blocking: boolean): number[] {
  const list: number[] = [];
  // What each event did, kept as facts: the sentence is formatted only when it is shown.
  const seen: PollNote[] = [];
  for (const [fd, ev] of events) {
    if (fd === m.rt.evfd) {
      if (blocking)
        sysRead(
          m,
          mm,
          fd,
          8,
          () =>
            'netpoll drains the netpollBreak eventfd: someone interrupted the poll to make it re-check its timers.',
        );
      seen.push({ fd, ev, wake: true, rg: -1, wg: -1 });
      continue;
    }
    const pd = m.rt.pds[fd];
    if (!pd) continue;
    let rg = -1;
    let wg = -1;
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      rg = netpollunblock(m, pd, 'r', true);
      if (rg) list.push(rg);
    }
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
      wg = netpollunblock(m, pd, 'w', true);
      if (wg) list.push(wg);
    }
    seen.push({ fd, ev, wake: false, rg, wg });
  }
  emit(m, {
    layer: 'runtime',
    kind: 'netpoll',
    m: mm.id,
    tid: mm.tid,
    text: () => `netpoll: ${seen.length ? seen.map(pollNote).join('. ') : 'no events'}.`,
    fn: 'runtime.netpollready — src/runtime/netpoll.go',
  });
  return list;
}

/** The runtime's epoll instance (netpoll_epoll.go's epfd); touched because the caller will write it. */
function epollOf(m: Machine) {
  const id = fileAt(m, m.rt.epfd)!.obj;
  touch(m, 'ep', id);
  return m.eps[id];
}

function eventsArg(events: [number, number][]): string {
  return `[${events.map(([fd, ev]) => `{${maskNames(ev, false)}, fd ${fd}}`).join(', ')}]`;
}

/** netpoll(0): epoll_pwait with timeout 0 on this M. Returns the readied Gs. */
export function netpollNonBlocking(m: Machine, mm: M, why: string): number[] {
  const events = epSendEvents(m, epollOf(m), GO.netpollEvents);
  sysRecord(
    m,
    mm,
    'epoll_pwait',
    [m.rt.epfd, eventsArg(events), GO.netpollEvents, 0],
    { ret: events.length },
    () => `${why}${events.length ? '' : '; nothing is ready'}.`,
  );
  m.rt.lastpoll = m.now;
  if (events.length === 0) return [];
  return collect(m, mm, events, false);
}

/**
 * The blocking netpoll at the end of findRunnable (runtime/proc.go → netpoll_epoll.go netpoll(delay)):
 * this M, having dropped P `dropped`, enters epoll_pwait; the `sched.m` record claims the M's new state
 * and its place on the epoll wait queue. The syscall's own record comes when it returns.
 */
export function netpollBlock(m: Machine, mm: M, o: { delayMs: number; dropped: number }): void {
  const rt = m.rt;
  const { delayMs, dropped } = o;
  const ep = epollOf(m);
  rt.lastpoll = 0;
  rt.pollUntil = delayMs >= 0 ? m.now + delayMs * 1e6 : 0;
  touch(m, 'm', mm.id);
  mm.state = 'netpoll';
  mm.pollTimeout = delayMs;
  const ready = ep.rdllist.length > 0;
  if (!ready) ep.waiters.push(mm.tid);
  emit(m, {
    layer: 'runtime',
    kind: 'sched.m',
    m: mm.id,
    tid: mm.tid,
    text: () =>
      `findRunnable: no G to run anywhere, so M${mm.id} (thread ${mm.tid})${dropped >= 0 ? ` gives up P${dropped} and` : ''} enters epoll_pwait(${rt.epfd}, …, ${GO.netpollEvents}, ${delayMs})${ready ? ': events are already on the ready list, so it returns at once' : delayMs >= 0 ? `, sleeping until an fd is ready or ${delayMs} ms pass for the next timer` : ', sleeping on the epoll wait queue until an fd is ready'}.`,
    fn: 'runtime.netpoll — src/runtime/netpoll_epoll.go',
  });
  if (ready) {
    schedule(m, COST.syscall, 'm.wake', mm.id, 0, mm.gen);
    return;
  }
  if (delayMs >= 0) schedule(m, delayMs * 1e6, 'epoll.timeout', mm.id, 0, mm.gen);
}

/** The M blocked in epoll_pwait returns (an event woke it, or its timeout expired). */
export function netpollWoken(m: Machine, mm: M, timedOut: boolean): void {
  const rt = m.rt;
  const ep = epollOf(m);
  const events = epSendEvents(m, ep, GO.netpollEvents);
  if (events.length === 0 && !timedOut) {
    // Woken but another thread took the events: Linux goes back to sleep (ep_poll loops).
    if (ep.waiters.includes(mm.tid)) return;
    touch(m, 'ep', ep.id);
    ep.waiters.push(mm.tid);
    emit(m, {
      layer: 'kernel',
      kind: 'sched.m',
      m: mm.id,
      tid: mm.tid,
      text: () =>
        `ep_poll: thread ${mm.tid} (M${mm.id}) was woken, but another thread already took the ready events, so it goes back to sleep on epoll ${ep.fd}'s wait queue.`,
      fn: 'ep_poll — fs/eventpoll.c',
    });
    return;
  }
  mm.gen++;
  ep.waiters = ep.waiters.filter((t) => t !== mm.tid);
  // findRunnable after netpoll(delay): take an idle P if there is one (the epoll_pwait record claims it).
  touch(m, 'm', mm.id);
  mm.state = 'running';
  const pid = rt.pidle.length > 0 ? rt.pidle[rt.pidle.length - 1] : -1;
  if (pid >= 0) acquirep(m, mm, rt.pidle.pop()!);
  sysRecord(
    m,
    mm,
    'epoll_pwait',
    [rt.epfd, eventsArg(events), GO.netpollEvents, mm.pollTimeout],
    { ret: events.length },
    () =>
      events.length
        ? `thread ${mm.tid} (M${mm.id}), blocked in the netpoller, wakes with ${events.length} ready event${events.length > 1 ? 's' : ''}${pid >= 0 ? ` and takes idle P${pid}` : ''}.`
        : `the poll timed out for the next timer${pid >= 0 ? `; M${mm.id} takes idle P${pid}` : ''}.`,
  );
  rt.lastpoll = m.now;
  rt.pollUntil = 0;
  const list = events.length ? collect(m, mm, events, true) : [];
  if (pid < 0) {
    injectglist(m, mm, list);
    return stopm(m, mm, { dropped: -1, why: 'no P is idle to run what the poll found' });
  }
  mm.spc = 0;
  if (list.length > 0)
    return runPolled(m, mm, list, 'the G its own poll readied (the netpolling M runs it itself)');
  mNext(m, mm, COST.findRunnable);
}

/** netpollBreak: interrupt the M blocked in epoll_pwait by writing the eventfd. */
export function netpollBreak(m: Machine, mm: M): void {
  sysWrite(
    m,
    mm,
    m.rt.evfd,
    '\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
    () =>
      'netpollBreak: a timer is due before the poller would wake, so the runtime writes its eventfd to interrupt epoll_pwait.',
  );
}
