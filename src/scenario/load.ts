/**
 * The scenario loader: reads a YAML scenario file, checks it against the bounds below and against
 * ScenarioSchema (./schema.ts), and returns the validated Scenario.
 *
 * Contract: loadScenarioFile / loadScenarioText either return a Scenario or throw a ScenarioError
 * whose `problems` each name a file, a 1-based line and column, and a message; `line` 0 means the
 * problem is about the whole file (missing, too large). Nothing else escapes: a hostile file (huge,
 * deeply nested, an alias bomb) is refused with the bound it hit, before it can exhaust the stack,
 * memory or time.
 *
 * YAML merge keys (`<<: *template`) are allowed, so client entries can share a template.
 *
 * How: the file is lexed and parsed to yaml's CST one token at a time so that nesting depth is
 * checked while parsing (yaml's composer recurses and overflows the stack near depth 790); the CST
 * is composed into a Document; duplicate keys are found with one Set per mapping (yaml's own
 * `uniqueKeys` compares every pair of keys: 40 000 keys took 6 s); the Document becomes plain data
 * and goes through zod; each zod issue is mapped back to the YAML node it is about.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  type Node as YamlNode,
} from 'yaml';
import { z } from 'zod';
import { parseBreakpoint } from '../debug/breakpoints.js';
import { MAX_ALIASES, MAX_CONNECTIONS, MAX_DEPTH, MAX_FILE_BYTES, MAX_REQUESTS } from './bounds.js';
import { openedScenario, rememberScenario, resolveScenario, UnknownScenarioError } from './builtin.js';
import { registrationErrors } from './pattern.js';
import { closest, formatProblem, type Problem, printable, quote, ScenarioError } from './problem.js';
import { type Scenario, ScenarioSchema } from './schema.js';

export { MAX_ALIASES, MAX_CONNECTIONS, MAX_DEPTH, MAX_FILE_BYTES, MAX_REQUESTS } from './bounds.js';
// The light half (messages, suggestions) lives in ./problem.ts so start-up can use it without yaml/zod.
export { closest, formatProblem, type Problem, printable, quote, ScenarioError } from './problem.js';

/** Most problems reported for one file. */
const MAX_REPORTED = 50;

/** Reads, bounds-checks and validates a scenario file. Throws ScenarioError. */
export function loadScenarioFile(path: string): Scenario {
  const whole = (message: string) => new ScenarioError([{ file: path, line: 0, col: 0, message }]);
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw whole('is a directory, not a scenario file');
    if (!st.isFile()) throw whole('is not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw whole(fsMessage(e));
  }
  if (size > MAX_FILE_BYTES) throw whole(tooLarge(size));
  return loadScenarioText(readBounded(path, whole), path);
}

/**
 * The file's text, read through one descriptor: opened non-blocking (a FIFO swapped in after the stat
 * cannot hang the open), checked again to be a regular file, and read only up to MAX_FILE_BYTES + 1
 * whatever its size says (`/proc/self/pagemap` says 0 and never ends).
 */
function readBounded(path: string, whole: (message: string) => ScenarioError): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw whole(fsMessage(e));
  }
  try {
    if (!fstatSync(fd).isFile()) throw whole('is not a regular file');
    const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_FILE_BYTES)
        throw whole(`file is larger than the limit for a scenario (${MAX_FILE_BYTES / 1024 / 1024} MiB)`);
    }
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw whole(fsMessage(e));
  } finally {
    closeSync(fd);
  }
}

/** Bounds-checks and validates scenario YAML; `file` labels the problems. Throws ScenarioError. */
export function loadScenarioText(text: string, file: string): Scenario {
  const fail = (problems: Problem[]): never => {
    throw new ScenarioError(problems);
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) fail([{ file, line: 0, col: 0, message: tooLarge(bytes) }]);

  if (text.includes('\r') && !text.includes('\n')) {
    fail([
      {
        file,
        line: 1,
        col: text.indexOf('\r') + 1,
        message:
          'the lines end in a bare carriage return (CR, old Mac style), which YAML does not read as a line break; save the file with LF (or CRLF) line endings',
      },
    ]);
  }

  const lineCounter = new LineCounter();
  const at = (offset: number, message: string): Problem => ({
    file,
    ...lineCounter.linePos(offset),
    message,
  });

  // 1. Lex and parse to the CST, checking the nesting depth as the parser's stack grows.
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    const start = parser.offset;
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH && collectionDepth(parser.stack) > MAX_DEPTH) {
      fail([at(start, `nesting is deeper than ${MAX_DEPTH} levels (the limit for a scenario)`)]);
    }
  }
  for (const token of parser.end()) tokens.push(token);

  // 2. Compose the document (what yaml's parseDocument does, minus its quadratic uniqueKeys).
  let doc: Document.Parsed | undefined;
  const syntax: Problem[] = [];
  for (const d of new Composer({ uniqueKeys: false, merge: true }).compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      syntax.push(at(d.range[0], 'a scenario file holds one YAML document; remove this second one'));
      break;
    }
  }
  if (!doc) throw new Error('yaml composer returned no document'); // compose(…, forceDoc) always yields one
  for (const e of doc.errors) syntax.push(at(e.pos[0], yamlMessage(e.message)));
  syntax.push(...duplicateKeys(doc, at));
  if (syntax.length > 0) fail(capProblems(sortProblems(syntax), file));

  const merges = badMergeKeys(doc, at);
  if (merges.length > 0) fail(capProblems(merges, file));

  // 3. To plain data, within the alias bounds.
  const aliases: YamlNode[] = [];
  visit(doc, { Alias: (_k, node) => void aliases.push(node) });
  if (aliases.length > MAX_ALIASES) {
    const n = aliases[MAX_ALIASES]!;
    fail([
      at(n.range![0], `more than ${MAX_ALIASES} aliases (*name) in one file (the limit for a scenario)`),
    ]);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unresolved = /^Unresolved alias.*: (.*)$/.exec(msg)?.[1];
    const n = aliases.find((a) => isAlias(a) && a.source === unresolved) ?? aliases[0];
    const message = /Excessive alias count/.test(msg)
      ? 'aliases expand to too many nodes (more than 100 alias expansions: an alias bomb?)'
      : yamlMessage(msg);
    fail([n?.range ? at(n.range[0], message) : { file, line: 0, col: 0, message }]);
  }

  // 4. Validate against the schema.
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, MAX_REPORTED + 1)
      .flatMap((issue) => explain(issue, [], doc, data, at));
    fail(capProblems(sortProblems(problems), file));
  }
  const scenario = parsed.data!;

  // 5. What Go and the debugger would refuse: route patterns (ServeMux panics) and note specs.
  const late = [...routeProblems(scenario, doc, at, file), ...noteProblems(scenario, doc, at)];
  if (late.length > 0) fail(capProblems(sortProblems(late), file));

  // 6. Bounds on what the simulation would have to do.
  let connections = 0;
  let requests = 0;
  for (const [i, c] of (scenario.clients ?? []).entries()) {
    const count = c.count ?? 1;
    connections += count;
    requests += count * (c.requests?.length ?? 1);
    if (connections > MAX_CONNECTIONS) {
      const node = nodeAt(doc, ['clients', i, 'count']);
      fail([
        at(node.range[0], `${connections} client connections in all is over the limit of ${MAX_CONNECTIONS}`),
      ]);
    }
    if (requests > MAX_REQUESTS) {
      const node = nodeAt(doc, ['clients', i, 'requests']);
      fail([
        at(
          node.range[0],
          `${requests} requests in all (connections × requests each) is over the limit of ${MAX_REQUESTS}`,
        ),
      ]);
    }
  }
  return scenario;
}

type At = (offset: number, message: string) => Problem;

/** A merge key (`<<`) whose value is not a mapping, an alias of one, or a list of those. */
function badMergeKeys(doc: Document.Parsed, at: At): Problem[] {
  const problems: Problem[] = [];
  const isMapLike = (n: unknown): boolean => {
    if (isAlias(n)) return isMap(n.resolve(doc));
    return isMap(n);
  };
  visit(doc, {
    Pair: (_k, pair) => {
      // With `merge: true`, yaml gives a merge key the value Symbol(<<); its source is still `<<`.
      if (!isScalar(pair.key) || (pair.key as { source?: string }).source !== '<<') return;
      const v = pair.value as YamlNode | null;
      if (isMapLike(v)) return;
      if (isSeq(v) && v.items.every(isMapLike)) return;
      const bad = isSeq(v) ? (v.items.find((i) => !isMapLike(i)) as YamlNode) : v;
      const what = isSeq(v) ? `a list holding ${describeNode(bad)}` : describeNode(bad);
      const where = bad?.range?.[0] ?? (pair.key as YamlNode).range?.[0] ?? 0;
      problems.push(
        at(
          where,
          `a merge key (<<) takes a mapping, an alias of one (*name) or a list of those, got ${what}`,
        ),
      );
    },
  });
  return problems;
}

function describeNode(n: YamlNode | null | undefined): string {
  if (!n) return 'nothing';
  if (isSeq(n)) return 'a list';
  if (isMap(n)) return 'a mapping';
  if (isAlias(n)) return `an alias of something else (*${printable(n.source)})`;
  if (isScalar(n)) return n.value === null ? 'nothing' : valueName(n.value);
  return 'something else';
}

/** Route patterns Go's ServeMux would panic on at registration, with Go's panic text. */
function routeProblems(sc: Scenario, doc: Document.Parsed, at: At, file: string): Problem[] {
  const routes = sc.server?.routes ?? [];
  if ((sc.server?.kind ?? 'http') !== 'http' || routes.length === 0) return [];
  const nodes = routes.map((_, i) => nodeAt(doc, ['server', 'routes', i, 'pattern']));
  const regs = routes.map((r, i) => ({
    pattern: r.pattern,
    loc: `${printable(file)}:${at(nodes[i]!.range[0], '').line}`,
  }));
  const problems: Problem[] = [];
  registrationErrors(regs).forEach((err, i) => {
    if (err) {
      problems.push(
        at(
          nodes[i]!.range[0],
          // Go's conflict text spans lines: keep them, indented under the file:line:col line.
          `server.routes[${i}].pattern: ServeMux.Handle would panic: ${err.split('\n').map(printable).join('\n    ')}`,
        ),
      );
    }
  });
  return problems;
}

/** Notes whose `at:` is not a breakpoint spec the session could use (it would ignore them silently). */
function noteProblems(sc: Scenario, doc: Document.Parsed, at: At): Problem[] {
  const problems: Problem[] = [];
  (sc.notes ?? []).forEach((n, i) => {
    const r = parseBreakpoint(n.at);
    if (r.ok) return;
    const node = nodeAt(doc, ['notes', i, 'at']);
    // Point at the column of the spec that is wrong when the value is written on one line.
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    const plainOneLine =
      isScalar(node) &&
      (node.type === 'PLAIN' || quoted) &&
      node.range[1] - node.range[0] === n.at.length + (quoted ? 2 : 0);
    const offset = node.range[0] + (plainOneLine ? r.column - 1 + (quoted ? 1 : 0) : 0);
    problems.push(
      at(offset, `notes[${i}].at: not a breakpoint spec: column ${r.column}: ${printable(r.error)}`),
    );
  });
  return problems;
}
type Path = readonly PropertyKey[];
type Ranged = YamlNode & { range: [number, number, number] };

function tooLarge(bytes: number): string {
  return `file is ${(bytes / 1024 / 1024).toFixed(1)} MiB; the limit for a scenario is ${MAX_FILE_BYTES / 1024 / 1024} MiB`;
}

function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a scenario file';
  if (code === 'ENOTDIR') return 'no such file (a parent is not a directory)';
  return `cannot read: ${e instanceof Error ? e.message : String(e)}`;
}

/** yaml's messages end with " at line L, column C" plus a code excerpt: keep the first sentence. */
function yamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function collectionDepth(stack: CST.Token[]): number {
  let n = 0;
  for (const t of stack)
    if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') n++;
  return n;
}

function duplicateKeys(doc: Document.Parsed, at: At): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Map: (_k, map) => {
      const seen = new Map<string, YamlNode>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || key.value === '<<' || !key.range) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        const first = seen.get(id);
        if (first?.range) {
          const line = at(first.range[0], '').line;
          problems.push(
            at(key.range[0], `duplicate key ${quote(String(key.value))} (first set on line ${line})`),
          );
        } else seen.set(id, key);
      }
    },
  });
  return problems;
}

function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Keeps the first MAX_REPORTED problems (a file with 50 000 errors needs the first few fixed). */
function capProblems(ps: Problem[], file: string): Problem[] {
  if (ps.length <= MAX_REPORTED) return ps;
  const more = `stopped after ${MAX_REPORTED} problems; fix these and check again`;
  return [...ps.slice(0, MAX_REPORTED), { file, line: 0, col: 0, message: more }];
}

/** The node at `path`, or its nearest ancestor that exists in the document. */
function nodeAt(doc: Document.Parsed, path: Path): Ranged {
  for (let i = path.length; i >= 0; i--) {
    const n = doc.getIn(path.slice(0, i) as unknown[], true) as YamlNode | undefined;
    if (n && typeof n === 'object' && 'range' in n && n.range) return n as Ranged;
  }
  return { range: [0, 0, 0] } as Ranged;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function pathText(path: Path): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return printable(s);
}

/** Turns one zod issue into problems placed on the YAML node it is about. */
function explain(
  issue: z.core.$ZodIssue,
  base: Path,
  doc: Document.Parsed,
  data: unknown,
  at: At,
): Problem[] {
  const path = [...base, ...issue.path];
  const value = valueAt(data, path);
  const where = pathText(path);
  const prefix = where ? `${where}: ` : '';
  const here = (message: string) => [at(nodeAt(doc, path).range[0], prefix + message)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const map = nodeAt(doc, path);
      const valid = keysAt(path);
      const keyNodes = new Map<string, Ranged>();
      if (isMap(map)) {
        for (const p of map.items)
          if (isScalar(p.key) && p.key.range) keyNodes.set(String(p.key.value), p.key as Ranged);
      }
      return issue.keys.slice(0, MAX_REPORTED + 1).map((key) => {
        const node = keyNodes.get(key) ?? map;
        const near = closest(key, valid);
        const hint = near
          ? `; did you mean ${quote(near)}?`
          : valid.length
            ? ` (valid keys: ${valid.join(', ')})`
            : '';
        return at(node.range[0], `${prefix}unknown key ${quote(key)}${hint}`);
      });
    }
    case 'invalid_type': {
      if (value === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        const where = pathText(parent);
        return [
          at(
            nodeAt(doc, parent).range[0],
            `${where ? `${where}: ` : ''}missing required key ${quote(String(path.at(-1)))}`,
          ),
        ];
      }
      const hint = describeAt(path);
      return here(`expected ${typeName(issue.expected)}, got ${valueName(value)}${hint ? ` (${hint})` : ''}`);
    }
    case 'invalid_union': {
      const branches = issue.errors;
      const rootTypes = branches.map((b) => b.find((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (rootTypes.every(Boolean)) {
        const expected = [...new Set(rootTypes.map((i) => typeName((i as { expected: string }).expected)))];
        const hint = describeAt(path);
        return here(`expected ${expected.join(' or ')}, got ${valueName(value)}${hint ? ` (${hint})` : ''}`);
      }
      const best = branches.filter((_, i) => !rootTypes[i]).sort((a, b) => a.length - b.length)[0]!;
      return best.flatMap((i) => explain(i, path, doc, data, at));
    }
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = Number(big ? issue.maximum : issue.minimum);
      const exclusive = issue.inclusive === false;
      if (issue.origin === 'array' || issue.origin === 'set') {
        const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
        const n = Array.isArray(value) ? value.length : 0;
        return here(
          `has ${items(n)}; must have ${big ? 'at most' : 'at least'} ${items(exclusive ? bound + (big ? -1 : 1) : bound)}`,
        );
      }
      if (issue.origin === 'string') {
        const n = typeof value === 'string' ? value.length : 0;
        return here(
          big
            ? `${n} characters is over the limit of ${bound}`
            : `shorter than allowed: must be at least ${bound} character${bound === 1 ? '' : 's'}`,
        );
      }
      if (big && !exclusive) return here(`${valueName(value)} is over the limit of ${bound}`);
      const rel = big ? 'below' : exclusive ? 'above' : 'at least';
      return here(`${valueName(value)} is out of range: must be ${rel} ${bound}`);
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => quote(String(v)));
      const near = typeof value === 'string' ? closest(value, issue.values.map(String)) : undefined;
      return here(
        `expected one of ${options.join(', ')}, got ${valueName(value)}${near ? `; did you mean ${quote(near)}?` : ''}`,
      );
    }
    case 'invalid_format': {
      if (!/^Invalid/.test(issue.message)) return here(`${issue.message}, got ${valueName(value)}`);
      const f = issue as z.core.$ZodIssueInvalidStringFormat;
      const rule =
        f.format === 'starts_with'
          ? `must start with ${quote(String((f as { prefix?: string }).prefix))}`
          : f.format === 'regex'
            ? `must match ${f.pattern}`
            : `must be a valid ${f.format}`;
      return here(`${rule}, got ${valueName(value)}`);
    }
    default:
      return here(issue.message);
  }
}

/** The schemas that may describe the value at `path`, seen through optional/pipe/union wrappers. */
export function schemasAt(path: Path): z.ZodType[] {
  let cur = open(ScenarioSchema);
  for (const k of path) {
    const next: z.ZodType[] = [];
    for (const s of cur) {
      if (s instanceof z.ZodObject && typeof k === 'string' && k in s.shape) next.push(...open(s.shape[k]));
      else if (s instanceof z.ZodArray && typeof k === 'number') next.push(...open(s.element as z.ZodType));
      else if (s instanceof z.ZodRecord) next.push(...open(s.valueType as z.ZodType));
    }
    cur = next;
  }
  return cur;
}

function open(s: z.ZodType): z.ZodType[] {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
    return open(s.unwrap() as z.ZodType);
  }
  if (s instanceof z.ZodPipe) return open(s.in as z.ZodType);
  if (s instanceof z.ZodUnion) return s.options.flatMap((o) => open(o as z.ZodType));
  return [s];
}

export function keysAt(path: Path): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(path))
    if (s instanceof z.ZodObject) for (const k of Object.keys(s.shape)) keys.add(k);
  return [...keys];
}

/** The `.describe()` text of the field at `path`, looking through its wrappers. */
function describeAt(path: Path): string | undefined {
  if (path.length === 0) return undefined;
  for (const parent of schemasAt(path.slice(0, -1))) {
    const k = path.at(-1)!;
    let s: z.ZodType | undefined =
      parent instanceof z.ZodObject && typeof k === 'string'
        ? (parent.shape[k] as z.ZodType | undefined)
        : parent instanceof z.ZodArray && typeof k === 'number'
          ? (parent.element as z.ZodType)
          : undefined;
    while (s) {
      if (s.description) return s.description;
      s =
        s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault
          ? (s.unwrap() as z.ZodType)
          : s instanceof z.ZodPipe
            ? (s.in as z.ZodType)
            : undefined;
    }
  }
  return undefined;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value lines)',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

function valueName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quote(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

/**
 * Loads a scenario a command was given (built-in name or file), reusing what this process already
 * opened (the CLI checks it first: ./builtin.ts openScenario). A bad name or file is reported through
 * `err` (each problem as file:line:col: message) and gives undefined: the command exits 2.
 */
export function loadOrReport(arg: string, err: (s: string) => void): Scenario | undefined {
  try {
    const path = resolveScenario(arg);
    return openedScenario(path) ?? rememberScenario(path, loadScenarioFile(path));
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
