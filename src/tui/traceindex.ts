/**
 * The trace index: one pass over a run's records that the TUI's finding features share — which
 * connection (request) each record belongs to, its journey stage (stage.ts), its anomaly kind
 * (src/debug/anomaly.ts) — plus the steps of each connection and of each anomaly, and `/` search.
 *
 * A record belongs to a connection by its own `conn` field, or else through its fd (the fd accept4
 * returned for that connection) or its goroutine (the one `go c.serve` created for it), so the lens
 * and the journey map also follow the epoll, netpoll, scheduler and handler steps of a request.
 *
 * Built lazily, once per Session (a WeakMap), and only for runs of at most INDEX_LIMIT records: above
 * that the Session regenerates records by replay, and a full pass would replay the whole run.
 */
import { anomalyOf } from '../debug/anomaly.js';
import type { Session } from '../debug/types.js';
import type { TraceRecord } from '../sim/trace.js';
import { STAGES, stageOf } from './stage.js';

/** Most records indexed: the Session keeps whole records up to 200 000 (KEEP_RECORDS_UP_TO). */
export const INDEX_LIMIT = 200_000;
/** Records read per call to session.records while indexing or searching. */
const CHUNK = 4096;
/** No stage. */
export const NO_STAGE = 255;

export interface TraceIndex {
  total: number;
  /** The connection each record belongs to; 0 for none. */
  conn: Int32Array;
  /** Index into STAGES; NO_STAGE for records outside the journey. */
  stage: Uint8Array;
  /** Anomaly kind of each record (index + 1 into anomalyKinds); 0 for none. */
  anomaly: Uint8Array;
  anomalyKinds: string[];
  /** Steps of every anomaly, ascending. */
  anomalySteps: Int32Array;
  /** Steps of each connection, ascending. */
  connSteps: Map<number, Int32Array>;
}

const cache = new WeakMap<Session, TraceIndex | null>();

/** Calls `f` on every record of the run, in order, in chunks. */
export function eachRecord(session: Session, f: (r: TraceRecord) => void): void {
  for (let from = 0; from < session.total; from += CHUNK) {
    for (const r of session.records(from, from + CHUNK)) f(r);
  }
}

/** The index of this session's run, or undefined when the run is over INDEX_LIMIT records. */
export function traceIndex(session: Session): TraceIndex | undefined {
  if (session.recording) return undefined; // still recording: indexed once the run is whole
  const hit = cache.get(session);
  if (hit !== undefined) return hit ?? undefined;
  if (session.total > INDEX_LIMIT) {
    cache.set(session, null);
    return undefined;
  }
  const n = session.total;
  const conn = new Int32Array(n);
  const stage = new Uint8Array(n).fill(NO_STAGE);
  const anomaly = new Uint8Array(n);
  const kinds: string[] = [];
  const anomalies: number[] = [];
  const perConn = new Map<number, number[]>();
  const fdConn = new Map<number, number>();
  const gConn = new Map<number, number>();
  eachRecord(session, (r) => {
    let c = r.conn ?? (r.fd !== undefined ? fdConn.get(r.fd) : undefined);
    if (r.kind === 'go.create' && r.g !== undefined && c !== undefined) gConn.set(r.g, c);
    if (c === undefined && r.g !== undefined) c = gConn.get(r.g);
    if (r.kind === 'syscall' && r.syscall === 'accept4' && r.conn !== undefined && (r.ret ?? -1) >= 0)
      fdConn.set(r.ret!, r.conn);
    if (r.kind === 'syscall' && r.syscall === 'close' && r.fd !== undefined) fdConn.delete(r.fd);
    const i = r.step;
    if (c !== undefined) {
      conn[i] = c;
      let list = perConn.get(c);
      if (!list) perConn.set(c, (list = []));
      list.push(i);
    }
    const s = stageOf(r);
    if (s !== undefined) stage[i] = STAGES.indexOf(s);
    const a = anomalyOf(r);
    if (a !== undefined) {
      let k = kinds.indexOf(a);
      if (k < 0) k = kinds.push(a) - 1;
      anomaly[i] = k + 1;
      anomalies.push(i);
    }
  });
  const connSteps = new Map([...perConn].map(([c, l]) => [c, Int32Array.from(l)]));
  const index: TraceIndex = {
    total: n,
    conn,
    stage,
    anomaly,
    anomalyKinds: kinds,
    anomalySteps: Int32Array.from(anomalies),
    connSteps,
  };
  cache.set(session, index);
  return index;
}

/** How many values of an ascending list are ≤ x (the 1-based position of x when it is in the list). */
export function rankOf(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first value > x in an ascending list of integers, or -1. */
export function nextAfter(a: ArrayLike<number>, x: number): number {
  const k = rankOf(a, x);
  return k < a.length ? a[k] : -1;
}

/** The last value < x in an ascending list of integers, or -1. */
export function prevBefore(a: ArrayLike<number>, x: number): number {
  const k = rankOf(a, x - 1);
  return k > 0 ? a[k - 1] : -1;
}

/** Steps of an anomaly kind (all kinds when undefined), ascending. */
export function anomalyStepsOf(ix: TraceIndex, kind?: string): Int32Array {
  if (kind === undefined) return ix.anomalySteps;
  const k = ix.anomalyKinds.indexOf(kind) + 1;
  return ix.anomalySteps.filter((i) => ix.anomaly[i] === k);
}

/** How many anomalies of each kind, most frequent first. */
export function anomalyCounts(ix: TraceIndex): { kind: string; count: number; first: number }[] {
  const counts = ix.anomalyKinds.map((kind) => ({ kind, count: 0, first: -1 }));
  for (const i of ix.anomalySteps) {
    const c = counts[ix.anomaly[i] - 1];
    if (c.count++ === 0) c.first = i;
  }
  return counts.sort((a, b) => b.count - a.count || a.first - b.first);
}

/** For each stage, how many connections have their latest step at `cursor` or before in it. */
export function stageCounts(ix: TraceIndex, cursor: number): number[] {
  const out = new Array<number>(STAGES.length).fill(0);
  for (const steps of ix.connSteps.values()) {
    const k = rankOf(steps, cursor);
    if (k === 0) continue;
    const last = steps[k - 1];
    // A connection whose last step is done with it (the client closed) is at no stage any more.
    if (k === steps.length && last < cursor && ix.stage[last] === STAGES.indexOf('client')) continue;
    const s = ix.stage[last];
    if (s !== NO_STAGE) out[s]++;
  }
  return out;
}
