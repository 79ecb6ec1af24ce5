/**
 * `--format strace`: the server's syscalls as `strace -f -tt -T` prints them, so a learner can diff the
 * simulation with a real capture, and `netflow-tui compare` can read the file back.
 *
 * Each line: `[pid TID] HH:MM:SS.uuuuuu name(args) = ret <secs>` — the pid prefix once the process has
 * more than one thread (strace -f), the wall clock of the call's entry (-tt; the virtual clock from
 * 00:00:00), the time spent inside (-T). A failed call ends `= -1 EAGAIN (Resource temporarily
 * unavailable)`. When another thread's line comes between a call's entry and its return, strace splits
 * it: `name(first args <unfinished ...>` at entry and `<... name resumed>rest) = ret <secs>` at return.
 * Entry times come from timing.ts (a record is made when its call returns).
 */
import type { Tapped, Visitor } from './capture.js';
import type { Scope } from './scope.js';
import type { Sink } from './sink.js';
import { SyscallClock } from './timing.js';

/** strerror(3) texts strace appends to an errno name (glibc's wording). */
const STRERROR: Record<string, string> = {
  EAGAIN: 'Resource temporarily unavailable',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  EINTR: 'Interrupted system call',
  ENOENT: 'No such file or directory',
  EBADF: 'Bad file descriptor',
  EINVAL: 'Invalid argument',
  ETIMEDOUT: 'Connection timed out',
  ENOTCONN: 'Transport endpoint is not connected',
  ECONNREFUSED: 'Connection refused',
};

/** Calls whose later arguments are results, so strace prints only the first one at entry. */
const RESULT_ARGS = new Set([
  'read',
  'recvfrom',
  'accept4',
  'accept',
  'epoll_pwait',
  'epoll_wait',
  'getsockname',
  'nanosleep',
]);

interface Call {
  tid: number;
  step: number;
  start: number;
  end: number;
  name: string;
  args: string[];
  result: string;
  split: boolean;
}

/** A line's place in the output: print time, then step (the call's own, for its entry line). */
interface Out {
  t: number;
  step: number;
  call: Call;
  kind: 'full' | 'entry' | 'exit';
}

/** `-tt`: HH:MM:SS.uuuuuu of a virtual time. */
export function wallClock(ns: number): string {
  const us = Math.floor(ns / 1000);
  const s = Math.floor(us / 1_000_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600) % 24)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

/** `-T`: <seconds with 6 decimals>. */
function spent(ns: number): string {
  return `<${(Math.max(0, ns) / 1e9).toFixed(6)}>`;
}

export class StraceWriter implements Visitor {
  private readonly calls: Call[] = [];
  private readonly clock = new SyscallClock();
  private exitStatus: number | undefined;

  constructor(
    private readonly scope: Scope,
    private readonly out: Sink,
  ) {}

  event(t: Tapped): void {
    for (const r of t.recs) {
      const keep = this.scope.keeps(r);
      if (r.tid === undefined) continue;
      if (r.kind === 'syscall' && r.syscall) {
        const start = this.clock.entry(r);
        if (keep) {
          const result = r.errno
            ? `-1 ${r.errno}${STRERROR[r.errno] ? ` (${STRERROR[r.errno]})` : ''}`
            : r.ret === undefined && r.syscall === 'exit_group'
              ? '?'
              : String(r.ret ?? 0);
          this.calls.push({
            tid: r.tid,
            step: r.step,
            start,
            end: r.t_ns,
            name: r.syscall,
            args: straceArgs(r.syscall, (r.args ?? []).map(String)),
            result,
            split: false,
          });
        }
      } else if (r.kind === 'proc.exit' && keep) this.exitStatus = -1;
      this.clock.saw(r);
    }
  }

  finish(m: { proc: { status: number } }): void {
    if (this.exitStatus !== undefined) this.exitStatus = m.proc.status;
    markSplits(this.calls);
    const outs: Out[] = [];
    for (const c of this.calls) {
      if (c.split) {
        outs.push({ t: c.start, step: c.step, call: c, kind: 'entry' });
        outs.push({ t: c.end, step: c.step, call: c, kind: 'exit' });
      } else outs.push({ t: c.end, step: c.step, call: c, kind: 'full' });
    }
    outs.sort(byTimeThenStep);
    let threads = 1;
    const lines: string[] = [];
    for (const o of outs) {
      const c = o.call;
      const prefix = threads > 1 ? `[pid ${String(c.tid).padStart(5)}] ` : '';
      if (o.kind === 'full')
        lines.push(
          `${prefix}${wallClock(c.start)} ${c.name}(${c.args.join(', ')}) = ${c.result}${c.result === '?' ? '' : ` ${spent(c.end - c.start)}`}`,
        );
      else {
        const first = RESULT_ARGS.has(c.name) ? 1 : c.args.length;
        if (o.kind === 'entry') {
          const head = c.args.slice(0, first).join(', ');
          const sep = first < c.args.length ? ', ' : '';
          lines.push(`${prefix}${wallClock(c.start)} ${c.name}(${head}${sep} <unfinished ...>`);
        } else
          lines.push(
            `${prefix}${wallClock(c.end)} <... ${c.name} resumed>${c.args.slice(first).join(', ')}) = ${c.result} ${spent(c.end - c.start)}`,
          );
      }
      if (o.kind !== 'entry' && c.name.startsWith('clone') && !c.result.startsWith('-')) threads++;
      if (lines.length >= 4096) this.flushLines(lines);
    }
    if (this.exitStatus !== undefined) lines.push(`+++ exited with ${this.exitStatus} +++`);
    this.flushLines(lines);
  }

  private flushLines(lines: string[]): void {
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
    lines.length = 0;
  }
}

function byTimeThenStep(a: { t: number; step: number }, b: { t: number; step: number }): number {
  return a.t - b.t || a.step - b.step;
}

/**
 * Marks the calls strace would split: those during which another thread printed a line. Splitting one
 * call adds its entry line, which can split another, so this repeats until nothing changes.
 */
function markSplits(calls: Call[]): void {
  for (let round = 0; round < 16; round++) {
    const ev: { t: number; step: number; tid: number }[] = [];
    for (const c of calls) {
      if (c.split) ev.push({ t: c.start, step: c.step, tid: c.tid });
      ev.push({ t: c.end, step: c.step, tid: c.tid });
    }
    ev.sort(byTimeThenStep);
    let changed = false;
    for (const c of calls) {
      if (c.split || c.end <= c.start) continue;
      // The first line printed after the call's entry: if it comes before the call's own line and is
      // another thread's, strace had to interrupt this call's line.
      let lo = 0;
      let hi = ev.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ev[mid].t <= c.start) lo = mid + 1;
        else hi = mid;
      }
      const e = ev[lo];
      if (e && e.tid !== c.tid && (e.t < c.end || (e.t === c.end && e.step < c.step))) {
        c.split = true;
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/** A pointer strace would print where the simulation writes `0x…` (any value: tools ignore it). */
const SOME_POINTER = '0x7ffd5a1c3b40';

/** `{EPOLLIN, fd 3}` (the timeline's short form) → strace's `{events=EPOLLIN, data={u32=3, u64=3}}`. */
function epollEvent(e: string, fd: string): string {
  return `{events=${e}, data={u32=${fd}, u64=${fd}}}`;
}

/**
 * The record's arguments as strace prints them where the timeline uses a shorter form: accept4's
 * address length, epoll_ctl's and epoll_pwait's event structs (the runtime's data word is its
 * pollDesc; the fd stands in for it), epoll_pwait's signal mask arguments, and pointers.
 */
export function straceArgs(name: string, args: string[]): string[] {
  const a = args.map((x) => (x === '0x…' ? SOME_POINTER : x));
  switch (name) {
    case 'accept4':
      return a.length === 3 ? [a[0], a[1], a[1] === SOME_POINTER ? '[112]' : '[112 => 28]', a[2]] : a;
    case 'epoll_ctl': {
      const m = /^\{([A-Z0-9|]+)\}$/.exec(a[3] ?? '');
      return m ? [a[0], a[1], a[2], epollEvent(m[1], a[2])] : a;
    }
    case 'epoll_pwait': {
      const evs = [...(a[1] ?? '').matchAll(/\{([A-Z0-9|]+), fd (\d+)\}/g)].map((m) =>
        epollEvent(m[1], m[2]),
      );
      return [a[0], `[${evs.join(', ')}]`, ...a.slice(2), 'NULL', '8'];
    }
    default:
      return a;
  }
}
