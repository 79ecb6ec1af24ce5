/**
 * The compact trace: the facts of every record of a run, column by column in typed arrays, so that a
 * 1M-record run costs ~50 MB instead of ~500 MB of record objects and event breakpoints are found by
 * scanning memory (a full scan of 1M records takes a few milliseconds) instead of replaying.
 *
 * Kept per record: virtual time, kind, layer, the index of the engine event that emitted it, the
 * integer fields a breakpoint may test (fd g m p conn tid slot) and the string ones as indices into
 * per-field tables (errno, reason, syscall, ring). Not kept: text, args, ret, bytes, fn — the Session
 * regenerates whole records by replay when they are shown.
 *
 * Contract: push records in step order, then `finish()` once; `compile` and `test` after that.
 */

import { KINDS, LAYERS, type TraceRecord } from '../sim/trace.js';
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
  ints: { col: Int32Array; value: number }[];
  strs: { col: Uint16Array; value: number }[];
  /** A condition names a value that never occurs in this trace. */
  never: boolean;
}

const INITIAL_CAPACITY = 1 << 12;

export class CompactTrace {
  length = 0;
  private cap = INITIAL_CAPACITY;
  t = new Float64Array(INITIAL_CAPACITY);
  kind = new Uint8Array(INITIAL_CAPACITY);
  layer = new Uint8Array(INITIAL_CAPACITY);
  /** Index (0-based) of the engine event that emitted the record. */
  event = new Uint32Array(INITIAL_CAPACITY);
  ints: Record<IntCol, Int32Array>;
  strs: Record<StrCol, Uint16Array>;
  /** Kind names by index: KINDS first, then any kind the engine emitted that KINDS lacks. */
  readonly kindNames: string[] = [...KINDS];
  private readonly kindIndex = new Map<string, number>(KINDS.map((k, i) => [k, i]));
  private readonly layerIndex = new Map<string, number>(LAYERS.map((l, i) => [l, i]));
  /** Per string column: value → index (from 1). */
  private readonly tables: Record<StrCol, Map<string, number>>;

  constructor() {
    this.ints = Object.fromEntries(INT_COLS.map((c) => [c, new Int32Array(INITIAL_CAPACITY)])) as Record<
      IntCol,
      Int32Array
    >;
    this.strs = Object.fromEntries(STR_COLS.map((c) => [c, new Uint16Array(INITIAL_CAPACITY)])) as Record<
      StrCol,
      Uint16Array
    >;
    this.tables = Object.fromEntries(STR_COLS.map((c) => [c, new Map<string, number>()])) as Record<
      StrCol,
      Map<string, number>
    >;
  }

  push(r: TraceRecord, event: number): void {
    if (this.length === this.cap) this.resize(this.cap * 2);
    const i = this.length++;
    this.t[i] = r.t_ns;
    let k = this.kindIndex.get(r.kind);
    if (k === undefined) k = this.addKind(r.kind);
    this.kind[i] = k;
    this.layer[i] = this.layerIndex.get(r.layer) ?? 255;
    this.event[i] = event;
    // Field by field: a loop over column names is several times slower on records of many shapes.
    const n = this.ints;
    n.fd[i] = r.fd ?? ABSENT;
    n.g[i] = r.g ?? ABSENT;
    n.m[i] = r.m ?? ABSENT;
    n.p[i] = r.p ?? ABSENT;
    n.conn[i] = r.conn ?? ABSENT;
    n.tid[i] = r.tid ?? ABSENT;
    n.slot[i] = r.slot ?? ABSENT;
    const s = this.strs;
    s.errno[i] = r.errno === undefined ? 0 : this.intern('errno', r.errno);
    s.reason[i] = r.reason === undefined ? 0 : this.intern('reason', r.reason);
    s.syscall[i] = r.syscall === undefined ? 0 : this.intern('syscall', r.syscall);
    s.ring[i] = r.ring === undefined ? 0 : this.intern('ring', r.ring);
  }

  private addKind(kind: string): number {
    const k = this.kindNames.length;
    if (k > 255) throw new Error(`compact trace: more than 256 record kinds (${kind})`);
    this.kindNames.push(kind);
    this.kindIndex.set(kind, k);
    return k;
  }

  /** Trims the columns to their length; no more pushes after this. */
  finish(): void {
    this.resize(this.length);
  }

  /** Resolves an event breakpoint against this trace's kind and string tables. */
  compile(bp: EventBreakpoint): CompiledMatcher {
    const kinds = new Uint8Array(256);
    for (const k of bp.kinds) {
      const i = this.kindIndex.get(k);
      if (i !== undefined) kinds[i] = 1;
    }
    const m: CompiledMatcher = { kinds, ints: [], strs: [], never: false };
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
    if (m.never || m.kinds[this.kind[i]] === 0) return false;
    for (const c of m.ints) if (c.col[i] !== c.value) return false;
    for (const c of m.strs) if (c.col[i] !== c.value) return false;
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

  private resize(n: number): void {
    const grow = <T extends Float64Array | Uint8Array | Uint32Array | Int32Array | Uint16Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a.subarray(0, Math.min(this.length, n)));
      return b;
    };
    this.t = grow(this.t);
    this.kind = grow(this.kind);
    this.layer = grow(this.layer);
    this.event = grow(this.event);
    for (const c of INT_COLS) this.ints[c] = grow(this.ints[c]);
    for (const c of STR_COLS) this.strs[c] = grow(this.strs[c]);
    this.cap = n;
  }
}
