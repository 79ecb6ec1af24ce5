/**
 * The compact trace: the facts of every record of a run, column by column in typed arrays (in chunks of
 * CHUNK records, so a column grows without being copied), so that a 1M-record run costs ~36 MB instead
 * of ~500 MB of record objects and event breakpoints are found by scanning memory (a full scan of 1M
 * records takes a few milliseconds) instead of replaying.
 *
 * Kept per record: virtual time, kind, the index of the engine event that emitted it, the integer
 * fields a breakpoint may test (fd g m p conn tid slot) and the string ones as indices into per-field
 * tables (errno, reason, syscall, ring). A full chunk is sealed in the narrowest arrays its values fit:
 * times and event indices as offsets from the chunk's first (32- and 16-bit), integers in 8 or 16
 * bits, string indices in 8, and a column no record of the chunk has as one shared chunk. Not kept:
 * text, args, ret, bytes, fn, layer — the Session regenerates whole records by replay when shown.
 *
 * Contract: push records in step order, then `finish()` once; `compile` and `test` after that.
 */

import { KINDS, type TraceRecord } from '../sim/trace.js';
import type { EventBreakpoint, FieldKey } from './breakpoints.js';

/** Integer columns; ABSENT marks a record without the field. */
const INT_COLS = ['fd', 'g', 'm', 'p', 'conn', 'tid', 'slot'] as const;
/** String columns, interned; index 0 marks a record without the field. */
const STR_COLS = ['errno', 'reason', 'syscall', 'ring'] as const;
type IntCol = (typeof INT_COLS)[number];
type StrCol = (typeof STR_COLS)[number];

export const ABSENT = -2147483648;

/** An event breakpoint resolved against this trace's tables: what `test` checks per record. */
export interface CompiledMatcher {
  /** 1 for each kind index the breakpoint accepts. */
  kinds: Uint8Array;
  /** The trace's kind column (chunks), and the columns and values a record must have. */
  kind: Uint8Array[];
  ints: { col: IntChunk[]; value: number }[];
  strs: { col: StrChunk[]; value: number }[];
  /** A condition names a value that never occurs in this trace. */
  never: boolean;
}

/**
 * Records per chunk (a power of two). The columns grow a chunk at a time, so they are never copied:
 * doubling arrays (as before) held the old and the new array at once and trimmed with a third copy at
 * the end: for c10k's 73 MB, ~105 MB of columns and ~178 MB while trimming, at the session's peak RSS.
 */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** A column: its chunks in order (a matcher keeps the list, which grows in place). */
type Chunks<T> = T[];

/** An integer column's chunk: 32-bit while filled, 8- or 16-bit once sealed if every value fits. */
type IntChunk = Int32Array | Int16Array | Int8Array;
/** A string column's chunk: 16-bit while filled, 8-bit once sealed if every index fits. */
type StrChunk = Uint16Array | Uint8Array;

/**
 * ABSENT in a sealed chunk. A condition's value is never negative (breakpoints.ts takes digits), so
 * no condition matches it.
 */
const ABSENT16 = -32768;
const ABSENT8 = -128;
/** The chunk of a column none of whose records has the field (shared: never written). */
const ALL_ABSENT8 = new Int8Array(CHUNK).fill(ABSENT8);
const NO_STRINGS = new Uint8Array(CHUNK);

/**
 * A full 32-bit chunk as it is kept: the shared all-absent chunk, an 8- or 16-bit copy when every
 * value fits (c10k's Ms, Ps and slots fit 8 bits; its fds, Gs and connections 16), or itself.
 */
function sealInts(a: Int32Array, n: number): IntChunk {
  let lo = 0;
  let hi = 0;
  let absent = true;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v === ABSENT) continue;
    absent = false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (absent && n === CHUNK) return ALL_ABSENT8;
  const [b, none] =
    lo > ABSENT8 && hi <= 127
      ? [new Int8Array(n), ABSENT8]
      : lo > ABSENT16 && hi <= 32767
        ? [new Int16Array(n), ABSENT16]
        : [a, ABSENT];
  if (b === a) return a;
  for (let i = 0; i < n; i++) b[i] = a[i] === ABSENT ? none : a[i];
  return b;
}

/** A full 16-bit string column's chunk as it is kept: shared when empty, 8-bit when it fits. */
function sealStrs(a: Uint16Array, n: number): StrChunk {
  let hi = 0;
  for (let i = 0; i < n; i++) if (a[i] > hi) hi = a[i];
  if (hi === 0 && n === CHUNK) return NO_STRINGS;
  return hi <= 255 ? Uint8Array.from(a.subarray(0, n)) : a.slice(0, n);
}

/**
 * A chunk of non-negative integers (times in ns, event indices) kept as offsets from its first: `base`
 * and the offsets in `narrow` when every offset fits (`max`), or base 0 and the values themselves.
 */
function sealOffsets<A extends Float64Array | Uint32Array, T extends Uint16Array | Uint32Array>(
  a: A,
  n: number,
  narrow: new (n: number) => T,
  max: number,
): { base: number; off: A | T } {
  const base = a[0];
  for (let i = 0; i < n; i++) {
    const d = a[i] - base;
    if (!(d >= 0 && d <= max && Number.isInteger(d))) return { base: 0, off: a.slice(0, n) as A };
  }
  const off = new narrow(n);
  for (let i = 0; i < n; i++) off[i] = a[i] - base;
  return { base, off };
}

export class CompactTrace {
  length = 0;
  /** Virtual time (ns): chunk c's record j is at tBase[c] + t[c][j]. */
  private readonly t: Chunks<Float64Array | Uint32Array> = [];
  private readonly tBase: number[] = [];
  private readonly kind: Chunks<Uint8Array> = [];
  /** Index (0-based) of the engine event that emitted the record: eventBase[c] + event[c][j]. */
  private readonly event: Chunks<Uint32Array | Uint16Array> = [];
  private readonly eventBase: number[] = [];
  private readonly ints = Object.fromEntries(INT_COLS.map((c) => [c, []])) as unknown as Record<
    IntCol,
    Chunks<IntChunk>
  >;
  private readonly strs = Object.fromEntries(STR_COLS.map((c) => [c, []])) as unknown as Record<
    StrCol,
    Chunks<StrChunk>
  >;
  /** Kind names by index: KINDS first, then any kind the engine emitted that KINDS lacks. */
  readonly kindNames: string[] = [...KINDS];
  private readonly kindIndex = new Map<string, number>(KINDS.map((k, i) => [k, i]));
  /** Per string column: value → index (from 1). */
  private readonly tables = Object.fromEntries(
    STR_COLS.map((c) => [c, new Map<string, number>()]),
  ) as unknown as Record<StrCol, Map<string, number>>;

  push(r: TraceRecord, event: number): void {
    const i = this.length & CHUNK_MASK;
    if (i === 0) this.addChunk();
    const c = this.length >>> CHUNK_BITS;
    this.length++;
    this.t[c][i] = r.t_ns;
    let k = this.kindIndex.get(r.kind);
    if (k === undefined) k = this.addKind(r.kind);
    this.kind[c][i] = k;
    this.event[c][i] = event;
    // Field by field: a loop over column names is several times slower on records of many shapes.
    // The chunk being filled is 32-bit (sealed when full: sealInts).
    const n = this.ints as unknown as Record<IntCol, Int32Array[]>;
    n.fd[c][i] = r.fd ?? ABSENT;
    n.g[c][i] = r.g ?? ABSENT;
    n.m[c][i] = r.m ?? ABSENT;
    n.p[c][i] = r.p ?? ABSENT;
    n.conn[c][i] = r.conn ?? ABSENT;
    n.tid[c][i] = r.tid ?? ABSENT;
    n.slot[c][i] = r.slot ?? ABSENT;
    const s = this.strs;
    s.errno[c][i] = r.errno === undefined ? 0 : this.intern('errno', r.errno);
    s.reason[c][i] = r.reason === undefined ? 0 : this.intern('reason', r.reason);
    s.syscall[c][i] = r.syscall === undefined ? 0 : this.intern('syscall', r.syscall);
    s.ring[c][i] = r.ring === undefined ? 0 : this.intern('ring', r.ring);
    if (i === CHUNK_MASK) this.seal(c, CHUNK);
  }

  /** Chunk c's columns as they are kept (sealInts, sealStrs, sealOffsets), its first n records written. */
  private seal(c: number, n: number): void {
    for (const col of INT_COLS) this.ints[col][c] = sealInts(this.ints[col][c] as Int32Array, n);
    for (const col of STR_COLS) this.strs[col][c] = sealStrs(this.strs[col][c] as Uint16Array, n);
    const t = sealOffsets(this.t[c] as Float64Array, n, Uint32Array, 0xffffffff);
    this.tBase[c] = t.base;
    this.t[c] = t.off;
    const e = sealOffsets(this.event[c] as Uint32Array, n, Uint16Array, 0xffff);
    this.eventBase[c] = e.base;
    this.event[c] = e.off;
  }

  /** Record i's virtual time (ns). */
  timeAt(i: number): number {
    const c = i >>> CHUNK_BITS;
    return this.tBase[c] + this.t[c][i & CHUNK_MASK];
  }

  /** Record i's kind. */
  kindAt(i: number): string {
    return this.kindNames[this.kind[i >>> CHUNK_BITS][i & CHUNK_MASK]];
  }

  /** The index of the engine event that emitted record i. */
  eventAt(i: number): number {
    const c = i >>> CHUNK_BITS;
    return this.eventBase[c] + this.event[c][i & CHUNK_MASK];
  }

  private addChunk(): void {
    this.t.push(new Float64Array(CHUNK));
    this.tBase.push(0);
    this.kind.push(new Uint8Array(CHUNK));
    this.event.push(new Uint32Array(CHUNK));
    this.eventBase.push(0);
    for (const c of INT_COLS) this.ints[c].push(new Int32Array(CHUNK));
    for (const c of STR_COLS) this.strs[c].push(new Uint16Array(CHUNK));
  }

  private addKind(kind: string): number {
    const k = this.kindNames.length;
    if (k > 255) throw new Error(`compact trace: more than 256 record kinds (${kind})`);
    this.kindNames.push(kind);
    this.kindIndex.set(kind, k);
    return k;
  }

  /** No more pushes after this: the last chunk is sealed too (its columns trimmed). */
  finish(): void {
    const n = this.length & CHUNK_MASK;
    if (n > 0) this.seal(this.length >>> CHUNK_BITS, n);
  }

  /** Resolves an event breakpoint against this trace's kind and string tables. */
  compile(bp: EventBreakpoint): CompiledMatcher {
    const kinds = new Uint8Array(256);
    for (const k of bp.kinds) {
      const i = this.kindIndex.get(k);
      if (i !== undefined) kinds[i] = 1;
    }
    const m: CompiledMatcher = { kinds, kind: this.kind, ints: [], strs: [], never: false };
    for (const c of bp.conds) {
      const key: FieldKey = c.key;
      if ((INT_COLS as readonly string[]).includes(key)) {
        m.ints.push({ col: this.ints[key as IntCol], value: c.value as number });
      } else {
        const idx = this.tables[key as StrCol].get(String(c.value));
        if (idx === undefined) m.never = true;
        else m.strs.push({ col: this.strs[key as StrCol], value: idx });
      }
    }
    return m;
  }

  /** Does record i match? */
  test(m: CompiledMatcher, i: number): boolean {
    const c = i >>> CHUNK_BITS;
    const j = i & CHUNK_MASK;
    if (m.never || m.kinds[m.kind[c][j]] === 0) return false;
    for (const x of m.ints) if (x.col[c][j] !== x.value) return false;
    for (const x of m.strs) if (x.col[c][j] !== x.value) return false;
    return true;
  }

  /** How many records match. */
  count(m: CompiledMatcher): number {
    if (m.never) return 0;
    let n = 0;
    for (let i = 0; i < this.length; i++) if (this.test(m, i)) n++;
    return n;
  }

  private intern(c: StrCol, v: string): number {
    const table = this.tables[c];
    let idx = table.get(v);
    if (idx === undefined) {
      idx = table.size + 1;
      if (idx > 65535) throw new Error(`compact trace: more than 65535 distinct ${c} values`);
      table.set(v, idx);
    }
    return idx;
  }
}
