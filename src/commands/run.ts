/**
 * `netflow-tui run <scenario>`: the headless run (ARCHITECTURE §5).
 *
 *   (default)          every record, one `recordToLine` a line (`--json`: one `recordToJson` a line);
 *                      at the end, the scenario's `expect:` items are checked: failures go to stderr
 *                      and the exit status is 1
 *   --break SPEC …     records up to and including the first hit of any of them, then
 *                      `stopped at step N: <text>`; no hit: the whole run, then
 *                      `no breakpoint hit (N records)` (with --json these lines go to stderr, so
 *                      stdout stays pure JSON lines)
 *   --until-step N     records up to and including step N
 *   --at N --state     only the state at step N (the StateView), as one pretty JSON object
 *   --state            (without --at) the state where the run stops: the break hit, --until-step, or
 *                      the last step
 *   --seed N           overrides the scenario's seed
 *   --at N --why SPEC  the step at or before N that last changed the value SPEC names (debug/why.ts);
 *                      repeated, each further --why walks back from the previous answer
 *   --notes            the scenario's teaching notes in place: after the record a note is `at`, an
 *                      indented `note: …` line. With --json every record a note is at carries it as
 *                      `note` (several joined by a newline), with or without --notes.
 *
 * A step is one state transition: with --json (records carry `changes`), --state and watches, every
 * event is stepped tracked, so the state at step N is the machine right after record N.
 * Exit status: 0 ok, 1 an expectation failed, 2 bad input (scenario, spec, options).
 *
 * The run streams: records are formatted as they are made and written in large chunks, waiting when
 * the reader is slower (`run c10k | less`); a reader that goes away (`| head`) ends the run quietly.
 * Nothing is kept per record, so millions of records cost no memory.
 *
 * Terminal safety: text lines and the `stopped at` line go through `sanitize` (a control character in
 * a client name or body shows as ␛, never raw); JSON goes through `jsonSafe`; messages through
 * `sanitizeLines`. A long run shows its progress on stderr when stderr is a terminal (./progress.ts).
 */
import type { Writable } from 'node:stream';
import {
  type Breakpoint,
  type EventBreakpoint,
  formatParseError,
  matches,
  parseBreakpoint,
  type WatchBreakpoint,
  watchHolds,
} from '../debug/breakpoints.js';
import { parseWhy, type WhySpec, whySteps } from '../debug/why.js';
import { loadOrReport } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { engine, type Machine } from '../sim/engine.js';
import { createExpectations } from '../sim/expect.js';
import { machineAt, newStepLog, type StepLog } from '../sim/steplog.js';
import { recordToJson, recordToLine, type TraceRecord } from '../sim/trace.js';
import { jsonSafe, sanitize, sanitizeLines } from '../text/sanitize.js';
import { Progress } from './progress.js';
import type { RunOptions } from './run-options.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Bytes buffered before a write. */
const CHUNK = 64 * 1024;
/**
 * Every this many flushes, yield to the event loop so that an EPIPE from a reader that went away
 * (`| head -c 1`) is seen: pipe writes are synchronous on Linux, and the error event arrives on a
 * later turn of the loop, which a run that only awaits resolved promises would never give it.
 */
const YIELD_EVERY_FLUSHES = 1;

export interface RunIO {
  stdout: Writable;
  stderr: Writable;
}

/** Joins lines and writes them in chunks; waits for 'drain' when the reader is behind. */
class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  /** The reader went away (EPIPE): stop producing. */
  closed = false;

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  private flushes = 0;

  private readonly onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
    else throw e;
  };

  /** Appends one line; true when a flush is due. */
  line(s: string): boolean {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    return this.size >= CHUNK;
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.out.destroyed || this.out.writableEnded) {
      this.closed = true;
      return;
    }
    if (this.out.write(text)) {
      // Room left: still let the loop turn now and then, or an EPIPE would never be delivered.
      if (++this.flushes % YIELD_EVERY_FLUSHES === 0) await new Promise<void>((r) => setImmediate(r));
    } else {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done);
          this.out.off('error', done);
          this.out.off('close', done);
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
        this.out.on('close', done);
      });
    }
    if (this.out.destroyed) this.closed = true;
  }

  detach(): void {
    this.out.off('error', this.onError);
  }
}

/** Runs the scenario as the options say; resolves to the exit status. */
export async function runCommand(
  opts: RunOptions,
  io: RunIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const err = (s: string) => void io.stderr.write(`${sanitizeLines(s)}\n`);

  const sc = loadOrReport(opts.scenarioPath, err);
  if (!sc) return EXIT_USAGE;

  const bps: Breakpoint[] = [];
  for (const spec of opts.breaks) {
    const r = parseBreakpoint(spec);
    if (!r.ok) {
      err(`--break: ${formatParseError(r)}`);
      return EXIT_USAGE;
    }
    bps.push(r.bp);
  }
  const whys: WhySpec[] = [];
  for (const spec of opts.why ?? []) {
    const r = parseWhy(spec);
    if (!r.ok) {
      err(`--why ${JSON.stringify(spec)}: ${r.error}`);
      return EXIT_USAGE;
    }
    whys.push(r.why);
  }
  if (whys.length) {
    if (opts.at === undefined || opts.state) {
      err('--why needs --at N (and no --state): `run <scenario> --at N --why "acceptq fd=3"`');
      return EXIT_USAGE;
    }
    return printWhy(sc, opts, whys, io);
  }
  if (opts.at !== undefined && !opts.state) {
    err('--at needs --state or --why: `run <scenario> --at N --state` prints the state at step N');
    return EXIT_USAGE;
  }
  if (opts.at !== undefined && (bps.length > 0 || opts.untilStep !== undefined)) {
    err('--at cannot be combined with --break or --until-step');
    return EXIT_USAGE;
  }

  const out = new ChunkWriter(io.stdout);
  const progress = new Progress(io.stderr, { show: showProgress(io, opts) });
  try {
    return await run(sc, opts, bps, { out, err, progress });
  } finally {
    progress.done();
    await out.flush();
    out.detach();
  }
}

/**
 * Progress on stderr only when stderr is a terminal and it would not be interleaved with the trace on
 * the same terminal: stdout is redirected, or only the state is printed at the end.
 */
function showProgress(io: RunIO, opts: RunOptions): boolean {
  const isTTY = (w: Writable) => (w as Writable & { isTTY?: boolean }).isTTY === true;
  return isTTY(io.stderr) && (!isTTY(io.stdout) || opts.state);
}

interface RunSinks {
  out: ChunkWriter;
  err: (s: string) => void;
  progress: Progress;
}

async function run(
  sc: Scenario,
  opts: RunOptions,
  bps: Breakpoint[],
  { out, err, progress }: RunSinks,
): Promise<number> {
  const events = bps.filter((b): b is EventBreakpoint => b.type === 'event');
  const watches = bps.filter((b): b is WatchBreakpoint => b.type === 'watch');
  const fullRun = bps.length === 0 && opts.untilStep === undefined && !opts.state;
  const checks = fullRun && sc.expect?.length ? createExpectations(sc) : undefined;
  const status = opts.json ? err : (s: string) => out.line(sanitize(s));
  const notes = noteMatcher(sc);
  const format = (r: TraceRecord, watchStep: boolean): string => {
    const said = notes.at(r, watchStep);
    if (opts.json) return jsonSafe(said.length ? withNote(r, said) : recordToJson(r));
    const line = sanitize(recordToLine(r));
    if (!opts.notes || said.length === 0) return line;
    return [line, ...said.map((n) => sanitize(`${' '.repeat(NOTE_INDENT)}note: ${n}`))].join('\n');
  };
  // The state printed with --state and no --at: where the run stops; at the end, the last step.
  let target = opts.at;
  if (opts.state && target === undefined && bps.length === 0) {
    target = Math.min(opts.untilStep ?? Number.POSITIVE_INFINITY, lastStep(sc, opts.seed));
  }

  const m = engine.boot(sc, opts.seed);
  const prev = watches.map((w) => watchHolds(w, engine, m));
  // Tracked steps: records get `changes`, and any record's state is exact (the event's later writes rewound).
  const log = opts.json || opts.state || watches.length ? newStepLog() : undefined;
  let total = 0;
  const recs: TraceRecord[] = [];
  for (;;) {
    recs.length = 0;
    if (!engine.step(m, recs, { log })) break;
    if (recs.length === 0) continue;
    total += recs.length;
    progress.tick(total, m.now);
    // A watch hits on the record after which it holds (it did not before).
    let watchHit = -1;
    for (let j = 0; j < watches.length; j++) {
      const now = watchHolds(watches[j], engine, m);
      if (now && !prev[j]) {
        const r = log ? recs.find((x) => watchHolds(watches[j], engine, machineAt(m, log, x.step))) : recs[0];
        const at = (r ?? recs[0]).step;
        if (watchHit < 0 || at < watchHit) watchHit = at;
      }
      prev[j] = now;
    }
    notes.afterEvent(m);
    for (let k = 0; k < recs.length; k++) {
      const r = recs[k];
      checks?.observe(r);
      if (target !== undefined) {
        if (r.step === target) return printState(m, r.step, out, log);
        continue;
      }
      const hit = r.step === watchHit || events.some((b) => matches(b, r));
      if (opts.state) {
        if (hit) return printState(m, r.step, out, log);
        continue;
      }
      if (out.line(format(r, k === 0))) {
        await out.flush();
        if (out.closed) return EXIT_OK;
      }
      if (hit) {
        status(`stopped at step ${r.step}: ${r.text}`);
        return EXIT_OK;
      }
      if (opts.untilStep !== undefined && r.step >= opts.untilStep) return EXIT_OK;
    }
  }

  if (target !== undefined) {
    err(`--at ${target}: the run has ${total} steps (0..${total - 1})`);
    return EXIT_USAGE;
  }
  if (bps.length > 0) {
    (opts.state ? err : status)(`no breakpoint hit (${total} records)`);
    return EXIT_OK;
  }
  if (checks) {
    const failures = checks.failures(m);
    if (failures.length > 0) {
      await out.flush();
      for (const f of failures) err(`expectation failed: ${f}`);
      return EXIT_FAILED;
    }
  }
  return EXIT_OK;
}

/** Columns a `note:` line is indented by in text output: under the record's text. */
const NOTE_INDENT = 29;

/** The record as a JSON line with its notes as `note`, placed after `text`. */
function withNote(r: TraceRecord, said: string[]): string {
  const o = JSON.parse(recordToJson(r)) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = v;
    if (k === 'text') out.note = said.join('\n');
  }
  return JSON.stringify(out);
}

/**
 * The scenario's `notes:` as the run streams: an event note is at every record its spec matches, a
 * watch note at the first record of the event after which its condition became true (as the Session
 * and the TUI place them). Call `afterEvent` once per event with records, before `at` on its records.
 */
function noteMatcher(sc: Scenario) {
  const parsed = (sc.notes ?? []).flatMap((n) => {
    const r = parseBreakpoint(n.at);
    return r.ok ? [{ bp: r.bp, text: n.text }] : [];
  });
  const watchNotes = parsed.filter((n): n is { bp: WatchBreakpoint; text: string } => n.bp.type === 'watch');
  const prev = new Array<boolean>(watchNotes.length).fill(false);
  let became: string[] = [];
  return {
    afterEvent(m: Machine): void {
      became = [];
      watchNotes.forEach((n, j) => {
        const now = watchHolds(n.bp, engine, m);
        if (now && !prev[j]) became.push(n.text);
        prev[j] = now;
      });
    },
    at(r: TraceRecord, firstOfEvent: boolean): string[] {
      if (parsed.length === 0) return [];
      const out: string[] = [];
      for (const n of parsed) {
        if (n.bp.type === 'event' && matches(n.bp, r)) out.push(n.text);
      }
      if (firstOfEvent) out.push(...became);
      return out;
    },
  };
}

function printState(m: Machine, step: number, out: ChunkWriter, log: StepLog | undefined): number {
  out.line(jsonSafe(JSON.stringify(engine.view(m, step, log), null, 2)));
  return EXIT_OK;
}

/** `--at N --why SPEC…`: each answer's record, and the change it made to the value asked about. */
async function printWhy(sc: Scenario, opts: RunOptions, whys: WhySpec[], io: RunIO): Promise<number> {
  let answers: ReturnType<typeof whySteps>;
  try {
    answers = whySteps(sc, opts.at ?? 0, whys, opts.seed);
  } catch (e) {
    if (e instanceof RangeError) {
      io.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const out = new ChunkWriter(io.stdout);
  let from = `at or before step ${opts.at}`;
  for (const a of answers) {
    if (opts.json) {
      out.line(
        jsonSafe(
          JSON.stringify({
            why: a.spec,
            names: a.keys,
            ...(a.record ? { change: a.change, record: JSON.parse(recordToJson(a.record)) } : {}),
          }),
        ),
      );
    } else if (!a.record || !a.change) {
      out.line(
        sanitize(
          `why ${a.spec}: no step ${from} changed ${a.keys.join(' or ') || 'it'} (it has had this value since boot)`,
        ),
      );
    } else {
      out.line(
        sanitize(
          `why ${a.spec}: step ${a.record.step} made ${a.change.what} ${fmt(a.change.from)} → ${fmt(a.change.to)}`,
        ),
      );
      out.line(sanitize(recordToLine(a.record)));
      if (a.record.fn) out.line(sanitize(`${' '.repeat(29)}models ${a.record.fn}`));
    }
    if (a.record) from = `before step ${a.record.step}`;
  }
  await out.flush();
  out.detach();
  return EXIT_OK;
}

function fmt(v: unknown): string {
  return v === null ? '(none)' : String(v);
}

/** The last step of the run: a first pass that only counts records. */
function lastStep(sc: Scenario, seed: number | undefined): number {
  const m = engine.boot(sc, seed);
  const recs: TraceRecord[] = [];
  for (;;) {
    recs.length = 0;
    if (!engine.step(m, recs)) break;
  }
  return engine.emitted(m) - 1;
}
