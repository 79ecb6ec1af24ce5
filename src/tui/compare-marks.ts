/**
 * `netflow-tui <scenario> --compare <strace-log>`: the run's syscall steps checked against a real
 * strace log of a Go server. The log is read and lined up exactly as `netflow-tui compare` does it
 * (../compare/: the same segments, alignment and scoring); each scored simulated syscall gets its
 * column's verdict — ✓ matched (in place, or reordered by a thread race), ✗ divergent (other
 * arguments or result, or a call the real server did not make) — and the real log line it was lined
 * up with. Real calls with no simulated counterpart are shown at the next simulated step of their
 * segment. Thread bookkeeping and calls before the first socket() are not scored, so not marked.
 *
 * Who touches it: main.ts builds it before the terminal is taken (a bad log: exit 2); the timeline
 * pane draws the marks, the narration pane the real line.
 */
import type { Column } from '../compare/align.js';
import { fromStrace, fromTrace, segment } from '../compare/calls.js';
import { readStraceLog } from '../compare/command.js';
import { compareSegments } from '../compare/report.js';
import type { Session } from '../debug/types.js';
import type { TraceRecord } from '../sim/trace.js';

/** Records read from the Session at a time while collecting its syscalls. */
const CHUNK = 10_000;

/** A real log line: its number and text. */
export interface RealLine {
  line: number;
  text: string;
}

export interface StepVerdict {
  ok: boolean;
  /** How compare saw the column: `match`, `reordered`, `differs` or `sim-only`. */
  status: Exclude<Column['status'], 'real-only'>;
  /** The real call it was lined up with (absent: sim-only). */
  real?: RealLine;
  /** Real calls with no simulated counterpart, just before this one in the log. */
  missing: RealLine[];
}

export interface CompareMarks {
  /** The log as named on the command line. */
  log: string;
  matched: number;
  total: number;
  percent: number;
  /** The verdict of a step; undefined for a step that is not a scored syscall. */
  at(step: number): StepVerdict | undefined;
}

/** The session's syscall records, in order. */
function syscallRecords(session: Session): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (let from = 0; from < session.total; from += CHUNK)
    for (const r of session.records(from, from + CHUNK)) if (r.kind === 'syscall') out.push(r);
  return out;
}

/** Lines the session's syscalls up with the log; or what is wrong with the log (exit 2). */
export function loadCompareMarks(logPath: string, session: Session): CompareMarks | { errors: string[] } {
  const read = readStraceLog(logPath);
  if ('errors' in read) return read;
  const lines = read.text.split('\n');
  const lineOf = (n: number | undefined): RealLine | undefined =>
    n === undefined ? undefined : { line: n, text: lines[n - 1] ?? '' };
  const cmp = compareSegments(
    segment(fromStrace(read.parsed.calls)),
    segment(fromTrace(syscallRecords(session))),
    { scenario: session.name, log: logPath, unfinished: read.parsed.unfinished },
  );
  const verdicts = new Map<number, StepVerdict>();
  for (const seg of cmp.segments) {
    let missing: RealLine[] = [];
    for (const c of seg.columns) {
      if (c.status === 'real-only') {
        const l = lineOf(c.real?.line);
        if (l) missing.push(l);
        continue;
      }
      if (c.sim?.step === undefined) continue;
      const ok = c.status === 'match' || c.status === 'reordered';
      verdicts.set(c.sim.step, { ok, status: c.status, real: lineOf(c.real?.line), missing });
      missing = [];
    }
  }
  return {
    log: logPath,
    matched: cmp.matched,
    total: cmp.total,
    percent: cmp.percent,
    at: (step) => verdicts.get(step),
  };
}
