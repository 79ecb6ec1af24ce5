/**
 * Runs a built-in scenario the way `netflow-tui run` judges it: every event applied, invariants checked
 * (after every event, or every `invariantsEvery` events for the big ones, and at the end), the
 * `expect:` list evaluated, and each teaching note's `at` spec tested against every record (event
 * specs) or every state (watch specs). Runs are cached per name so a test file pays for each once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { matches, parseBreakpoint, watchHolds } from '../src/debug/breakpoints.js';
import type { Scenario } from '../src/scenario/schema.js';
import { engine, type Machine, step } from '../src/sim/engine.js';
import { createExpectations } from '../src/sim/expect.js';
import { checkInvariants } from '../src/sim/invariants.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin } from './helpers.js';

export const SCENARIO_DIR = new URL('../scenarios/', import.meta.url);

/** Every built-in scenario name, from the files in scenarios/. */
export function builtinNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function builtinText(name: string): string {
  return readFileSync(new URL(`${name}.yaml`, SCENARIO_DIR), 'utf8');
}

export interface ScenarioRun {
  sc: Scenario;
  m: Machine;
  records: TraceRecord[];
  failures: string[];
  /** How many records (event notes) or states (watch notes) each note matched, by index. */
  noteHits: number[];
  /** The largest value each sampled quantity reached. */
  peak: { acceptq: number; rxring: number; runq: number; fds: number; gs: number };
  events: number;
  /** The bytes of each successful socket write of at most 8 KiB, as the kernel queued them. */
  wrote: { conn: number; fd: number; text: string }[];
}

export interface RunOptions {
  /** Check invariants every N events (1: every event). The end state is always checked. */
  invariantsEvery?: number;
  /** Format narration (slower; off for the biggest runs). */
  text?: boolean;
  /** Sample peaks, and test watch notes, every N events (1: every event). */
  sampleEvery?: number;
}

const cache = new Map<string, ScenarioRun>();

/** Runs a built-in once (cached) and reports what the checks found. */
export function runBuiltin(name: string, opts: RunOptions = {}): ScenarioRun {
  const hit = cache.get(name);
  if (hit) return hit;
  const sc = builtin(name);
  const every = opts.invariantsEvery ?? 1;
  const sample = opts.sampleEvery ?? 1;
  const m = engine.boot(sc);
  const records: TraceRecord[] = [];
  const ex = createExpectations(sc);
  const notes = (sc.notes ?? []).map((n) => {
    const r = parseBreakpoint(n.at);
    if (!r.ok) throw new Error(`${name}: note at ${JSON.stringify(n.at)}: ${r.error} (column ${r.column})`);
    return r.bp;
  });
  const noteHits = notes.map(() => 0);
  const peak = { acceptq: 0, rxring: 0, runq: 0, fds: 0, gs: 0 };
  const wrote: ScenarioRun['wrote'] = [];
  let events = 0;
  let seen = 0;
  const check = () => {
    const errs = checkInvariants(m);
    if (errs.length)
      throw new Error(`${name}: after record ${records.length - 1} (t=${m.now}): ${errs.join('; ')}`);
  };
  while (step(m, records, opts.text ?? true)) {
    events++;
    if (events % every === 0) check();
    for (; seen < records.length; seen++) {
      const r = records[seen];
      ex.observe(r);
      if (r.kind === 'syscall' && r.syscall === 'write' && r.conn && (r.ret ?? 0) > 0 && r.ret! <= 8192) {
        const sock = m.socks[m.connSock[r.conn]];
        if (sock) wrote.push({ conn: r.conn, fd: r.fd!, text: sock.sndData.slice(-r.ret!) });
      }
      notes.forEach((bp, i) => {
        if (bp.type === 'event' && matches(bp, r)) noteHits[i]++;
      });
    }
    if (events % sample === 0) {
      notes.forEach((bp, i) => {
        if (bp.type === 'watch' && watchHolds(bp, engine, m)) noteHits[i]++;
      });
      peak.acceptq = Math.max(peak.acceptq, engine.gauge(m, 'acceptq', {}));
      peak.rxring = Math.max(peak.rxring, m.nic.rx.used);
      peak.runq = Math.max(peak.runq, engine.gauge(m, 'runq', {}));
      peak.fds = Math.max(peak.fds, m.proc.fds.filter((f) => f >= 0).length);
      peak.gs = Math.max(peak.gs, Object.keys(m.rt.gs).length);
    }
    if (events > 5_000_000) throw new Error(`${name}: more than 5,000,000 events`);
  }
  check();
  const run = { sc, m, records, failures: ex.failures(m), noteHits, peak, events, wrote };
  cache.set(name, run);
  return run;
}

/** Syscall records named `name` (optionally on fd, by goroutine g). */
export function syscalls(records: TraceRecord[], name: string, f: { fd?: number; g?: number } = {}) {
  return records.filter(
    (r) =>
      r.kind === 'syscall' &&
      r.syscall === name &&
      (f.fd === undefined || r.fd === f.fd) &&
      (f.g === undefined || r.g === f.g),
  );
}
