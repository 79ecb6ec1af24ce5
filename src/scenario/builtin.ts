/**
 * The built-in scenarios: the YAML files shipped in the package's scenarios/ folder, named by their
 * file name without `.yaml` (`hello` is scenarios/hello.yaml).
 *
 * scenariosDir() finds the folder from the running file, so it works from src/ under tsx and from the
 * bundled dist/cli.js alike. resolveScenario() turns what the user typed into a file path: an
 * existing file or anything ending in .yaml/.yml is a path; anything else must be a built-in name.
 *
 * Opening a scenario (openScenario) is light for the built-ins: `npm run build` validates each one
 * and writes the result as JSON next to the bundle (dist/builtins.json, scripts/builtins-json.ts);
 * a built-in whose file still has the same text is read from there, without yaml or zod. Anything
 * else goes through the YAML loader (./load.ts), imported only then. Each path is parsed once per
 * process: the CLI opens the scenario to report its problems, and the command reuses that result.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, printable, quote, ScenarioError } from './problem.js';
import type { Scenario } from './schema.js';

const PACKAGE_NAME = 'netflow-tui';

export interface Builtin {
  name: string;
  description: string;
  file: string;
}

let cachedDir: string | undefined;

/** The package's scenarios/ folder: walk up from this file to the netflow-tui package.json. */
export function scenariosDir(): string {
  if (cachedDir) return cachedDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && packageName(pkg) === PACKAGE_NAME) return (cachedDir = join(dir, 'scenarios'));
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`cannot find the ${PACKAGE_NAME} package above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function packageName(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** Names of the built-in scenarios, sorted. */
export function builtinNames(): string[] {
  let files: string[];
  try {
    files = readdirSync(scenariosDir());
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** The built-in scenarios with their descriptions, sorted by name. A broken file says so. */
export async function listBuiltins(): Promise<Builtin[]> {
  const all: Builtin[] = [];
  for (const name of builtinNames()) {
    const file = join(scenariosDir(), `${name}.yaml`);
    try {
      all.push({ name, description: (await openScenario(file)).description, file });
    } catch (e) {
      const first = e instanceof ScenarioError ? e.problems[0]?.message : String(e);
      all.push({ name, description: `(does not load: ${first})`, file });
    }
  }
  return all;
}

/** dist/builtins.json: each built-in's validated scenario, keyed by name, with its file's text. */
export interface CompiledBuiltins {
  [name: string]: { text: string; scenario: Scenario };
}

/** The file the build writes next to the bundled code (absent under tsx: src/ has no such file). */
export const COMPILED_BUILTINS_FILE = 'builtins.json';

let compiled: CompiledBuiltins | null | undefined;
const opened = new Map<string, Scenario>();

/** The built-in at `path` as the build validated it, if `path` is a built-in whose text is unchanged. */
async function compiledBuiltin(path: string): Promise<Scenario | undefined> {
  if (dirname(path) !== scenariosDir() || !path.endsWith('.yaml')) return undefined;
  if (compiled === undefined) {
    try {
      const file = new URL(`./${COMPILED_BUILTINS_FILE}`, import.meta.url);
      compiled = JSON.parse(readFileSync(file, 'utf8')) as CompiledBuiltins;
    } catch {
      compiled = null; // not built (tsx, tests): the YAML loader
    }
  }
  const entry = compiled?.[basename(path, '.yaml')];
  if (!entry) return undefined;
  try {
    // The text itself, not a hash of it: a built-in is a few KB, and node:crypto would cost the TUI's
    // first frame ~10 ms of loading (profiled).
    return readFileSync(path, 'utf8') === entry.text ? entry.scenario : undefined;
  } catch {
    return undefined;
  }
}

/** A scenario this process has already opened at `path` (the command reuses what the CLI checked). */
export function openedScenario(path: string): Scenario | undefined {
  return opened.get(path);
}

/** Keeps a scenario loaded at `path` for later openers in this process. */
export function rememberScenario(path: string, scenario: Scenario): Scenario {
  opened.set(path, scenario);
  return scenario;
}

/**
 * The validated scenario at `path` (a resolved path: resolveScenario). Throws ScenarioError. A
 * built-in comes from the build's JSON; anything else loads the YAML loader (yaml, zod) on first use.
 */
export async function openScenario(path: string): Promise<Scenario> {
  const known = opened.get(path) ?? (await compiledBuiltin(path));
  if (known) return rememberScenario(path, known);
  // Quiz items' `at` specs are checked at load by the breakpoint grammar (../quiz/spec.ts).
  const [{ loadScenarioFile }] = await Promise.all([import('./load.js'), import('../quiz/spec.js')]);
  return rememberScenario(path, loadScenarioFile(path));
}

/** An unknown built-in name, or a directory where a scenario file was expected. */
export class UnknownScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownScenarioError';
  }
}

/**
 * The file to load for `arg`: a path if it is a file or ends in .yaml/.yml, else a built-in name.
 * `commands` (the CLI's command names) widen the "did you mean" of an unknown name.
 */
export function resolveScenario(arg: string, commands: readonly string[] = []): string {
  let isDir = false;
  try {
    const st = statSync(arg);
    isDir = st.isDirectory();
    if (!isDir) return arg; // a file, or something the loader refuses by name (a device, a FIFO)
  } catch {
    // not a path that exists: a built-in name, or a missing file the loader reports
  }
  if (/\.ya?ml$/i.test(arg)) return arg;
  const names = builtinNames();
  if (names.includes(arg)) return join(scenariosDir(), `${arg}.yaml`);
  if (isDir) throw new UnknownScenarioError(`${printable(arg)}: is a directory, not a scenario file`);
  if (arg.includes('/') || arg.includes('\\'))
    throw new UnknownScenarioError(`${printable(arg)}: no such file`);
  const near = closest(arg, names);
  const command = near ? undefined : closest(arg, commands);
  const hint = near
    ? `; did you mean ${quote(near)}?`
    : command
      ? `; did you mean the command ${quote(command)}?`
      : '';
  throw new UnknownScenarioError(
    `unknown scenario ${quote(arg)}${hint}\n` +
      `built-in scenarios: ${names.join(', ') || '(none found)'}\n` +
      'or give the path of a .yaml file',
  );
}
