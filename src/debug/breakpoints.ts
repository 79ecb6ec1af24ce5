/**
 * Breakpoints: the spec grammar of ARCHITECTURE §4, parsed into a small predicate, and the two ways
 * of testing one — an event breakpoint against a trace record, a watch against a machine.
 *
 *   SPEC  := KIND [":" NAME] { " " KEY "=" VALUE }
 *          | "watch" GAUGE { " " KEY "=" VALUE } OP NUMBER
 *
 * An event breakpoint is a set of record kinds plus field equalities, all of which must hold:
 *   syscall[:name]           kind syscall (and syscall == name)
 *   irq[:rx|tx]              kind irq (and ring == rx|tx)
 *   softirq                  kind softirq
 *   wakeup[:reason]          kind go.ready (and reason == reason): a parked goroutine made runnable
 *   park[:reason]            kind go.park (and reason == reason)
 *   event:<glob>             every kind the glob matches (`*` matches any run of characters)
 *   anomaly:<kind>           an anomaly (./anomaly.ts) the compact trace can find: overflow, rxdrop,
 *                            preempt, steal, or an errno in lower case (eagain, emfile, …)
 *   key=value                fd g m p conn tid slot (integers), errno (upper-cased), reason
 * A watch names a gauge of the engine (GAUGES in ../sim/api.ts), optional filters `fd=` (acceptq,
 * synq, rcvq, sndq) or `p=` (runq), a comparison and a number. It *hits* on a step where the
 * comparison holds and did not hold on the step before; the Session decides what "before" is.
 *
 * parseBreakpoint never throws: a malformed spec gives `{ ok: false, error, column }`, the 1-based
 * column of the first character that is wrong and what was expected there. A name the simulation
 * never uses (`syscall:acept4`, `irq:rz`, `park:raed`, `errno=EAGIAN`) is refused the same way, with
 * the nearest real name: such a breakpoint could only ever have 0 hits.
 */

import { closest } from '../scenario/problem.js';
import type { Gauge, GaugeFilter, SimEngine } from '../sim/api.js';
import { GAUGES } from '../sim/api.js';
import { KINDS, type Kind, type TraceRecord } from '../sim/trace.js';
import { ANOMALY_KINDS, errnoKind } from './anomaly.js';

/** The words a spec may start with, in the order error messages list them. */
export const BREAK_KINDS = [
  'syscall',
  'irq',
  'softirq',
  'wakeup',
  'park',
  'event',
  'anomaly',
  'watch',
] as const;

/** Why a goroutine parks or wakes, as the trace's `reason` says (src/sim/machine.ts G.reason). */
export const WAIT_REASONS = ['accept', 'read', 'write', 'sleep', 'cond'] as const;

/**
 * Every syscall the simulation makes (src/sim/kernel/syscalls.ts and the runtime's thread calls): a
 * `syscall:<name>` outside this list can never hit, so it is refused with the nearest name. A test
 * runs every built-in scenario and checks that each syscall it emits is listed here.
 */
export const SYSCALL_NAMES = [
  'accept4',
  'bind',
  'clone3',
  'close',
  'epoll_create1',
  'epoll_ctl',
  'epoll_pwait',
  'eventfd2',
  'exit_group',
  'fcntl',
  'futex',
  'getsockname',
  'listen',
  'nanosleep',
  'openat',
  'read',
  'setsockopt',
  'shutdown',
  'socket',
  'tgkill',
  'write',
] as const;

/** The errnos the simulation returns (kept complete by the same test): `errno=` takes one of them. */
export const ERRNOS = [
  'EAGAIN',
  'EMFILE',
  'EBADF',
  'EEXIST',
  'EINVAL',
  'ENOENT',
  'EPIPE',
  'EACCES',
  'EADDRINUSE',
];

/** `, did you mean "accept4"?` when a name is close to one in `names`, else ''. */
function didYouMean(word: string, names: readonly string[]): string {
  const near = closest(word, names);
  return near ? `; did you mean ${q(near)}?` : '';
}

/** Record fields a `key=value` condition may test. */
export const INT_KEYS = ['fd', 'g', 'm', 'p', 'conn', 'tid', 'slot'] as const;
export const STRING_KEYS = ['errno', 'reason'] as const;
export const COND_KEYS = [...INT_KEYS, ...STRING_KEYS] as const;

export type IntKey = (typeof INT_KEYS)[number];
export type StringKey = (typeof STRING_KEYS)[number];
/** Fields an event breakpoint compares: the user's keys plus those implied by the kind's name. */
export type FieldKey = IntKey | StringKey | 'syscall' | 'ring';

export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';
/** In the grammar's order, for messages. */
export const OPS: readonly Op[] = ['>', '>=', '<', '<=', '==', '!='];
/** Longest first, for matching. */
const OPS_BY_LENGTH: readonly Op[] = ['>=', '<=', '==', '!=', '>', '<'];

/** Which gauges take which filter. */
const FD_GAUGES: ReadonlySet<Gauge> = new Set<Gauge>(['acceptq', 'synq', 'rcvq', 'sndq']);
const P_GAUGES: ReadonlySet<Gauge> = new Set<Gauge>(['runq']);

export interface FieldCond {
  key: FieldKey;
  value: number | string;
}

export interface EventBreakpoint {
  type: 'event';
  /** Normalised spec, e.g. "syscall:accept4 fd=3". */
  spec: string;
  /** The record kinds it can match. */
  kinds: readonly Kind[];
  /** Field equalities, all required; a record without the field does not match. */
  conds: readonly FieldCond[];
}

export interface WatchBreakpoint {
  type: 'watch';
  /** Normalised spec, e.g. "watch rcvq fd=4 >= 65536". */
  spec: string;
  gauge: Gauge;
  filter: GaugeFilter;
  op: Op;
  value: number;
}

export type Breakpoint = EventBreakpoint | WatchBreakpoint;

export type ParseResult = { ok: true; bp: Breakpoint } | { ok: false; error: string; column: number };

/** `column 8: expected …`: how the CLI and the TUI prompt show a parse error. */
export function formatParseError(e: { error: string; column: number }): string {
  return `column ${e.column}: ${e.error}`;
}

class SpecError {
  constructor(
    readonly column: number,
    readonly error: string,
  ) {}
}

/** A cursor over the spec text; positions are 0-based, columns reported 1-based. */
class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
    return this.pos > start;
  }
  /** Characters matching re, one at a time. */
  take(re: RegExp): string {
    const start = this.pos;
    while (this.pos < this.s.length && re.test(this.s[this.pos])) this.pos++;
    return this.s.slice(start, this.pos);
  }
  fail(error: string, pos = this.pos): never {
    throw new SpecError(pos + 1, error);
  }
  /** What is at the cursor, quoted for an error message. */
  found(): string {
    if (this.done) return 'end of spec';
    const word = /\S+/.exec(this.s.slice(this.pos))?.[0] ?? this.peek();
    return JSON.stringify(word.length > 20 ? `${word.slice(0, 20)}…` : word);
  }
}

function oneOf(list: readonly string[]): string {
  return list.length === 1 ? list[0] : `one of ${list.join(', ')}`;
}

/** Longest spec accepted, in characters: a real one is under 60; a pasted megabyte is refused at once. */
export const MAX_SPEC_CHARS = 512;

/** Parses a spec; never throws. */
export function parseBreakpoint(spec: string): ParseResult {
  if (spec.length > MAX_SPEC_CHARS) {
    return {
      ok: false,
      error: `the spec is ${spec.length} characters; the limit is ${MAX_SPEC_CHARS}`,
      column: MAX_SPEC_CHARS + 1,
    };
  }
  try {
    return { ok: true, bp: parse(new Scanner(spec)) };
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, error: e.error, column: e.column };
    throw e;
  }
}

function parse(sc: Scanner): Breakpoint {
  sc.skipSpace();
  const at = sc.pos;
  const word = sc.take(/[A-Za-z_]/);
  const kind = word.toLowerCase();
  if (!(BREAK_KINDS as readonly string[]).includes(kind)) {
    sc.fail(
      `expected ${oneOf(BREAK_KINDS)}, found ${word ? q(word) : sc.found()}${didYouMean(word, BREAK_KINDS)}`,
      at,
    );
  }
  if (kind === 'watch') return parseWatch(sc);
  return parseEvent(sc, kind as Exclude<(typeof BREAK_KINDS)[number], 'watch'>);
}

const KIND_OF: Record<string, Kind> = {
  syscall: 'syscall',
  irq: 'irq',
  softirq: 'softirq',
  wakeup: 'go.ready',
  park: 'go.park',
};

function parseEvent(sc: Scanner, word: Exclude<(typeof BREAK_KINDS)[number], 'watch'>): EventBreakpoint {
  let kinds: Kind[] = word === 'event' || word === 'anomaly' ? [] : [KIND_OF[word]];
  const conds: FieldCond[] = [];
  let head: string = word;
  if (sc.peek() === ':') {
    sc.pos++;
    const at = sc.pos;
    const name = sc.take(/\S/);
    switch (word) {
      case 'syscall':
        if (!/^[a-z_][a-z0-9_]*$/.test(name))
          sc.fail(`expected a syscall name such as accept4, found ${q(name)}`, at);
        if (!(SYSCALL_NAMES as readonly string[]).includes(name))
          sc.fail(
            `${q(name)} is not a syscall the simulation makes${didYouMean(name, SYSCALL_NAMES)} (it makes ${SYSCALL_NAMES.join(', ')})`,
            at,
          );
        conds.push({ key: 'syscall', value: name });
        break;
      case 'irq':
        if (name !== 'rx' && name !== 'tx')
          sc.fail(`expected rx or tx, found ${q(name)}${didYouMean(name, ['rx', 'tx'])}`, at);
        conds.push({ key: 'ring', value: name });
        break;
      case 'softirq':
        sc.fail('softirq takes no name: expected a space or the end of the spec', at - 1);
        break;
      case 'wakeup':
      case 'park':
        if (!(WAIT_REASONS as readonly string[]).includes(name)) {
          sc.fail(`expected ${oneOf(WAIT_REASONS)}, found ${q(name)}${didYouMean(name, WAIT_REASONS)}`, at);
        }
        conds.push({ key: 'reason', value: name });
        break;
      case 'event': {
        if (!/^[a-z.*]+$/.test(name))
          sc.fail(`expected a kind or glob such as nic.* or go.create, found ${q(name)}`, at);
        kinds = KINDS.filter((k) => globMatch(name, k));
        if (kinds.length === 0)
          sc.fail(
            `no record kind matches ${q(name)}${name.includes('*') ? '' : didYouMean(name, KINDS)} (kinds: ${KINDS.join(', ')})`,
            at,
          );
        break;
      }
      case 'anomaly': {
        const a = anomalySpec(name);
        if (typeof a === 'string') sc.fail(a, at);
        kinds = a.kinds;
        conds.push(...a.conds);
        break;
      }
    }
    head = `${word}:${name}`;
  } else if (word === 'event') {
    sc.fail(`expected ':' and a kind after event, e.g. event:nic.*`);
  } else if (word === 'anomaly') {
    sc.fail(`expected ':' and a kind after anomaly: ${oneOf(anomalyNames())}`);
  }
  if (!sc.done && !/\s/.test(sc.peek()))
    sc.fail(`expected ':', a space or the end of the spec, found ${sc.found()}`);
  const parts = [head];
  const seen = new Set<string>();
  for (;;) {
    sc.skipSpace();
    if (sc.done) break;
    const c = parseCond(sc, COND_KEYS, seen);
    conds.push(c);
    parts.push(`${c.key}=${c.value}`);
    if (!sc.done && !/\s/.test(sc.peek()))
      sc.fail(`expected a space or the end of the spec, found ${sc.found()}`);
  }
  return { type: 'event', spec: parts.join(' '), kinds, conds };
}

/** `key=value` at the cursor, key among `keys`. */
function parseCond(sc: Scanner, keys: readonly string[], seen: Set<string>): FieldCond {
  const at = sc.pos;
  const key = sc.take(/[A-Za-z_]/).toLowerCase();
  if (!keys.includes(key)) {
    sc.fail(
      `expected ${key ? 'a key' : 'key=value'}: ${oneOf(keys)}, found ${key ? q(key) : sc.found()}`,
      at,
    );
  }
  if (seen.has(key)) sc.fail(`${key} is given twice`, at);
  seen.add(key);
  if (sc.peek() !== '=') sc.fail(`expected '=' after ${key}, found ${sc.found()}`);
  sc.pos++;
  const vat = sc.pos;
  if ((INT_KEYS as readonly string[]).includes(key)) {
    const digits = sc.take(/[0-9]/);
    if (!digits) sc.fail(`expected a number after ${key}=, found ${sc.found()}`, vat);
    const n = Number(digits);
    if (n > 2 ** 31 - 1) sc.fail(`${key}=${digits} is too large`, vat);
    return { key: key as IntKey, value: n };
  }
  const raw = sc.take(/[A-Za-z0-9_]/);
  if (!raw) sc.fail(`expected a value after ${key}=, found ${sc.found()}`, vat);
  if (key === 'errno') {
    if (!/^E[A-Z0-9]+$/i.test(raw)) sc.fail(`expected an errno name such as EAGAIN, found ${q(raw)}`, vat);
    const e = raw.toUpperCase();
    if (!ERRNOS.includes(e))
      sc.fail(
        `${q(e)} is not an errno the simulation returns${didYouMean(e, ERRNOS)} (${ERRNOS.join(', ')})`,
        vat,
      );
    return { key: 'errno', value: e };
  }
  return { key: key as StringKey, value: raw };
}

function parseWatch(sc: Scanner): WatchBreakpoint {
  if (!sc.skipSpace()) sc.fail(`expected a space and a gauge after watch: ${oneOf(GAUGES)}`);
  const at = sc.pos;
  const g = sc.take(/[A-Za-z_]/).toLowerCase();
  if (!(GAUGES as readonly string[]).includes(g)) {
    sc.fail(`expected a gauge: ${oneOf(GAUGES)}, found ${g ? q(g) : sc.found()}`, at);
  }
  const gauge = g as Gauge;
  const allowed = FD_GAUGES.has(gauge) ? ['fd'] : P_GAUGES.has(gauge) ? ['p'] : [];
  const filter: GaugeFilter = {};
  const parts = [`watch ${gauge}`];
  const seen = new Set<string>();
  let op: Op | undefined;
  for (;;) {
    sc.skipSpace();
    const here = sc.pos;
    op = OPS_BY_LENGTH.find((o) => sc.s.startsWith(o, here));
    if (op) {
      sc.pos += op.length;
      break;
    }
    if (sc.done || !/[A-Za-z_]/.test(sc.peek())) {
      const f = allowed.length ? `${allowed[0]}=N or ` : '';
      sc.fail(`expected ${f}a comparison: ${oneOf(OPS)}, found ${sc.found()}`);
    }
    const key = /^[A-Za-z_]+/.exec(sc.s.slice(here))![0].toLowerCase();
    if (!allowed.includes(key)) {
      const why = allowed.length
        ? `${gauge} takes ${allowed[0]}=N`
        : `${gauge} takes no filter (fd= fits acceptq, synq, rcvq, sndq; p= fits runq)`;
      sc.fail(`${why}; expected ${allowed.length ? `${allowed[0]}=N or ` : ''}a comparison: ${oneOf(OPS)}`);
    }
    const c = parseCond(sc, allowed, seen);
    filter[c.key as 'fd' | 'p'] = c.value as number;
    parts.push(`${c.key}=${c.value}`);
  }
  sc.skipSpace();
  const nat = sc.pos;
  const num = sc.take(/[-0-9.]/);
  if (!/^-?\d+(\.\d+)?$/.test(num))
    sc.fail(`expected a number after ${op}, found ${num ? q(num) : sc.found()}`, nat);
  sc.skipSpace();
  if (!sc.done) sc.fail(`expected the end of the spec after the number, found ${sc.found()}`);
  const value = Number(num);
  parts.push(op, String(value));
  return { type: 'watch', spec: parts.join(' '), gauge, filter, op, value };
}

/** Anomaly kinds a breakpoint can find: those with a compact-trace spec, then the errnos. */
function anomalyNames(): string[] {
  return [...ANOMALY_KINDS.filter((k) => k.spec).map((k) => k.id), ...ERRNOS.map((e) => e.toLowerCase())];
}

/** `anomaly:<name>` as record kinds and conditions, or why it cannot be a breakpoint. */
function anomalySpec(name: string): { kinds: Kind[]; conds: FieldCond[] } | string {
  const n = name.toLowerCase();
  const known = ANOMALY_KINDS.find((k) => k.id === n);
  if (known && !known.spec)
    return `anomaly:${n} (${known.label}) is found by the TUI's a key, but the trace has no field a breakpoint can test for it; breakpoint kinds: ${anomalyNames().join(', ')}`;
  if (known?.spec) {
    const conds: FieldCond[] = known.spec.syscall ? [{ key: 'syscall', value: known.spec.syscall }] : [];
    return { kinds: known.spec.kinds, conds };
  }
  if (ERRNOS.includes(n.toUpperCase())) {
    const e = errnoKind(n);
    return { kinds: e.spec!.kinds, conds: [{ key: 'errno', value: n.toUpperCase() }] };
  }
  const all = [...ANOMALY_KINDS.map((k) => k.id), ...ERRNOS.map((e) => e.toLowerCase())];
  return `${q(name)} is not an anomaly kind${didYouMean(n, all)} (kinds: ${anomalyNames().join(', ')})`;
}

function q(s: string): string {
  return s ? JSON.stringify(s) : 'nothing';
}

/**
 * Does `glob` (`*` matches any run of characters, everything else itself) match all of `s`?
 *
 * No regular expression: a glob like `*.*.*.*…z` compiled to `^.*\..*\..*…z$` backtracks
 * exponentially and froze the TUI. This is the greedy two-pointer match: on a mismatch it resumes
 * after the last `*`, one character further into `s`, so it costs at most |glob|·|s| steps.
 */
export function globMatch(glob: string, s: string): boolean {
  let g = 0;
  let i = 0;
  let star = -1; // index in glob of the last `*` seen
  let mark = 0; // index in s where that `*` currently stops
  while (i < s.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === s[i]) {
      g++;
      i++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = i;
    } else if (star >= 0) {
      g = star + 1;
      i = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/** Does this record match the event breakpoint? */
export function matches(bp: EventBreakpoint, r: TraceRecord): boolean {
  if (!bp.kinds.includes(r.kind)) return false;
  for (const c of bp.conds) {
    if ((r as unknown as Record<string, unknown>)[c.key] !== c.value) return false;
  }
  return true;
}

/** Does `gauge op value` hold now? */
export function compare(v: number, op: Op, n: number): boolean {
  switch (op) {
    case '>':
      return v > n;
    case '>=':
      return v >= n;
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '==':
      return v === n;
    case '!=':
      return v !== n;
  }
}

/** The watch's condition on this machine (not "became true": the caller compares with the step before). */
export function watchHolds<M>(bp: WatchBreakpoint, engine: SimEngine<M>, m: M): boolean {
  return compare(engine.gauge(m, bp.gauge, bp.filter), bp.op, bp.value);
}
