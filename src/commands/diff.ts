/**
 * `netflow-tui diff <scenario> --set KEY=VALUE …`: "what if?" — the scenario as written and a fork with
 * the changes (../whatif/set.ts), both run headless to the end (../whatif/fork.ts), then:
 *
 *   the first step where the two traces differ, with both records (or "identical")
 *   a table of outcomes (../whatif/outcome.ts): as written, with the change, and the difference
 *   --json       the same as one JSON object: { scenario, changes, identical, divergence, original, fork }
 *
 * No --set at all is allowed: the fork is then the scenario itself, and the output says the runs are
 * identical (the check that the simulation is deterministic). Exit status: 0, or 2 for bad input
 * (an unknown scenario, a bad key or value, reported as `--set:N:COL: message`).
 */
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { resolveScenario, UnknownScenarioError } from '../scenario/builtin.js';
import { formatProblem, loadScenarioFile, printable, ScenarioError } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { formatTime, type TraceRecord } from '../sim/trace.js';
import { type ForkResult, runFork } from '../whatif/fork.js';
import type { Outcome } from '../whatif/outcome.js';
import { applyChanges, SET_FILE } from '../whatif/set.js';

const EXIT_OK = 0;
const EXIT_USAGE = 2;

export interface DiffOptions {
  /** Built-in name or path of the scenario file. */
  scenario: string;
  /** `KEY=VALUE` changes, in order; may be empty. */
  sets: readonly string[];
  json: boolean;
  seed?: number;
}

export interface DiffIO {
  stdout: Writable;
  stderr: Writable;
}

/** The scenario as written and the changed one, or the exit status after reporting what is wrong. */
export function loadPair(opts: DiffOptions, io: DiffIO): { original: Scenario; fork: Scenario } | number {
  try {
    const path = resolveScenario(opts.scenario);
    const original = loadScenarioFile(path);
    return { original, fork: applyChanges(readFileSync(path, 'utf8'), path, opts.sets) };
  } catch (e) {
    if (e instanceof ScenarioError) {
      for (const p of e.problems) {
        io.stderr.write(`${formatProblem(p)}\n`);
        const arg = p.file === SET_FILE ? opts.sets[p.line - 1] : undefined;
        if (arg !== undefined) io.stderr.write(`  --set ${printable(arg)}\n${' '.repeat(7 + p.col)}^\n`);
      }
      return EXIT_USAGE;
    }
    if (e instanceof UnknownScenarioError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/** Runs both and prints the comparison; resolves to the exit status. */
export function diffCommand(
  opts: DiffOptions,
  io: DiffIO = { stdout: process.stdout, stderr: process.stderr },
): number {
  const pair = loadPair(opts, io);
  if (typeof pair === 'number') return pair;
  const result = runFork(pair.original, pair.fork, opts.seed);
  const name = pair.original.name;
  io.stdout.write(opts.json ? `${diffJson(name, opts.sets, result)}\n` : diffText(name, opts.sets, result));
  return EXIT_OK;
}

/** The comparison as one JSON object. */
export function diffJson(name: string, sets: readonly string[], r: ForkResult): string {
  return JSON.stringify({
    scenario: name,
    changes: sets,
    identical: r.divergence === undefined,
    divergence: r.divergence ?? null,
    original: r.original,
    fork: r.fork,
  });
}

/** The comparison as text: the divergence, then the outcome table. */
export function diffText(name: string, sets: readonly string[], r: ForkResult): string {
  const out: string[] = [];
  const change = sets.length ? sets.join(', ') : 'no change';
  out.push(`diff ${name}: as written vs ${printable(change)}`);
  const d = r.divergence;
  if (!d) {
    out.push(`the two runs are identical: ${r.original.records} records, record for record`);
  } else {
    out.push(`first difference at step ${d.step}:`);
    out.push(`  as written   ${recordLine(d.original)}`);
    out.push(`  with change  ${recordLine(d.fork)}`);
    out.push(
      d.lastShared
        ? `  (steps 0..${d.lastShared.step} are the same in both; the last: ${printable(d.lastShared.text)})`
        : '  (they differ from the first step)',
    );
  }
  out.push('', ...outcomeTable(r.original, r.fork));
  return `${out.join('\n')}\n`;
}

function recordLine(rec: TraceRecord | undefined): string {
  if (!rec) return '(this run has ended)';
  return `${String(rec.step).padStart(5)}  ${formatTime(rec.t_ns).padStart(11)}  ${rec.layer.padEnd(7)}  ${printable(rec.text)}`;
}

type Unit = 'count' | 'ns' | 'bytes';
interface Row {
  label: string;
  a: number;
  b: number;
  unit: Unit;
}

/** Rows of the outcome table, in the order a reader follows the journey. */
export function outcomeRows(a: Outcome, b: Outcome): Row[] {
  const row = (label: string, f: (o: Outcome) => number, unit: Unit = 'count'): Row => ({
    label,
    a: f(a),
    b: f(b),
    unit,
  });
  const rows: Row[] = [
    row('responses', (o) => o.responses),
    row('latency p50', (o) => o.latency.p50, 'ns'),
    row('latency p99', (o) => o.latency.p99, 'ns'),
    row('latency max', (o) => o.latency.max, 'ns'),
    row('last response at', (o) => o.lastResponseNs, 'ns'),
    row('accept queue peak', (o) => o.acceptqPeak),
    row('accept queue drops', (o) => o.listenDrops),
    row('RX ring peak', (o) => o.rxRingPeak),
    row('RX ring drops', (o) => o.rxDrops),
    row('retransmissions', (o) => o.retransmits),
  ];
  const ps = Math.max(a.runqPeak.length, b.runqPeak.length);
  for (let p = 0; p < ps; p++) rows.push(row(`run queue peak P${p}`, (o) => o.runqPeak[p] ?? 0));
  rows.push(
    row('global run queue peak', (o) => o.globrunqPeak),
    row('steals', (o) => o.steals),
    row('preemptions', (o) => o.preemptions),
  );
  const names = [...new Set([...Object.keys(a.syscalls), ...Object.keys(b.syscalls)])].sort();
  for (const n of names) {
    rows.push(row(`syscall ${n}`, (o) => o.syscalls[n] ?? 0));
    const errs = [...new Set([...Object.keys(a.errors), ...Object.keys(b.errors)])].filter((e) =>
      e.startsWith(`${n} `),
    );
    for (const e of errs.sort()) rows.push(row(`  → ${e.slice(n.length + 1)}`, (o) => o.errors[e] ?? 0));
  }
  rows.push(
    row('wire frames in', (o) => o.wire.framesIn),
    row('wire frames out', (o) => o.wire.framesOut),
    row('wire bytes in', (o) => o.wire.bytesIn, 'bytes'),
    row('wire bytes out', (o) => o.wire.bytesOut, 'bytes'),
    row('records', (o) => o.records),
    row('virtual time', (o) => o.endNs, 'ns'),
  );
  return rows;
}

function cell(v: number, unit: Unit): string {
  if (unit === 'ns') return formatTime(v);
  if (unit === 'bytes') return `${v} B`;
  return String(v);
}

function delta(r: Row): string {
  if (r.a === r.b) return '=';
  const d = r.b - r.a;
  const sign = d > 0 ? '+' : '-';
  return `${sign}${cell(Math.abs(d), r.unit)}`;
}

/** The outcome table's lines: label, as written, with change, difference. */
export function outcomeTable(a: Outcome, b: Outcome): string[] {
  const rows = outcomeRows(a, b);
  const head = ['outcome', 'as written', 'with change', 'change'];
  const cells = rows.map((r) => [r.label, cell(r.a, r.unit), cell(r.b, r.unit), delta(r)]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `${c[0]!.padEnd(w[0]!)}  ${c[1]!.padStart(w[1]!)}  ${c[2]!.padStart(w[2]!)}  ${c[3]!.padStart(w[3]!)}`.trimEnd();
  return [line(head), ...cells.map(line)];
}
