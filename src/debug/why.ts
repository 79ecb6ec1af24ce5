/**
 * "Why is it so?": where a value came from, the way Pernosco answers it for memory. A why-spec names
 * one value in the change vocabulary (src/sim/steplog.ts) with the watch grammar's gauges and filters:
 *
 *   WHY := GAUGE { KEY=VALUE }      acceptq fd=3 · rcvq fd=4 · sndq conn=2 · runq p=0 · rdllist · globrunq
 *        | G<n> | g=<n>             a goroutine's status
 *
 * `whySteps` runs the scenario tracked up to step N, resolves the spec against the machine right after
 * step N (fd 4 names the socket it refers to then), and walks back: the last step at or before N that
 * changed the value, then, for each further ask, the last one strictly before the previous answer.
 * Used by `run --at N --why SPEC` (repeatable) and the TUI.
 */
export type { WhySpec };

import type { Scenario } from '../scenario/schema.js';
import { engine, type Machine } from '../sim/engine.js';
import { type Change, machineAt, newStepLog, WHY_GAUGES, type WhySpec, whyKeys } from '../sim/steplog.js';
import type { TraceRecord } from '../sim/trace.js';

export type WhyParse = { ok: true; why: WhySpec } | { ok: false; error: string };

/** Parses a why-spec (see the file comment). */
export function parseWhy(spec: string): WhyParse {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, error: 'empty: name a value, e.g. "acceptq fd=3" or "G6"' };
  const head = words[0];
  const gm = /^[Gg](\d+)$/.exec(head) ?? /^g=(\d+)$/.exec(head);
  if (gm) {
    if (words.length > 1) return { ok: false, error: `"${head}" takes no filters` };
    return { ok: true, why: { spec, gauge: 'status', g: Number(gm[1]) } };
  }
  if (!(WHY_GAUGES as readonly string[]).includes(head)) {
    return {
      ok: false,
      error: `"${head}" is not a value the simulation tracks: use one of ${WHY_GAUGES.join(', ')}, or G<n> for a goroutine`,
    };
  }
  const why: WhySpec = { spec, gauge: head as WhySpec['gauge'] };
  for (const w of words.slice(1)) {
    const m = /^(fd|conn|p)=(\d+)$/.exec(w);
    if (!m) return { ok: false, error: `"${w}" is not a filter: use fd=N, conn=N or p=N` };
    why[m[1] as 'fd' | 'conn' | 'p'] = Number(m[2]);
  }
  return { ok: true, why };
}

export interface WhyAnswer {
  /** The spec asked. */
  spec: string;
  /** The names it resolved to at step N. */
  keys: string[];
  /** The step that made the value what it is (undefined: nothing before changed it). */
  record?: TraceRecord;
  change?: Change;
}

/**
 * Answers each spec in turn: the first at or before `at`, each next one strictly before the previous
 * answer. Throws a RangeError when `at` is past the end of the run.
 */
export function whySteps(sc: Scenario, at: number, specs: WhySpec[], seed?: number): WhyAnswer[] {
  const m = engine.boot(sc, seed);
  const log = newStepLog();
  const out: TraceRecord[] = [];
  /** Every change up to `at`, by name: the steps and the change, ascending. */
  const byKey = new Map<string, { step: number; change: Change }[]>();
  let atMachine: Machine | undefined;
  while (atMachine === undefined) {
    out.length = 0;
    if (!engine.step(m, out, { log, text: false })) break;
    for (const r of out) {
      if (r.step > at) break;
      for (const c of r.changes ?? []) {
        let l = byKey.get(c.what);
        if (!l) byKey.set(c.what, (l = []));
        l.push({ step: r.step, change: c });
      }
      if (r.step === at) atMachine = machineAt(m, log, at);
    }
  }
  if (!atMachine)
    throw new RangeError(`--at ${at}: the run has ${engine.emitted(m)} steps (0..${engine.emitted(m) - 1})`);
  const found: { spec: string; keys: string[]; step?: number; change?: Change }[] = [];
  let before = at + 1;
  for (const w of specs) {
    const keys = whyKeys(atMachine, w);
    let best: { step: number; change: Change } | undefined;
    for (const k of keys) {
      const l = byKey.get(k) ?? [];
      for (let i = l.length - 1; i >= 0; i--) {
        if (l[i].step < before) {
          if (!best || l[i].step > best.step) best = l[i];
          break;
        }
      }
    }
    found.push({ spec: w.spec, keys, ...best });
    if (!best) break;
    before = best.step;
  }
  // The answers' records, with their sentences and changes: a second, tracked run up to the last one.
  const want = new Map<number, TraceRecord>();
  for (const f of found) if (f.step !== undefined) want.set(f.step, undefined as unknown as TraceRecord);
  if (want.size) {
    const m2 = engine.boot(sc, seed);
    const recs: TraceRecord[] = [];
    const last = Math.max(...want.keys());
    const log2 = newStepLog();
    while (engine.emitted(m2) <= last) {
      recs.length = 0;
      if (!engine.step(m2, recs, { log: log2 })) break;
      for (const r of recs) if (want.has(r.step)) want.set(r.step, r);
    }
  }
  return found.map((f) => ({
    spec: f.spec,
    keys: f.keys,
    ...(f.step !== undefined ? { record: want.get(f.step), change: f.change } : {}),
  }));
}
