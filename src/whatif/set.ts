/**
 * A "what if" change: `--set KEY=VALUE`, one scenario key by its path, applied to a copy of the scenario
 * file's YAML (`machine.tcp.somaxconn=4096`, `server.routes.0.cpu=5ms`, `faults=[]`).
 *
 * KEY is a dotted path through the scenario format: mapping keys by name, list items by their 0-based
 * index. VALUE is YAML (`8`, `16KiB`, `true`, `[]`, `{ drop: syn }`). The changed scenario is validated
 * exactly like a scenario file (../scenario/load.ts), so every limit and message is the same. Problems
 * are reported file-style with `--set` as the file: line N is the Nth `--set`, the column points into
 * that argument (at the bad key segment, or at the value), and keys get "did you mean".
 *
 * Contract: applyChanges either returns the changed Scenario or throws a ScenarioError. The original
 * text must already be a valid scenario (it was loaded first). Used by `netflow-tui diff` (and the
 * TUI's fork prompt, should it come).
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import {
  closest,
  keysAt,
  loadScenarioText,
  type Problem,
  quote,
  ScenarioError,
  schemasAt,
} from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';

/** The "file" that --set problems name. */
export const SET_FILE = '--set';
/** Longest --set argument accepted: a scenario key and a value, not a whole scenario. */
export const MAX_SET_CHARS = 4096;

/** One parsed `--set KEY=VALUE`. */
export interface Change {
  /** The argument as typed. */
  arg: string;
  /** Its path: mapping keys and list indexes. */
  path: (string | number)[];
  /** The VALUE parsed as YAML. */
  value: unknown;
  /** 1-based column of VALUE in `arg`. */
  valueCol: number;
}

/**
 * Parses and checks each `--set` against the scenario's format and its current data (list indexes
 * must exist), applies them in order to `text` (the scenario file's YAML) and validates the result.
 * Throws ScenarioError with `--set:N:COL: message` problems.
 */
export function applyChanges(text: string, file: string, args: readonly string[]): Scenario {
  const doc = parseDocument(text, { merge: true });
  const changes: Change[] = [];
  for (const [i, arg] of args.entries()) {
    const c = parseChange(arg, i + 1);
    checkPath(c, i + 1, doc.toJS());
    doc.setIn(c.path, doc.createNode(c.value));
    changes.push(c);
    // Validate after each change, so a problem is blamed on the --set that made it.
    try {
      loadScenarioText(doc.toString(), file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      throw new ScenarioError(
        e.problems.map((p) => (p.line > 0 ? setProblem(i + 1, c.valueCol, p.message) : p)),
      );
    }
  }
  return loadScenarioText(doc.toString(), file);
}

function setProblem(line: number, col: number, message: string): Problem {
  return { file: SET_FILE, line, col, message };
}

/** `KEY=VALUE` → its path and YAML value; `line` is which --set it is (1-based). */
export function parseChange(arg: string, line: number): Change {
  const fail = (col: number, message: string): never => {
    throw new ScenarioError([setProblem(line, col, message)]);
  };
  if (arg.length > MAX_SET_CHARS)
    fail(1, `is ${arg.length} characters; a --set is at most ${MAX_SET_CHARS} (KEY=VALUE)`);
  const eq = arg.indexOf('=');
  if (eq < 0) fail(arg.length + 1, `expected KEY=VALUE, e.g. machine.tcp.somaxconn=4096, got ${quote(arg)}`);
  const key = arg.slice(0, eq).trim();
  if (key === '') fail(1, 'missing KEY before "=" (e.g. machine.gomaxprocs=4)');
  const raw = arg.slice(eq + 1);
  const valueCol = eq + 2;
  const vdoc = parseDocument(raw, { uniqueKeys: true, merge: false });
  const err = vdoc.errors[0];
  if (err)
    fail(
      valueCol + err.pos[0],
      `VALUE is not valid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  const path: (string | number)[] = key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return { arg, path, value: vdoc.toJS(), valueCol };
}

/** Checks every segment of the change's path against the format and the data it will change. */
function checkPath(c: Change, line: number, data: unknown): void {
  const eq = c.arg.indexOf('=');
  const segments = c.arg.slice(0, eq).split('.');
  let col = 1 + (c.arg.length - c.arg.trimStart().length);
  let here: unknown = data;
  for (let i = 0; i < c.path.length; i++) {
    const seg = c.path[i]!;
    const text = segments[i]!.trim();
    const before = c.path.slice(0, i);
    const where = before.length ? `${before.join('.')}: ` : '';
    const fail = (message: string): never => {
      throw new ScenarioError([setProblem(line, col, where + message)]);
    };
    const schemas = schemasAt(before);
    const isList = schemas.some((s) => s instanceof z.ZodArray);
    const isObject = schemas.some((s) => s instanceof z.ZodObject || s instanceof z.ZodRecord);
    if (text === '') fail('empty key segment (two dots, or a dot at an end)');
    if (typeof seg === 'number') {
      if (!isList) fail(`${quote(text)} is a list index, but this is not a list`);
      const n = Array.isArray(here) ? here.length : 0;
      if (seg >= n)
        fail(
          `no item ${seg}: the list has ${n} item${n === 1 ? ' (index 0 only)' : n > 1 ? `s (0..${n - 1})` : 's'}`,
        );
    } else if (isList) {
      fail(`expected a list index (0, 1, …), got ${quote(text)}`);
    } else if (!isObject) {
      fail(`this is a single value; it has no key ${quote(text)}`);
    } else if (!schemas.some((s) => s instanceof z.ZodRecord)) {
      const valid = keysAt(before);
      if (!valid.includes(seg)) {
        const near = closest(seg, valid);
        fail(
          `unknown key ${quote(seg)}${near ? `; did you mean ${quote(near)}?` : ` (valid keys: ${valid.join(', ')})`}`,
        );
      }
    }
    here =
      here !== null && typeof here === 'object' ? (here as Record<string | number, unknown>)[seg] : undefined;
    col += segments[i]!.length + 1;
  }
}
