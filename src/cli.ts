/**
 * The `netflow-tui` command line (ARCHITECTURE §5).
 *
 *   netflow-tui [scenario]           the TUI (the default command, `tui`)
 *   netflow-tui run <scenario> …     the trace as text or JSON lines, or the state at a step
 *   netflow-tui export <scenario> …  the run as pcapng/pcap/Perfetto/strace/schedtrace/JSON lines
 *   netflow-tui check <file>…        validate scenario files: file:line:col: message
 *   netflow-tui list                 the built-in scenarios
 *   netflow-tui schema               the JSON Schema (draft-07) of the scenario format
 *   netflow-tui compare <log> [sc]   a real strace of a Go server lined up with the simulation
 *   netflow-tui diff <scenario> --set KEY=VALUE …   "what if?": the run and a changed fork compared
 *   netflow-tui quiz <scenario> [--answers a,c,b]   "what happens next?": predictions, graded
 *
 * Exit codes: 0 ok; 1 the scenario ran but failed an expectation (from `run`), or an internal error;
 * 2 bad input: usage, an unknown scenario, YAML or schema problems. Errors are one message on
 * stderr, never a stack trace. Start-up stays fast: Ink, React and the TUI load only by the dynamic
 * import in the `tui` action, and the simulator only when `run` or the TUI needs it; the YAML loader
 * (yaml, zod) only for a scenario file that is not a built-in (built-ins are validated at build time:
 * scenario/builtin.ts), so `--help`, `list` and opening a built-in load neither. The scenario finder
 * and its errors (scenario/builtin.ts, scenario/problem.ts) load when a command opens a scenario or
 * an error is reported: `--help` loads commander and this file's text and little else (each module
 * costs a `--help` about a millisecond, measured).
 */
import { fstatSync, writeSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import type { RunOptions } from './commands/run-options.js';
import type { ExportFlags } from './export/command.js';
import { FORMATS } from './export/formats.js';
import { EXPORT_EXAMPLES } from './export/help.js';
import type { Scenario } from './scenario/schema.js';
import { sanitizeLines } from './text/sanitize.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Writes a message line to stderr; any control character in it (from a file name, a spec) shows as a glyph. */
function say(message: string): void {
  process.stderr.write(`${sanitizeLines(message)}\n`);
}

const BREAKPOINTS = `Breakpoints (--break): KIND[:NAME] [KEY=VALUE]... or watch GAUGE [KEY=VALUE]... OP N
  syscall:accept4   syscall:read fd=7   syscall errno=EAGAIN   irq:rx   wakeup:accept
  park:read g=5   event:nic.*   anomaly:overflow   watch acceptq > 0   (quote specs that contain spaces)`;

const TUI_KEYS = `In the TUI: ? lists every key. f asks "what if?": type a change as diff --set takes it
  (machine.gomaxprocs=1, machine.tcp.somaxconn=4096; several: a=1; b=2) and the screen splits into the run
  and the fork, kept at the same virtual time; d jumps to the next difference, 2 makes the fork the main run.

Example: netflow-tui hello --compare server.strace   each syscall step ✓/✗ against a real strace -f log`;

const WHY_HELP = `Why is it so? (--at N --why SPEC): the step that last changed a value, and what it changed
  acceptq fd=3   synq fd=3   rcvq fd=4   sndq conn=2   runq p=0   rdllist   globrunq   rxring   txring   G6
  netflow-tui run hello --at 80 --why 'acceptq fd=3'                    the accept4 that emptied it
  netflow-tui run hello --at 80 --why 'acceptq fd=3' --why 'acceptq fd=3'   …and the step that filled it`;

const EXAMPLES = `
Examples:
  netflow-tui                               step through the hello scenario in the terminal UI
  netflow-tui about --break syscall:accept4 open "about", stopped at the first accept4
  netflow-tui run hello                     the whole journey, one event per line
  netflow-tui run hello --json              the same as JSON lines, one trace record each
  netflow-tui run tour --notes              the journey with its teaching notes under their steps
  netflow-tui run burst --break anomaly:overflow
                                            stop at the first accept-queue overflow
  netflow-tui run hello --break wakeup:accept
                                            print up to the first stop, then "stopped at step N"
  netflow-tui run hello --at 40 --state     the machine right after step 40 as one JSON object
  netflow-tui run hello --at 80 --why 'acceptq fd=3'
                                            which step last changed fd 3's accept queue, and how
  netflow-tui export hello                  hello.pcapng for Wireshark (see export --help)
  netflow-tui check my.yaml                 validate a scenario: file:line:col: message
  netflow-tui list                          the built-in scenarios
  netflow-tui schema > scenario.schema.json JSON Schema for editor completion
  netflow-tui compare server.strace hello   a real strace -f of your Go server lined up with the sim
  netflow-tui diff burst --set machine.tcp.somaxconn=4096
                                            what if the accept queue were bigger? both runs compared
  netflow-tui quiz tour --answers a,c,b     predictions about the tour, graded: score and missed ones

A scenario is a built-in name (see "list") or the path of a .yaml file.
${BREAKPOINTS}
Exit status: 0 ok, 1 an expectation failed, 2 bad input.
If a killed netflow-tui (kill -9) left the terminal with no echo or on the alternate screen, type
\`reset\` and press Enter; the next netflow-tui also says so when it finds such a run.`;

/** commander's help width when stdout is not a terminal (its Help.prepareContext default). */
const PIPE_HELP_WIDTH = 80;

/** Whether stdout is a pipe or a file (not a terminal, a socket or /dev/null). */
function stdoutIsPipeOrFile(): boolean {
  try {
    const st = fstatSync(1);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
}

/**
 * commander's own output (help, version) to a pipe or a file: written with writeSync, as
 * process.stdout writes pipes and files (synchronously), but without making process.stdout, which
 * loads node:net and node:stream (~10 ms of `--help`, profiled). A reader that went away is not an
 * error (as for the stream: onStdoutError); a full non-blocking pipe gets the rest through the stream.
 */
function writeOutSync(s: string): void {
  const bytes = Buffer.from(s);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return;
    if (code !== 'EAGAIN') throw e;
    process.stdout.write(bytes.subarray(done));
  }
}

// A reader that goes away (`netflow-tui list | head`) is not an error: later writes are dropped and
// the command ends as it would have (`run` also stops producing, see commands/run.ts). Set before
// each command runs (preAction): `--help` and `--version` do not make process.stdout (writeOutSync).
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') return;
  process.stderr.write(`netflow-tui: cannot write the output: ${e.message}\n`);
  process.exit(EXIT_FAILED);
}

/** Parses a non-negative integer option value, at most `max`. */
function nonNegativeInt(max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer.');
    const n = Number(value);
    if (n > max) throw new InvalidArgumentError(`must be at most ${max}.`);
    return n;
  };
}

/** Parses a percentage, 0 to 100. */
function percent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('expected a percentage from 0 to 100.');
  return n;
}

interface CompareFlags {
  json?: boolean;
  minMatch?: number;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Opens the scenario the user named (built-in or file), to report its problems before anything runs;
 * the command then reuses it (openedScenario): each scenario is parsed once.
 */
async function checkScenario(
  arg: string,
  commands: readonly string[] = [],
): Promise<{ path: string; scenario: Scenario }> {
  const { openScenario, resolveScenario } = await import('./scenario/builtin.js');
  const path = resolveScenario(arg, commands);
  return { path, scenario: await openScenario(path) };
}

/** `check`: every file's problems on stderr, `file: ok` on stdout; 2 if any file has a problem. */
async function checkCommand(files: string[]): Promise<number> {
  const { openScenario, resolveScenario, UnknownScenarioError } = await import('./scenario/builtin.js');
  const { formatProblem, printable, ScenarioError } = await import('./scenario/problem.js');
  let code = EXIT_OK;
  for (const arg of files) {
    try {
      await openScenario(resolveScenario(arg));
      process.stdout.write(`${printable(arg)}: ok\n`);
    } catch (e) {
      if (e instanceof ScenarioError) {
        for (const p of e.problems) say(formatProblem({ ...p, file: arg }));
      } else if (e instanceof UnknownScenarioError) {
        say(e.message);
      } else throw e;
      code = EXIT_USAGE;
    }
  }
  return code;
}

async function listCommand(): Promise<number> {
  const { listBuiltins } = await import('./scenario/builtin.js');
  const { printable } = await import('./scenario/problem.js');
  const all = await listBuiltins();
  const width = Math.max(0, ...all.map((b) => b.name.length)) + 2;
  for (const b of all) process.stdout.write(`${b.name.padEnd(width)}${printable(b.description)}\n`);
  return EXIT_OK;
}

interface TuiFlags {
  break?: string[];
  at?: number;
  seed?: number;
  compare?: string;
  set?: string[];
}

async function tuiCommand(
  scenario: string,
  flags: TuiFlags,
  commands: string[],
): Promise<number | undefined> {
  const opened = await checkScenario(scenario, commands);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const { printable } = await import('./scenario/problem.js');
    process.stderr.write(
      'netflow-tui: the TUI needs a terminal (stdin and stdout must both be TTYs).\n' +
        `For text output use: netflow-tui run ${printable(scenario)}   (add --json for JSON lines)\n`,
    );
    return EXIT_USAGE;
  }
  const { startTui } = await import('./tui/main.js');
  await startTui({
    scenarioPath: scenario,
    scenario: flags.set?.length ? undefined : opened.scenario,
    breaks: flags.break ?? [],
    at: flags.at,
    seed: flags.seed,
    compare: flags.compare,
    sets: flags.set ?? [],
  });
  return undefined; // startTui sets process.exitCode itself
}

interface RunFlags {
  json?: boolean;
  notes?: boolean;
  break?: string[];
  untilStep?: number;
  seed?: number;
  at?: number;
  state?: boolean;
  why?: string[];
}

async function runCli(scenario: string, flags: RunFlags): Promise<number> {
  const opts: RunOptions = {
    scenarioPath: (await checkScenario(scenario)).path,
    json: flags.json === true,
    notes: flags.notes === true,
    breaks: flags.break ?? [],
    untilStep: flags.untilStep,
    seed: flags.seed,
    at: flags.at,
    state: flags.state === true,
    why: flags.why,
  };
  const { runCommand } = await import('./commands/run.js');
  return runCommand(opts);
}

interface DiffFlags {
  tui?: boolean;
  set?: string[];
  json?: boolean;
  seed?: number;
}

const DIFF_EXAMPLES = `
Examples:
  netflow-tui diff burst --set machine.tcp.somaxconn=4096     a backlog big enough: no accept-queue drops
  netflow-tui diff slow-handler-1 --set machine.gomaxprocs=4  four Ps: stealing, shorter waits
  netflow-tui diff big-response --set machine.tcp.wmem=1MiB   the response fits: no write EAGAIN
  netflow-tui diff ring-overflow --set machine.nic.rxRing=256 a ring big enough for the burst
  netflow-tui diff hello --set server.routes.0.cpu=5ms --set clients.0.count=3
  netflow-tui diff packet-loss --set 'faults=[]' --json       the same without the loss, for scripts
  netflow-tui diff burst --set machine.tcp.somaxconn=4096 --tui   side by side in the terminal: d jumps
                                                              to the next point where they differ

Keys: machine.gomaxprocs machine.cpus machine.tcp.somaxconn machine.tcp.rmem machine.tcp.wmem
  machine.nic.rxRing server.routes.N.cpu clients.N.count faults … (every key of "netflow-tui schema").
A bad key or value is reported as --set:N:COL: message (N: which --set), with "did you mean".`;

interface QuizFlags {
  sheet?: boolean;
  answers?: string;
  key?: boolean;
  json?: boolean;
  generated?: number;
  seed?: number;
}

const QUIZ_EXAMPLES = `
Examples:
  netflow-tui quiz tour                     in a terminal: stop before each question, answer with one key
  netflow-tui quiz tour --sheet             the questions, each with the step it stands before
  netflow-tui quiz tour --answers b,a,,c    graded: question 3 skipped, the rest unanswered count as skipped
  netflow-tui quiz tour --key               the answer key, with why
  netflow-tui quiz burst --generated 3      up to 3 generated questions of each kind
  netflow-tui quiz hello --answers a,b --json   for CI: { total, right, wrong, skipped, questions }`;

/** Builds the program; each action stores its exit code through `setCode`. */
function program(setCode: (code: number | undefined) => void): Command {
  const seedOption = () =>
    new Option('--seed <n>', "override the scenario's PRNG seed").argParser(nonNegativeInt(2 ** 31 - 1));
  const breakOption = () =>
    new Option('-b, --break <spec>', 'add a breakpoint (repeatable; see below)').argParser(collect);

  const root = new Command('netflow-tui')
    .description(pkg.description)
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--no-color', 'no colours (also: the NO_COLOR environment variable)')
    .exitOverride();
  const direct = stdoutIsPipeOrFile();
  root
    .configureOutput({
      // commander echoes what the user typed (an unknown option, a bad value): never raw to the terminal.
      writeErr: (s) => process.stderr.write(sanitizeLines(s)),
      outputError: (s, write) => write(sanitizeLines(s)),
      // Help and version to a pipe or file without process.stdout (writeOutSync): the width and
      // colour a pipe gets from commander (none; our help has no colour codes to keep or strip).
      ...(direct && {
        writeOut: writeOutSync,
        getOutHelpWidth: () => PIPE_HELP_WIDTH,
        getOutHasColors: () => false,
      }),
    })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run "netflow-tui --help" for usage)')
    .addHelpText('after', EXAMPLES)
    .hook('preAction', async (cmd, action) => {
      process.stdout.on('error', onStdoutError);
      if (cmd.opts().color === false) {
        process.env.FORCE_COLOR = '0';
        process.env.NO_COLOR = '1';
      }
      // Quiz items' `at` specs are checked at load by the breakpoint grammar, loaded only when needed
      // (openScenario, which `tui`, `list` and `check` use, loads it with the YAML loader).
      if (!['list', 'schema', 'tui', 'check'].includes(action.name())) await import('./quiz/spec.js');
    });
  root.configureHelp({ sortSubcommands: false, showGlobalOptions: true });

  root
    .command('tui', { isDefault: true })
    .summary('(default) step through a scenario in the terminal UI')
    .description('Step through a scenario in the terminal UI. This is the default command.')
    .argument('[scenario]', 'built-in name or .yaml file', 'hello')
    .addOption(breakOption())
    .option('--at <n>', 'open with the cursor at step N', nonNegativeInt())
    .addOption(seedOption())
    .option(
      '-s, --set <key=value>',
      'open the run with a scenario key changed, as diff --set (repeatable)',
      collect,
    )
    .option('--compare <strace-log>', 'mark each syscall step ✓/✗ against a real strace -f log (see compare)')
    .addHelpText('after', `\n${BREAKPOINTS}\n\n${TUI_KEYS}`)
    .action(async (scenario: string, flags: TuiFlags) =>
      setCode(
        await tuiCommand(
          scenario,
          flags,
          root.commands.map((c) => c.name()),
        ),
      ),
    );

  root
    .command('run')
    .summary('run a scenario headless and print its trace')
    .description(
      'Run a scenario headless: one line per event (step, virtual time, layer, text), or JSON lines.\n' +
        'With --break: print up to and including the first stop, then "stopped at step N: …".\n' +
        'Exit status 1 when the scenario fails one of its expect: assertions.',
    )
    .argument('<scenario>', 'built-in name or .yaml file')
    .option(
      '--json',
      'one trace record per line, as JSON (a record a teaching note is at carries it as "note")',
    )
    .option('--notes', "print the scenario's teaching notes under the steps they explain")
    .addOption(breakOption())
    .option('--until-step <n>', 'stop after step N', nonNegativeInt())
    .addOption(seedOption())
    .option('--at <n>', 'with --state: the step whose state to print', nonNegativeInt())
    .option('--state', 'print the machine state (the panes\u2019 view model) as one JSON object')
    .option(
      '--why <spec>',
      'with --at N: the step at or before N that last changed a value ("acceptq fd=3", "rcvq fd=4", "runq p=0", "G6"); repeat to walk further back',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addHelpText('after', `\n${BREAKPOINTS}\n${WHY_HELP}`)
    .action(async (scenario: string, flags: RunFlags) => setCode(await runCli(scenario, flags)));

  root
    .command('compare')
    .summary('line up a real strace of a Go server with the simulation')
    .description(
      'Line up a real `strace -f` log of a Go net/http server with the simulated syscalls of a scenario:\n' +
        'side by side (real log line ↔ sim step), matched/total for start-up and for each connection, and\n' +
        'the first divergence with the sim step to open. Thread bookkeeping (clone3, futex, nanosleep,\n' +
        'mmap, rt_sig*, …) is aligned separately and not scored. Without a scenario, the built-in whose\n' +
        'requests fit the log best is used.\n' +
        'Exit status: 0 ok, 1 below --min-match, 2 bad input (a line that is not strace output: file:line).',
    )
    .argument('<strace-log>', 'output of: strace -f -o LOG [-tt -T -yy -s 200] ./server')
    .argument('[scenario]', 'built-in name or .yaml file (default: the built-in that fits best)')
    .option('--json', 'the comparison as one JSON object')
    .option('--min-match <percent>', 'exit 1 when fewer than this percent of syscalls match', percent)
    .addHelpText(
      'after',
      `
Examples:
  strace -f -tt -T -yy -s 200 -o server.strace ./server &    then send it one GET /hello, stop it
  netflow-tui compare server.strace hello          side by side with the hello scenario
  netflow-tui compare server.strace                the built-in that fits best
  netflow-tui compare server.strace my.yaml --json --min-match 90   for CI: exit 1 below 90 %`,
    )
    .action(async (log: string, scenario: string | undefined, flags: CompareFlags) => {
      const { compareCommand } = await import('./compare/command.js');
      setCode(
        compareCommand(
          { log, scenario, json: flags.json === true, minMatch: flags.minMatch },
          { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) },
        ),
      );
    });

  root
    .command('export')
    .summary('write a run for Wireshark, tcpdump, Perfetto, strace or schedtrace readers')
    .description(
      'Run a scenario and write it in a format other tools read: pcapng (default) or pcap of the\n' +
        "server's wire, a Perfetto/Chrome JSON trace, strace -f -tt -T lines, Go schedtrace lines, or JSON lines.",
    )
    .argument('<scenario>', 'built-in name or .yaml file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('pcapng'))
    .option('-o, --output <file>', 'file to write, or - for stdout (default: <scenario>.<format ending>)')
    .option('--force', 'overwrite the output file if it exists')
    .option('--from <n>', 'first step to include', nonNegativeInt())
    .option('--to <n>', 'last step to include', nonNegativeInt())
    .option('--conn <c>', 'only client connection C (1-based)', nonNegativeInt())
    .addOption(seedOption())
    .option(
      '--interval <ms>',
      'schedtrace: print every X ms of virtual time (schedtrace=X)',
      nonNegativeInt(60_000),
    )
    .option('--no-detail', 'schedtrace: without the P, M and G lines of scheddetail=1')
    .addHelpText('after', EXPORT_EXAMPLES)
    .action(async (scenario: string, flags: ExportFlags) => {
      const { exportCommand } = await import('./export/command.js');
      setCode(await exportCommand((await checkScenario(scenario)).path, flags));
    });

  root
    .command('check')
    .summary('validate scenario files')
    .description('Validate scenario files. Each problem is printed as file:line:col: message.')
    .argument('<file...>', 'scenario files (or built-in names)')
    .action(async (files: string[]) => setCode(await checkCommand(files)));

  root
    .command('list')
    .summary('list the built-in scenarios')
    .description('List the built-in scenarios, one a line: name and description.')
    .action(async () => setCode(await listCommand()));

  root
    .command('schema')
    .summary('print the JSON Schema of the scenario format')
    .description(
      'Print the JSON Schema (draft-07) of the scenario format. Point your editor at it with a first\n' +
        'line like: # yaml-language-server: $schema=./scenario.schema.json',
    )
    .action(async () => {
      const { scenarioJsonSchemaText } = await import('./scenario/jsonschema.js');
      process.stdout.write(scenarioJsonSchemaText());
      setCode(EXIT_OK);
    });

  root
    .command('diff')
    .summary('"what if?": run a scenario and a changed copy, and compare them')
    .description(
      'Run the scenario as written and again with each --set KEY=VALUE applied, both to the end, and ' +
        'print the first step where the two traces differ (both records) and a table of outcomes: ' +
        'responses and latencies, accept-queue and RX-ring peaks and drops, retransmissions, run-queue ' +
        'peaks, steals, preemptions, syscalls by name, bytes on the wire, virtual time. ' +
        'KEY is a path through the scenario format (list items by index); VALUE is YAML.',
    )
    .argument('<scenario>', 'built-in name or .yaml file')
    .option('-s, --set <key=value>', 'change one scenario key (repeatable)', collect)
    .option('--json', 'one JSON object: { scenario, changes, identical, divergence, original, fork }')
    .option('--tui', 'the two runs side by side in the terminal (as f in the TUI; 1 or 2 keeps a side)')
    .addOption(seedOption())
    .addHelpText('after', DIFF_EXAMPLES)
    .action(async (scenario: string, flags: DiffFlags) => {
      const { diffCommand, loadPair } = await import('./commands/diff.js');
      if (flags.tui) {
        const sets = flags.set ?? [];
        const pair = loadPair(
          { scenario, sets, json: false },
          { stdout: process.stdout, stderr: process.stderr },
        );
        if (typeof pair === 'number') return setCode(pair);
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          process.stderr.write(
            'netflow-tui: diff --tui needs a terminal; without --tui, diff prints the comparison.\n',
          );
          return setCode(EXIT_USAGE);
        }
        const { startTui } = await import('./tui/main.js');
        await startTui({
          scenarioPath: scenario,
          breaks: [],
          seed: flags.seed,
          fork: { sets, scenario: pair.fork },
        });
        return setCode(undefined);
      }
      setCode(diffCommand({ scenario, sets: flags.set ?? [], json: flags.json === true, seed: flags.seed }));
    });

  root
    .command('quiz')
    .summary('"what happens next?": predictions about a scenario, graded')
    .description(
      "Questions asked just before the step they are about, in the terminal UI (one key answers): the scenario's own quiz: items and questions " +
        'generated from its run (the fd accept4 returns, which G runs next, what a read returns, the RX ' +
        'slot of the next frame, the accept queue length). Not in a terminal, or with --sheet: the question sheet. ' +
        'With --answers: the score and every missed question with the right answer and why (exit 0).',
    )
    .argument('<scenario>', 'built-in name or .yaml file')
    .option('-a, --answers <list>', 'one letter per question, in order, comma-separated; empty skips')
    .option('--key', 'with the sheet: the right answers and their explanations')
    .option('--json', 'one JSON object')
    .option(
      '--generated <n>',
      'generated questions of each kind (0: only the scenario\u2019s own)',
      nonNegativeInt(100),
    )
    .addOption(seedOption())
    .addHelpText('after', QUIZ_EXAMPLES)
    .option('--sheet', 'print the question sheet even in a terminal')
    .action(async (scenario: string, flags: QuizFlags) => {
      const interactive =
        flags.answers === undefined &&
        !flags.key &&
        !flags.json &&
        !flags.sheet &&
        process.stdin.isTTY &&
        process.stdout.isTTY;
      if (interactive) {
        await checkScenario(scenario);
        const { startTui } = await import('./tui/main.js');
        await startTui({
          scenarioPath: scenario,
          breaks: [],
          seed: flags.seed,
          quiz: { perKind: flags.generated },
        });
        return setCode(undefined);
      }
      const { quizCommand } = await import('./commands/quiz.js');
      setCode(
        quizCommand({
          scenario,
          answers: flags.answers,
          key: flags.key === true,
          json: flags.json === true,
          generated: flags.generated,
          seed: flags.seed,
        }),
      );
    });

  for (const cmd of root.commands) {
    const name = cmd.name() === 'tui' ? '' : ` ${cmd.name()}`; // the default command: errors in plain `netflow-tui …`
    cmd.exitOverride().showHelpAfterError(`(run "netflow-tui${name} --help" for usage)`);
  }
  return root;
}

/** Runs the CLI on `argv` (as process.argv) and returns the exit code, or undefined to keep process.exitCode. */
export async function main(argv: string[]): Promise<number | undefined> {
  let code: number | undefined = EXIT_OK;
  try {
    await program((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE; // commander printed it
    // Loaded here if no command loaded them: then `e` is neither.
    const [{ UnknownScenarioError }, { ScenarioError }] = await Promise.all([
      import('./scenario/builtin.js'),
      import('./scenario/problem.js'),
    ]);
    if (e instanceof ScenarioError || e instanceof UnknownScenarioError) {
      say(e.message);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    say(`netflow-tui: internal error: ${message}`);
    if (process.env.NETFLOW_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT_FAILED;
  }
}

// No top-level await: the bundle is a CommonJS file (scripts/bundle.mjs).
void main(process.argv).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
