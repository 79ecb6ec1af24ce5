/**
 * The part of a run an export covers: a step range (`--from`, `--to`, or the TUI's two bookmarks) and,
 * optionally, one client connection (`--conn`).
 *
 * A record belongs to a connection when it says so (`conn`), or when it is about an fd that an
 * `accept4` of that connection returned, until that fd is closed (reads, writes, epoll_ctl, close do
 * not carry `conn`). Records of no connection (start-up, the scheduler, the listener) are kept only
 * without `--conn`. Exporters ask `keeps(r)` for every record, in step order.
 */
import type { TraceRecord } from '../sim/trace.js';

export interface ScopeOptions {
  from?: number;
  to?: number;
  conn?: number;
}

export class Scope {
  readonly from: number;
  readonly to: number;
  readonly conn: number | undefined;
  /** fd → connection, while the fd is open (only tracked with a connection filter). */
  private readonly fdConn = new Map<number, number>();

  constructor(o: ScopeOptions) {
    this.from = o.from ?? 0;
    this.to = o.to ?? Number.POSITIVE_INFINITY;
    this.conn = o.conn;
  }

  /** The connection a record is about, as far as the records tell; call once per record, in order. */
  connOf(r: TraceRecord): number | undefined {
    if (r.kind !== 'syscall' || r.fd === undefined) return r.conn;
    if (r.syscall === 'accept4' && r.conn !== undefined && r.ret !== undefined && r.ret >= 0) {
      this.fdConn.set(r.ret, r.conn);
      return r.conn;
    }
    const c = r.conn ?? this.fdConn.get(r.fd);
    if (r.syscall === 'close') this.fdConn.delete(r.fd);
    return c;
  }

  /** Whether the export includes this record. Call for every record, in step order. */
  keeps(r: TraceRecord): boolean {
    const c = this.conn === undefined ? undefined : this.connOf(r);
    if (r.step < this.from || r.step > this.to) return false;
    return this.conn === undefined || c === this.conn;
  }

  /** Whether a step is inside the range (no connection test). */
  inRange(step: number): boolean {
    return step >= this.from && step <= this.to;
  }
}
