/**
 * The netpoller as the goroutines that use it call it (runtime/netpoll.go, runtime/netpoll_epoll.go):
 * netpollinit makes the epoll instance once, poll_runtime_pollOpen registers an fd and gives it a
 * pollDesc, poll_runtime_pollReset clears a stale readiness before an I/O call, netpollblock parks a G
 * until its fd is ready, poll_runtime_pollClose takes the fd out again. internal/poll's FD methods
 * (nethttp/net.ts) call these; netpoll.ts holds the other half, the M that polls and readies the Gs.
 * Go's own consistency checks are kept as `throw`s: a state the real runtime would die on is a bug in
 * the model, and it stops the simulation rather than being papered over.
 */
import { emit, touch } from '../core.js';
import { own } from '../cow.js';
import { EPOLLIN, GO_EVENTS } from '../kernel/epoll.js';
import { sysEpollCreate1, sysEpollCtl, sysEventfd2 } from '../kernel/syscalls.js';
import type { G, M, Machine, PollDesc } from '../machine.js';
import { PD_NIL, PD_READY, PD_WAIT } from '../machine.js';
import { COST } from '../params.js';
import { call, defGo, ret } from './interp.js';
import { gppStore, netpollunblock, pdState } from './netpoll.js';
import { gopark, goready } from './proc.js';

/** runtime.throw (src/runtime/panic.go): a fatal runtime error; the simulated process cannot go on. */
export function runtimeThrow(msg: string): never {
  throw new Error(`fatal error: ${msg}`);
}

// mirrors runtime/netpoll_epoll.go netpollinit: the epoll instance and the netpollBreak eventfd.
defGo('runtime.netpollinit', (m, mm, g, f) => {
  switch (f.pc++) {
    case 0:
      m.rt.epfd = sysEpollCreate1(m, mm).ret;
      return COST.syscall;
    case 1:
      m.rt.evfd = sysEventfd2(m, mm).ret;
      return COST.syscall;
    case 2:
      sysEpollCtl(
        m,
        mm,
        m.rt.epfd,
        'EPOLL_CTL_ADD',
        m.rt.evfd,
        EPOLLIN,
        'the wake-up eventfd is watched level-triggered for EPOLLIN.',
      );
      return COST.syscall;
    default:
      return ret(g);
  }
});

// mirrors runtime/netpoll.go poll_runtime_pollOpen + netpoll_epoll.go netpollopen.
defGo('runtime.poll_runtime_pollOpen', (m, mm, g, f) => {
  if (f.pc++ === 0) {
    const fd = f.v.fd as number;
    const old = m.rt.pds[fd];
    // pollcache hands out a pollDesc nobody may still wait on.
    if (old && old.wg !== PD_NIL && old.wg !== PD_READY)
      runtimeThrow('runtime: blocked write on free polldesc');
    if (old && old.rg !== PD_NIL && old.rg !== PD_READY)
      runtimeThrow('runtime: blocked read on free polldesc');
    touch(m, 'pd', fd);
    m.rt.pds[fd] = { fd, rg: PD_NIL, wg: PD_NIL, rd: 0, wd: 0, closing: false };
    sysEpollCtl(
      m,
      mm,
      m.rt.epfd,
      'EPOLL_CTL_ADD',
      fd,
      GO_EVENTS,
      `the runtime registers fd ${fd} with its netpoller once, edge-triggered, for both reading and writing.`,
    );
    return COST.syscall;
  }
  return ret(g);
});

/** netpollcheckerr (runtime/netpoll.go): '' when I/O may go on, else 'closing' or 'timeout'. */
export function netpollcheckerr(m: Machine, pd: PollDesc | undefined, mode: 'r' | 'w'): string {
  if (!pd) return '';
  if (pd.closing) return 'closing';
  const dl = mode === 'r' ? pd.rd : pd.wd;
  if (dl === -1 || (dl > 0 && dl <= m.now)) return 'timeout';
  return '';
}

// mirrors runtime/netpoll.go poll_runtime_pollWait → netpollblock: park until the fd is ready.
defGo('runtime.netpollblock', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const mode = f.v.mode as 'r' | 'w';
  const pd = m.rt.pds[fd];
  if (f.pc === 0) {
    if (!pd) return ret(g, 0, 'closing');
    // poll_runtime_pollWait: netpollcheckerr first.
    const err = netpollcheckerr(m, pd, mode);
    if (err) return ret(g, 0, err);
    const cur = mode === 'r' ? pd.rg : pd.wg;
    if (cur === PD_READY) {
      gppStore(m, pd, mode, PD_NIL);
      emit(m, {
        layer: 'runtime',
        kind: 'netpoll',
        g: g.id,
        m: mm.id,
        fd,
        text: () =>
          `netpollblock: fd ${fd}'s pollDesc ${mode}g is pdReady — an edge arrived while nobody waited — so G${g.id} consumes it and retries without parking.`,
        fn: 'runtime.netpollblock — src/runtime/netpoll.go',
      });
      f.pc = 2;
      return COST.runtime;
    }
    // Only one G may wait on each side of a pollDesc (internal/poll's fdMutex guarantees it).
    if (cur !== PD_NIL) runtimeThrow(`runtime: double wait (fd ${fd} ${mode}g = ${pdState(cur)})`);
    f.pc = 1;
    gppStore(m, pd, mode, g.id);
    m.rt.netpollWaiters++;
    const reason = f.v.reason as string;
    const what =
      reason === 'accept'
        ? 'no connection to accept'
        : reason === 'write'
          ? 'no room in the send buffer'
          : 'no data to read';
    return gopark(
      m,
      mm,
      g,
      'IO wait',
      reason,
      `fd ${fd} has ${what} yet; its pollDesc ${mode}g now holds G${g.id}`,
      fd,
    );
  }
  if (f.pc === 1) {
    // Back from gopark: gpp.Swap(pdNil); pdReady means the I/O edge woke us (not a deadline or close).
    const cur = mode === 'r' ? pd?.rg : pd?.wg;
    if (cur !== undefined && cur > PD_WAIT && cur !== PD_NIL && cur !== PD_READY)
      runtimeThrow(`runtime: corrupted polldesc (fd ${fd} ${mode}g = ${pdState(cur)} after the wake)`);
    const ok = cur === PD_READY;
    if (pd && cur !== PD_NIL) gppStore(m, pd, mode, PD_NIL);
    if (!ok) return ret(g, 0, pd?.closing ? 'closing' : 'timeout');
    emit(m, {
      layer: 'runtime',
      kind: 'netpoll',
      g: g.id,
      m: mm.id,
      fd,
      text: () =>
        `netpollblock returns true: G${g.id} wakes to fd ${fd}'s pollDesc ${mode}g = pdReady, resets it to nil and retries the ${(f.v.reason as string) === 'accept' ? 'accept4' : mode === 'r' ? 'read' : 'write'}.`,
      fn: 'runtime.netpollblock — src/runtime/netpoll.go',
    });
  }
  return ret(g, 1);
});

/**
 * runtime_pollUnblock + runtime_pollClose (runtime/netpoll.go poll_runtime_pollUnblock,
 * poll_runtime_pollClose → netpoll_epoll.go netpollclose): mark the pollDesc closing, wake whoever waits
 * on it, take the fd out of epoll (epoll_ctl DEL) and free the pollDesc. False if the fd has none.
 */
export function pollUnblockAndClose(m: Machine, mm: M, fd: number): boolean {
  own(m, 'pd', fd);
  const pd = m.rt.pds[fd];
  if (!pd) return false;
  pd.closing = true;
  for (const mode of ['r', 'w'] as const) {
    const gid = netpollunblock(m, pd, mode, false);
    if (gid) goready(m, mm, gid, `fd ${fd} is being closed, so the G waiting on it wakes with ErrNetClosing`);
  }
  if (pd.wg !== PD_NIL && pd.wg !== PD_READY) runtimeThrow('runtime: blocked write on closing polldesc');
  if (pd.rg !== PD_NIL && pd.rg !== PD_READY) runtimeThrow('runtime: blocked read on closing polldesc');
  touch(m, 'pd', fd);
  delete m.rt.pds[fd];
  sysEpollCtl(
    m,
    mm,
    m.rt.epfd,
    'EPOLL_CTL_DEL',
    fd,
    0,
    `runtime_pollClose: the runtime stops watching fd ${fd} and frees its pollDesc before closing it.`,
  );
  return true;
}

/** internal/poll's wait: runtime_pollWait → netpollblock, with the wrapper frames a real stack shows. */
export function pollWait(g: G, fd: number, mode: 'r' | 'w', reason: string): number {
  return call(g, 'runtime.netpollblock', { fd, mode, reason }, [
    mode === 'r' ? 'internal/poll.(*pollDesc).waitRead' : 'internal/poll.(*pollDesc).waitWrite',
    'internal/poll.runtime_pollWait',
  ]);
}

/**
 * internal/poll.(*pollDesc).prepare → runtime.poll_runtime_pollReset (runtime/netpoll.go): before an
 * I/O call, netpollcheckerr (closing, deadline passed), then forget a readiness left over from an
 * earlier edge (rg/wg := pdNil), so the call's EAGAIN parks at once instead of consuming a stale
 * pdReady and failing a second time. Returns '' or the error ('closing', 'timeout').
 */
export function pollReset(m: Machine, mm: M, g: G, fd: number, mode: 'r' | 'w'): string {
  const pd = m.rt.pds[fd];
  const err = netpollcheckerr(m, pd, mode);
  if (err || !pd) return err;
  if ((mode === 'r' ? pd.rg : pd.wg) !== PD_READY) return '';
  gppStore(m, pd, mode, PD_NIL);
  emit(m, {
    layer: 'runtime',
    kind: 'netpoll',
    g: g.id,
    m: mm.id,
    fd,
    text: () =>
      `pollReset: before the ${mode === 'r' ? 'read' : 'write'}, fd ${fd}'s pollDesc ${mode}g goes from pdReady (an old edge nobody consumed) to nil; if the call finds nothing, G${g.id} will park at once rather than retry on stale news.`,
    fn: 'runtime.poll_runtime_pollReset — src/runtime/netpoll.go',
  });
  return '';
}
