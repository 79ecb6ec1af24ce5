/**
 * Package net, os and internal/poll as the seed server exercises them: net.Listen (the IPv4/IPv6 probe,
 * the listener socket, the somaxconn read), (*TCPListener).Accept, and internal/poll's FD read, write,
 * accept and close loops over the runtime's netpoller (internal/poll/fd_unix.go, fd_poll_runtime.go).
 *
 * The I/O loop every blocking-looking Go call hides: try the non-blocking syscall; on EAGAIN park in
 * netpollblock until netpoll reports the fd ready; retry.
 */
import { emit, touch } from '../core.js';
import { own } from '../cow.js';
import { EPOLLIN, GO_EVENTS } from '../kernel/epoll.js';
import {
  sysAccept4,
  sysBind,
  sysClose,
  sysEpollCreate1,
  sysEpollCtl,
  sysEventfd2,
  sysGetsockname,
  sysListen,
  sysOpenat,
  sysRead,
  sysSetsockopt,
  sysSocket,
  sysWrite,
} from '../kernel/syscalls.js';
import type { G, Machine } from '../machine.js';
import { PD_NIL, PD_READY } from '../machine.js';
import { COST } from '../params.js';
import { call, defGo, ret } from '../runtime/interp.js';
import { netpollunblock } from '../runtime/netpoll.js';
import { gopark, goready } from '../runtime/proc.js';

function sysCost(bytes = 0): number {
  return COST.rw + Math.round(bytes * COST.perByteNs);
}

/** The listen port from an address like ":3000". */
export function listenPort(m: Machine): number {
  const a = m.sc.server?.listen ?? ':3000';
  return Number(a.slice(a.lastIndexOf(':') + 1));
}

// mirrors net/ipsock_posix.go (*ipStackCapabilities).probe: which of IPv4, IPv6 and IPv4-mapped IPv6 work.
defGo('net.(*ipStackCapabilities).probe', (m, mm, _g, f) => {
  const why =
    'net probes the IP stack once: can it open IPv4 and IPv6 sockets, and does IPv4-mapped IPv6 work?';
  switch (f.pc++) {
    case 0:
      sysSocket(m, mm, 'AF_INET', 'IPPROTO_TCP', `${why} (IPv4 probe)`);
      return COST.syscallHeavy;
    case 1:
      sysClose(m, mm, 3, 'the IPv4 probe socket is not needed any more.');
      return COST.syscall;
    case 2:
      sysSocket(m, mm, 'AF_INET6', 'IPPROTO_TCP', 'probe: an IPv6-only socket');
      return COST.syscallHeavy;
    case 3:
      sysSetsockopt(m, mm, 3, 'SOL_IPV6', 'IPV6_V6ONLY', 1, 'probe: make it IPv6-only.');
      return COST.syscall;
    case 4:
      sysBind(m, mm, 3, '[::1]:0', 0, 'probe: IPv6 loopback binds, so IPv6 works.');
      return COST.syscallHeavy;
    case 5:
      sysSocket(m, mm, 'AF_INET6', 'IPPROTO_TCP', 'probe: a dual-stack IPv6 socket');
      return COST.syscallHeavy;
    case 6:
      sysSetsockopt(m, mm, 4, 'SOL_IPV6', 'IPV6_V6ONLY', 0, 'probe: allow IPv4-mapped addresses.');
      return COST.syscall;
    case 7:
      sysBind(
        m,
        mm,
        4,
        '[::ffff:127.0.0.1]:0',
        0,
        'probe: an IPv4-mapped address binds, so one AF_INET6 socket can serve IPv4 clients too.',
      );
      return COST.syscallHeavy;
    case 8:
      sysClose(m, mm, 4, 'probe done.');
      return COST.syscall;
    case 9:
      sysClose(m, mm, 3, 'probe done.');
      return COST.syscall;
    default:
      return ret(_g);
  }
});

// mirrors net/dial.go Listen("tcp", addr): probe the IP stack once, then create, bind and listen.
defGo('net.Listen', (_m, _mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(g, 'net.(*ipStackCapabilities).probe', {}, [
        'net.(*ListenConfig).Listen',
        'net.favoriteAddrFamily',
      ]);
    case 1:
      f.pc = 2;
      return call(g, 'net.socket', {}, [
        'net.(*ListenConfig).Listen',
        'net.(*sysListener).listenTCP',
        'net.internetSocket',
      ]);
    default:
      return ret(g, g.ret.n, g.ret.err, g.ret.s);
  }
});

// mirrors net/sock_posix.go socket: the listener's socket, its options, backlog, bind and listen.
defGo('net.socket', (m, mm, g, f) => {
  switch (f.pc) {
    case 0: {
      f.pc = 1;
      const r = sysSocket(
        m,
        mm,
        'AF_INET6',
        'IPPROTO_IP',
        'net.Listen creates the listening socket: AF_INET6, non-blocking, close-on-exec.',
      );
      if (r.errno) {
        ret(g, -1, r.errno, `socket: ${errText(r.errno)}`);
        return COST.syscallHeavy;
      }
      f.v.fd = r.ret;
      return COST.syscallHeavy;
    }
    case 1:
      f.pc = 2;
      sysSetsockopt(
        m,
        mm,
        f.v.fd as number,
        'SOL_IPV6',
        'IPV6_V6ONLY',
        0,
        'dual-stack: this one socket accepts IPv4 clients as ::ffff:a.b.c.d.',
      );
      return COST.syscall;
    case 2:
      f.pc = 3;
      return call(g, 'net.maxListenerBacklog');
    case 3:
      f.pc = 4;
      return call(g, 'net.(*netFD).listenStream', { fd: f.v.fd, backlog: g.ret.n });
    case 4:
      if (g.ret.err) {
        f.pc = 5;
        f.v.err = g.ret.err;
        f.v.msg = g.ret.s;
        sysClose(m, mm, f.v.fd as number, `the listen failed (${g.ret.s}), so net closes the socket.`);
        return COST.syscall;
      }
      return ret(g, f.v.fd as number);
    default:
      return ret(g, -1, f.v.err as string, f.v.msg as string);
  }
});

/** "address already in use" for an errno, as Go's syscall.Errno prints it. */
export function errText(e: string): string {
  const t: Record<string, string> = {
    EADDRINUSE: 'address already in use',
    EACCES: 'permission denied',
    EMFILE: 'too many open files',
    EAGAIN: 'resource temporarily unavailable',
    EPIPE: 'broken pipe',
    ECONNRESET: 'connection reset by peer',
  };
  return t[e] ?? e.toLowerCase();
}

// mirrors net/sock_linux.go maxListenerBacklog: read /proc/sys/net/core/somaxconn.
defGo('net.maxListenerBacklog', (m, _mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(g, 'os.Open', { path: '/proc/sys/net/core/somaxconn' }, ['net.open']);
    case 1:
      f.pc = 2;
      f.v.fd = g.ret.n;
      f.v.text = '';
      return call(g, 'internal/poll.(*FD).Read', { fd: g.ret.n, n: 65536, reason: 'read' }, [
        'net.(*file).readLine',
        'os.(*File).Read',
      ]);
    case 2:
      f.pc = 3;
      f.v.text = (f.v.text as string) + g.ret.s;
      return call(g, 'internal/poll.(*FD).Read', { fd: f.v.fd, n: 65536 - g.ret.n, reason: 'read' }, [
        'net.(*file).readLine',
        'os.(*File).Read',
      ]);
    case 3:
      f.pc = 4;
      return call(g, 'internal/poll.(*FD).Close', { fd: f.v.fd }, ['net.(*file).close', 'os.(*File).Close']);
    default: {
      const n = Number.parseInt(f.v.text as string, 10);
      return ret(g, Number.isFinite(n) && n > 0 ? Math.min(n, 65535) : m.p.somaxconn);
    }
  }
});

// mirrors os/file_unix.go openFileNolog + newFile: open, then register with the netpoller (kindOpenFile).
defGo('os.Open', (m, mm, g, f) => {
  switch (f.pc) {
    case 0: {
      f.pc = 1;
      const r = sysOpenat(
        m,
        mm,
        f.v.path as string,
        "net reads the kernel's accept-queue cap to use as the listen backlog.",
      );
      f.v.fd = r.ret;
      return COST.syscall;
    }
    case 1:
      f.pc = 2;
      return call(g, 'internal/poll.(*FD).Init', { fd: f.v.fd });
    default:
      return ret(g, f.v.fd as number);
  }
});

// mirrors internal/poll/fd_poll_runtime.go (*pollDesc).init: start the netpoller once, then register fd.
defGo('internal/poll.(*FD).Init', (m, _mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 1;
      if (m.rt.epfd < 0)
        return call(g, 'runtime.netpollinit', {}, [
          'internal/poll.(*pollDesc).init',
          'runtime.poll_runtime_pollServerInit',
        ]);
      return 0;
    case 1:
      f.pc = 2;
      return call(g, 'runtime.poll_runtime_pollOpen', { fd: f.v.fd }, ['internal/poll.(*pollDesc).init']);
    default:
      return ret(g);
  }
});

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

// mirrors runtime/netpoll.go poll_runtime_pollWait → netpollblock: park until the fd is ready.
defGo('runtime.netpollblock', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const mode = f.v.mode as 'r' | 'w';
  const pd = m.rt.pds[fd];
  if (f.pc === 0) {
    if (!pd || pd.closing) return ret(g, 0, 'closing');
    const dl = mode === 'r' ? pd.rd : pd.wd;
    if (dl === -1 || (dl > 0 && dl <= m.now)) return ret(g, 0, 'timeout');
    const cur = mode === 'r' ? pd.rg : pd.wg;
    if (cur === PD_READY) {
      touch(m, 'pd', fd);
      if (mode === 'r') pd.rg = PD_NIL;
      else pd.wg = PD_NIL;
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
    f.pc = 1;
    touch(m, 'pd', fd);
    if (mode === 'r') pd.rg = g.id;
    else pd.wg = g.id;
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
    const ok = cur === PD_READY;
    if (pd && cur !== PD_NIL) {
      touch(m, 'pd', fd);
      if (mode === 'r') pd.rg = PD_NIL;
      else pd.wg = PD_NIL;
    }
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

function waitFor(g: G, fd: number, mode: 'r' | 'w', reason: string): number {
  return call(g, 'runtime.netpollblock', { fd, mode, reason }, [
    mode === 'r' ? 'internal/poll.(*pollDesc).waitRead' : 'internal/poll.(*pollDesc).waitWrite',
    'internal/poll.runtime_pollWait',
  ]);
}

function expired(m: Machine, fd: number, mode: 'r' | 'w'): boolean {
  const pd = m.rt.pds[fd];
  if (!pd) return false;
  const dl = mode === 'r' ? pd.rd : pd.wd;
  return dl === -1 || (dl > 0 && dl <= m.now);
}

// mirrors internal/poll/fd_unix.go (*FD).Read: read; on EAGAIN wait for the netpoller and retry.
// pc 0 syscall; 1 park (after the failed call's cost); 3 back from the wait; 2 return the result.
defGo('internal/poll.(*FD).Read', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  switch (f.pc) {
    case 1:
      f.pc = 3;
      return waitFor(g, fd, 'r', (f.v.reason as string) || 'read');
    case 3:
      if (g.ret.err) return ret(g, 0, g.ret.err);
      f.pc = 0;
      return 0;
    case 2:
      return ret(g, f.v.res as number, f.v.err as string, f.v.data as string);
  }
  if (expired(m, fd, 'r')) return ret(g, 0, 'timeout');
  const n = f.v.n as number;
  const why = f.v.why as string | undefined;
  const r = sysRead(
    m,
    mm,
    fd,
    n,
    (r) =>
      r.errno === 'EAGAIN'
        ? `nothing is queued on fd ${fd} yet, so the non-blocking read fails and G${g.id} will wait for the netpoller.`
        : r.ret === 0
          ? m.files[m.proc.fds[fd]]?.type === 'procfs'
            ? 'end of file.'
            : 'the receive queue is empty and the peer has sent FIN: end of file.'
          : (why ??
            (m.files[m.proc.fds[fd]]?.type === 'procfs'
              ? `G${g.id} reads the file: ${JSON.stringify(r.data)}.`
              : `G${g.id} copies ${r.ret} B out of fd ${fd}'s receive queue.`)),
    f.v.reason as string,
  );
  if (r.errno === 'EAGAIN') {
    f.pc = 1;
    return COST.syscall;
  }
  f.pc = 2;
  f.v.res = r.ret;
  f.v.data = r.data ?? '';
  f.v.err = r.errno ?? (r.ret === 0 ? 'EOF' : '');
  return sysCost(r.ret);
});

// mirrors internal/poll/fd_unix.go (*FD).Write: write all of p, waiting for EPOLLOUT on EAGAIN.
defGo('internal/poll.(*FD).Write', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const data = f.v.data as string;
  let done = (f.v.done as number) ?? 0;
  switch (f.pc) {
    case 1:
      f.pc = 3;
      return waitFor(g, fd, 'w', 'write');
    case 3:
      if (g.ret.err) return ret(g, done, g.ret.err);
      f.pc = 0;
      return 0;
    case 2:
      return ret(g, done, (f.v.err as string) ?? '');
  }
  if (done >= data.length) return ret(g, done);
  if (expired(m, fd, 'w')) return ret(g, done, 'timeout');
  const chunk = data.slice(done);
  const r = sysWrite(m, mm, fd, chunk, (r) =>
    r.errno === 'EAGAIN'
      ? `the send buffer is full, so G${g.id} must wait for ACKs to free room.`
      : r.errno
        ? `the connection can no longer send (${r.errno}).`
        : r.ret < chunk.length
          ? `only ${r.ret} of ${chunk.length} B fit in the send buffer; the rest waits.`
          : ((f.v.why as string) ?? `G${g.id} hands ${r.ret} B to the kernel, which sends them at once.`),
  );
  if (r.errno === 'EAGAIN') {
    f.pc = 1;
    return COST.syscall;
  }
  if (r.errno) {
    f.pc = 2;
    f.v.err = r.errno;
    return COST.syscall;
  }
  done += r.ret;
  f.v.done = done;
  return sysCost(r.ret) + COST.txPath;
});

// mirrors internal/poll/fd_unix.go (*FD).Accept: accept4; on EAGAIN wait for the listener to be readable.
defGo('internal/poll.(*FD).Accept', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  switch (f.pc) {
    case 1:
      f.pc = 3;
      return waitFor(g, fd, 'r', 'accept');
    case 3:
      if (g.ret.err) return ret(g, -1, g.ret.err);
      f.pc = 0;
      return 0;
    case 2:
      return ret(g, f.v.res as number, f.v.err as string, String(f.v.conn));
  }
  const r = sysAccept4(m, mm, fd);
  if (r.errno === 'EAGAIN') {
    f.pc = 1;
    return COST.syscall;
  }
  f.pc = 2;
  f.v.res = r.ret;
  f.v.err = r.errno ?? '';
  f.v.conn = r.conn ?? 0;
  return COST.accept;
});

// mirrors internal/poll/fd_unix.go (*FD).Close → runtime_pollUnblock, runtime_pollClose, close(2).
defGo('internal/poll.(*FD).Close', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  switch (f.pc) {
    case 0: {
      f.pc = 1;
      own(m, 'pd', fd);
      const pd = m.rt.pds[fd];
      if (pd) {
        pd.closing = true;
        for (const mode of ['r', 'w'] as const) {
          const gid = netpollunblock(m, pd, mode, false);
          if (gid)
            goready(m, mm, gid, `fd ${fd} is being closed, so the G waiting on it wakes with ErrNetClosing`);
        }
        // runtime_pollClose: netpollclose (epoll_ctl DEL), then the pollDesc goes back to pollcache.
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
        return COST.syscall;
      }
      return 0;
    }
    case 1:
      f.pc = 2;
      sysClose(
        m,
        mm,
        fd,
        (f.v.why as string) ?? `fd ${fd} is released; it becomes the lowest free fd again.`,
      );
      return COST.syscall;
    default:
      return ret(g);
  }
});

// mirrors net/sock_posix.go (*netFD).listenStream: SO_REUSEADDR, bind, listen, register, getsockname.
defGo('net.(*netFD).listenStream', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const port = listenPort(m);
  switch (f.pc) {
    case 0:
      f.pc = 1;
      sysSetsockopt(
        m,
        mm,
        fd,
        'SOL_SOCKET',
        'SO_REUSEADDR',
        1,
        'so a restarted server can bind while old connections linger in TIME_WAIT.',
      );
      return COST.syscall;
    case 1: {
      f.pc = 2;
      const r = sysBind(
        m,
        mm,
        fd,
        `[::]:${port}`,
        port,
        `the socket takes port ${port} on every address, IPv4 and IPv6.`,
      );
      if (r.errno) {
        ret(g, -1, r.errno, `listen tcp :${port}: bind: ${errText(r.errno)}`);
        return COST.syscallHeavy;
      }
      return COST.syscallHeavy;
    }
    case 2:
      f.pc = 3;
      sysListen(m, mm, fd, f.v.backlog as number);
      return COST.syscallHeavy;
    case 3:
      f.pc = 4;
      return call(g, 'internal/poll.(*FD).Init', { fd }, ['net.(*netFD).init']);
    case 4:
      f.pc = 5;
      sysGetsockname(m, mm, fd, 'net records the bound local address.');
      return COST.syscall;
    default:
      return ret(g, fd);
  }
});

// mirrors net/fd_unix.go (*netFD).accept + net/tcpsock_posix.go newTCPConn: accept, register, options.
defGo('net.(*netFD).accept', (m, mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(g, 'internal/poll.(*FD).Accept', { fd: f.v.fd });
    case 1:
      if (g.ret.err) return ret(g, -1, g.ret.err);
      f.v.cfd = g.ret.n;
      f.v.conn = Number(g.ret.s);
      f.pc = 2;
      return call(g, 'internal/poll.(*FD).Init', { fd: g.ret.n }, ['net.(*netFD).init']);
    case 2:
      f.pc = 3;
      sysGetsockname(m, mm, f.v.cfd as number, "net records the connection's local address.");
      return COST.syscall;
    case 3:
      f.pc = 4;
      sysSetsockopt(
        m,
        mm,
        f.v.cfd as number,
        'SOL_TCP',
        'TCP_NODELAY',
        1,
        'Go disables Nagle on every TCP connection.',
      );
      return COST.syscall;
    case 4:
      f.pc = 5;
      sysSetsockopt(
        m,
        mm,
        f.v.cfd as number,
        'SOL_SOCKET',
        'SO_KEEPALIVE',
        1,
        'Go turns on TCP keep-alive by default (15 s).',
      );
      return COST.syscall;
    case 5:
      f.pc = 6;
      sysSetsockopt(m, mm, f.v.cfd as number, 'SOL_TCP', 'TCP_KEEPIDLE', 15, 'first probe after 15 s idle.');
      return COST.syscall;
    case 6:
      f.pc = 7;
      sysSetsockopt(m, mm, f.v.cfd as number, 'SOL_TCP', 'TCP_KEEPINTVL', 15, 'then every 15 s.');
      return COST.syscall;
    case 7:
      f.pc = 8;
      sysSetsockopt(
        m,
        mm,
        f.v.cfd as number,
        'SOL_TCP',
        'TCP_KEEPCNT',
        9,
        'give up after 9 unanswered probes.',
      );
      return COST.syscall;
    default:
      return ret(g, f.v.cfd as number, '', String(f.v.conn));
  }
});
