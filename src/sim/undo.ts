/**
 * The undo log: what each event wrote, kept so the debugger can step the machine *backwards* one event
 * at a time instead of replaying from a checkpoint (rr's reverse execution keeps checkpoints and
 * replays; a debugger of plain data can do better and undo).
 *
 * An event that runs with an undo log (`step(m, out, { undo })`, engine.ts) keeps one entry:
 *   - every entity it writes, as it was before its first write in the event. Every write already
 *     passes the write barrier (`own`, cow.ts: the copy-on-write snapshots and the view's dirty marks
 *     rely on it), so the barrier hands each (kind, id) here once per event (`setWriteHook`);
 *   - the event heap's slots it overwrote (core.ts `schedule`/`pop` report each slot before they write
 *     it: `setHeapLog`), and the heap's length;
 *   - everything else the machine holds outside the entity containers (the clock, id counters, the
 *     rng, the NIC's flags, the runtime's counters and small lists): copied whole, it is ~40 values.
 *     A field added later is copied too when it is a number, string, boolean or array of immutable
 *     values; an object field nobody taught this file throws (`REST`), so it cannot be forgotten.
 * `undoEvent` puts all of it back: the machine is then as it was before the event, byte for byte
 * (test/undo.test.ts compares the whole machine's JSON around every event of every built-in).
 *
 * Who touches it: engine.ts (step with `undo`, `undo`), cow.ts (`own` reports writes), core.ts (the
 * heap reports slot writes), the debugger's Session (stepping back), tests.
 */

import { setHeapLog } from './core.js';
import type { BarrierKind } from './cow.js';
import { containerOf, copy, heldOnlyBy, setWriteHook, slotOf } from './cow.js';
import type { Ev, Machine } from './machine.js';
import { ABSENT, type EntKind, imageOf, putImage } from './steplog.js';
import { noteWrite as markDirty } from './viewdirty.js';

/** What undoes one event. */
interface UndoEntry {
  /** The values of REST's scalar and list fields before the event, in REST_KEYS order per level. */
  rest: unknown[];
  /** Length of the process's log (append-only) before the event. */
  logLen: number;
  /**
   * Length of the fd table before the event: fdAlloc grows it by a free slot before the slot is
   * touched, and fdRemove trims trailing free slots it did not touch (file.ts).
   */
  fdsLen: number;
  /** Entities written: kind, id, image (ABSENT: did not exist), in first-write order. */
  ents: unknown[];
  /** Heap length before the event, and the slots overwritten: index, old event (undefined: past the end). */
  heapLen: number;
  heap: (number | Ev | undefined)[];
}

/** The undo entries of consecutive events of one machine: the last is the latest event. */
export interface UndoLog {
  entries: UndoEntry[];
}

export function newUndoLog(): UndoLog {
  return { entries: [] };
}

// ── the rest: what lives outside the entity containers ──────────────────────────────────────────

type Level = 'm' | 'proc' | 'rt' | 'nic';

/**
 * Fields each level handles otherwise (not copied with the rest): entity containers (their entries
 * pass the barrier), nested levels, the heap (slot log), immutable configuration, the append-only log.
 */
const REST: Record<Level, ReadonlySet<string>> = {
  m: new Set([
    'sc', // the scenario: immutable
    'p', // the params: immutable
    'heap',
    'heapT',
    'heapS',
    'nic',
    'proc',
    'rt',
    'socks', // 'sock'
    'files', // 'file'
    'eps', // 'ep'
    'evcount', // 'evfd'
    'hconns', // 'hconn'
    'clients', // 'client'
    'connSock', // 'connsock'
    'listeners', // 'listener'
  ]),
  proc: new Set(['fds' /* 'fd', and its length */, 'log' /* append-only: its length */]),
  rt: new Set([
    'gs' /* 'g' */,
    'pds' /* 'pd' */,
    'globrunq' /* 'globrunq' (600 ids mid-c10k: not copied per event) */,
  ]),
  nic: new Set(['rx', 'tx' /* 'nic' (head, tail, used) and 'rxslot'/'txslot' */]),
};

const LEVELS: Level[] = ['m', 'proc', 'rt', 'nic'];

/**
 * Small objects copied deeply with the rest (the Ms and Ps are a handful each, the counters ten
 * numbers): the scheduler writes an M's or P's fields in many places, so these do not rest on the
 * barrier at all.
 */
const DEEP: Record<Level, ReadonlySet<string>> = {
  m: new Set(['stats']),
  proc: new Set(),
  rt: new Set(['ms', 'ps']),
  nic: new Set(),
};

function levelOf(m: Machine, l: Level): Record<string, unknown> {
  return (l === 'm' ? m : m[l]) as unknown as Record<string, unknown>;
}

/** Per level, the fields copied with the rest (found once, from the first machine seen); DEEP ones first. */
let restKeys: string[][] | null = null;
let deepCount: number[] = [];

function keysOf(m: Machine): string[][] {
  if (restKeys !== null) return restKeys;
  restKeys = LEVELS.map((l) => {
    const o = levelOf(m, l);
    const keys: string[] = [...DEEP[l]];
    for (const k in o) {
      if (REST[l].has(k) || DEEP[l].has(k)) continue;
      const v = o[k];
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        throw new Error(`undo: ${l}.${k} is an object undo.ts does not know how to put back`);
      keys.push(k);
    }
    return keys;
  });
  deepCount = LEVELS.map((l) => DEEP[l].size);
  return restKeys;
}

function saveRest(m: Machine): unknown[] {
  const keys = keysOf(m);
  const out: unknown[] = [];
  for (let l = 0; l < LEVELS.length; l++) {
    const o = levelOf(m, LEVELS[l]);
    const ks = keys[l];
    const deep = deepCount[l];
    for (let j = 0; j < ks.length; j++) {
      const v = o[ks[j]];
      // A DEEP field (a row of scalars and lists: the counters, or a list of such rows: Ms, Ps): copied.
      // Lists of numbers or of objects never written in place (timers, qdisc segments): a slice.
      out.push(j < deep ? copy(v) : Array.isArray(v) ? v.slice() : v);
    }
  }
  return out;
}

function putRest(m: Machine, rest: unknown[]): void {
  const keys = keysOf(m);
  let j = 0;
  for (let l = 0; l < LEVELS.length; l++) {
    const o = levelOf(m, LEVELS[l]);
    for (const k of keys[l]) o[k] = rest[j++];
  }
}

// ── entities: the barrier's kinds, and the maps it also covers ──────────────────────────────────

function image(m: Machine, k: BarrierKind, id: number): unknown {
  switch (k) {
    case 'hconn': {
      const h = m.hconns[id];
      return h === undefined ? ABSENT : copy(h);
    }
    case 'connsock':
      return m.connSock[id] ?? ABSENT;
    case 'listener':
      return m.listeners[id] ?? ABSENT;
    default:
      return imageOf(m, k, id);
  }
}

/** Puts an entry back in an id-keyed container; ABSENT removes it (an array shrinks back when it grew). */
function putKeyed(c: Record<number, unknown>, id: number, v: unknown, len: number): void {
  if (v !== ABSENT) {
    c[id] = v;
    return;
  }
  delete c[id];
  if (Array.isArray(c) && c.length > len) c.length = len;
}

function put(m: Machine, k: BarrierKind, id: number, v: unknown, len: number): void {
  const c = containerOf(m, k);
  if (c === null) putImage(m, k as EntKind, id, v);
  else putKeyed(c, slotOf(k, id), v, len);
}

/** The length of the array a kind's entities live in (to shrink it back), or 0. */
function lengthOf(m: Machine, k: BarrierKind): number {
  const c = containerOf(m, k);
  return c !== null && Array.isArray(c) ? c.length : 0;
}

// ── one event ───────────────────────────────────────────────────────────────────────────────────

/** Numbers for the kinds (a written entity's key in `seen`: kind × 2^26 + id). */
const KIND_NO: Record<BarrierKind, number> = {
  sock: 0,
  file: 1,
  fd: 2,
  ep: 3,
  evfd: 4,
  g: 5,
  m: 6,
  p: 7,
  pd: 8,
  globrunq: 9,
  client: 10,
  nic: 11,
  rxslot: 12,
  txslot: 13,
  stats: 14,
  proc: 15,
  hconn: 16,
  connsock: 17,
  listener: 18,
};
const ID_SPAN = 2 ** 26;

let cur: UndoEntry | null = null;
let curM: Machine | null = null;
/** The (kind, id) keys written so far in the event: a handful, so a list beats a Set. */
const seen: number[] = [];

function noteWrite(m: Machine, k: BarrierKind, id: number): void {
  // Only the machine whose event is being logged (a write to another machine is no concern of this log).
  if (m !== curM || cur === null) return;
  const key = KIND_NO[k] * ID_SPAN + id;
  for (let i = 0; i < seen.length; i++) if (seen[i] === key) return;
  seen.push(key);
  const v = image(m, k, id);
  cur.ents.push(k, id, v, v === ABSENT ? lengthOf(m, k) : 0);
}

/** Starts logging m's next event (engine.step calls it before the event's first write). */
export function beginUndo(m: Machine): void {
  cur = {
    rest: saveRest(m),
    logLen: m.proc.log.length,
    fdsLen: m.proc.fds.length,
    ents: [],
    heapLen: m.heap.length,
    heap: [],
  };
  curM = m;
  seen.length = 0;
  setWriteHook(noteWrite);
  setHeapLog(cur.heap);
}

/** Ends the event's entry and appends it to the log. */
export function endUndo(log: UndoLog): void {
  const e = cur;
  cur = null;
  curM = null;
  seen.length = 0;
  setWriteHook(null);
  setHeapLog(null);
  if (e === null) throw new Error('undo: endUndo without beginUndo');
  log.entries.push(e);
}

/** The log's latest event is undone: m is as it was before it. False when the log is empty. */
export function undoEvent(m: Machine, log: UndoLog): boolean {
  const e = log.entries.pop();
  if (e === undefined) return false;
  const ents = e.ents;
  const fds = m.proc.fds;
  // Trailing free slots trimmed by the event come back free (the slots it wrote are put back below).
  while (fds.length < e.fdsLen) fds.push(-1);
  // Latest write first: an entity made and grown in one event shrinks its container back in order.
  for (let j = ents.length - 4; j >= 0; j -= 4) {
    const k = ents[j] as BarrierKind;
    const id = ents[j + 1] as number;
    put(m, k, id, ents[j + 2], ents[j + 3] as number);
    // The pre-image was this log's own copy: only m holds it now.
    heldOnlyBy(m, k, id);
    // A put-back entity is a new object to the view, but an fd slot is a number: mark it.
    markDirty(m, k, id);
  }
  const h = m.heap;
  const ht = m.heapT;
  const hs = m.heapS;
  const hw = e.heap;
  for (let j = hw.length - 2; j >= 0; j -= 2) {
    const i = hw[j] as number;
    const ev = hw[j + 1] as Ev | undefined;
    if (ev === undefined) continue;
    h[i] = ev;
    ht[i] = ev.t;
    hs[i] = ev.seq;
  }
  h.length = ht.length = hs.length = e.heapLen;
  m.proc.log.length = e.logLen;
  fds.length = e.fdsLen;
  putRest(m, e.rest);
  return true;
}
