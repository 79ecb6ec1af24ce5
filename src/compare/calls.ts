/**
 * One syscall in the common shape `compare` lines up: a real strace call (src/compare/strace.ts) or a
 * simulated `syscall` trace record, reduced to what must be equal for the two to match — the name,
 * the arguments that carry meaning (fds, flags, sizes, addresses, the epoll ready list) and the
 * result (return value or errno). Pointers, buffer contents, option lengths and the client's
 * ephemeral port are left out: they differ run to run on the real machine too.
 *
 * Also here: which calls are thread bookkeeping (aligned separately, never scored) and which phase
 * and connection each call belongs to (segment), for both sides alike. Used by align.ts and report.ts.
 */
import type { TraceRecord } from '../sim/trace.js';
import type { RealCall } from './strace.js';

export interface Call {
  name: string;
  /** The arguments that must be equal, canonical text. */
  key: string[];
  ret?: number;
  errno?: string;
  tid: number;
  /** Real: 1-based log line. */
  line?: number;
  /** Sim: trace step. */
  step?: number;
  /** Seconds (real, from the log's clock) or virtual seconds (sim), when known. */
  t?: number;
  /** Thread bookkeeping: counted and aligned apart, not in the score. */
  bookkeeping: boolean;
  /** The fd the call is about (epoll_ctl: its target), for assigning it to a connection. */
  fd?: number;
  /** epoll_pwait: the fds it returned ready. */
  ready?: number[];
}

/**
 * Threads, memory, signals, process set-up: the runtime's own business, whose count and order depend
 * on how many OS threads happen to spin. An `epoll_pwait(…, 0) = 0` (an idle M's non-blocking look at
 * the poller) is in the same class: how many there are depends on how many Ms were idle.
 */
export const BOOKKEEPING = new Set([
  'clone',
  'clone3',
  'futex',
  'nanosleep',
  'clock_nanosleep',
  'mmap',
  'munmap',
  'mprotect',
  'madvise',
  'mremap',
  'brk',
  'rt_sigaction',
  'rt_sigprocmask',
  'rt_sigreturn',
  'sigaltstack',
  'gettid',
  'getpid',
  'tgkill',
  'sched_yield',
  'sched_getaffinity',
  'set_robust_list',
  'set_tid_address',
  'rseq',
  'arch_prctl',
  'getrandom',
  'prlimit64',
  'getrlimit',
  'setrlimit',
  'execve',
  'exit',
  'membarrier',
  'restart_syscall',
]);

/** Calls whose first argument is the fd they act on. */
const FD_FIRST = new Set([
  'read',
  'write',
  'pread64',
  'pwrite64',
  'readv',
  'writev',
  'recvfrom',
  'sendto',
  'recvmsg',
  'sendmsg',
  'close',
  'shutdown',
  'setsockopt',
  'getsockopt',
  'getsockname',
  'getpeername',
  'fcntl',
  'accept',
  'accept4',
  'bind',
  'listen',
  'connect',
  'fstat',
  'newfstatat',
]);

/** `4<TCPv6:[…]>` → `4`, `AT_FDCWD</tmp>` → `AT_FDCWD` (strace -y/-yy decorations). */
function undecorate(a: string): string {
  if (a.startsWith('"')) return a;
  const m = /^(-?[\w]+)<.*>$/s.exec(a);
  return m ? m[1] : a;
}

/** A strace sockaddr `{sa_family=AF_INET6, sin6_port=htons(3000), …"::"…}` as `[::]:3000`. */
export function sockaddr(a: string): string {
  const port = /sin6?_port=htons\((\d+)\)/.exec(a)?.[1];
  const v6 = /inet_pton\(AF_INET6, "([^"]*)"/.exec(a)?.[1];
  if (v6 !== undefined && port !== undefined) return `[${v6}]:${port}`;
  const v4 = /inet_addr\("([^"]*)"\)/.exec(a)?.[1] ?? /inet_pton\(AF_INET, "([^"]*)"/.exec(a)?.[1];
  if (v4 !== undefined && port !== undefined) return `${v4}:${port}`;
  return a;
}

/** `{events=EPOLLIN|EPOLLET, data={…}}` → `{EPOLLIN|EPOLLET}`. */
function epollEvents(a: string): string {
  const ev = /events=([A-Z0-9|]+)/.exec(a)?.[1];
  return ev ? `{${ev}}` : a;
}

const pair = (flags: string, fd: number | string) => `{${flags}, fd ${fd}}`;

/** Real strace calls in the common shape. Tracks epoll registrations to name the fds in ready lists. */
export function fromStrace(calls: readonly RealCall[]): Call[] {
  const byData = new Map<string, number>();
  const t0 = calls.find((c) => c.time !== undefined)?.time;
  const out: Call[] = [];
  for (const c of calls) {
    const a = c.args.map(undecorate);
    let key: string[];
    let ready: number[] | undefined;
    switch (c.name) {
      case 'accept':
      case 'accept4':
        key = [a[0], ...(c.name === 'accept4' ? [a[3] ?? ''] : [])];
        break;
      case 'bind':
      case 'connect':
        key = [a[0], sockaddr(a[1] ?? '')];
        break;
      case 'getsockname':
      case 'getpeername':
        key = [a[0]];
        break;
      case 'setsockopt':
        key = a.slice(0, 4);
        break;
      case 'getsockopt':
        key = a.slice(0, 3);
        break;
      case 'epoll_ctl': {
        key = a[1] === 'EPOLL_CTL_DEL' ? a.slice(0, 3) : [...a.slice(0, 3), epollEvents(a[3] ?? '')];
        const data = /u64=(\d+)/.exec(a[3] ?? '')?.[1];
        if (a[1] === 'EPOLL_CTL_ADD' && data) byData.set(data, Number(a[2]));
        break;
      }
      case 'epoll_wait':
      case 'epoll_pwait':
      case 'epoll_pwait2': {
        ready = [];
        const evs: string[] = [];
        for (const m of (a[1] ?? '').matchAll(/\{events=([A-Z0-9|]+), data=\{u32=\d+, u64=(\d+)\}\}/g)) {
          const fd = byData.get(m[2]);
          ready.push(fd ?? -1);
          evs.push(pair(m[1], fd ?? '?'));
        }
        key = [a[0], `[${evs.join(', ')}]`, a[2] ?? '', a[3] ?? ''];
        break;
      }
      case 'read':
      case 'write':
      case 'pread64':
      case 'pwrite64':
      case 'recvfrom':
      case 'sendto':
        key = [a[0], a[2] ?? ''];
        break;
      case 'openat':
        key = a.slice(0, 3);
        break;
      default:
        key = a.map((x) => (/^0x[0-9a-f]+$/.test(x) ? '0x…' : x));
    }
    out.push({
      name: c.name,
      key,
      ret: c.ret,
      errno: c.errno,
      tid: c.tid,
      line: c.line,
      t: c.time !== undefined && t0 !== undefined ? c.time - t0 : undefined,
      bookkeeping: isBookkeeping(c.name, key, c.ret),
      fd: fdOf(c.name, key),
      ready,
    });
  }
  return out;
}

/** The simulation's syscall records in the common shape. */
export function fromTrace(records: readonly TraceRecord[]): Call[] {
  const out: Call[] = [];
  for (const r of records) {
    if (r.kind !== 'syscall' || !r.syscall) continue;
    const a = (r.args ?? []).map(String);
    let key: string[];
    let ready: number[] | undefined;
    switch (r.syscall) {
      case 'accept4':
        key = [a[0], a[2] ?? ''];
        break;
      case 'accept':
      case 'getsockname':
      case 'getpeername':
        key = [a[0]];
        break;
      case 'epoll_ctl':
        key = a[1] === 'EPOLL_CTL_DEL' ? a.slice(0, 3) : a.slice(0, 4);
        break;
      case 'epoll_pwait':
      case 'epoll_wait': {
        ready = [];
        const evs: string[] = [];
        for (const m of (a[1] ?? '').matchAll(/\{([A-Z0-9|]+), fd (\d+)\}/g)) {
          ready.push(Number(m[2]));
          evs.push(pair(m[1], m[2]));
        }
        key = [a[0], `[${evs.join(', ')}]`, a[2] ?? '', a[3] ?? ''];
        break;
      }
      case 'read':
      case 'write':
        key = [a[0], a[2] ?? ''];
        break;
      default:
        key = a.map((x) => (x === '0x…' || /^0x[0-9a-f]+$/.test(x) ? '0x…' : x));
    }
    out.push({
      name: r.syscall,
      key,
      ret: r.ret,
      errno: r.errno,
      tid: r.tid ?? 0,
      step: r.step,
      t: r.t_ns / 1e9,
      bookkeeping: isBookkeeping(r.syscall, key, r.ret),
      fd: fdOf(r.syscall, key),
      ready,
    });
  }
  return out;
}

function isBookkeeping(name: string, key: string[], ret: number | undefined): boolean {
  if (BOOKKEEPING.has(name)) return true;
  return name.startsWith('epoll_pwait') && key[3] === '0' && ret === 0;
}

function fdOf(name: string, key: string[]): number | undefined {
  const s = name === 'epoll_ctl' ? key[2] : FD_FIRST.has(name) ? key[0] : undefined;
  const n = Number(s);
  return s !== undefined && /^\d+$/.test(s) ? n : undefined;
}

/** strace's way of printing it: `read(4, 4096) = 83`, `accept4(3, …) = -1 EAGAIN`. */
export function callText(c: Call): string {
  const res = c.ret === undefined ? '?' : c.errno ? `-1 ${c.errno}` : String(c.ret);
  return `${c.name}(${c.key.join(', ')}) = ${res}`;
}

/** Do two calls match exactly: name, meaningful arguments and result? */
export function sameCall(a: Call, b: Call): boolean {
  if (a.name !== b.name || a.errno !== b.errno) return false;
  if (!a.errno && a.ret !== b.ret) return false;
  if (a.key.length !== b.key.length) return false;
  for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return false;
  return true;
}

/** Where a call belongs: before the program's first socket, start-up, connection k, or serving. */
export interface Segmented {
  /** Everything before the first `socket()`: the runtime and process set-up (not scored). */
  init: Call[];
  /** From the first `socket()` to just before the first successful accept. */
  startup: Call[];
  /** Per accepted connection, in accept order: the accept and every call on its fd until close. */
  conns: Call[][];
  /** The rest after start-up: the accept loop's EAGAINs, listener wake-ups, the exit path. */
  serving: Call[];
  /** Bookkeeping calls per phase. */
  bookkeeping: { init: Call[]; startup: Call[]; serving: Call[] };
}

export function segment(calls: readonly Call[]): Segmented {
  const s: Segmented = {
    init: [],
    startup: [],
    conns: [],
    serving: [],
    bookkeeping: { init: [], startup: [], serving: [] },
  };
  let phase: 'init' | 'startup' | 'serving' = 'init';
  const open = new Map<number, number>(); // fd → connection index
  for (const c of calls) {
    if (phase === 'init' && c.name === 'socket') phase = 'startup';
    const accepted = (c.name === 'accept4' || c.name === 'accept') && c.ret !== undefined && c.ret >= 0;
    if (accepted && phase !== 'init') phase = 'serving';
    if (c.bookkeeping) {
      s.bookkeeping[phase].push(c);
      continue;
    }
    if (phase === 'init') {
      s.init.push(c);
      continue;
    }
    if (accepted && c.ret !== undefined) {
      open.set(c.ret, s.conns.length);
      s.conns.push([c]);
      continue;
    }
    if (phase === 'startup') {
      s.startup.push(c);
      continue;
    }
    const fd = c.fd ?? c.ready?.find((f) => open.has(f));
    const k = fd !== undefined ? open.get(fd) : undefined;
    if (k === undefined) {
      s.serving.push(c);
      continue;
    }
    s.conns[k].push(c);
    if (c.name === 'close' && c.fd !== undefined) open.delete(c.fd);
  }
  return s;
}
