/**
 * What was written since the last view of one machine: the view (view.ts) reuses an entity's last
 * view without comparing it field by field when the entity was not written since. The sim's write
 * barrier (`own`, cow.ts, from `touch` or called directly) reports every write to an entity here; only writes to the watched machine
 * (the one viewed last) are kept. On c10k a step writes a handful of 60k entities: comparing all of
 * them was most of a key press (~25 ms of ~31, profiled).
 *
 * The guarantee rests on the barrier: every write to a socket, file, G, pollDesc or client passes
 * `own` (the copy-on-write snapshots rely on the same; test/cow-guard.ts freezes snapshot entities
 * so a write that skips it throws). An entity object the view has not seen (a new one, a copy) is
 * always compared, so only in-place writes need reporting.
 */
import type { Machine } from './machine.js';
import type { EntKind } from './steplog.js';

/**
 * Writes to the watched machine since its last view, per kind: ids written. Made or removed entities
 * are written too (the barrier sees their slot written), so an id not here is the same entity, the
 * same object, in the same place of its container as at the last view.
 */
export interface Dirty {
  sock: Set<number>;
  g: Set<number>;
  pd: Set<number>;
  client: Set<number>;
  ep: Set<number>;
  /** Fd slots and open files (by id) written: socket views (their fd) are then compared, not trusted. */
  fd: Set<number>;
  file: Set<number>;
}

let watched: Machine | null = null;
let dirty: Dirty = newDirty();

function newDirty(): Dirty {
  return {
    sock: new Set(),
    g: new Set(),
    pd: new Set(),
    client: new Set(),
    ep: new Set(),
    fd: new Set(),
    file: new Set(),
  };
}

/** Marks entity `id` of `kind` in d (a kind the view does not track by id marks nothing). */
function mark(d: Dirty, kind: EntKind | 'hconn' | 'connsock' | 'listener', id: number): void {
  switch (kind) {
    case 'sock':
    case 'g':
    case 'pd':
    case 'client':
    case 'ep':
      d[kind].add(id);
      return;
    case 'fd':
    case 'file':
      d[kind].add(id);
      return;
  }
}

/** Called by the write barrier (`own`, cow.ts) before the sim writes entity `id` of `kind` in `m`. */
export function noteWrite(m: Machine, kind: EntKind | 'hconn' | 'connsock' | 'listener', id: number): void {
  if (m !== watched) return;
  mark(dirty, kind, id);
}

/**
 * Machines made to show a record in the middle of an event (steplog.ts machineAt): the working machine
 * with the entities written after that record put back as they were (copies: new objects). Viewing
 * one watches the machine it was made from.
 */
const bases = new WeakMap<Machine, Machine>();

/**
 * What each overlay shows other than its base: the entities machineAt put back (copies, or absent).
 * The view treats them as written, in the view of the overlay and in the next view after it.
 */
const putBack = new WeakMap<Machine, Dirty>();
/** What the last view's machine showed other than its base (an overlay's put-backs), if anything. */
let lastPutBack: Dirty | undefined;

/** `overlay` shows `base` as it was at an earlier record of its last event (machineAt). */
export function viewsAs(overlay: Machine, base: Machine): void {
  bases.set(overlay, bases.get(base) ?? base);
}

/** machineAt put entity `id` of `kind` of `overlay` back to an older image. */
export function notePutBack(overlay: Machine, kind: EntKind, id: number): void {
  let d = putBack.get(overlay);
  if (d === undefined) {
    d = newDirty();
    putBack.set(overlay, d);
  }
  mark(d, kind, id);
}

/** The machine m shows (itself, or the base of an overlay). */
export function baseOf(m: Machine): Machine {
  return bases.get(m) ?? m;
}

function merge(into: Dirty, from: Dirty | undefined): void {
  if (from === undefined) return;
  for (const k of ['sock', 'g', 'pd', 'client', 'ep', 'fd', 'file'] as const) {
    for (const id of from[k]) into[k].add(id);
  }
}

/**
 * The view of `m` is being built: what was written since the last view of `m` (or of a machine made
 * from the same one: viewsAs), or undefined when another machine was viewed last (compare
 * everything). From now on `m`'s machine is watched.
 */
export function takeDirty(m: Machine): Dirty | undefined {
  const base = bases.get(m) ?? m;
  const d = base === watched ? dirty : undefined;
  // What the last view and this one showed other than the base differs from one to the other.
  const pb = putBack.get(m);
  if (d !== undefined) {
    merge(d, lastPutBack);
    merge(d, pb);
  }
  lastPutBack = pb;
  watched = base;
  dirty = newDirty();
  return d;
}
