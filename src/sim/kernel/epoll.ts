/**
 * epoll (fs/eventpoll.c). An instance has two lists: the interest list (`items`, one epitem per
 * registered fd with its event mask; EPOLLET = edge-triggered) and the ready list (`rdllist`, fds whose
 * file signalled an event the item is interested in). Files signal through `epPollCallback` (the wait
 * queue callback ep_poll_callback); a thread in epoll_pwait with an empty ready list sleeps on `waiters`.
 *
 * Who touches what: epoll_ctl adds/removes items (and polls the file once on ADD); file wake-ups append
 * to rdllist and wake one waiter; epoll_pwait (`epSendEvents`) drains rdllist, re-polling each file:
 * an edge-triggered item leaves the list when reported, a level-triggered one goes back on.
 */
import { emit, schedule, touch } from '../core.js';
import type { EpItem, Epoll, EpPage, Machine, OpenFile } from '../machine.js';
import { COST } from '../params.js';
import { sockPoll } from './socket.js';

export const EPOLLIN = 0x1;
export const EPOLLOUT = 0x4;
export const EPOLLERR = 0x8;
export const EPOLLHUP = 0x10;
export const EPOLLRDNORM = 0x40;
export const EPOLLWRNORM = 0x100;
export const EPOLLRDHUP = 0x2000;
export const EPOLLET = 0x80000000;

/** Go's registration mask for every pollable fd (runtime/netpoll_epoll.go netpollopen). */
export const GO_EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

const NAMES: [number, string][] = [
  [EPOLLIN, 'EPOLLIN'],
  [EPOLLOUT, 'EPOLLOUT'],
  [EPOLLERR, 'EPOLLERR'],
  [EPOLLHUP, 'EPOLLHUP'],
  [EPOLLRDHUP, 'EPOLLRDHUP'],
];

/** `EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET` for a mask. */
export function maskNames(mask: number, withEt = true): string {
  const memo = withEt ? MASK_ET : MASK_NO_ET;
  const hit = memo.get(mask);
  if (hit !== undefined) return hit;
  const out = NAMES.filter(([b]) => (mask & b) !== 0).map(([, n]) => n);
  if (withEt && (mask & EPOLLET) !== 0) out.push('EPOLLET');
  const name = out.join('|') || '0';
  memo.set(mask, name);
  return name;
}
/** maskNames by mask (a pure function of it; outside the machine, so clones share it). */
const MASK_ET = new Map<number, string>();
const MASK_NO_ET = new Map<number, string>();

/** vfs_poll: the events a file would report now. */
export function filePoll(m: Machine, f: OpenFile): number {
  switch (f.type) {
    case 'socket':
      return sockPoll(m, m.socks[f.obj]);
    case 'eventfd':
      return (m.evcount[f.obj] > 0 ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT | EPOLLWRNORM;
    case 'procfs':
      // proc_sys_poll: DEFAULT_POLLMASK, always readable and writable.
      return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
    default:
      return 0;
  }
}

/**
 * The first thread sleeping in epoll_pwait on this instance, taken off its wait queue (the pick that
 * wake_up(&ep->wq) makes), or -1. The caller emits its record, then `epWake` schedules the wake-up, so
 * the waiter's return names that record as its cause.
 */
function epTakeWaiter(m: Machine, ep: Epoll): number {
  if (ep.waiters.length === 0) return -1;
  touch(m, 'ep', ep.id);
  return ep.waiters.shift()!;
}

/** wake_up(&ep->wq), second half: the thread taken by `epTakeWaiter` runs again after the wake-up latency. */
function epWake(m: Machine, tid: number): void {
  if (tid < 0) return;
  const mm = m.rt.ms.find((x) => x.tid === tid)!;
  schedule(m, COST.epollWake, 'm.wake', mm.id, 0, mm.gen);
}

/** The epitem with a new ready flag and events: epitems are replaced, never written in place (see epCopy). */
function epitem(it: EpItem, ready: boolean, revents: number): EpItem {
  return { fd: it.fd, file: it.file, events: it.events, ready, revents };
}

/**
 * The interest list's pages: EP_PAGE fds each (a power of two). A page is written in place only by the
 * instance that made it (its `ep`); any other copies it first. So a copy of an instance copies the page
 * list (10,000 fds: 313 slots) and takes the pages from whoever made them, instead of copying 10,000
 * entries: a c10k instance's copy cost 1.7–3.7 ms, and every machine restored from a checkpoint, every
 * step tracked and every event undo-logged copied it once (profiled).
 */
const EP_PAGE_BITS = 5;
const EP_PAGE = 1 << EP_PAGE_BITS;
const EP_PAGE_MASK = EP_PAGE - 1;

/** The epitem of fd, if fd is registered. */
export function epItem(ep: Epoll, fd: number): EpItem | undefined {
  return ep.items[fd >> EP_PAGE_BITS]?.[fd & EP_PAGE_MASK];
}

/** Sets (or with undefined, removes) fd's epitem; the caller touched the instance. */
function epSetItem(ep: Epoll, fd: number, it: EpItem | undefined): void {
  const p = fd >> EP_PAGE_BITS;
  let page = ep.items[p];
  if (page === undefined || page.ep !== ep) {
    page = (page === undefined ? new Array(EP_PAGE) : page.slice()) as EpPage;
    // Not enumerable: no copy, JSON or comparison of the machine sees who made a page.
    Object.defineProperty(page, 'ep', { value: ep, writable: true, enumerable: false });
    ep.items[p] = page;
  }
  const slot = fd & EP_PAGE_MASK;
  // An fd comes or goes: the list of fds read last (epInterestFds) is stale.
  if ((page[slot] === undefined) !== (it === undefined) && seenFds(ep) !== undefined)
    interestSeen(ep, undefined);
  page[slot] = it;
}

/**
 * The interest list's fds as read last, kept on the instance: the step log reads them twice a tracked
 * step that touches the instance, and a c10k instance watches ~10,000 fds (listing them was half of
 * what a step back allocated, profiled). Not enumerable, like a page's `ep`: JSON, a spread and a
 * comparison do not see it; epCopy gives it to the copy, which shares the instance's pages.
 */
const INTEREST_FDS = Symbol('epoll.interestFds');

function seenFds(ep: Epoll): readonly number[] | undefined {
  return (ep as { [INTEREST_FDS]?: readonly number[] })[INTEREST_FDS];
}

function interestSeen(ep: Epoll, fds: readonly number[] | undefined): void {
  Object.defineProperty(ep, INTEREST_FDS, {
    value: fds,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/**
 * The registered fds in ascending order (the interest list's keys). The same array until an fd is
 * added or removed (epSetItem forgets it), so the caller must not change it.
 */
export function epInterestFds(ep: Epoll): readonly number[] {
  const seen = seenFds(ep);
  if (seen !== undefined) return seen;
  const fds = epItemList(ep).map((it) => it.fd);
  interestSeen(ep, fds);
  return fds;
}

/** The epitems in fd order. */
export function epItemList(ep: Epoll): EpItem[] {
  const out: EpItem[] = [];
  for (const page of ep.items) {
    if (page === undefined) continue;
    for (const it of page) if (it !== undefined) out.push(it);
  }
  return out;
}

/**
 * A copy of an epoll instance that shares its epitems (never written in place: epitem) and its pages
 * (written in place only by the instance that made them: epSetItem, so neither writes them now).
 * `deep` copies the rest. The snapshots (cow.ts), the step log's and the undo log's pre-images copy
 * instances this way.
 */
export function epCopy(ep: Epoll, deep: (v: unknown) => unknown): Epoll {
  const out = deep({ ...ep, items: null }) as Epoll;
  const items = ep.items;
  for (const page of items) if (page !== undefined) page.ep = undefined;
  out.items = items.slice();
  // The same pages hold the same fds: the copy (an undo log's pre-image put back, a snapshot's copy)
  // keeps the list read last.
  const seen = seenFds(ep);
  if (seen !== undefined) interestSeen(out, seen);
  return out;
}

/**
 * ep_poll_callback (fs/eventpoll.c): a file we watch signalled `events`. Each interested epitem not
 * yet ready goes to the tail of its instance's rdllist, and one waiter is woken (after the record that
 * says so, which is the wake-up's cause).
 */
export function epPollCallback(m: Machine, fileId: number, events: number, why: string): void {
  const file = m.files[fileId];
  if (!file) return;
  for (const [epId, fd] of file.watchers) {
    const ep = m.eps[epId];
    const it = ep === undefined ? undefined : epItem(ep, fd);
    if (!it) continue;
    const hit = events & (it.events | EPOLLERR | EPOLLHUP);
    if (hit === 0) continue;
    touch(m, 'ep', epId);
    epSetItem(ep, fd, epitem(it, true, it.revents | hit));
    if (it.ready) continue;
    ep.rdllist.push(fd);
    const tid = epTakeWaiter(m, ep);
    emit(m, {
      layer: 'kernel',
      kind: 'epoll.ready',
      fd,
      text: () =>
        `ep_poll_callback: ${why}, so fd ${fd} (${maskNames(hit, false)}) joins epoll ${ep.fd}'s ready list` +
        (tid >= 0 ? ` and wakes thread ${tid} sleeping in epoll_pwait.` : '; no thread is waiting on it.'),
      fn: 'ep_poll_callback — fs/eventpoll.c',
    });
    epWake(m, tid);
  }
}

/**
 * ep_insert (fs/eventpoll.c), first half: the epitem joins the interest list and the file's wait queue.
 * epoll_ctl's record follows; then `epInsertPoll` checks whether the file is ready already.
 */
export function epInsert(m: Machine, ep: Epoll, fd: number, file: OpenFile, events: number): void {
  touch(m, 'ep', ep.id);
  touch(m, 'file', file.id);
  epSetItem(ep, fd, { fd, file: file.id, events, ready: false, revents: 0 });
  ep.nitems++;
  file.watchers.push([ep.id, fd]);
}

/** ep_insert (fs/eventpoll.c), second half: ep_item_poll, and a file already ready is queued at once. */
export function epInsertPoll(m: Machine, ep: Epoll, fd: number): void {
  const it = epItem(ep, fd);
  const file = it ? m.files[it.file] : undefined;
  if (!it || !file) return;
  const now = filePoll(m, file) & (it.events | EPOLLERR | EPOLLHUP);
  if (now === 0) return;
  touch(m, 'ep', ep.id);
  epSetItem(ep, fd, epitem(it, true, now));
  ep.rdllist.push(fd);
  const tid = epTakeWaiter(m, ep);
  emit(m, {
    layer: 'kernel',
    kind: 'epoll.ready',
    fd,
    text: () =>
      `ep_insert: fd ${fd} is already ${maskNames(now, false)} when registered, so it goes straight onto epoll ${ep.fd}'s ready list${tid >= 0 ? ` and wakes thread ${tid}` : ''}.`,
    fn: 'ep_insert — fs/eventpoll.c',
  });
  epWake(m, tid);
}

/** ep_remove: unregisters fd and takes it off the ready list. */
export function epRemove(m: Machine, ep: Epoll, fd: number): boolean {
  const it = epItem(ep, fd);
  if (!it) return false;
  touch(m, 'ep', ep.id);
  touch(m, 'file', it.file);
  epSetItem(ep, fd, undefined);
  ep.nitems--;
  if (it.ready) ep.rdllist.splice(ep.rdllist.indexOf(fd), 1);
  const f = m.files[it.file];
  if (f) f.watchers = f.watchers.filter(([e, d]) => !(e === ep.id && d === fd));
  return true;
}

/**
 * ep_send_events: takes up to `max` ready items off rdllist, re-polling each file. Returns
 * [fd, events] pairs. Edge-triggered items leave the list; level-triggered ones go back on its tail.
 */
export function epSendEvents(m: Machine, ep: Epoll, max: number): [number, number][] {
  const out: [number, number][] = [];
  const requeue: number[] = [];
  touch(m, 'ep', ep.id);
  let i = 0;
  for (; i < ep.rdllist.length && out.length < max; i++) {
    const fd = ep.rdllist[i];
    const it = epItem(ep, fd);
    if (!it) continue;
    epSetItem(ep, fd, epitem(it, false, 0));
    const f = m.files[it.file];
    const ev = f ? filePoll(m, f) & (it.events | EPOLLERR | EPOLLHUP) : 0;
    if (ev === 0) continue;
    out.push([fd, ev & ~EPOLLET]);
    if ((it.events & EPOLLET) === 0) requeue.push(fd);
  }
  ep.rdllist = i >= ep.rdllist.length ? requeue : ep.rdllist.slice(i).concat(requeue);
  for (const fd of requeue) {
    const it = epItem(ep, fd)!;
    epSetItem(ep, fd, epitem(it, true, it.revents));
  }
  return out;
}
