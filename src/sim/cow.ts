/**
 * Snapshots by structural sharing: the debugger's checkpoints cost what changed, not what exists.
 *
 * `snapshot(m)` copies the machine's *containers* (the id-keyed records and arrays: socks, files, Gs …)
 * but not the entities in them: the snapshot and `m` hold the same socket objects. The sim calls
 * `touch(m, kind, id)` (core.ts) before it writes an entity; `own` (called from there) makes sure no
 * other machine of the family sees the write: every other machine that holds the very same object gets
 * a deep copy of it in its slot first, and the writer keeps the object (so the sim's local references
 * stay valid; nothing in the sim changes). An entity is copied once per snapshot epoch, only if written.
 * (An epoll instance's copy shares its epitems and its interest list's pages: kernel/epoll.ts epCopy.)
 *
 * A family is the set of machines that may share entities: a booted machine and every snapshot made
 * from it or from its snapshots. Each member has a version (creation order). `privAt` remembers, for an
 * object made private or handed out as a copy, the versions of the members that held it then [lo, hi]
 * and the family's version then: only those and members created later can hold it, so `own` scans
 * those only (and nothing at all when the writer alone held it and no member was created since). Of
 * the members created later, only snapshots of a holder can hold it (each member knows its source).
 * `release` takes a member out of the family (a dropped checkpoint, a replaced working machine).
 *
 * A kept snapshot (one only ever copied from: the debugger's checkpoints) keeps its long id-indexed
 * containers in chunks shared with the previous kept snapshot where nothing changed (Chunks below).
 *
 * What is shared (entity objects, copy-on-write): SHARED below. Everything else is copied by value when
 * the snapshot is taken: containers of plain values (fd table, heap arrays, ring slots, whose Ev and Seg
 * objects are never written after they are made) by a shallow copy, the rest (http conns, timers,
 * counters, anything added later) deeply. A write that skips the barrier would leak into snapshots:
 * `fingerprint` (tests) gives a snapshot's content as text so a test can check it never changed.
 *
 * Who touches it: core.ts (touch → own), engine.ts (SimEngine.snapshot/release), the debugger's
 * Session (checkpoints, dense snaps, the working machine), tests.
 */
import { heapCopy } from './core.js';
import { epCopy } from './kernel/epoll.js';
import type { Epoll, Machine } from './machine.js';
import type { EntKind } from './steplog.js';
import { noteWrite } from './viewdirty.js';

/**
 * What the write barrier names: the step log's entity kinds, a server HTTP connection, and the entries
 * of the two lookup maps (client connection → socket, port → listener), which only the undo log needs.
 */
export type BarrierKind = EntKind | 'hconn' | 'connsock' | 'listener';

/** The undo log's hook (undo.ts): told of each write while an event is logged; null otherwise. */
let writeHook: ((m: Machine, kind: BarrierKind, id: number) => void) | null = null;

export function setWriteHook(f: ((m: Machine, kind: BarrierKind, id: number) => void) | null): void {
  writeHook = f;
}

/** The kinds whose entities are shared between snapshots (every write to them passes `touch`). */
type SharedKind = 'sock' | 'file' | 'ep' | 'g' | 'pd' | 'client' | 'hconn';

/**
 * The id-keyed container a kind's entities live in (null for the kinds kept as one value or in ring
 * slots: steplog.ts puts those back). `own` finds shared entities here; the undo log (undo.ts) puts
 * written entities back here.
 */
export function containerOf(m: Machine, k: BarrierKind): Record<number, unknown> | null {
  switch (k) {
    case 'sock':
      return m.socks;
    case 'file':
      return m.files;
    case 'ep':
      return m.eps;
    case 'g':
      return m.rt.gs;
    case 'pd':
      return m.rt.pds;
    case 'client':
      return m.clients;
    case 'hconn':
      return m.hconns;
    case 'connsock':
      return m.connSock;
    case 'listener':
      return m.listeners;
    case 'evfd':
      return m.evcount;
    case 'fd':
      return m.proc.fds;
    case 'm':
      return m.rt.ms;
    case 'p':
      return m.rt.ps;
    default:
      return null;
  }
}

/** An entity's index in its container: a client's id is 1-based. */
export function slotOf(k: BarrierKind, id: number): number {
  return k === 'client' ? id - 1 : id;
}

/** The container a shared kind's entity lives in (chunked in a kept snapshot). */
function slots(m: Machine, k: SharedKind): Record<number, unknown> | Chunks {
  return containerOf(m, k)!;
}

const SHARED: Record<BarrierKind, boolean> = {
  sock: true,
  file: true,
  ep: true,
  g: true,
  m: false,
  p: false,
  pd: true,
  client: true,
  hconn: true,
  connsock: false,
  listener: false,
  fd: false,
  evfd: false,
  globrunq: false,
  nic: false,
  rxslot: false,
  txslot: false,
  stats: false,
  proc: false,
};

interface Member {
  /** The machine (null once released: a member made from it may still name it as `src`). */
  m: Machine | null;
  ver: number;
  /** The member this one is a snapshot of (null: the family's first machine). */
  src: Member | null;
  /** Released: no longer in the family (`release`). */
  gone: boolean;
}

interface Family {
  /** A number no other family has (an object's PrivAt names its family by it). */
  id: number;
  /** Members in creation order (ascending ver). */
  members: Member[];
  ver: number;
  /** Estimated bytes allocated for snapshots and copies-on-write, ever (the Session's budget reads it). */
  bytes: number;
  /** The last kept snapshot's chunked containers, by name (CHUNKED): the next one shares their chunks. */
  lastKept: Map<string, Chunks>;
}

/**
 * For an object made private by a member, or handed out as a copy: the versions of the members that
 * held it then [lo, hi], and the family's version then (`after`). Kept on the object itself, as a
 * property no copy, JSON, spread or structuredClone reads (non-enumerable, symbol-keyed): a WeakMap
 * cost a hash lookup per write, and its ~200k entries (c10k) were ephemerons that V8 processes in
 * the atomic pause of each full collection.
 */
interface PrivAt {
  /** The family the versions belong to (a released machine may start a family of its own). */
  fam: number;
  lo: number;
  hi: number;
  after: number;
}

const PRIV_AT = Symbol('cow.privAt');

function privAt(obj: object, f: Family): PrivAt | undefined {
  const p = (obj as { [PRIV_AT]?: PrivAt })[PRIV_AT];
  return p !== undefined && p.fam === f.id ? p : undefined;
}

function setPrivAt(obj: object, p: PrivAt): void {
  Object.defineProperty(obj, PRIV_AT, { value: p, writable: true, enumerable: false, configurable: true });
}

/** Records obj as held by the member of version v alone, as of the family's version now. */
function heldBy(obj: object, f: Family, v: number): void {
  setPrivAt(obj, { fam: f.id, lo: v, hi: v, after: f.ver });
}

const families = new WeakMap<Machine, Family>();
let nextFamilyId = 0;
/** A member's version. */
const vers = new WeakMap<Machine, number>();
/** One-entry cache of the last lookup (family and version): touch runs several times per event. */
let lastM: Machine | null = null;
let lastF: Family | undefined;
let lastVer = -1;

function familyOf(m: Machine): Family | undefined {
  if (m === lastM) return lastF;
  lastM = m;
  lastF = families.get(m);
  lastVer = vers.get(m) ?? -1;
  return lastF;
}

/** Slots and objects copied by `copy` (a byte estimate: ~16 bytes a slot, ~32 an object). */
let copiedSlots = 0;
let copiedObjects = 0;

/** Deep copy of plain data (no cycles, no shared subtrees inside one entity); objects keep their shapes. */
export function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  copiedObjects++;
  if (ArrayBuffer.isView(v)) return (v as unknown as Float64Array).slice();
  if (Array.isArray(v)) {
    const n = v.length;
    copiedSlots += n;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = v[i];
      // An id-indexed container has holes (freed ids): they stay holes.
      if (x === undefined && !(i in v)) continue;
      out[i] = typeof x === 'object' && x !== null ? copy(x) : x;
    }
    return out;
  }
  // A spread keeps the source's shape: V8 clones a fast object as a fast object. Filling `{}` key by
  // key turned every copy of an entity of more than ~16 fields (sockets, clients) into a dictionary:
  // ~3 KB a socket instead of ~0.5, ~110 of a c10k session's ~225 MB, and slower to read (profiled).
  const out = { ...(v as Record<string, unknown>) };
  for (const k in out) {
    const x = out[k];
    copiedSlots++;
    if (typeof x === 'object' && x !== null) out[k] = copy(x);
  }
  return out;
}

/**
 * The copy of a shared entity given to the members that held it: deep, except that an epoll instance's
 * interest list is shared page by page (kernel/epoll.ts epCopy), so copying an instance watching 10,000
 * fds copies a list of 313 pages, not 10,000 entries.
 */
function copyEntity(k: SharedKind, obj: object): unknown {
  if (k !== 'ep') return copy(obj);
  copiedSlots += (obj as Epoll).items.length;
  return epCopy(obj as Epoll, copy);
}

function copiedBytes(): number {
  return 16 * copiedSlots + 32 * copiedObjects;
}

/**
 * A kept snapshot's id-indexed container, in chunks of CHUNK slots. Consecutive kept snapshots share
 * every chunk in which no slot changed between them (a chunk is compared slot by slot with the previous
 * kept snapshot's when the snapshot is taken), so a checkpoint costs the chunks written since the last
 * one, not the whole container: on c10k a checkpoint's flat containers were ~1.2 MB, about half of it.
 * A chunk shared by several members is written in place by `own` (a shared entity's copy goes into
 * one slot that all of them read); nothing else writes a kept snapshot. Kept snapshots are only copied
 * from: `snapshot` and `flat` give flat containers back.
 */
class Chunks {
  constructor(
    readonly length: number,
    readonly chunks: unknown[][],
  ) {}
}

/** Slots per chunk (a power of two): small enough that c10k's scattered writes leave most chunks shared. */
const CHUNK_BITS = 6;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
/** Containers shorter than this stay flat arrays in a kept snapshot (a directory would cost as much). */
const CHUNK_MIN = 4 * CHUNK;

/** A container's slot, flat or chunked. */
function slotGet(c: Record<number, unknown> | Chunks, idx: number): unknown {
  if (c instanceof Chunks) return c.chunks[idx >>> CHUNK_BITS]?.[idx & CHUNK_MASK];
  return c[idx];
}

function slotSet(c: Record<number, unknown> | Chunks, idx: number, v: unknown): void {
  if (c instanceof Chunks) c.chunks[idx >>> CHUNK_BITS][idx & CHUNK_MASK] = v;
  else c[idx] = v;
}

/** The same slots as one array (holes stay holes: concat keeps them). */
function unchunk<T>(c: T | Chunks): T {
  if (!(c instanceof Chunks)) return c;
  const out = ([] as unknown[]).concat(...c.chunks);
  out.length = c.length;
  return out as T;
}

/** Two slices of slots hold the same values (a hole and an undefined differ). */
function sameSlots(a: unknown[], from: number, to: number, b: unknown[]): boolean {
  if (b.length !== to - from) return false;
  for (let i = from; i < to; i++) {
    const x = a[i];
    const y = b[i - from];
    if (x !== y) return false;
    if (x === undefined && i in a !== i - from in b) return false;
  }
  return true;
}

/**
 * `flatC` in chunks, sharing each chunk of `prev` (the family's last kept snapshot's container) whose
 * slots are the same.
 */
function chunk(flatC: unknown[], prev: Chunks | undefined): Chunks {
  const n = flatC.length;
  const chunks: unknown[][] = new Array(Math.ceil(n / CHUNK));
  copiedSlots += chunks.length;
  for (let j = 0, a = 0; a < n; j++, a += CHUNK) {
    const b = Math.min(n, a + CHUNK);
    const old = prev?.chunks[j];
    if (old !== undefined && sameSlots(flatC, a, b, old)) chunks[j] = old;
    else {
      chunks[j] = flatC.slice(a, b);
      copiedSlots += b - a;
    }
  }
  return new Chunks(n, chunks);
}

/** The id-indexed containers a kept snapshot may keep in chunks (`snapshot`'s copyC): `flat` joins them. */
const CHUNKED: { get: (m: Machine) => unknown; set: (m: Machine, c: unknown) => void }[] = [
  { get: (m) => m.socks, set: (m, c) => void (m.socks = c as Machine['socks']) },
  { get: (m) => m.files, set: (m, c) => void (m.files = c as Machine['files']) },
  { get: (m) => m.clients, set: (m, c) => void (m.clients = c as Machine['clients']) },
  { get: (m) => m.hconns, set: (m, c) => void (m.hconns = c as Machine['hconns']) },
  { get: (m) => m.connSock, set: (m, c) => void (m.connSock = c as Machine['connSock']) },
  { get: (m) => m.rt.gs, set: (m, c) => void (m.rt.gs = c as Machine['rt']['gs']) },
  { get: (m) => m.rt.pds, set: (m, c) => void (m.rt.pds = c as Machine['rt']['pds']) },
  { get: (m) => m.proc.fds, set: (m, c) => void (m.proc.fds = c as Machine['proc']['fds']) },
];

/**
 * The write barrier's sharing half (called by `touch` before the sim writes entity `id` of `kind`):
 * every other member of m's family that holds the same object gets a copy of it first.
 */
export function own(m: Machine, kind: BarrierKind, id: number): void {
  // Every write to an entity passes here (from touch, or directly): the view's dirty marks and the
  // undo log too.
  if (writeHook !== null) writeHook(m, kind, id);
  noteWrite(m, kind, id);
  const f = familyOf(m);
  if (f === undefined || !SHARED[kind]) return;
  const k = kind as SharedKind;
  const idx = slotOf(k, id);
  const obj = slotGet(slots(m, k), idx);
  const mv = lastVer; // m's version, looked up with its family by familyOf
  if (typeof obj !== 'object' || obj === null) {
    // The slot is empty: the sim is about to make the entity (it touches, then assigns).
    noteCreation(m, k, idx, f.ver);
    return;
  }
  const p = privAt(obj, f);
  if (p !== undefined && p.after === f.ver && p.lo === mv && p.hi === mv) return;
  if (p === undefined && madeHere(m, k, idx, f.ver)) {
    // Made by m since the family's last snapshot: nobody else can hold it.
    heldBy(obj, f, mv);
    return;
  }
  const members = f.members;
  const before = copiedBytes();
  scanK = k;
  scanIdx = idx;
  scanObj = obj;
  scanDup = undefined;
  scanLo = Number.POSITIVE_INFINITY;
  scanHi = -1;
  scanHeld.length = 0;
  scanWriter = memberAt(members, mv);
  scanPLo = p?.lo ?? 0;
  scanPHi = p?.hi ?? 0;
  // The members that can hold obj: those in [lo, hi] (who held it when it was last made private or
  // copied) and, among those created since, snapshots of a holder.
  if (p === undefined) scan(members, 0, f.ver, f.ver);
  else {
    if (p.after <= p.hi) scan(members, Math.min(p.lo, p.after + 1), f.ver, p.after);
    else {
      scan(members, p.lo, p.hi, p.after);
      scan(members, p.after + 1, f.ver, p.after);
    }
  }
  const dup = scanDup;
  const dlo = scanLo;
  const dhi = scanHi;
  scanObj = null;
  scanDup = undefined;
  scanHeld.length = 0;
  f.bytes += copiedBytes() - before;
  if (dup !== undefined && typeof dup === 'object' && dup !== null)
    setPrivAt(dup, { fam: f.id, lo: dlo, hi: dhi, after: f.ver });
  if (p === undefined) heldBy(obj, f, mv);
  else {
    p.lo = mv;
    p.hi = mv;
    p.after = f.ver;
  }
}

/**
 * The entity in m's slot is an object no other member holds (the undo log put back the pre-image it
 * copied: undo.ts), so m's next write to it need not look for other holders. Without this, each such
 * write visited every member of the family (an object with no PrivAt could be anybody's).
 */
export function heldOnlyBy(m: Machine, kind: BarrierKind, id: number): void {
  const f = familyOf(m);
  if (f === undefined || !SHARED[kind]) return;
  const obj = slotGet(slots(m, kind as SharedKind), slotOf(kind, id));
  if (typeof obj !== 'object' || obj === null) return;
  const mv = lastVer; // m's version, looked up with its family by familyOf
  heldBy(obj, f, mv);
}

/**
 * The last entities m's slots were empty for when touched (the sim touches an entity, then makes it):
 * machine, kind, slot and the family's version then, in a ring of CREATIONS. An object with no PrivAt
 * in such a slot was made by m after the family's last snapshot, so its first write need not visit
 * every member of the family for other holders (c10k: a replayed connection makes a socket, a file, a
 * pollDesc, a G and an HTTP connection; those first writes were ~60 % of the barrier's member reads).
 */
const CREATIONS = 16;
const createdM: (Machine | null)[] = new Array(CREATIONS).fill(null);
const createdK: SharedKind[] = new Array(CREATIONS).fill('sock');
const createdIdx: number[] = new Array(CREATIONS).fill(-1);
const createdVer: number[] = new Array(CREATIONS).fill(-1);
let createdNext = 0;

function noteCreation(m: Machine, k: SharedKind, idx: number, ver: number): void {
  const i = createdNext;
  createdNext = (i + 1) % CREATIONS;
  createdM[i] = m;
  createdK[i] = k;
  createdIdx[i] = idx;
  createdVer[i] = ver;
}

/** Whether m touched slot idx of kind k while it was empty, with no snapshot of the family since. */
function madeHere(m: Machine, k: SharedKind, idx: number, ver: number): boolean {
  for (let i = 0; i < CREATIONS; i++) {
    if (createdM[i] === m && createdIdx[i] === idx && createdK[i] === k && createdVer[i] === ver) {
      createdM[i] = null;
      return true;
    }
  }
  return false;
}

/** One `own` scan's state (module-level: no closure is made per write). */
let scanK: SharedKind = 'sock';
let scanIdx = 0;
let scanObj: unknown = null;
/** The copy given to the other holders, made at the first one found. */
let scanDup: unknown;
/** Versions of the first and last holder found. */
let scanLo = Number.POSITIVE_INFINITY;
let scanHi = -1;
/** The holders' range [lo, hi] when obj was last made private or copied. */
let scanPLo = 0;
let scanPHi = 0;
/** The holders found so far (a snapshot made from one of them after `lineageAfter` may hold obj too). */
const scanHeld: Member[] = [];
let scanWriter: Member | undefined;

/**
 * Gives the members with ver in [from, to] that hold scanObj the copy. A member created after
 * `lineageAfter` (when obj was last made private or copied, and its holders were within the range
 * scanned first) can hold obj only if the machine it is a snapshot of did when it was made: the
 * writer, a holder found, or one released since (not known, so checked). The others are skipped
 * without reading their containers: after a replay, most of the family are checkpoints of the
 * recording machine, which never held the copies the working machine writes.
 */
function scan(members: Member[], from: number, to: number, lineageAfter: number): void {
  const k = scanK;
  const idx = scanIdx;
  const obj = scanObj;
  for (let i = firstAtLeast(members, from); i < members.length && members[i].ver <= to; i++) {
    const x = members[i];
    if (x === scanWriter) continue;
    if (x.ver > lineageAfter) {
      const src = x.src;
      if (src !== null && src !== scanWriter && !scanHeld.includes(src)) {
        // The source held no obj at `lineageAfter` (outside [lo, hi]), or this scan found it holds
        // none (a member not released is visited before the snapshots made of it). A released source
        // within [lo, hi] or made later: not known, so x is checked.
        const outside = src.ver <= lineageAfter && (src.ver < scanPLo || src.ver > scanPHi);
        if (outside || !src.gone) continue;
      }
    }
    const sl = slots(x.m!, k);
    const cur = slotGet(sl, idx);
    if (cur === obj) {
      scanDup ??= copyEntity(k, obj as object);
      slotSet(sl, idx, scanDup);
    } else if (scanDup === undefined || cur !== scanDup) continue;
    // A holder, or a kept snapshot that shares the chunk a holder's copy just went into.
    scanHeld.push(x);
    if (x.ver < scanLo) scanLo = x.ver;
    if (x.ver > scanHi) scanHi = x.ver;
  }
}

/** The member with version v (members ascending by ver), if any. */
function memberAt(members: Member[], v: number): Member | undefined {
  const i = firstAtLeast(members, v);
  return i < members.length && members[i].ver === v ? members[i] : undefined;
}

/** Index of the first member whose ver is ≥ v (members ascending by ver). */
function firstAtLeast(members: Member[], v: number): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (members[mid].ver < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A copy of m that shares m's entities until either writes one (see the file comment). Both are members
 * of one family from here on; `release` the copy when it is dropped.
 */
export function snapshot(m: Machine, { kept = false }: { kept?: boolean } = {}): Machine {
  let f = families.get(m);
  if (f === undefined) {
    f = {
      id: nextFamilyId++,
      members: [{ m, ver: 0, src: null, gone: false }],
      ver: 0,
      bytes: 0,
      lastKept: new Map(),
    };
    families.set(m, f);
    vers.set(m, 0);
    if (lastM === m) {
      lastF = f;
      lastVer = 0;
    }
  }
  const before = copiedBytes();
  const { sc, socks, files, eps, clients, heap, heapT, heapS, connSock, evcount, listeners, hconns } = m;
  const { gs, pds, globrunq, pidle, midle } = m.rt;
  const { rx, tx, qdisc } = m.nic;
  // The id-indexed containers (CHUNKED): a kept copy has the long ones in chunks, sharing the last
  // kept snapshot's unchanged ones (Chunks), made from m's container without a flat copy first.
  const copyC = <T extends object>(name: string, c: T): T => {
    if (!kept) return containerCopy(c);
    const flatC = unchunk(c);
    if (!Array.isArray(flatC) || flatC.length < CHUNK_MIN) return flatC === c ? shallow(c) : flatC;
    const chunked = chunk(flatC, f.lastKept.get(name));
    f.lastKept.set(name, chunked);
    return chunked as unknown as T;
  };
  // Everything not handled below is copied deeply (a field added later is safe by default).
  const out = copy({
    ...m,
    sc: null,
    socks: null,
    files: null,
    eps: null,
    clients: null,
    heap: null,
    heapT: null,
    heapS: null,
    connSock: null,
    evcount: null,
    listeners: null,
    hconns: null,
    proc: { ...m.proc, fds: null, log: null },
    rt: { ...m.rt, gs: null, pds: null, globrunq: null, pidle: null, midle: null },
    nic: {
      ...m.nic,
      qdisc: null,
      rx: { ...rx, state: null, segs: null },
      tx: { ...tx, state: null, segs: null },
    },
  }) as Machine;
  out.sc = sc;
  out.socks = copyC('socks', socks);
  out.files = copyC('files', files);
  out.eps = shallow(eps);
  out.clients = copyC('clients', clients);
  // A kept copy (a checkpoint: only ever copied from) keeps the events without their keys, 2 × 8 bytes
  // a pending event (c10k: ~0.6 MB a checkpoint), and without room to grow; a copy to step gets room
  // (heapCopy), and the keys of a copy of a kept one come back as its steps compare them (heapKeys).
  out.heap = kept ? heap.slice() : heapCopy(heap);
  out.heapT = kept ? [] : heapCopy(heapT);
  out.heapS = kept ? [] : heapCopy(heapS);
  out.connSock = copyC('connSock', connSock);
  out.evcount = shallow(evcount);
  out.listeners = shallow(listeners);
  out.hconns = copyC('hconns', hconns);
  out.proc.fds = copyC('fds', m.proc.fds);
  out.proc.log = m.proc.log.slice();
  out.rt.gs = copyC('gs', gs);
  out.rt.pds = copyC('pds', pds);
  out.rt.globrunq = globrunq.slice();
  out.rt.pidle = pidle.slice();
  out.rt.midle = midle.slice();
  out.nic.qdisc = qdisc.slice();
  out.nic.rx.state = rx.state.slice();
  out.nic.rx.segs = rx.segs.slice();
  out.nic.tx.state = tx.state.slice();
  out.nic.tx.segs = tx.segs.slice();
  copiedSlots += heap.length * (kept ? 1 : 3) + 6 * clients.length;
  f.ver++;
  f.members.push({ m: out, ver: f.ver, src: memberAt(f.members, vers.get(m) ?? -1) ?? null, gone: false });
  families.set(out, f);
  vers.set(out, f.ver);
  f.bytes += copiedBytes() - before;
  return out;
}

/**
 * A container of the copy: a kept snapshot's chunks joined (already a new array), or a flat one
 * copied (`shallow`).
 */
function containerCopy<T extends object>(c: T): T {
  if (c instanceof Chunks) {
    copiedSlots += c.length;
    return unchunk(c);
  }
  return shallow(c);
}

/** A container's copy: the same entries, the same kind (id-indexed arrays stay arrays). */
function shallow<T extends object>(c: T): T {
  copiedSlots += Array.isArray(c) ? c.length : 0;
  return (Array.isArray(c) ? c.slice() : { ...c }) as T;
}

/** Takes m out of its family: its entities need no protection from the others' writes any more. */
export function release(m: Machine): void {
  const f = families.get(m);
  if (f === undefined) return;
  families.delete(m);
  if (lastM === m) lastM = null;
  const i = f.members.findIndex((x) => x.m === m);
  if (i >= 0) {
    f.members[i].gone = true;
    f.members[i].m = null;
    f.members.splice(i, 1);
  }
}

/** Estimated bytes allocated for m's family's snapshots and copies so far (0 without a family). */
export function familyBytes(m: Machine): number {
  return families.get(m)?.bytes ?? 0;
}

/**
 * The machine's content as text (tests: a snapshot must never change). JSON, not v8.serialize: a copy
 * given to a snapshot has the same content but not the same aliasing, which serialize would encode.
 */
export function fingerprint(m: Machine): string {
  return JSON.stringify({ ...flat(m), sc: null });
}

/**
 * m with flat containers: m itself, or for a kept snapshot a shallow copy of it whose chunked
 * containers are joined (to be read, not stepped: it shares m's entities outside any family).
 */
export function flat(m: Machine): Machine {
  if (!CHUNKED.some((c) => c.get(m) instanceof Chunks)) return m;
  const out = { ...m, rt: { ...m.rt }, proc: { ...m.proc } };
  for (const c of CHUNKED) c.set(out, unchunk(c.get(m)));
  return out;
}
