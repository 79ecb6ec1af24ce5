/** Test helpers: load a scenario (built-in name or object) and run it through the engine. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type Scenario, ScenarioSchema } from '../src/scenario/schema.js';
import { engine, type Machine } from '../src/sim/engine.js';
import { checkInvariants } from '../src/sim/invariants.js';
import type { TraceRecord } from '../src/sim/trace.js';

export function builtin(name: string): Scenario {
  return ScenarioSchema.parse(
    parse(readFileSync(new URL(`../scenarios/${name}.yaml`, import.meta.url), 'utf8')),
  );
}

/** c10k itself (RUN_LARGE=1 tests), or c10k with at most `n` connections per client group, named `c<n>`. */
export function c10kOr(large: boolean, n: number): Scenario {
  const c10k = builtin('c10k');
  if (large) return c10k;
  return {
    ...c10k,
    name: `c${n}`,
    clients: c10k.clients!.map((c) => ({ ...c, count: Math.min(c.count ?? 1, n) })),
  };
}

export function scenario(o: unknown): Scenario {
  return ScenarioSchema.parse(o);
}

/** Runs to the end; with `invariants`, checks them after every event and throws on the first break. */
export function runAll(
  sc: Scenario,
  opts: { invariants?: boolean; seed?: number; maxEvents?: number } = {},
): { records: TraceRecord[]; m: Machine } {
  const m = engine.boot(sc, opts.seed);
  const records: TraceRecord[] = [];
  let n = 0;
  const max = opts.maxEvents ?? 5_000_000;
  while (engine.step(m, records)) {
    if (opts.invariants) {
      const errs = checkInvariants(m);
      if (errs.length) throw new Error(`after record ${records.length - 1} (t=${m.now}): ${errs.join('; ')}`);
    }
    if (++n > max) throw new Error(`more than ${max} events`);
  }
  return { records, m };
}

/** strace-style line for a syscall record: name(args) = ret [ERRNO]; a syscall record as strace prints it (exit_group, which never returns: `= ?`). */
export function straceLine(r: TraceRecord): string {
  return `${r.syscall}(${(r.args ?? []).join(', ')}) = ${r.errno ? `-1 ${r.errno}` : (r.ret ?? '?')}`;
}
