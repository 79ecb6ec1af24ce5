/**
 * System calls of the server process, as the kernel implements them (net/socket.c, fs/read_write.c,
 * fs/eventpoll.c, fs/eventfd.c, fs/open.c). Each takes the calling thread, applies its effect, emits one
 * `syscall` record in strace form with a plain-English reason, and returns its result. Blocking calls
 * (epoll_pwait with a timeout, futex waits) are completed by the runtime modules that own the waiting.
 */
import { emit, type RecordDraft } from '../core.js';
import type { M, Machine } from '../machine.js';
import { EPOLLIN, epInsert, epPollCallback, epRemove, GO_EVENTS, maskNames } from './epoll.js';
import { fdAlloc, fdInstall, fdRemove, fileAt } from './file.js';
import { sockAlloc } from './socket.js';
import { tcpClose, tcpRecvmsg, tcpSendmsg } from './tcp.js';

export interface SysResult {
  ret: number;
  errno?: string;
  /** Data read, for read(2). */
  data?: string;
}

/** Quote a buffer the way strace does, cut at `max` characters. */
export function strBuf(s: string, max = 32): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  return `${JSON.stringify(cut)}${s.length > max ? '...' : ''}`;
}

/** Emits the `syscall` record for a completed call on thread `mm`. */
export function sysRecord(
  m: Machine,
  mm: M,
  name: string,
  args: (string | number)[],
  r: SysResult,
  why: string | (() => string),
  extra?: { fd?: number; reason?: string; bytes?: number; conn?: number },
): void {
  // Fields are assigned one by one (no conditional spreads: this runs for every syscall), and the
  // sentence is a thunk, so nothing is formatted when text is off.
  const errno = r.errno;
  const rec: RecordDraft = {
    layer: 'kernel',
    kind: 'syscall',
    syscall: name,
    args,
    ret: errno ? -1 : r.ret,
    tid: mm.tid,
    m: mm.id,
    text: () =>
      `${name}(${args.join(', ')}) = ${errno ? `-1 ${errno}` : String(r.ret)}: ${typeof why === 'string' ? why : why()}`,
  };
  if (errno) rec.errno = errno;
  if (mm.p >= 0) rec.p = mm.p;
  if (mm.curg >= 0) rec.g = mm.curg;
  if (extra) {
    if (extra.fd !== undefined) rec.fd = extra.fd;
    if (extra.reason !== undefined) rec.reason = extra.reason;
    if (extra.bytes !== undefined) rec.bytes = extra.bytes;
    if (extra.conn !== undefined) rec.conn = extra.conn;
  }
  emit(m, rec);
}

const SOCK_FLAGS = 'SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK';

export function sysSocket(
  m: Machine,
  mm: M,
  family: 'AF_INET' | 'AF_INET6',
  proto: string,
  why: string,
): SysResult {
  const fd = fdAlloc(m);
  if (fd < 0) {
    const r = { ret: -1, errno: 'EMFILE' };
    sysRecord(
      m,
      mm,
      'socket',
      [family, SOCK_FLAGS, proto],
      r,
      `the process is at its open-file limit (${m.proc.nofile}).`,
    );
    return r;
  }
  const s = sockAlloc(m, family);
  const f = fdInstall(m, fd, {
    type: 'socket',
    obj: s.id,
    name: `TCP socket (${family})`,
    nonblock: true,
    cloexec: true,
  });
  s.file = f.id;
  const r = { ret: fd };
  sysRecord(m, mm, 'socket', [family, SOCK_FLAGS, proto], r, why, { fd });
  return r;
}

export function sysClose(m: Machine, mm: M, fd: number, why: string): SysResult {
  const f = fileAt(m, fd);
  if (!f) {
    const r = { ret: -1, errno: 'EBADF' };
    sysRecord(m, mm, 'close', [fd], r, 'no such fd.');
    return r;
  }
  for (const [epId, wfd] of [...f.watchers]) if (wfd === fd) epRemove(m, m.eps[epId], fd);
  if (f.type === 'socket') {
    const s = m.socks[f.obj];
    if (s) {
      s.file = -1;
      tcpClose(m, s, true);
    }
  }
  fdRemove(m, fd);
  const r = { ret: 0 };
  sysRecord(m, mm, 'close', [fd], r, why, { fd });
  return r;
}

export function sysSetsockopt(
  m: Machine,
  mm: M,
  fd: number,
  level: string,
  opt: string,
  val: number,
  why: string,
): SysResult {
  const f = fileAt(m, fd);
  const s = f && f.type === 'socket' ? m.socks[f.obj] : undefined;
  if (s) {
    if (opt === 'IPV6_V6ONLY') s.v6only = val === 1;
    if (opt === 'SO_REUSEADDR') s.reuseaddr = val === 1;
    if (opt === 'TCP_NODELAY') s.nodelay = val === 1;
    if (opt === 'SO_KEEPALIVE') s.keepalive = val === 1;
  }
  const r = s ? { ret: 0 } : { ret: -1, errno: 'EBADF' };
  sysRecord(m, mm, 'setsockopt', [fd, level, opt, `[${val}]`], r, why, { fd });
  return r;
}

/** bind(2): EADDRINUSE when another socket (or program) holds the port, EACCES below 1024 without root. */
export function sysBind(m: Machine, mm: M, fd: number, addr: string, port: number, why: string): SysResult {
  const s = m.socks[fileAt(m, fd)!.obj];
  let r: SysResult = { ret: 0 };
  let reason = why;
  if (port > 0 && port < 1024 && m.proc.user !== 'root') {
    r = { ret: -1, errno: 'EACCES' };
    reason = `port ${port} is below 1024 and the process runs as ${m.proc.user} without CAP_NET_BIND_SERVICE.`;
  } else if (port > 0 && (m.taken.includes(port) || m.listeners[port] !== undefined)) {
    r = { ret: -1, errno: 'EADDRINUSE' };
    reason = `another socket already listens on port ${port}.`;
  } else {
    s.local = addr;
    s.port = port;
  }
  sysRecord(m, mm, 'bind', [fd, addr], r, reason, { fd });
  return r;
}

/** listen(2): the backlog is min(arg, somaxconn) (__sys_listen). */
export function sysListen(m: Machine, mm: M, fd: number, backlog: number): SysResult {
  const s = m.socks[fileAt(m, fd)!.obj];
  s.state = 'LISTEN';
  s.backlog = Math.min(backlog, m.p.somaxconn);
  m.listeners[s.port] = s.id;
  const r = { ret: 0 };
  sysRecord(
    m,
    mm,
    'listen',
    [fd, backlog],
    r,
    `fd ${fd} becomes a listening socket on ${s.local}; the kernel will complete handshakes on its own and queue up to ${s.backlog} connections for accept.`,
    { fd },
  );
  return r;
}

export function sysGetsockname(m: Machine, mm: M, fd: number, why: string): SysResult {
  const f = fileAt(m, fd);
  const s = f ? m.socks[f.obj] : undefined;
  const r = { ret: 0 };
  sysRecord(m, mm, 'getsockname', [fd, `{${s?.local ?? ''}}`], r, why, { fd });
  return r;
}

const SOMAXCONN_PATH = '/proc/sys/net/core/somaxconn';

export function sysOpenat(m: Machine, mm: M, path: string, why: string): SysResult {
  const fd = fdAlloc(m);
  if (fd < 0) {
    const r = { ret: -1, errno: 'EMFILE' };
    sysRecord(
      m,
      mm,
      'openat',
      ['AT_FDCWD', JSON.stringify(path), 'O_RDONLY|O_CLOEXEC'],
      r,
      'the open-file limit is reached.',
    );
    return r;
  }
  fdInstall(m, fd, { type: 'procfs', obj: 0, name: path, nonblock: false, cloexec: true });
  const r = { ret: fd };
  sysRecord(m, mm, 'openat', ['AT_FDCWD', JSON.stringify(path), 'O_RDONLY|O_CLOEXEC'], r, why, { fd });
  return r;
}

/** read(2) on a procfs file, a socket or an eventfd. */
export function sysRead(
  m: Machine,
  mm: M,
  fd: number,
  n: number,
  why: (r: SysResult) => string,
  reason?: string,
): SysResult {
  const f = fileAt(m, fd);
  let r: SysResult;
  let conn: number | undefined;
  if (!f) r = { ret: -1, errno: 'EBADF' };
  else if (f.type === 'procfs') {
    const content = f.name === SOMAXCONN_PATH ? `${m.p.somaxconn}\n` : '';
    const data = content.slice(f.off, f.off + n);
    f.off += data.length;
    r = { ret: data.length, data };
  } else if (f.type === 'eventfd') {
    if (m.evcount[f.obj] > 0) {
      m.evcount[f.obj] = 0;
      r = { ret: 8, data: '\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000' };
    } else r = { ret: -1, errno: 'EAGAIN' };
  } else if (f.type === 'socket') {
    const s = m.socks[f.obj];
    conn = s?.conn;
    if (!s || s.state === 'LISTEN') r = { ret: -1, errno: 'EINVAL' };
    else if (s.rcvq > 0) {
      const data = tcpRecvmsg(m, s, n);
      m.stats.reqRead += data.length;
      r = { ret: data.length, data };
    } else if (s.rcvShutdown) r = { ret: 0, data: '' };
    else r = { ret: -1, errno: 'EAGAIN' };
  } else r = { ret: -1, errno: 'EINVAL' };
  const buf = r.errno ? '0x…' : strBuf(r.data ?? '');
  const extra: { fd: number; bytes?: number; conn?: number; reason?: string } = { fd };
  if (r.ret > 0) extra.bytes = r.ret;
  if (conn) extra.conn = conn;
  if (reason) extra.reason = reason;
  sysRecord(m, mm, 'read', [fd, buf, n], r, () => why(r), extra);
  return r;
}

/** write(2) on a socket (tcp_sendmsg) or an eventfd. */
export function sysWrite(
  m: Machine,
  mm: M,
  fd: number,
  data: string,
  why: (r: SysResult) => string,
): SysResult {
  const f = fileAt(m, fd);
  let r: SysResult;
  let conn: number | undefined;
  if (!f) r = { ret: -1, errno: 'EBADF' };
  else if (f.type === 'eventfd') {
    m.evcount[f.obj] += 1;
    r = { ret: 8 };
  } else if (f.type === 'socket') {
    const s = m.socks[f.obj];
    conn = s?.conn;
    if (!s || s.sndShutdown) r = { ret: -1, errno: 'EPIPE' };
    else {
      // The syscall record comes first: the segments it sends are the consequence.
      const free = s.sndCap - (s.writeSeq - s.sndUna);
      const n = Math.min(free, data.length);
      r = n > 0 ? { ret: n } : { ret: -1, errno: 'EAGAIN' };
      const extra: { fd: number; conn?: number; bytes?: number } = { fd, conn };
      if (n > 0) extra.bytes = n;
      sysRecord(m, mm, 'write', [fd, strBuf(data), data.length], r, () => why(r), extra);
      if (n > 0) {
        m.stats.respWritten += n;
        tcpSendmsg(m, s, data.slice(0, n));
      }
      return r;
    }
  } else r = { ret: -1, errno: 'EINVAL' };
  sysRecord(m, mm, 'write', [fd, strBuf(data), data.length], r, () => why(r), { fd });
  // eventfd_write wakes pollers: EPOLLIN on the eventfd.
  if (f && f.type === 'eventfd') epPollCallback(m, f.id, EPOLLIN, 'the eventfd counter became non-zero');
  return r;
}

/** accept4(2): takes the oldest connection off the accept queue (inet_csk_accept). */
export function sysAccept4(m: Machine, mm: M, lfd: number): SysResult & { conn?: number } {
  const l = m.socks[fileAt(m, lfd)!.obj];
  const flags = 'SOCK_CLOEXEC|SOCK_NONBLOCK';
  if (l.acceptq.length === 0) {
    const r = { ret: -1, errno: 'EAGAIN' };
    sysRecord(
      m,
      mm,
      'accept4',
      [lfd, '0x…', flags],
      r,
      `the accept queue of the listener is empty: no completed handshake is waiting.`,
      {
        fd: lfd,
        reason: 'accept',
      },
    );
    return r;
  }
  const fd = fdAlloc(m);
  if (fd < 0) {
    const r = { ret: -1, errno: 'EMFILE' };
    sysRecord(
      m,
      mm,
      'accept4',
      [lfd, '0x…', flags],
      r,
      `a connection is waiting, but the process already has ${m.proc.nofile} open files (RLIMIT_NOFILE); it stays in the accept queue.`,
      { fd: lfd },
    );
    return r;
  }
  const sid = l.acceptq.shift()!;
  const s = m.socks[sid];
  s.parent = -1;
  const f = fdInstall(m, fd, {
    type: 'socket',
    obj: sid,
    name: 'TCP socket (AF_INET6)',
    nonblock: true,
    cloexec: true,
  });
  s.file = f.id;
  const r = { ret: fd, conn: s.conn };
  sysRecord(
    m,
    mm,
    'accept4',
    [lfd, `{${s.remote}}`, flags],
    r,
    `inet_csk_accept takes connection ${s.conn} off the accept queue (${l.acceptq.length} left) and installs it as fd ${fd}, the lowest free fd.`,
    { fd, conn: s.conn, reason: 'accept' },
  );
  return r;
}

export function sysEpollCreate1(m: Machine, mm: M): SysResult {
  const fd = fdAlloc(m);
  const id = m.nextFile + 1000;
  m.eps[id] = { id, fd, items: {}, nitems: 0, rdllist: [], waiters: [] };
  fdInstall(m, fd, { type: 'epoll', obj: id, name: 'epoll', nonblock: false, cloexec: true });
  const r = { ret: fd };
  sysRecord(
    m,
    mm,
    'epoll_create1',
    ['EPOLL_CLOEXEC'],
    r,
    `the Go runtime creates its one epoll instance (the netpoller) on first use, as fd ${fd}.`,
    { fd },
  );
  return r;
}

export function sysEventfd2(m: Machine, mm: M): SysResult {
  const fd = fdAlloc(m);
  const f = fdInstall(m, fd, {
    type: 'eventfd',
    obj: 0,
    name: 'eventfd (netpollBreak)',
    nonblock: true,
    cloexec: true,
  });
  f.obj = f.id;
  m.evcount[f.id] = 0;
  const r = { ret: fd };
  sysRecord(
    m,
    mm,
    'eventfd2',
    [0, 'EFD_CLOEXEC|EFD_NONBLOCK'],
    r,
    `an eventfd the runtime can write to when it must interrupt a thread blocked in epoll_pwait (netpollBreak).`,
    { fd },
  );
  return r;
}

/** epoll_ctl(2): ADD or DEL; Go never uses MOD. */
export function sysEpollCtl(
  m: Machine,
  mm: M,
  epfd: number,
  op: 'EPOLL_CTL_ADD' | 'EPOLL_CTL_DEL',
  fd: number,
  events: number,
  why: string,
): SysResult {
  const ep = m.eps[fileAt(m, epfd)!.obj];
  const f = fileAt(m, fd);
  let r: SysResult = { ret: 0 };
  if (!f) r = { ret: -1, errno: 'EBADF' };
  else if (op === 'EPOLL_CTL_ADD') {
    if (ep.items[fd]) r = { ret: -1, errno: 'EEXIST' };
  } else if (!ep.items[fd]) r = { ret: -1, errno: 'ENOENT' };
  const args: (string | number)[] =
    op === 'EPOLL_CTL_ADD' ? [epfd, op, fd, `{${maskNames(events)}}`] : [epfd, op, fd];
  sysRecord(m, mm, 'epoll_ctl', args, r, why, { fd });
  if (!r.errno && f) {
    if (op === 'EPOLL_CTL_ADD') epInsert(m, ep, fd, f, events);
    else epRemove(m, ep, fd);
  }
  return r;
}

/** shutdown(2). */
export function sysShutdown(m: Machine, mm: M, fd: number, why: string): SysResult {
  const f = fileAt(m, fd);
  const s = f ? m.socks[f.obj] : undefined;
  if (s) tcpClose(m, s, false);
  const r = s ? { ret: 0 } : { ret: -1, errno: 'EBADF' };
  sysRecord(m, mm, 'shutdown', [fd, 'SHUT_WR'], r, why, { fd });
  return r;
}

export { GO_EVENTS };
