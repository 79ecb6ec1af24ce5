/**
 * System calls of the server process, as the kernel implements them (net/socket.c, fs/read_write.c,
 * fs/eventpoll.c, fs/eventfd.c, fs/open.c). Each takes the calling thread, applies its effect, emits one
 * `syscall` record in strace form with a plain-English reason, and returns its result. Blocking calls
 * (epoll_pwait with a timeout, futex waits) are completed by the runtime modules that own the waiting.
 */
import { emit, type RecordDraft, touch } from '../core.js';
import { own } from '../cow.js';
import type { M, Machine, Sock } from '../machine.js';
import {
  EPOLLIN,
  epInsert,
  epInsertPoll,
  epItem,
  epPollCallback,
  epRemove,
  GO_EVENTS,
  maskNames,
} from './epoll.js';
import { fdAlloc, fdInstall, fdRemove, fileAt } from './file.js';
import { sockAlloc } from './socket.js';
import { tcpCleanupRbuf, tcpClose, tcpRecvmsg, tcpSendmsg, tcpWriteXmit } from './tcp.js';

/**
 * The kernel function each system call enters (its `fn`), by name: the SYSCALL_DEFINE's worker where
 * there is one (`__sys_*` in net/socket.c, `ksys_*`, `do_*`), checked against Linux 6.x sources.
 * read/write name the file's own operation instead when the work is a socket's or an eventfd's.
 */
const SYSCALL_FN: Record<string, string> = {
  accept4: '__sys_accept4 — net/socket.c',
  bind: '__sys_bind — net/socket.c',
  clone3: 'kernel_clone — kernel/fork.c',
  close: 'file_close_fd — fs/file.c',
  epoll_create1: 'do_epoll_create — fs/eventpoll.c',
  epoll_ctl: 'do_epoll_ctl — fs/eventpoll.c',
  epoll_pwait: 'do_epoll_wait — fs/eventpoll.c',
  eventfd2: 'do_eventfd — fs/eventfd.c',
  exit_group: 'do_group_exit — kernel/exit.c',
  fcntl: 'do_fcntl — fs/fcntl.c',
  futex: 'do_futex — kernel/futex/syscalls.c',
  getsockname: '__sys_getsockname — net/socket.c',
  listen: '__sys_listen — net/socket.c',
  nanosleep: 'hrtimer_nanosleep — kernel/time/hrtimer.c',
  openat: 'do_sys_openat2 — fs/open.c',
  read: 'ksys_read — fs/read_write.c',
  setsockopt: '__sys_setsockopt — net/socket.c',
  shutdown: '__sys_shutdown — net/socket.c',
  socket: '__sys_socket — net/socket.c',
  tgkill: 'do_tkill — kernel/signal.c',
  write: 'ksys_write — fs/read_write.c',
};
/** read(2)/write(2)/close(2) where the file is not a plain one: the operation that does the work. */
const SOCK_READ_FN = 'tcp_recvmsg — net/ipv4/tcp.c';
const SOCK_WRITE_FN = 'tcp_sendmsg — net/ipv4/tcp.c';
const SOCK_CLOSE_FN = 'sock_close — net/socket.c';
const EVENTFD_READ_FN = 'eventfd_read — fs/eventfd.c';
const EVENTFD_WRITE_FN = 'eventfd_write — fs/eventfd.c';
const PROCFS_READ_FN = 'proc_sys_read — fs/proc/proc_sysctl.c';
const REGULAR_READ_FN = 'filemap_read — mm/filemap.c';

/** What a syscall record may add to the strace fields. */
export interface SysExtra {
  fd?: number;
  reason?: string;
  bytes?: number;
  conn?: number;
  /** The kernel function, when not the table's entry for the call (see SYSCALL_FN). */
  fn?: string;
}

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
  extra?: SysExtra,
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
    fn: extra?.fn ?? SYSCALL_FN[name] ?? `sys_${name}`,
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
  const s = f.type === 'socket' ? m.socks[f.obj] : undefined;
  // A socket that never connected, or a listener, goes silently with its fd (the close record says so);
  // a connection's FIN or RST is the close's consequence, so its steps follow the close record.
  const quiet = !s || s.state === 'LISTEN' || s.state === 'CLOSED';
  if (s) {
    touch(m, 'sock', s.id);
    s.file = -1;
    if (quiet) tcpClose(m, s, true);
  }
  fdRemove(m, fd);
  const r = { ret: 0 };
  sysRecord(m, mm, 'close', [fd], r, why, s ? { fd, fn: SOCK_CLOSE_FN } : { fd });
  if (s && !quiet) tcpClose(m, s, true);
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
    touch(m, 'sock', s.id);
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
    touch(m, 'sock', s.id);
    s.local = addr;
    s.port = port;
  }
  sysRecord(m, mm, 'bind', [fd, addr], r, reason, { fd });
  return r;
}

/** listen(2): the backlog is min(arg, somaxconn) (__sys_listen). */
export function sysListen(m: Machine, mm: M, fd: number, backlog: number): SysResult {
  const s = m.socks[fileAt(m, fd)!.obj];
  touch(m, 'sock', s.id);
  s.state = 'LISTEN';
  s.backlog = Math.min(backlog, m.p.somaxconn);
  own(m, 'listener', s.port);
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
/** The time zone file Go's time package loads for time.Local (time/zoneinfo_unix.go initLocal). */
export const LOCALTIME_PATH = '/etc/localtime';
/**
 * /etc/localtime as Debian ships it for UTC (/usr/share/zoneinfo/Etc/UTC, 114 B): a TZif v2 file with
 * one zone type, "UTC", twice (v1 and v2 bodies), and the POSIX TZ footer "UTC0". The simulated machine
 * runs in UTC so the log line's date is the virtual clock's (params.ts LOG_EPOCH_S).
 */
const TZIF_HEADER = `TZif2${'\0'.repeat(15)}${'\0\0\0\0'.repeat(4)}\0\0\0\u0001\0\0\0\u0004`;
const TZIF_UTC = `${TZIF_HEADER}${'\0'.repeat(6)}UTC\0${TZIF_HEADER}${'\0'.repeat(6)}UTC\0\nUTC0\n`;

/** The contents of the plain files the server opens: the somaxconn sysctl and the time zone. */
function fileContent(m: Machine, name: string): string {
  if (name === SOMAXCONN_PATH) return `${m.p.somaxconn}\n`;
  if (name === LOCALTIME_PATH) return TZIF_UTC;
  return '';
}

/** openat(2) of a plain file (do_sys_openat2); `flags` as strace prints them. */
export function sysOpenat(
  m: Machine,
  mm: M,
  path: string,
  why: string,
  o: { flags?: string } = {},
): SysResult {
  const flags = o.flags ?? 'O_RDONLY|O_CLOEXEC';
  const fd = fdAlloc(m);
  if (fd < 0) {
    const r = { ret: -1, errno: 'EMFILE' };
    sysRecord(
      m,
      mm,
      'openat',
      ['AT_FDCWD', JSON.stringify(path), flags],
      r,
      'the open-file limit is reached.',
    );
    return r;
  }
  fdInstall(m, fd, {
    type: 'procfs',
    obj: 0,
    name: path,
    nonblock: false,
    cloexec: flags.includes('O_CLOEXEC'),
  });
  const r = { ret: fd };
  sysRecord(m, mm, 'openat', ['AT_FDCWD', JSON.stringify(path), flags], r, why, { fd });
  return r;
}

/** O_RDONLY|O_LARGEFILE: what F_GETFL reports for a file opened read-only on 64-bit Linux. */
const O_LARGEFILE = 0x8000;
const O_NONBLOCK = 0x800;

/**
 * fcntl(2) F_GETFL / F_SETFL on a plain file (do_fcntl → setfl): syscall.SetNonblock's pair, as
 * os.newFile does for a file it hopes to poll (kindOpenFile).
 */
export function sysFcntl(
  m: Machine,
  mm: M,
  fd: number,
  cmd: 'F_GETFL' | 'F_SETFL',
  why: string,
  o: { nonblock?: boolean } = {},
): SysResult {
  const f = fileAt(m, fd);
  if (!f) {
    const r = { ret: -1, errno: 'EBADF' };
    sysRecord(m, mm, 'fcntl', [fd, cmd], r, 'no such fd.');
    return r;
  }
  if (cmd === 'F_GETFL') {
    const r = { ret: O_LARGEFILE | (f.nonblock ? O_NONBLOCK : 0) };
    sysRecord(m, mm, 'fcntl', [fd, cmd], r, why, { fd });
    return r;
  }
  touch(m, 'file', f.id);
  f.nonblock = o.nonblock ?? true;
  const r = { ret: 0 };
  sysRecord(m, mm, 'fcntl', [fd, cmd, `O_RDONLY${f.nonblock ? '|O_NONBLOCK' : ''}|O_LARGEFILE`], r, why, {
    fd,
  });
  return r;
}

/**
 * exit_group(2) (do_group_exit): every thread of the process ends. It never returns, so its record
 * has no result (strace prints `= ?`). The caller has already written the process's exit state.
 */
export function sysExitGroup(m: Machine, mm: M, status: number, why: string): void {
  const rec: RecordDraft = {
    layer: 'kernel',
    kind: 'syscall',
    syscall: 'exit_group',
    args: [status],
    tid: mm.tid,
    m: mm.id,
    text: () => `exit_group(${status}) = ?: ${why}`,
    fn: SYSCALL_FN.exit_group,
  };
  if (mm.p >= 0) rec.p = mm.p;
  if (mm.curg >= 0) rec.g = mm.curg;
  emit(m, rec);
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
  let sock: Sock | undefined;
  let fn: string | undefined;
  if (!f) r = { ret: -1, errno: 'EBADF' };
  else if (f.type === 'procfs') {
    fn = f.name === LOCALTIME_PATH ? REGULAR_READ_FN : PROCFS_READ_FN;
    const content = fileContent(m, f.name);
    const data = content.slice(f.off, f.off + n);
    touch(m, 'file', f.id);
    f.off += data.length;
    r = { ret: data.length, data };
  } else if (f.type === 'eventfd') {
    fn = EVENTFD_READ_FN;
    if (m.evcount[f.obj] > 0) {
      touch(m, 'evfd', f.obj);
      m.evcount[f.obj] = 0;
      r = { ret: 8, data: '\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000' };
    } else r = { ret: -1, errno: 'EAGAIN' };
  } else if (f.type === 'socket') {
    fn = SOCK_READ_FN;
    const s = m.socks[f.obj];
    conn = s?.conn;
    if (!s || s.state === 'LISTEN') r = { ret: -1, errno: 'EINVAL' };
    else if (s.rcvq > 0) {
      const data = tcpRecvmsg(m, s, n);
      sock = s;
      m.stats.reqRead += data.length;
      r = { ret: data.length, data };
    } else if (s.rcvShutdown) r = { ret: 0, data: '' };
    else r = { ret: -1, errno: 'EAGAIN' };
  } else r = { ret: -1, errno: 'EINVAL' };
  const buf = r.errno ? '0x…' : strBuf(r.data ?? '');
  const extra: SysExtra = { fd };
  if (r.ret > 0) extra.bytes = r.ret;
  if (conn) extra.conn = conn;
  if (reason) extra.reason = reason;
  if (fn) extra.fn = fn;
  sysRecord(m, mm, 'read', [fd, buf, n], r, () => why(r), extra);
  // tcp_cleanup_rbuf: the room the read made may be worth a window update, sent after the read returns.
  if (sock) tcpCleanupRbuf(m, sock);
  return r;
}

/** write(2) on a socket (tcp_sendmsg), an eventfd, or stdout/stderr (the terminal takes it all). */
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
    touch(m, 'evfd', f.obj);
    m.evcount[f.obj] += 1;
    r = { ret: 8 };
  } else if (f.type === 'socket') {
    const s = m.socks[f.obj];
    conn = s?.conn;
    if (!s || s.sndShutdown) r = { ret: -1, errno: 'EPIPE' };
    else {
      // The bytes join the send queue on the write's step; the segments they leave in are its consequence.
      const n = tcpSendmsg(m, s, data);
      r = n > 0 ? { ret: n } : { ret: -1, errno: 'EAGAIN' };
      const extra: SysExtra = { fd, conn, fn: SOCK_WRITE_FN };
      if (n > 0) {
        extra.bytes = n;
        m.stats.respWritten += n;
      }
      sysRecord(m, mm, 'write', [fd, strBuf(data), data.length], r, () => why(r), extra);
      if (n > 0) tcpWriteXmit(m, s);
      return r;
    }
  } else if (f.type === 'stdio') r = { ret: data.length };
  else r = { ret: -1, errno: 'EINVAL' };
  const extra: SysExtra = { fd };
  if (f && f.type === 'eventfd') extra.fn = EVENTFD_WRITE_FN;
  sysRecord(m, mm, 'write', [fd, strBuf(data), data.length], r, () => why(r), extra);
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
  touch(m, 'sock', l.id);
  const sid = l.acceptq.shift()!;
  const s = m.socks[sid];
  touch(m, 'sock', sid);
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
  touch(m, 'ep', id);
  m.eps[id] = { id, fd, items: [], nitems: 0, rdllist: [], waiters: [] };
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
  touch(m, 'evfd', f.id);
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
    if (epItem(ep, fd)) r = { ret: -1, errno: 'EEXIST' };
  } else if (!epItem(ep, fd)) r = { ret: -1, errno: 'ENOENT' };
  const args: (string | number)[] =
    op === 'EPOLL_CTL_ADD' ? [epfd, op, fd, `{${maskNames(events)}}`] : [epfd, op, fd];
  if (!r.errno && f) {
    if (op === 'EPOLL_CTL_ADD') epInsert(m, ep, fd, f, events);
    else epRemove(m, ep, fd);
  }
  sysRecord(m, mm, 'epoll_ctl', args, r, why, { fd });
  if (!r.errno && f && op === 'EPOLL_CTL_ADD') epInsertPoll(m, ep, fd);
  return r;
}

/** shutdown(2). */
export function sysShutdown(m: Machine, mm: M, fd: number, why: string): SysResult {
  const f = fileAt(m, fd);
  const s = f ? m.socks[f.obj] : undefined;
  const r = s ? { ret: 0 } : { ret: -1, errno: 'EBADF' };
  sysRecord(m, mm, 'shutdown', [fd, 'SHUT_WR'], r, why, { fd });
  // tcp_shutdown's state change and FIN are the call's consequences: their steps follow it.
  if (s) tcpClose(m, s, false);
  return r;
}

export { GO_EVENTS };
