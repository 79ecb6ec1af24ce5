/**
 * The truthful-steps check: runs a scenario with every step tracked and compares, at every record, the
 * whole machine's flat form (steplog.ts) with the previous one plus exactly the record's `changes`.
 * Also checks the rewound machine inside multi-record events. Returns the problems found, first ones
 * first, so a test can show where a write escaped its barrier or a change happened without a record.
 */
import type { Scenario } from '../src/scenario/schema.js';
import { engine } from '../src/sim/engine.js';
import { applyChanges, type Flat, flatMachine, machineAt, newStepLog } from '../src/sim/steplog.js';
import type { TraceRecord } from '../src/sim/trace.js';

export interface TruthReport {
  records: TraceRecord[];
  /** Problems: a step, its kind/fn and what differs. */
  problems: string[];
  /** Records whose `fn` is missing. */
  noFn: number[];
}

function diffKeys(want: Flat, got: Flat, only?: (what: string) => boolean): string[] {
  const out: string[] = [];
  for (const k in want)
    if (want[k] !== got[k] && (!only || only(k)))
      out.push(`${k}: claimed ${want[k]} but is ${got[k] ?? '(absent)'}`);
  for (const k in got) if (!(k in want) && (!only || only(k))) out.push(`${k}: unclaimed ${got[k]}`);
  return out;
}

export function checkTruth(
  sc: Scenario,
  opts: {
    seed?: number;
    maxEvents?: number;
    maxProblems?: number;
    /** Check only the change names this accepts (a test of one part of the machine). */
    only?: (what: string) => boolean;
  } = {},
): TruthReport {
  const m = engine.boot(sc, opts.seed);
  const log = newStepLog();
  const records: TraceRecord[] = [];
  const problems: string[] = [];
  const noFn: number[] = [];
  const max = opts.maxProblems ?? 20;
  let prev = flatMachine(m);
  const out: TraceRecord[] = [];
  let n = 0;
  for (;;) {
    out.length = 0;
    if (!engine.step(m, out, { log, text: true })) break;
    if (++n > (opts.maxEvents ?? 2_000_000)) break;
    for (const u of log.unnarrated)
      if (problems.length < max && (!opts.only || opts.only(u)))
        problems.push(`before step ${m.nrec}: an event changed ${u} without a record`);
    for (let i = 0; i < out.length; i++) {
      const r = out[i];
      records.push(r);
      if (!r.fn) noFn.push(r.step);
      applyChanges(prev, r.changes ?? []);
      const actual = flatMachine(i === out.length - 1 ? m : machineAt(m, log, r.step));
      const d = diffKeys(prev, actual, opts.only);
      if (d.length && problems.length < max)
        problems.push(
          `step ${r.step} ${r.kind}${r.syscall ? `:${r.syscall}` : ''} (${r.text.slice(0, 70)}): ${d.join('; ')}`,
        );
      prev = actual;
    }
  }
  return { records, problems, noFn };
}
