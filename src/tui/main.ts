/**
 * Starts the TUI: loads the scenario, runs it into a Session, sets the command line's breakpoints and
 * cursor, then takes over the terminal (alternate screen, raw keys) and gives it back on every way
 * out: `q`, Ctrl-C, SIGTERM, SIGHUP, SIGINT, SIGQUIT, a crash (the alternate screen is left first, then the
 * error printed, so it stays visible), and a normal return.
 *
 * Bad input (scenario, `--break`, `--at`) is reported on stderr with exit code 2 before the terminal is
 * touched. SIGKILL cannot be caught: a marker file (./marker.ts) lets the next run tell the user to
 * type `reset`. Every message goes through sanitizeLines (a spec or file name from the user). Ink, React and chalk are imported only here, after the `CI` variable is dropped (Ink draws
 * nothing while it is set), so the other commands stay fast.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import ansiEscapes from 'ansi-escapes';
import type { Instance } from 'ink';
import type { ReactElement } from 'react';
import { limitHeapGrowth } from '../debug/heap.js';
import { createSession } from '../debug/session.js';
import type { Session } from '../debug/types.js';
import { openScenario, resolveScenario } from '../scenario/builtin.js';
import type { Scenario } from '../scenario/schema.js';
import { engine } from '../sim/engine.js';
import { sanitizeLines } from '../text/sanitize.js';
import type { CompareMarks } from './compare-marks.js';
import { claimMarker, RESET_HINT } from './marker.js';

export interface TuiOptions {
  /** A scenario file path or a built-in scenario name. */
  scenarioPath: string;
  /** The scenario at scenarioPath when the caller has opened it already (it is parsed once). */
  scenario?: Scenario;
  /** Breakpoint specs (ARCHITECTURE §4) to set before the first frame. */
  breaks: string[];
  /** Open with the cursor at this step. */
  at?: number;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Run the scenario's quiz (src/quiz/tui.tsx) over the app: generated questions of each kind. */
  quiz?: { perKind?: number };
  /** Open with the run and a fork with these `--set` changes side by side (./forkhost.tsx). */
  fork?: { sets: string[]; scenario: Scenario };
  /** `--set KEY=VALUE` changes to the scenario (../whatif/set.ts), as `diff` takes them. */
  sets?: string[];
  /** A real strace log to check the run's syscalls against (./compare-marks.ts). */
  compare?: string;
}

/**
 * Recording a long run between frames: the first frame waits for at most FIRST_RECORD_MS of booting and
 * recording it (enough for every built-in but burst, ring-overflow, big-response and c10k to be whole
 * on this box: the others record whole in 23–89 ms, measured cold, one process each; those four show
 * their first steps and the progress line instead of a blank screen), then
 * slices of RECORD_SLICE_MS run between key presses (a key waits at most one slice), and the status
 * line's progress is redrawn at most every RECORD_REDRAW_MS (a c10k frame costs tens of ms).
 */
const FIRST_RECORD_MS = 100;
const RECORD_SLICE_MS = 40;
const RECORD_REDRAW_MS = 250;

/** Exit code for bad input (usage, YAML, schema, a bad breakpoint). */
const EXIT_USAGE = 2;
const EXIT_CRASH = 1;

function fail(message: string): void {
  process.stderr.write(`netflow-tui: ${sanitizeLines(message)}\n`);
  process.exitCode = EXIT_USAGE;
}

/** The session for the options (and its scenario), or undefined after reporting what is wrong. */
async function prepare(
  opts: TuiOptions,
): Promise<{ session: Session; scenario: Scenario; compare?: CompareMarks } | undefined> {
  let scenario: Scenario;
  try {
    const sets = opts.sets ?? [];
    if (sets.length) {
      // A changed run needs the file's text and the YAML loader: imported only then (the TUI chunk stays without yaml/zod).
      const path = resolveScenario(opts.scenarioPath);
      const { applyChanges } = await import('../whatif/set.js');
      scenario = applyChanges(readFileSync(path, 'utf8'), path, sets);
    } else {
      scenario = opts.scenario ?? (await openScenario(resolveScenario(opts.scenarioPath)));
    }
  } catch (e) {
    process.stderr.write(`${sanitizeLines(e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
  // A long run is recorded in slices after the first frame (startTui), unless the command line needs
  // the whole run before it: a step to open at, a quiz, a fork to compare with, a real log to mark.
  const sliced = opts.at === undefined && !opts.quiz && !opts.fork && opts.compare === undefined;
  // A session's heap is long-lived and large (c10k: ~300 MB live): V8's default lets it grow ~4× before a
  // full GC (debug/heap.ts). A run recorded whole gets the policy now; one recorded in slices after its
  // first frame (recordRest), so node:v8 does not load before it.
  if (!sliced) limitHeapGrowth();
  const session = createSession(engine, scenario, {
    seed: opts.seed,
    recordBudgetMs: sliced ? FIRST_RECORD_MS : undefined,
  });
  for (const spec of opts.breaks) {
    const r = session.addBreakpoint(spec);
    if (!r.ok) {
      fail(`--break ${JSON.stringify(spec)}: column ${r.column}: ${r.error}`);
      return undefined;
    }
  }
  if (opts.at !== undefined) {
    const last = session.total - 1;
    if (!Number.isInteger(opts.at) || opts.at < 0 || opts.at > last) {
      fail(`--at ${opts.at}: this run has steps 0 to ${last}`);
      return undefined;
    }
    session.goto(opts.at);
  }
  // compare's log reader shares the loader module: imported only when a log is given.
  const compare =
    opts.compare === undefined
      ? undefined
      : (await import('./compare-marks.js')).loadCompareMarks(opts.compare, session);
  if (compare && 'errors' in compare) {
    fail(`--compare: ${compare.errors.join('\n')}`);
    return undefined;
  }
  return { session, scenario, compare };
}

export async function startTui(opts: TuiOptions): Promise<void> {
  const prepared = await prepare(opts);
  if (!prepared) return;
  const { session, scenario, compare } = prepared;
  const { stdin, stdout } = process;
  if (!stdin.isTTY || !stdout.isTTY) {
    fail(
      'the TUI needs a terminal (stdin and stdout must be TTYs).\n' +
        `For text output use: netflow-tui run ${opts.scenarioPath}  (or --json, or --at N --state)`,
    );
    return;
  }
  // Ink draws nothing while CI is set; this is an interactive terminal, whatever the environment says.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;

  const [{ render }, host, { makeTheme }, { default: chalk }, { gaugeSource }, fork] = await Promise.all([
    importInk(),
    import('./forkhost.js'),
    import('./theme.js'),
    import('chalk'),
    import('./gauges.js'),
    import('./fork.js'),
  ]);
  // `diff --tui` opens with a fork: its reader first. Otherwise it loads after the first frame.
  if (opts.fork) await fork.loadWhatIf();
  const gauges = gaugeSource(engine, scenario, opts.seed);
  // The bin maps NO_COLOR to FORCE_COLOR=0 before chalk loads; do it here too for other entry points
  // (`tsx src/cli.ts`), where chalk may have decided its level already.
  const noColor = (process.env.NO_COLOR ?? '') !== '' && process.env.FORCE_COLOR === undefined;
  const theme = makeTheme(noColor ? 0 : chalk.level);
  const quiz = opts.quiz ? await import('../quiz/tui.js') : undefined;
  const questions = opts.quiz
    ? (await import('../quiz/quiz.js')).buildQuiz(scenario, {
        perKind: opts.quiz.perKind,
        seed: opts.seed,
      })
    : [];
  const element = () => {
    const props = {
      session,
      theme,
      columns: stdout.columns || 80,
      rows: stdout.rows || 24,
      exportTarget: {
        scenarioPath: opts.scenarioPath,
        seed: opts.seed,
        scenario: opts.sets?.length ? scenario : undefined,
      },
      scenarioArg: opts.scenarioPath,
      seed: opts.seed,
      gauges,
      compare,
    };
    const base = { scenarioPath: opts.scenarioPath, seed: opts.seed, sets: opts.sets ?? [] };
    return quiz
      ? quiz.quizElement({ ...props, questions })
      : host.forkHostElement({ ...props, base, openWith: opts.fork?.sets });
  };

  let instance: ReturnType<typeof render> | undefined;
  let restored = false;
  const marker = claimMarker();
  const write = (s: string) => {
    try {
      stdout.write(s);
    } catch {
      // The terminal may be gone (SIGHUP): nothing left to restore.
    }
  };
  /** Gives the terminal back; safe to call more than once and from any exit path. */
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // Unmounting after a crash can throw again; the screen still has to be restored.
    }
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {}
    write(ansiEscapes.cursorShow + ansiEscapes.exitAlternativeScreen);
    marker.release();
    if (marker.stale.length > 0) process.stderr.write(`${RESET_HINT}\n`);
  };

  const onSignal = (sig: NodeJS.Signals) => {
    restore();
    process.exit(128 + (constants.signals[sig] ?? 0));
  };
  const onCrash = (err: unknown) => {
    restore();
    process.stderr.write(`netflow-tui: crashed: ${sanitizeLines(crashText(err))}\n`);
    process.exit(EXIT_CRASH);
  };
  // Registered before Ink's own resize listener so Ink's redraw already uses the new layout.
  const onResize = () => {
    if (!instance) return;
    instance.clear();
    write(ansiEscapes.eraseScreen + ansiEscapes.cursorTo(0, 0));
    instance.rerender(element());
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', restore);
  stdout.on('resize', onResize);

  write(ansiEscapes.enterAlternativeScreen + ansiEscapes.eraseScreen + ansiEscapes.cursorTo(0, 0));
  try {
    instance = render(element(), {
      exitOnCtrlC: false,
      patchConsole: false,
      // Not `incrementalRendering`: in Ink 6.8.0 it moves the cursor up one row too few when the
      // frame ends in a newline (any frame shorter than the terminal, as ours is), so every frame is
      // drawn one row lower and the screen drifts. The standard renderer erases and redraws the frame.
      incrementalRendering: false,
      maxFps: 30,
    });
    recordRest(session, () => (restored ? undefined : instance), element);
    setImmediate(() => void fork.loadWhatIf());
    await instance.waitUntilExit();
    restore();
  } catch (err) {
    restore();
    process.stderr.write(`netflow-tui: ${sanitizeLines(crashText(err))}\n`);
    process.exitCode = EXIT_CRASH;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', restore);
    stdout.off('resize', onResize);
    stdin.pause();
  }
}

/**
 * Records the rest of a run still recording, one slice per turn of the event loop (keys are read
 * between slices, so `q` and Ctrl-C answer within a slice), redrawing the progress now and then and
 * once when the run is whole. Stops when the terminal is given back (`target` gives undefined).
 */
function recordRest(session: Session, target: () => Instance | undefined, element: () => ReactElement): void {
  if (!session.recording || !session.recordMore) return;
  limitHeapGrowth();
  let drawn = performance.now();
  const slice = () => {
    const app = target();
    if (!app) return;
    const done = session.recordMore!({ budgetMs: RECORD_SLICE_MS });
    if (done || performance.now() - drawn >= RECORD_REDRAW_MS) {
      app.rerender(element());
      drawn = performance.now();
    }
    if (!done) setImmediate(slice);
  };
  setImmediate(slice);
}

/**
 * `import('ink')` without `fetch`: Ink's layout engine (yoga-layout) instantiates its WebAssembly from
 * a `data:` URL with `fetch` when there is one, and Node's first `fetch` loads undici (~100 ms of a
 * first frame, profiled); without it yoga decodes the same bytes itself. `fetch` is put back at once.
 */
async function importInk(): Promise<typeof import('ink')> {
  const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetch?.configurable) delete (globalThis as { fetch?: unknown }).fetch;
  try {
    return await import('ink');
  } finally {
    if (fetch?.configurable) Object.defineProperty(globalThis, 'fetch', fetch);
  }
}

/** A crash's message; the stack only with NETFLOW_DEBUG set (a user gets one line, not a trace). */
function crashText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return process.env.NETFLOW_DEBUG && err.stack ? err.stack : err.message;
}
