/**
 * The step log: what each trace record changed, so that a step is one state transition.
 *
 * The simulation writes state in place. Before it writes an entity (a socket, an fd slot, a G, a P, an
 * RX slot …) it calls `touch(m, kind, id)` (core.ts). While an engine step is *tracked* (the caller
 * passed a StepLog), the first touch of an entity since the last record keeps two things: a deep copy
 * of the entity as it was (its pre-image, for rewinding inside an event) and its flat form (for the
 * change list). When a record is emitted, every entity touched since the previous record belongs to it:
 * its `changes` are the flat entries that differ between before and now. Writes after an event's last
 * record (and before the event ends) belong to that last record.
 *
 * The flat form is the change vocabulary: plain names that match the panes and the watch gauges —
 * `fd 3 acceptq`, `conn 1 rcvq`, `fd 4` (the fd table slot), `epoll 5 rdllist`, `G6 status`, `P0 runq`,
 * `rx slot 2`, `client 1 state`. Each name belongs to exactly one entity kind, so a change is claimed by
 * the entity that was written. `flatMachine` flattens everything (tests replay changes against it).
 *
 * With the pre-images of one event's records, `machineAt` gives the machine as it was right after any
 * record of that event, without replaying: the debugger shows step N exactly as record N left it.
 *
 * Who touches it: core.ts (touch, emit), engine.ts (step), the debugger (machineAt), tests.
 */
import { GAUGES, type Gauge } from './api.js';
import { copy } from './cow.js';
import { epCopy, epInterestFds } from './kernel/epoll.js';
import { fdOfSock, fileAt } from './kernel/file.js';
import { ofoText } from './kernel/socket.js';
import type { Epoll, Machine, Ring } from './machine.js';
import { pdState } from './runtime/netpoll.js';
import { notePutBack, viewsAs } from './viewdirty.js';

/** The kinds of entity a write barrier names. */
export type EntKind =
  | 'sock' // m.socks[id]
  | 'file' // m.files[id] (an open file description; its fd slot is touched with it)
  | 'fd' // m.proc.fds[fd]: the fd table slot
  | 'ep' // m.eps[id]
  | 'evfd' // m.evcount[id]
  | 'g' // m.rt.gs[id]
  | 'm' // m.rt.ms[id]
  | 'p' // m.rt.ps[id]
  | 'pd' // m.rt.pds[fd]
  | 'globrunq' // m.rt.globrunq (id 0)
  | 'client' // m.clients[conn - 1]
  | 'nic' // the NIC's counters and both rings' head/tail/used (id 0)
  | 'rxslot' // m.nic.rx slot id
  | 'txslot' // m.nic.tx slot id
  | 'stats' // m.stats (id 0)
  | 'proc'; // the process's exit status (id 0)

/** A value in the change vocabulary. */
export type FlatValue = string | number | boolean;
export type Flat = Record<string, FlatValue>;

/** One entry of a record's `changes`: `what` went `from` → `to` (null: absent before / after). */
export interface Change {
  what: string;
  from: FlatValue | null;
  to: FlatValue | null;
}

/** An entity as it was before the writes of one record. */
export interface Image {
  kind: EntKind;
  id: number;
  /** Deep copy of the entity, or ABSENT when it did not exist. */
  pre: unknown;
  /** Its flat form then. */
  flat: Flat;
}

export const ABSENT = Symbol('absent');

/** The images of one record: what it wrote. */
export interface RecordImages {
  step: number;
  images: Image[];
}

/**
 * What the caller of a tracked `step` gets back: for each record of that event, the pre-images of what
 * it wrote; `unnarrated` lists changes that an event made without emitting any record (they are carried
 * into the next record; a test keeps this empty for the built-ins).
 */
export interface StepLog {
  recs: RecordImages[];
  unnarrated: string[];
}

export function newStepLog(): StepLog {
  return { recs: [], unnarrated: [] };
}

// ── access to each kind ─────────────────────────────────────────────────────────────────────────

function get(m: Machine, k: EntKind, id: number): unknown {
  switch (k) {
    case 'sock':
      return m.socks[id];
    case 'file':
      return m.files[id];
    case 'fd':
      return id < m.proc.fds.length ? m.proc.fds[id] : undefined;
    case 'ep':
      return m.eps[id];
    case 'evfd':
      return m.evcount[id];
    case 'g':
      return m.rt.gs[id];
    case 'm':
      return m.rt.ms[id];
    case 'p':
      return m.rt.ps[id];
    case 'pd':
      return m.rt.pds[id];
    case 'globrunq':
      return m.rt.globrunq;
    case 'client':
      return m.clients[id - 1];
    case 'nic': {
      const n = m.nic;
      return {
        napi: n.napi,
        polled: n.polled,
        irqRx: n.irqRx,
        irqTx: n.irqTx,
        rxDropped: n.rxDropped,
        rx: [n.rx.head, n.rx.tail, n.rx.used],
        tx: [n.tx.head, n.tx.tail, n.tx.used],
      };
    }
    case 'rxslot':
      return { state: m.nic.rx.state[id], seg: m.nic.rx.segs[id] };
    case 'txslot':
      return { state: m.nic.tx.state[id], seg: m.nic.tx.segs[id] };
    case 'stats':
      return m.stats;
    case 'proc':
      return { exited: m.proc.exited, status: m.proc.status, message: m.proc.message };
  }
}

/** A pre-image's copy: deep, except an epoll instance's interest list, shared page by page (epCopy). */
function imageCopy(k: EntKind, v: unknown): unknown {
  return k === 'ep' ? epCopy(v as Epoll, copy) : copy(v);
}

/** The entity's copy (imageCopy), or ABSENT. */
export function imageOf(m: Machine, k: EntKind, id: number): unknown {
  const v = get(m, k, id);
  return v === undefined ? ABSENT : imageCopy(k, v);
}

// ── names ───────────────────────────────────────────────────────────────────────────────────────

/**
 * A socket's name in the change vocabulary: `conn C` for a connection's socket (stable from the
 * handshake to the end), else `fd N` (a listener, a probe socket), else `sock #id`.
 */
export function sockName(m: Machine, id: number): string {
  const s = m.socks[id];
  if (s && s.conn > 0) return `conn ${s.conn}`;
  const fd = fdOfSock(m, id);
  return fd >= 0 ? `fd ${fd}` : `sock #${id}`;
}

/** The same name from the view's fields (panes use it to ask whether a value changed). */
export function sockViewName(s: { id: number; fd?: number; conn?: number }): string {
  if (s.conn) return `conn ${s.conn}`;
  return s.fd !== undefined ? `fd ${s.fd}` : `sock #${s.id}`;
}

/** The fd of an epoll instance (its name), or its id when it has none. */
function epName(m: Machine, id: number): string {
  const e = m.eps[id];
  return `epoll ${e && e.fd >= 0 ? e.fd : `#${id}`}`;
}

const list = (a: readonly (number | string)[]): string => `[${a.join(' ')}]`;
/** An epoll instance's interest list as text, by its fds array (kept until an fd comes or goes). */
const interestTexts = new WeakMap<readonly number[], string>();
function interestText(fds: readonly number[]): string {
  let t = interestTexts.get(fds);
  if (t === undefined) {
    t = list(fds);
    interestTexts.set(fds, t);
  }
  return t;
}
const SLOT_RX = ['free', 'dma', 'filled'];

// ── flat forms ──────────────────────────────────────────────────────────────────────────────────

/** Adds the flat entries of one entity to `out`. */
export function flatInto(m: Machine, k: EntKind, id: number, out: Flat): void {
  switch (k) {
    case 'sock': {
      const s = m.socks[id];
      if (!s) return;
      const n = sockName(m, id);
      out[`${n} state`] = s.state;
      if (s.local) out[`${n} local`] = s.local;
      if (s.state === 'LISTEN') {
        out[`${n} synq`] = s.synq.length;
        out[`${n} acceptq`] = s.acceptq.length;
        out[`${n} backlog`] = s.backlog;
      } else {
        out[`${n} rcvq`] = s.rcvq;
        out[`${n} sndq`] = Math.max(0, s.writeSeq - s.sndUna);
        if (s.ofo.length > 0) out[`${n} ofoq`] = ofoText(s);
      }
      return;
    }
    case 'file':
      return; // an open file shows through its fd slot (touched with it)
    case 'fd': {
      const fid = id < m.proc.fds.length ? m.proc.fds[id] : -1;
      const f = fid >= 0 ? m.files[fid] : undefined;
      if (!f) return;
      const flags = [f.nonblock ? 'O_NONBLOCK' : '', f.cloexec ? 'O_CLOEXEC' : ''].filter(Boolean).join('|');
      out[`fd ${id}`] = `${f.type}: ${f.name}${flags ? ` ${flags}` : ''}`;
      return;
    }
    case 'ep': {
      const e = m.eps[id];
      if (!e) return;
      const n = epName(m, id);
      out[`${n} interest`] = interestText(epInterestFds(e));
      out[`${n} rdllist`] = list(e.rdllist);
      out[`${n} waiters`] = list(e.waiters);
      return;
    }
    case 'evfd':
      if (m.evcount[id] !== undefined) out[`eventfd #${id} count`] = m.evcount[id];
      return;
    case 'g': {
      const g = m.rt.gs[id];
      if (!g) return;
      out[`G${id} status`] = g.status === 'waiting' ? `waiting (${g.waitReason})` : g.status;
      if (g.m >= 0) out[`G${id} m`] = `M${g.m}`;
      return;
    }
    case 'm': {
      const x = m.rt.ms[id];
      if (!x) return;
      out[`M${id} state`] = x.state;
      out[`M${id} p`] = x.p >= 0 ? `P${x.p}` : '-';
      out[`M${id} curg`] = x.curg >= 0 ? `G${x.curg}` : '-';
      out[`M${id} spinning`] = x.spinning;
      return;
    }
    case 'p': {
      const p = m.rt.ps[id];
      if (!p) return;
      out[`P${id} status`] = p.status;
      out[`P${id} m`] = p.m >= 0 ? `M${p.m}` : '-';
      out[`P${id} runnext`] = p.runnext > 0 ? `G${p.runnext}` : '-';
      out[`P${id} runq`] = list(p.runq);
      out[`P${id} schedtick`] = p.schedtick;
      return;
    }
    case 'pd': {
      const pd = m.rt.pds[id];
      if (!pd) return;
      out[`pd ${id} rg`] = pdState(pd.rg);
      out[`pd ${id} wg`] = pdState(pd.wg);
      return;
    }
    case 'globrunq':
      out.globrunq = list(m.rt.globrunq);
      return;
    case 'client': {
      const c = m.clients[id - 1];
      if (!c) return;
      out[`client ${id} state`] = c.state;
      out[`client ${id} sent`] = c.sent;
      out[`client ${id} received`] = c.received;
      out[`client ${id} responses`] = c.responses;
      if (c.statuses.length) out[`client ${id} status`] = c.statuses[c.statuses.length - 1];
      return;
    }
    case 'nic': {
      const n = m.nic;
      out['rx head'] = n.rx.head;
      out['rx tail'] = n.rx.tail;
      out['rx used'] = n.rx.used;
      out['tx head'] = n.tx.head;
      out['tx tail'] = n.tx.tail;
      out['tx used'] = n.tx.used;
      out['rx irqs'] = n.irqRx;
      out['tx irqs'] = n.irqTx;
      out['rx drops'] = n.rxDropped;
      out.napi = n.napi ? 'scheduled' : 'idle';
      return;
    }
    case 'rxslot':
      if (id < m.nic.rx.size) out[`rx slot ${id}`] = SLOT_RX[m.nic.rx.state[id]] ?? '?';
      return;
    case 'txslot':
      if (id < m.nic.tx.size) out[`tx slot ${id}`] = m.nic.tx.state[id] > 0 ? 'tx' : 'free';
      return;
    case 'stats': {
      const s = m.stats;
      out['frames sent'] = s.framesSent;
      out['frames delivered'] = s.framesDelivered;
      out['frames dropped'] = s.framesDropped;
      out['listen drops'] = s.listenDrops;
      out.retransmits = s.retransmits;
      return;
    }
    case 'proc':
      if (m.proc.exited) out.exit = `${m.proc.status}${m.proc.message ? `: ${m.proc.message}` : ''}`;
      return;
  }
}

/** Every entity of the machine, flattened: the whole change vocabulary at this moment. */
export function flatMachine(m: Machine): Flat {
  const out: Flat = {};
  for (const id in m.socks) flatInto(m, 'sock', Number(id), out);
  for (let fd = 0; fd < m.proc.fds.length; fd++) flatInto(m, 'fd', fd, out);
  for (const id in m.eps) flatInto(m, 'ep', Number(id), out);
  for (const id in m.evcount) flatInto(m, 'evfd', Number(id), out);
  for (const id in m.rt.gs) flatInto(m, 'g', Number(id), out);
  for (let i = 0; i < m.rt.ms.length; i++) flatInto(m, 'm', i, out);
  for (let i = 0; i < m.rt.ps.length; i++) flatInto(m, 'p', i, out);
  for (const fd in m.rt.pds) flatInto(m, 'pd', Number(fd), out);
  flatInto(m, 'globrunq', 0, out);
  for (const c of m.clients) flatInto(m, 'client', c.conn, out);
  flatInto(m, 'nic', 0, out);
  for (let i = 0; i < m.nic.rx.size; i++) flatInto(m, 'rxslot', i, out);
  for (let i = 0; i < m.nic.tx.size; i++) flatInto(m, 'txslot', i, out);
  flatInto(m, 'stats', 0, out);
  flatInto(m, 'proc', 0, out);
  return out;
}

/** The entries that differ between two flat forms, in a stable order (before's keys, then new ones). */
export function diffFlat(before: Flat, after: Flat, out: Change[] = []): Change[] {
  for (const k in before) {
    const a = k in after ? after[k] : null;
    if (a !== before[k]) out.push({ what: k, from: before[k], to: a });
  }
  for (const k in after) if (!(k in before)) out.push({ what: k, from: null, to: after[k] });
  return out;
}

/** Applies changes to a flat form (forward), or undoes them (backward). */
export function applyChanges(f: Flat, changes: readonly Change[], backward = false): void {
  for (const c of changes) {
    const v = backward ? c.from : c.to;
    if (v === null) delete f[c.what];
    else f[c.what] = v;
  }
}

// ── rewinding inside an event ───────────────────────────────────────────────────────────────────

/** Sets an entity back to an image (on an overlay machine whose containers are already copied; undo.ts). */
export function putImage(m: Machine, k: EntKind, id: number, v: unknown): void {
  const absent = v === ABSENT;
  const rec = <T>(o: Record<number, T>) => {
    if (absent) delete o[id];
    else o[id] = v as T;
  };
  switch (k) {
    case 'sock':
      return rec(m.socks);
    case 'file':
      return rec(m.files);
    case 'fd':
      m.proc.fds[id] = absent ? -1 : (v as number);
      return;
    case 'ep':
      return rec(m.eps);
    case 'evfd':
      return rec(m.evcount);
    case 'g':
      return rec(m.rt.gs);
    case 'pd':
      return rec(m.rt.pds);
    case 'm':
      if (absent) m.rt.ms.length = Math.min(m.rt.ms.length, id);
      else m.rt.ms[id] = v as Machine['rt']['ms'][number];
      return;
    case 'p':
      if (!absent) m.rt.ps[id] = v as Machine['rt']['ps'][number];
      return;
    case 'globrunq':
      m.rt.globrunq = absent ? [] : (v as number[]);
      return;
    case 'client':
      if (!absent) m.clients[id - 1] = v as Machine['clients'][number];
      return;
    case 'nic': {
      const x = v as ReturnType<typeof get> & {
        napi: boolean;
        polled: number;
        irqRx: number;
        irqTx: number;
        rxDropped: number;
        rx: number[];
        tx: number[];
      };
      Object.assign(m.nic, {
        napi: x.napi,
        polled: x.polled,
        irqRx: x.irqRx,
        irqTx: x.irqTx,
        rxDropped: x.rxDropped,
      });
      [m.nic.rx.head, m.nic.rx.tail, m.nic.rx.used] = x.rx;
      [m.nic.tx.head, m.nic.tx.tail, m.nic.tx.used] = x.tx;
      return;
    }
    case 'rxslot':
    case 'txslot': {
      const r = k === 'rxslot' ? m.nic.rx : m.nic.tx;
      const x = v as { state: number; seg: Machine['nic']['rx']['segs'][number] };
      r.state[id] = x.state;
      r.segs[id] = x.seg;
      return;
    }
    case 'stats':
      m.stats = v as Machine['stats'];
      return;
    case 'proc': {
      const x = v as { exited: boolean; status: number; message: string };
      m.proc.exited = x.exited;
      m.proc.status = x.status;
      m.proc.message = x.message;
      return;
    }
  }
}

/** A container's copy of the same kind: an id-indexed array stays an array (spread into an object, 10k ids make a slow dictionary). */
function shallow<T extends object>(c: T): T {
  return (Array.isArray(c) ? c.slice() : { ...c }) as T;
}

/**
 * The machine as it was right after record `step`, given the machine after the whole event and that
 * event's step log. Returns `m` itself for the event's last record; otherwise a read-only overlay that
 * shares everything `m` has except the containers it puts older images into (m is not modified).
 */
export function machineAt(m: Machine, log: StepLog, step: number): Machine {
  const later = log.recs.filter((r) => r.step > step);
  if (later.length === 0) return m;
  // Only the containers something is put back into are copied (on c10k each is 10k slots).
  const kinds = new Set<EntKind>();
  for (const r of later) for (const im of r.images) kinds.add(im.kind);
  const has = (...ks: EntKind[]) => ks.some((k) => kinds.has(k));
  const own = <T extends object>(k: EntKind, c: T): T => (kinds.has(k) ? shallow(c) : c);
  const ring = (r: Ring): Ring => ({ ...r, state: r.state.slice(), segs: r.segs.slice() });
  const o: Machine = { ...m };
  o.socks = own('sock', m.socks);
  o.files = own('file', m.files);
  o.eps = own('ep', m.eps);
  o.evcount = own('evfd', m.evcount);
  if (has('fd', 'proc')) o.proc = { ...m.proc, fds: own('fd', m.proc.fds) };
  if (has('g', 'pd', 'm', 'p', 'globrunq')) {
    const rt = m.rt;
    o.rt = { ...rt, gs: own('g', rt.gs), ms: own('m', rt.ms), ps: own('p', rt.ps), pds: own('pd', rt.pds) };
  }
  o.clients = own('client', m.clients);
  if (has('nic', 'rxslot', 'txslot')) o.nic = { ...m.nic, rx: ring(m.nic.rx), tx: ring(m.nic.tx) };
  if (kinds.has('stats')) o.stats = { ...m.stats };
  const done = new Set<string>();
  for (const r of later) {
    for (const im of r.images) {
      const key = `${im.kind}:${im.id}`;
      if (done.has(key)) continue;
      done.add(key);
      putImage(o, im.kind, im.id, im.pre === ABSENT ? ABSENT : imageCopy(im.kind, im.pre));
      notePutBack(o, im.kind, im.id);
    }
  }
  viewsAs(o, m);
  return o;
}

// ── "why?": the names a question about a value means ─────────────────────────────────────────────

/** The values `--why` and the TUI's `w` can ask about: the watch gauges, and a G's status. */
export const WHY_GAUGES = GAUGES;
export type WhyGauge = Gauge | 'status';

export interface WhySpec {
  spec: string;
  gauge: WhyGauge;
  fd?: number;
  conn?: number;
  p?: number;
  g?: number;
}

/** The change-vocabulary names a spec means, in the machine as it is now. */
export function whyKeys(m: Machine, w: WhySpec): string[] {
  const field = w.gauge;
  switch (field) {
    case 'status':
      return [`G${w.g} status`];
    case 'globrunq':
      return ['globrunq'];
    case 'rxring':
      return ['rx used'];
    case 'txring':
      return ['tx used'];
    case 'rdllist':
      return Object.values(m.eps).map((e) => `epoll ${e.fd >= 0 ? e.fd : `#${e.id}`} rdllist`);
    case 'runq': {
      const ps = w.p !== undefined ? [w.p] : m.rt.ps.map((p) => p.id);
      return ps.flatMap((p) => [`P${p} runq`, `P${p} runnext`]);
    }
    default: {
      let socks: number[];
      if (w.fd !== undefined) {
        const f = fileAt(m, w.fd);
        socks = f && f.type === 'socket' ? [f.obj] : [];
        if (socks.length === 0) return [`fd ${w.fd} ${field}`];
      } else if (w.conn !== undefined) {
        return [`conn ${w.conn} ${field}`];
      } else socks = Object.keys(m.socks).map(Number);
      return socks.map((id) => `${sockName(m, id)} ${field}`);
    }
  }
}
