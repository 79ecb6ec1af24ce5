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

function less(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

/** Schedule an event `delay` ns from now. */
export function schedule(m: Machine, delay: number, k: EvKind, a = 0, b = 0, gen = 0, seg?: Seg): void {
  const ev: Ev = { t: m.now + Math.max(0, Math.round(delay)), seq: m.seq++, k, a, b, gen };
  if (seg) ev.seg = seg;
  const h = m.heap;
  h.push(ev);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(h[i], h[parent])) break;
    [h[i], h[parent]] = [h[parent], h[i]];
    i = parent;
  }
}

/** Remove and return the earliest event. */
export function pop(m: Machine): Ev | undefined {
  const h = m.heap;
  if (h.length === 0) return undefined;
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < h.length && less(h[l], h[s])) s = l;
      if (r < h.length && less(h[r], h[s])) s = r;
      if (s === i) break;
      [h[i], h[s]] = [h[s], h[i]];
      i = s;
    }
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
