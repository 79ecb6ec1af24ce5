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
import { emit, type RecordDraft, schedule } from '../core.js';
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
import { acquirep, execute, injectglist, mNext } from './proc.js';

/** pollDesc state as text: nil, ready, wait, G7. */
export function pdState(v: number): string {
  if (v === PD_NIL) return 'nil';
  if (v === PD_READY) return 'ready';
  if (v < 0) return 'wait';
  return `G${v}`;
}

/**
 * netpollunblock (runtime/netpoll.go): returns the G parked on this side, if any. With ioready the
 * side becomes pdReady (an edge to consume); without (deadline, close) it becomes pdNil.
 */
export function netpollunblock(m: Machine, pd: PollDesc, mode: 'r' | 'w', ioready: boolean): number {
  const old = mode === 'r' ? pd.rg : pd.wg;
  if (old === PD_READY) return 0;
  if (old === PD_NIL && !ioready) return 0;
  const next = ioready ? PD_READY : PD_NIL;
  if (mode === 'r') pd.rg = next;
  else pd.wg = next;
  if (old > 0) {
    m.rt.netpollWaiters--;
    return old;
  }
  return 0;
}

/** Turns epoll events into readied Gs (netpoll's loop over events → netpollready). */
function collect(m: Machine, mm: M, events: [number, number][], blocking: boolean): number[] {
  const list: number[] = [];
  const notes: string[] = [];
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
      notes.push(`fd ${fd} is the wake-up eventfd`);
      continue;
    }
    const pd = m.rt.pds[fd];
    if (!pd) continue;
    const parts: string[] = [];
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      const g = netpollunblock(m, pd, 'r', true);
      if (g) list.push(g);
      parts.push(g ? `rg had G${g} parked → ready it` : 'rg := pdReady (nobody is waiting to read)');
    }
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
      const g = netpollunblock(m, pd, 'w', true);
      if (g) list.push(g);
      parts.push(g ? `wg had G${g} parked → ready it` : 'wg := pdReady (nobody is waiting to write)');
    }
    notes.push(`fd ${fd} ${maskNames(ev, false)}: ${parts.join('; ')}`);
  }
  emit(m, {
    layer: 'runtime',
    kind: 'netpoll',
    m: mm.id,
    tid: mm.tid,
    text: () => `netpoll: ${notes.length ? notes.join('. ') : 'no events'}.`,
    fn: 'runtime.netpollready — src/runtime/netpoll.go',
  });
  for (const gid of list) {
    const g = m.rt.gs[gid];
    g.status = 'runnable';
    const what = g.reason === 'accept' ? 'Accept' : g.reason === 'write' ? 'Write' : 'Read';
    const rec: RecordDraft = {
      layer: 'runtime',
      kind: 'go.ready',
      g: gid,
      m: mm.id,
      tid: mm.tid,
      reason: g.reason,
      text: () =>
        `netpollready: fd ${g.waitFd} is ${g.reason === 'write' ? 'writable' : 'readable'}, so G${gid} (${g.label}), parked in ${what}, becomes runnable.`,
      fn: 'runtime.netpollready — src/runtime/netpoll.go',
    };
    if (g.waitFd >= 0) rec.fd = g.waitFd;
    emit(m, rec);
  }
  return list;
}

function epollOf(m: Machine) {
  return m.eps[fileAt(m, m.rt.epfd)!.obj];
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

/** The blocking netpoll at the end of findRunnable: this M sleeps in epoll_pwait. */
export function netpollBlock(m: Machine, mm: M, delayMs: number): void {
  const rt = m.rt;
  const ep = epollOf(m);
  rt.lastpoll = 0;
  rt.pollUntil = delayMs >= 0 ? m.now + delayMs * 1e6 : 0;
  mm.state = 'netpoll';
  mm.pollTimeout = delayMs;
  if (ep.rdllist.length > 0) {
    schedule(m, COST.syscall, 'm.wake', mm.id, 0, mm.gen);
    return;
  }
  ep.waiters.push(mm.tid);
  if (delayMs >= 0) schedule(m, delayMs * 1e6, 'epoll.timeout', mm.id, 0, mm.gen);
}

/** The M blocked in epoll_pwait returns (an event woke it, or its timeout expired). */
export function netpollWoken(m: Machine, mm: M, timedOut: boolean): void {
  const rt = m.rt;
  const ep = epollOf(m);
  const events = epSendEvents(m, ep, GO.netpollEvents);
  if (events.length === 0 && !timedOut) {
    // Woken but another thread took the events: Linux goes back to sleep (ep_poll loops).
    if (!ep.waiters.includes(mm.tid)) ep.waiters.push(mm.tid);
    return;
  }
  mm.gen++;
  ep.waiters = ep.waiters.filter((t) => t !== mm.tid);
  sysRecord(
    m,
    mm,
    'epoll_pwait',
    [rt.epfd, eventsArg(events), GO.netpollEvents, mm.pollTimeout],
    { ret: events.length },
    () =>
      events.length
        ? `thread ${mm.tid} (M${mm.id}), blocked in the netpoller, wakes with ${events.length} ready event${events.length > 1 ? 's' : ''}.`
        : `the poll timed out for the next timer.`,
  );
  rt.lastpoll = m.now;
  rt.pollUntil = 0;
  mm.state = 'running';
  const list = events.length ? collect(m, mm, events, true) : [];
  const pid = rt.pidle.pop();
  if (pid === undefined) {
    injectglist(m, mm, list);
    mm.state = 'idle';
    rt.midle.push(mm.id);
    return;
  }
  acquirep(m, mm, pid);
  if (list.length > 0) {
    const first = list.shift()!;
    injectglist(m, mm, list);
    mm.spc = 0;
    return execute(m, mm, first, 'the G its own poll readied (the netpolling M runs it itself)');
  }
  mm.spc = 0;
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
