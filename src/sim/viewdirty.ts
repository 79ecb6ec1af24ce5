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

/** Writes to the watched machine since its last view, per kind: ids written. */
export interface Dirty {
  sock: Set<number>;
  g: Set<number>;
  pd: Set<number>;
  client: Set<number>;
  /** An fd slot or open file changed: socket views (their fd) are compared, not trusted. */
  fds: boolean;
}

let watched: Machine | null = null;
let dirty: Dirty = newDirty();

function newDirty(): Dirty {
  return { sock: new Set(), g: new Set(), pd: new Set(), client: new Set(), fds: false };
}

/** Called by the write barrier (`own`, cow.ts) before the sim writes entity `id` of `kind` in `m`. */
export function noteWrite(m: Machine, kind: EntKind | 'hconn' | 'connsock' | 'listener', id: number): void {
  if (m !== watched) return;
  switch (kind) {
    case 'sock':
    case 'g':
    case 'pd':
    case 'client':
      dirty[kind].add(id);
      return;
    case 'fd':
    case 'file':
      dirty.fds = true;
      return;
  }
}

/**
 * Machines made to show a record in the middle of an event (steplog.ts machineAt): the working machine
 * with the entities written after that record put back as they were (copies: new objects). Viewing
 * one watches the machine it was made from.
 */
const bases = new WeakMap<Machine, Machine>();

/** `overlay` shows `base` as it was at an earlier record of its last event (machineAt). */
export function viewsAs(overlay: Machine, base: Machine): void {
  bases.set(overlay, bases.get(base) ?? base);
}

/**
 * The view of `m` is being built: what was written since the last view of `m` (or of a machine made
 * from the same one: viewsAs), or undefined when another machine was viewed last (compare
 * everything). From now on `m`'s machine is watched.
 */
export function takeDirty(m: Machine): Dirty | undefined {
  const base = bases.get(m) ?? m;
  const d = base === watched ? dirty : undefined;
  watched = base;
  dirty = newDirty();
  return d;
}
