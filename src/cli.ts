/**
 * The `netflow-tui` command line (ARCHITECTURE §5).
 *
 *   netflow-tui [scenario]           the TUI (the default command, `tui`)
 *   netflow-tui run <scenario> …     the trace as text or JSON lines, or the state at a step
 *   netflow-tui check <file>…        validate scenario files: file:line:col: message
 *   netflow-tui list                 the built-in scenarios
 *   netflow-tui schema               the JSON Schema (draft-07) of the scenario format
 *
 * Exit codes: 0 ok; 1 the scenario ran but failed an expectation (from `run`), or an internal error;
 * 2 bad input: usage, an unknown scenario, YAML or schema problems. Errors are one message on
 * stderr, never a stack trace. Start-up stays fast: Ink, React and the TUI load only by the dynamic
 * import in the `tui` action, and the simulator only when `run` or the TUI needs it.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import type { RunOptions } from './commands/run-options.js';
import { listBuiltins, resolveScenario, UnknownScenarioError } from './scenario/builtin.js';
import { scenarioJsonSchemaText } from './scenario/jsonschema.js';
import { formatProblem, loadScenarioFile, printable, ScenarioError } from './scenario/load.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const BREAKPOINTS = `Breakpoints (--break): KIND[:NAME] [KEY=VALUE]... or watch GAUGE [KEY=VALUE]... OP N
  syscall:accept4   syscall:read fd=7   syscall errno=EAGAIN   irq:rx   wakeup:accept
  park:read g=5   event:nic.*   anomaly:overflow   watch acceptq > 0   (quote specs that contain spaces)`;

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
  netflow-tui run hello --at 40 --state     the machine at step 40 as one JSON object
  netflow-tui check my.yaml                 validate a scenario: file:line:col: message
  netflow-tui list                          the built-in scenarios
  netflow-tui schema > scenario.schema.json JSON Schema for editor completion

A scenario is a built-in name (see "list") or the path of a .yaml file.
${BREAKPOINTS}
Exit status: 0 ok, 1 an expectation failed, 2 bad input.`;

/** Parses a non-negative integer option value, at most `max`. */
function nonNegativeInt(max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer.');
    const n = Number(value);
    if (n > max) throw new InvalidArgumentError(`must be at most ${max}.`);
    return n;
  };
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Loads the scenario the user named (built-in or file), to report its problems before anything runs. */
function checkScenario(arg: string, commands: readonly string[] = []): string {
  const path = resolveScenario(arg, commands);
  loadScenarioFile(path);
  return path;
}

/** `check`: every file's problems on stderr, `file: ok` on stdout; 2 if any file has a problem. */
function checkCommand(files: string[]): number {
  let code = EXIT_OK;
  for (const arg of files) {
    try {
      loadScenarioFile(resolveScenario(arg));
      process.stdout.write(`${printable(arg)}: ok\n`);
    } catch (e) {
      if (e instanceof ScenarioError) {
        for (const p of e.problems) process.stderr.write(`${formatProblem({ ...p, file: arg })}\n`);
      } else if (e instanceof UnknownScenarioError) {
        process.stderr.write(`${e.message}\n`);
      } else throw e;
      code = EXIT_USAGE;
    }
  }
  return code;
}

function listCommand(): number {
  const all = listBuiltins();
  const width = Math.max(0, ...all.map((b) => b.name.length)) + 2;
  for (const b of all) process.stdout.write(`${b.name.padEnd(width)}${printable(b.description)}\n`);
  return EXIT_OK;
}

interface TuiFlags {
  break?: string[];
  at?: number;
  seed?: number;
}

async function tuiCommand(
  scenario: string,
  flags: TuiFlags,
  commands: string[],
): Promise<number | undefined> {
  checkScenario(scenario, commands);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write(
      'netflow-tui: the TUI needs a terminal (stdin and stdout must both be TTYs).\n' +
        `For text output use: netflow-tui run ${printable(scenario)}   (add --json for JSON lines)\n`,
    );
    return EXIT_USAGE;
  }
  const { startTui } = await import('./tui/main.js');
  await startTui({ scenarioPath: scenario, breaks: flags.break ?? [], at: flags.at, seed: flags.seed });
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
}

async function runCli(scenario: string, flags: RunFlags): Promise<number> {
  const opts: RunOptions = {
    scenarioPath: checkScenario(scenario),
    json: flags.json === true,
    notes: flags.notes === true,
    breaks: flags.break ?? [],
    untilStep: flags.untilStep,
    seed: flags.seed,
    at: flags.at,
    state: flags.state === true,
  };
  const { runCommand } = await import('./commands/run.js');
  return runCommand(opts);
}

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
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run "netflow-tui --help" for usage)')
    .addHelpText('after', EXAMPLES)
    .hook('preAction', async (cmd) => {
      if (cmd.opts().color === false) {
        process.env.FORCE_COLOR = '0';
        process.env.NO_COLOR = '1';
      }
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
    .addHelpText('after', `\n${BREAKPOINTS}`)
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
    .addHelpText('after', `\n${BREAKPOINTS}`)
    .action(async (scenario: string, flags: RunFlags) => setCode(await runCli(scenario, flags)));

  root
    .command('check')
    .summary('validate scenario files')
    .description('Validate scenario files. Each problem is printed as file:line:col: message.')
    .argument('<file...>', 'scenario files (or built-in names)')
    .action((files: string[]) => setCode(checkCommand(files)));

  root
    .command('list')
    .summary('list the built-in scenarios')
    .description('List the built-in scenarios, one a line: name and description.')
    .action(() => setCode(listCommand()));

  root
    .command('schema')
    .summary('print the JSON Schema of the scenario format')
    .description(
      'Print the JSON Schema (draft-07) of the scenario format. Point your editor at it with a first\n' +
        'line like: # yaml-language-server: $schema=./scenario.schema.json',
    )
    .action(() => {
      process.stdout.write(scenarioJsonSchemaText());
      setCode(EXIT_OK);
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
    if (e instanceof ScenarioError || e instanceof UnknownScenarioError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`netflow-tui: internal error: ${message}\n`);
    if (process.env.NETFLOW_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT_FAILED;
  }
}

// A reader that goes away (`netflow-tui list | head`) is not an error: later writes are dropped and
// the command ends as it would have (`run` also stops producing, see commands/run.ts).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') return;
  process.stderr.write(`netflow-tui: cannot write the output: ${e.message}\n`);
  process.exit(EXIT_FAILED);
});

const code = await main(process.argv);
if (code !== undefined) process.exitCode = code;
