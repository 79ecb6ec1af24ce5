/**
 * The built-in scenarios: the YAML files shipped in the package's scenarios/ folder, named by their
 * file name without `.yaml` (`hello` is scenarios/hello.yaml).
 *
 * scenariosDir() finds the folder from the running file, so it works from src/ under tsx and from the
 * bundled dist/cli.js alike. resolveScenario() turns what the user typed into a file path: an
 * existing file or anything ending in .yaml/.yml is a path; anything else must be a built-in name.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, formatProblem, loadScenarioFile, printable, quote, ScenarioError } from './load.js';
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
export function listBuiltins(): Builtin[] {
  return builtinNames().map((name) => {
    const file = join(scenariosDir(), `${name}.yaml`);
    try {
      return { name, description: loadScenarioFile(file).description, file };
    } catch (e) {
      const first = e instanceof ScenarioError ? e.problems[0]?.message : String(e);
      return { name, description: `(does not load: ${first})`, file };
    }
  });
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

/**
 * Loads a scenario a command was given (built-in name or file). A bad name or file is reported
 * through `err` (each problem as file:line:col: message) and gives undefined: the command exits 2.
 */
export function loadOrReport(arg: string, err: (s: string) => void): Scenario | undefined {
  try {
    return loadScenarioFile(resolveScenario(arg));
  } catch (e) {
    if (e instanceof ScenarioError) {
      for (const p of e.problems) err(formatProblem(p));
      return undefined;
    }
    if (e instanceof UnknownScenarioError) {
      err(e.message);
      return undefined;
    }
    throw e;
  }
}
