/**
 * When a syscall began. A `syscall` record is made when the call returns; strace -T and the Perfetto
 * slices need its entry too. A call that blocks (epoll_pwait with a timeout, futex WAIT, nanosleep)
 * began when its thread last did anything; any other call took at most one modelled syscall cost
 * (params.ts COST.syscall). strace.ts and perfetto.ts both use this, so the two agree.
 */
import { COST } from '../sim/params.js';
import type { TraceRecord } from '../sim/trace.js';

function blocks(r: TraceRecord): boolean {
  const a = r.args ?? [];
  if (r.syscall === 'epoll_pwait' || r.syscall === 'epoll_wait') return a[3] !== 0;
  if (r.syscall === 'futex') return String(a[1]).startsWith('FUTEX_WAIT');
  return r.syscall === 'nanosleep';
}

/** Tracks each thread's last action; `entry(r)` for a syscall record, `saw(r)` for every record. */
export class SyscallClock {
  private readonly lastSeen = new Map<number, number>();

  /** The entry time of the syscall record `r` (call before `saw(r)`). */
  entry(r: TraceRecord): number {
    const prev = r.tid === undefined ? r.t_ns : (this.lastSeen.get(r.tid) ?? r.t_ns);
    return blocks(r) ? prev : Math.max(prev, r.t_ns - COST.syscall);
  }

  /** Notes that the record's thread acted at its time (syscalls, scheduler and Go code). */
  saw(r: TraceRecord): void {
    if (r.tid !== undefined && (r.layer === 'runtime' || r.layer === 'app' || r.kind === 'syscall'))
      this.lastSeen.set(r.tid, r.t_ns);
  }
}
