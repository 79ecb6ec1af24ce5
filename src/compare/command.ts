/**
 * `netflow-tui compare <strace-log> [scenario] [--json] [--min-match P]`: a real `strace -f` log of a
 * Go server lined up with the simulation of a scenario (ARCHITECTURE §5). Reads the log
 * (strace.ts), runs the scenario through the engine to the end keeping its syscall records, puts
 * both in the common shape (calls.ts), and prints the comparison (report.ts).
 *
 * Without a scenario, the built-in whose clients send the requests seen in the log fits best; ties
 * are settled by the alignment score; a log with no request is compared with hello. Exit status: 0 ok; 1 below `--min-match` percent; 2 bad input
 * (a missing or unreadable log, a line that is not strace output, an unknown scenario).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { builtinNames, resolveScenario, UnknownScenarioError } from '../scenario/builtin.js';
import { formatProblem, loadScenarioFile, printable, ScenarioError } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { engine } from '../sim/engine.js';
import type { TraceRecord } from '../sim/trace.js';
import { fromStrace, fromTrace, segment } from './calls.js';
import { type Comparison, compareSegments, comparisonJson, formatComparison } from './report.js';
import { parseStrace, type RealCall, StraceError, type StraceLog } from './strace.js';

const EXIT_OK = 0;
const EXIT_BELOW = 1;
const EXIT_USAGE = 2;

/** Largest log we read (a busy server's strace grows fast; this is hours of the seed server). */
export const MAX_LOG_BYTES = 256 * 1024 * 1024;
/** Events a scenario may take before we stop its run (c10k needs ~1.2 M). */
export const MAX_EVENTS = 3_000_000;
/** Built-ins with more client connections than this are not tried when guessing the scenario. */
const MAX_GUESS_CONNECTIONS = 100;
/** How many of the best-fitting built-ins are run and aligned to settle the guess. */
const GUESS_RUNS = 3;
/** The built-in compared when no built-in's requests appear in the log (a log of start-up only). */
const DEFAULT_GUESS = 'hello';

export interface CompareOptions {
  log: string;
  scenario?: string;
  json: boolean;
  minMatch?: number;
}

export interface CompareIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The syscall records of a whole run. */
export function simulatedSyscalls(sc: Scenario): TraceRecord[] {
  const m = engine.boot(sc);
  const recs: TraceRecord[] = [];
  const keep: TraceRecord[] = [];
  let events = 0;
  while (engine.step(m, recs)) {
    for (const r of recs) if (r.kind === 'syscall') keep.push(r);
    recs.length = 0;
    if (++events > MAX_EVENTS) break;
  }
  return keep;
}

/** Compares parsed real calls with one scenario's run. */
export function compareWith(
  real: readonly RealCall[],
  sc: Scenario,
  names: { scenario: string; log: string; unfinished: number },
): Comparison {
  return compareSegments(segment(fromStrace(real)), segment(fromTrace(simulatedSyscalls(sc))), names);
}

/** "METHOD /path" of every request the server read in the log. */
export function requestsInLog(real: readonly RealCall[]): string[] {
  const out: string[] = [];
  for (const c of real) {
    if (c.name !== 'read' && c.name !== 'recvfrom') continue;
    for (const m of (c.args[1] ?? '').matchAll(/(?:^"|\\n)([A-Z]+) (\/\S*) HTTP\/1\.[01]\\r/g))
      out.push(`${m[1]} ${m[2]}`);
  }
  return out;
}

/** "METHOD /path" of every request a scenario's clients send. */
function requestsInScenario(sc: Scenario): string[] {
  const out: string[] = [];
  for (const c of sc.clients ?? []) {
    for (let k = 0; k < Math.min(c.count ?? 1, MAX_GUESS_CONNECTIONS); k++)
      for (const r of c.requests ?? [])
        out.push(typeof r === 'string' ? r : `${r.method ?? 'GET'} ${r.path ?? '/'}`);
  }
  return out;
}

/** Overlap of two multisets of requests, 0..1. */
function requestFit(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const left = [...b];
  let common = 0;
  for (const x of a) {
    const i = left.indexOf(x);
    if (i >= 0) {
      common++;
      left.splice(i, 1);
    }
  }
  return common / Math.max(a.length, b.length);
}

function connections(sc: Scenario): number {
  return (sc.clients ?? []).reduce((n, c) => n + (c.count ?? 1), 0);
}

/** The built-in that fits the log best: requests first, then the alignment score. */
function guessScenario(real: readonly RealCall[], log: string, unfinished: number): Comparison {
  const seen = requestsInLog(real);
  // A server that could not bind (port in use, a privileged port) fits the scenario expecting that errno.
  const bindErrno = real.find((c) => c.name === 'bind' && c.errno)?.errno;
  const fits = (sc: Scenario) =>
    bindErrno
      ? Number(sc.expect?.some((e) => e.syscall === 'bind' && e.errno === bindErrno) ?? false)
      : requestFit(seen, requestsInScenario(sc));
  const candidates = builtinNames()
    .map((name) => ({ name, sc: loadScenarioFile(resolveScenario(name)) }))
    .filter((c) => connections(c.sc) <= MAX_GUESS_CONNECTIONS)
    .map((c) => ({ ...c, fit: fits(c.sc) }))
    .sort((a, b) => b.fit - a.fit || a.name.localeCompare(b.name));
  // Only the best-fitting are run (a big one such as big-response takes seconds); no fit: hello.
  const top = candidates[0]?.fit ?? 0;
  const tried =
    top > 0
      ? candidates.filter((c) => c.fit === top).slice(0, GUESS_RUNS)
      : candidates.filter((c) => c.name === DEFAULT_GUESS);
  let best: Comparison | undefined;
  for (const c of tried) {
    const cmp = compareWith(real, c.sc, { scenario: c.name, log, unfinished });
    if (!best || cmp.percent > best.percent) best = cmp;
  }
  return best as Comparison;
}

/**
 * Reads and parses a strace log; or the lines that say what is wrong with it (the file, its size, or
 * `LOG:LINE: message` for a line that is not strace output). Used by `compare` and the TUI's --compare.
 */
export function readStraceLog(path: string): { text: string; parsed: StraceLog } | { errors: string[] } {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return { errors: [`${printable(path)}: not a file`] };
    if (st.size > MAX_LOG_BYTES)
      return {
        errors: [`${printable(path)}: ${st.size} bytes; compare reads logs up to ${MAX_LOG_BYTES} bytes`],
      };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      errors: [`${printable(path)}: cannot read the log: ${(e as NodeJS.ErrnoException).code ?? String(e)}`],
    };
  }
  try {
    return { text, parsed: parseStrace(text) };
  } catch (e) {
    if (!(e instanceof StraceError)) throw e;
    return {
      errors: [
        `${printable(path)}:${e.line}: ${e.message}`,
        '(expected the output of: strace -f -o LOG [-tt -T -yy -s 200] ./server)',
      ],
    };
  }
}

/** Runs `compare`; resolves to the exit status. */
export function compareCommand(opts: CompareOptions, io: CompareIO): number {
  const read = readStraceLog(opts.log);
  if ('errors' in read) {
    for (const e of read.errors) io.err(e);
    return EXIT_USAGE;
  }
  const { parsed } = read;
  const log = basename(opts.log);
  let cmp: Comparison;
  try {
    if (opts.scenario !== undefined) {
      const sc = loadScenarioFile(resolveScenario(opts.scenario));
      cmp = compareWith(parsed.calls, sc, { scenario: sc.name, log, unfinished: parsed.unfinished });
    } else cmp = guessScenario(parsed.calls, log, parsed.unfinished);
  } catch (e) {
    if (e instanceof ScenarioError) {
      for (const p of e.problems) io.err(formatProblem(p));
      return EXIT_USAGE;
    }
    if (e instanceof UnknownScenarioError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
  const scenarioArg = opts.scenario ?? cmp.scenario;
  if (opts.json) io.out(JSON.stringify(comparisonJson(cmp)));
  else io.out(printableLines(formatComparison(cmp, scenarioArg)));
  if (opts.minMatch !== undefined && cmp.percent < opts.minMatch) {
    io.err(`compare: ${cmp.percent.toFixed(1)} % matched, below --min-match ${opts.minMatch}`);
    return EXIT_BELOW;
  }
  return EXIT_OK;
}

/** Every line made printable (a log may carry control characters in names it echoes). */
function printableLines(s: string): string {
  return s
    .split('\n')
    .map((l) => printable(l))
    .join('\n');
}
