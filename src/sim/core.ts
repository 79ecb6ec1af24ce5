/**
 * The event core (SimPy/ns-3 style): a virtual clock in integer nanoseconds and a binary heap of
 * events keyed by (time, sequence). Events at the same time pop in the order they were scheduled;
 * nothing else (Map order, randomness) decides order. Cancel by bumping a generation, skip on pop.
 *
 * Also here: the record sink (`emit`) and the seeded PRNG, both kept deterministic.
 */
import { own } from './cow.js';
import type { Ev, EvKind, Machine, Seg } from './machine.js';
import {
  type Change,
  diffFlat,
  type EntKind,
  type Flat,
  flatInto,
  type Image,
  imageOf,
  type StepLog,
} from './steplog.js';
import type { TraceRecord } from './trace.js';

/** Where `emit` appends during one `step`, and whether narration is wanted (set by the engine; not simulation state). */
let sink: TraceRecord[] = [];
let wantText = true;
/** The step log of a tracked step (steplog.ts), or null: then `touch` costs one test. */
let log: StepLog | null = null;
/** Entities touched since the last record (tracked steps only), by `kind:id`. */
const pending = new Map<string, Image>();
/** Records of the current event and the images each claimed. */
let eventRecs: { rec: TraceRecord; images: Image[] }[] = [];
/**
 * The causal context: the step whose action is running now. An event starts with the step that
 * scheduled it (Ev.c); each record becomes the context of what follows it in the same event. Every
 * event scheduled now remembers it, so each record's `cause` points at the step that made it happen.
 */
let ctx = -1;

/** A new machine's boot schedules its first events with no cause. */
export function resetCause(): void {
  ctx = -1;
}

/** Called by the engine before it applies an event. */
export function beginEvent(out: TraceRecord[], text: boolean, stepLog: StepLog | null, cause: number): void {
  sink = out;
  wantText = text;
  ctx = cause;
  if (stepLog !== null) {
    log = stepLog;
    log.recs.length = 0;
    log.unnarrated.length = 0;
    eventRecs = [];
  } else if (log !== null) {
    // Untracked from here on: nothing is kept per event (this path runs for every event of a run).
    log = null;
    pending.clear();
  }
}

/**
 * Called by the engine after the event: writes made after the event's last record belong to it, and
 * every record of the event gets its `changes`. An event with no record carries its writes to the next
 * record and, when they changed something visible, reports them as unnarrated.
 */
export function endEvent(m: Machine): void {
  if (!log) return;
  const n = eventRecs.length;
  if (n === 0) {
    if (pending.size) {
      const seen: Change[] = [];
      for (const im of pending.values()) diffFlat(im.flat, flatOf(m, im.kind, im.id), seen);
      for (const c of seen) log.unnarrated.push(`${c.what}: ${c.from} → ${c.to}`);
    }
    return;
  }
  const last = eventRecs[n - 1];
  for (const [key, im] of pending)
    if (!last.images.some((x) => `${x.kind}:${x.id}` === key)) last.images.push(im);
  pending.clear();
  // Each record's after-state is the next record's before-state for what both touched; compute the
  // changes backwards from the end of the event, where the machine is.
  const after = new Map<string, Flat>();
  for (let i = n - 1; i >= 0; i--) {
    const { rec, images } = eventRecs[i];
    const changes: Change[] = [];
    for (const im of images) {
      const key = `${im.kind}:${im.id}`;
      const now = after.get(key) ?? flatOf(m, im.kind, im.id);
      diffFlat(im.flat, now, changes);
      after.set(key, im.flat);
    }
    rec.changes = changes;
  }
  for (const { rec, images } of eventRecs) log.recs.push({ step: rec.step, images });
}

function flatOf(m: Machine, k: EntKind, id: number): Flat {
  const f: Flat = {};
  flatInto(m, k, id, f);
  return f;
}

/**
 * The write barrier: call before writing an entity. When the machine shares entities with snapshots
 * (cow.ts), the others get their own copy of this one first. In a tracked step it also keeps the
 * entity's image from before the first write since the last record (the record that follows claims the
 * change). Touching an open file touches its fd slot too.
 */
export function touch(m: Machine, kind: EntKind, id: number): void {
  own(m, kind, id);
  if (log === null) return;
  const key = `${kind}:${id}`;
  if (pending.has(key)) return;
  pending.set(key, { kind, id, pre: imageOf(m, kind, id), flat: flatOf(m, kind, id) });
  if (kind === 'file') {
    const fd = m.proc.fds.indexOf(id);
    if (fd >= 0) touch(m, 'fd', fd);
  }
}

/** Whether this step is tracked (emit sites may skip work that only a tracked step needs). */
export function tracking(): boolean {
  return log !== null;
}

/** A record as emit sites write it: the sentence may be a thunk, formatted only when it will be shown. */
export type RecordDraft = Omit<TraceRecord, 'step' | 't_ns' | 'text' | 'cause'> & {
  text: string | (() => string);
};

/**
 * Append one trace record, numbering it and stamping the current virtual time. The facts are always
 * recorded; the sentence is formatted only when text is wanted (PERFORMANCE.md: format when shown).
 */
export function emit(m: Machine, r: RecordDraft): void {
  // Records come in dozens of shapes (one per emit site), so every property access here is a
  // polymorphic one: each field is read at most once, into a local.
  const rec = r as unknown as TraceRecord;
  const step = m.nrec++;
  rec.step = step;
  rec.t_ns = m.now;
  const t = r.text;
  if (typeof t !== 'string') rec.text = wantText ? t() : '';
  // The cause is the running step (ctx), except that a G runs because of what made it runnable (its
  // go.create, go.ready or the steal that moved it). Drafts never carry a cause (RecordDraft).
  let cause = ctx >= 0 ? ctx : undefined;
  const gid = rec.g;
  const g = gid !== undefined ? m.rt.gs[gid] : undefined;
  if (g) {
    const kind = rec.kind;
    if (kind === 'go.run') {
      if (g.readyStep !== undefined) cause = g.readyStep;
    } else if (kind === 'go.ready' || kind === 'go.create' || kind === 'sched.steal') {
      own(m, 'g', g.id);
      g.readyStep = step;
    }
  }
  if (cause !== undefined) rec.cause = cause;
  ctx = step;
  if (log) {
    eventRecs.push({ rec, images: [...pending.values()] });
    pending.clear();
  }
  sink.push(rec);
}

/** The step whose action is running now (the cause a record emitted now will name), or -1. */
export function currentCause(): number {
  return ctx;
}

/**
 * The undo log's record of heap slots (undo.ts): each slot's index and old event, pushed before the slot
 * is written (a removed last slot counts as written); null when no event is being logged.
 */
let heapLog: (number | Ev | undefined)[] | null = null;

export function setHeapLog(l: (number | Ev | undefined)[] | null): void {
  heapLog = l;
}

/** Schedule an event `delay` ns from now. */
export function schedule(m: Machine, delay: number, k: EvKind, a = 0, b = 0, gen = 0, seg?: Seg): void {
  const t = m.now + Math.max(0, Math.round(delay));
  const seq = m.seq++;
  // One shape for every event (seg always present) keeps the heap's loads monomorphic.
  const ev: Ev = { t, seq, k, a, b, gen, c: ctx, seg };
  // Sift up with a hole: parents move down until the new event's place is found, then it is written once.
  const h = m.heap;
  const ht = m.heapT;
  const hs = m.heapS;
  let i = h.length;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    let pt = ht[parent];
    if (pt < 0) pt = knowKey(h, ht, hs, parent);
    if (pt < t || (pt === t && hs[parent] < seq)) break;
    if (heapLog !== null) heapLog.push(i, h[i]);
    h[i] = h[parent];
    ht[i] = pt;
    hs[i] = hs[parent];
    i = parent;
  }
  if (heapLog !== null) heapLog.push(i, h[i]);
  h[i] = ev;
  ht[i] = t;
  hs[i] = seq;
}

/**
 * A heap key not known yet (heapKeys): the slot's event is read when the key is first compared. Times
 * and sequence numbers are never negative.
 */
const KEY_UNKNOWN = -1;

/**
 * The heap's keys, for a machine that has none (a copy of a checkpoint, which keeps its events without
 * them: cow.ts snapshot `kept`): all unknown, each read from its event the first time a sift compares
 * it (knowKey). Reading all of them at once cost a restored c10k machine ~8 ms (42,817 events spread
 * over the heap), and a jump compares a few thousand. The engine calls it before each step.
 */
export function heapKeys(m: Machine): void {
  const n = m.heap.length;
  if (m.heapT.length === n) return;
  m.heapT = withRoom(n, (out) => out.fill(KEY_UNKNOWN, 0, n));
  m.heapS = withRoom(n, (out) => out.fill(KEY_UNKNOWN, 0, n));
}

/**
 * A copy of one of the heap's arrays for a machine that will be stepped, with room to grow: a copy made
 * by `slice` has no spare capacity, so the machine's first `schedule` reallocated all three arrays
 * (~5 ms for a c10k machine restored from a checkpoint, profiled).
 */
export function heapCopy<T>(a: T[]): T[] {
  const n = a.length;
  return withRoom(n, (out: T[]) => {
    for (let i = 0; i < n; i++) out[i] = a[i];
  });
}

/**
 * An array of length n with capacity for a quarter more and HEAP_ROOM, its slots written by `fill`. V8
 * keeps an array's capacity when its length shrinks by less than half (JSArray::SetLength).
 */
function withRoom<T>(n: number, fill: (out: T[]) => void): T[] {
  const out = new Array<T>(n + (n >> 2) + HEAP_ROOM);
  fill(out);
  out.length = n;
  return out;
}

/** Spare slots of a heap array copied to be stepped, besides a quarter of its length. */
const HEAP_ROOM = 16;

/** Slot i's keys, read from its event (they were KEY_UNKNOWN): its time. */
function knowKey(h: Ev[], ht: number[], hs: number[], i: number): number {
  const ev = h[i];
  hs[i] = ev.seq;
  return (ht[i] = ev.t);
}

/** Remove and return the earliest event. */
export function pop(m: Machine): Ev | undefined {
  const h = m.heap;
  const n = h.length - 1;
  if (n < 0) return undefined;
  const ht = m.heapT;
  const hs = m.heapS;
  const top = h[0];
  const last = h[n];
  const lt = ht[n] < 0 ? knowKey(h, ht, hs, n) : ht[n];
  const ls = hs[n];
  if (heapLog !== null) heapLog.push(n, last);
  h.pop();
  ht.pop();
  hs.pop();
  if (n > 0) {
    // Sift the last event down from the root with a hole.
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = ht[c];
      if (ct < 0) ct = knowKey(h, ht, hs, c);
      let cs = hs[c];
      const r = c + 1;
      if (r < n) {
        let rt = ht[r];
        if (rt < 0) rt = knowKey(h, ht, hs, r);
        const rs = hs[r];
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      if (heapLog !== null) heapLog.push(i, h[i]);
      h[i] = h[c];
      ht[i] = ct;
      hs[i] = cs;
      i = c;
    }
    if (heapLog !== null) heapLog.push(i, h[i]);
    h[i] = last;
    ht[i] = lt;
    hs[i] = ls;
  }
  return top;
}

/** The earliest pending event, without removing it. */
export function peek(m: Machine): Ev | undefined {
  return m.heap[0];
}

/** xorshift32 over the machine's own state: a uniform float in [0, 1). */
export function random(m: Machine): number {
  let x = m.rng | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  m.rng = x >>> 0;
  return m.rng / 4294967296;
}

/** Fails loudly when a simulation invariant breaks (runtime's throw()). */
export function invariant(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`invariant: ${msg}`);
}
