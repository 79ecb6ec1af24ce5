/**
 * The event core (SimPy/ns-3 style): a virtual clock in integer nanoseconds and a binary heap of
 * events keyed by (time, sequence). Events at the same time pop in the order they were scheduled;
 * nothing else (Map order, randomness) decides order. Cancel by bumping a generation, skip on pop.
 *
 * Also here: the record sink (`emit`) and the seeded PRNG, both kept deterministic.
 */
import type { Ev, EvKind, Machine, Seg } from './machine.js';
import type { TraceRecord } from './trace.js';

/** Where `emit` appends during one `step`, and whether narration is wanted (set by the engine; not simulation state). */
let sink: TraceRecord[] = [];
let wantText = true;

export function setSink(out: TraceRecord[], text: boolean): void {
  sink = out;
  wantText = text;
}

/** A record as emit sites write it: the sentence may be a thunk, formatted only when it will be shown. */
export type RecordDraft = Omit<TraceRecord, 'step' | 't_ns' | 'text'> & { text: string | (() => string) };

/**
 * Append one trace record, numbering it and stamping the current virtual time. The facts are always
 * recorded; the sentence is formatted only when text is wanted (PERFORMANCE.md: format when shown).
 */
export function emit(m: Machine, r: RecordDraft): void {
  const rec = r as unknown as TraceRecord;
  rec.step = m.nrec++;
  rec.t_ns = m.now;
  const t = r.text;
  rec.text = typeof t === 'string' ? t : wantText ? t() : '';
  sink.push(rec);
}

/** Schedule an event `delay` ns from now. */
export function schedule(m: Machine, delay: number, k: EvKind, a = 0, b = 0, gen = 0, seg?: Seg): void {
  const t = m.now + Math.max(0, Math.round(delay));
  const seq = m.seq++;
  const ev: Ev = { t, seq, k, a, b, gen };
  if (seg) ev.seg = seg;
  // Sift up with a hole: parents move down until the new event's place is found, then it is written once.
  const h = m.heap;
  const ht = m.heapT;
  const hs = m.heapS;
  let i = h.length;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pt = ht[parent];
    if (pt < t || (pt === t && hs[parent] < seq)) break;
    h[i] = h[parent];
    ht[i] = pt;
    hs[i] = hs[parent];
    i = parent;
  }
  h[i] = ev;
  ht[i] = t;
  hs[i] = seq;
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
  const lt = ht[n];
  const ls = hs[n];
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
      let cs = hs[c];
      const r = c + 1;
      if (r < n) {
        const rt = ht[r];
        const rs = hs[r];
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      h[i] = h[c];
      ht[i] = ct;
      hs[i] = cs;
      i = c;
    }
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
