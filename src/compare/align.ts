/**
 * Lines up two syscall sequences — the real one (strace) and the simulated one — keeping each in
 * its own order: a global alignment (Needleman–Wunsch) that scores an exact match 2, the same
 * syscall with different details 1 (shown as a divergence), and a call on one side only 0. The
 * result is the side-by-side columns `compare` prints and scores (src/compare/report.ts).
 *
 * Above MAX_CELLS (a real log with thousands of calls on one connection) the table would not fit in
 * memory; the sequences are then aligned greedily, looking ahead LOOKAHEAD calls for a match.
 */
import { type Call, sameCall } from './calls.js';

/**
 * `match`: the same call in the same place; `reordered`: the same call, but completed in another order
 * relative to calls of other threads (a background read finishing before the write it raced);
 * `differs`: the same syscall with other arguments or result; `real-only` / `sim-only`: no counterpart.
 */
export type ColumnStatus = 'match' | 'reordered' | 'differs' | 'real-only' | 'sim-only';

export interface Column {
  status: ColumnStatus;
  real?: Call;
  sim?: Call;
}

/** Cells of the DP table we allow: 4 M cells of 1 byte direction + 4-byte scores ≈ 20 MB. */
export const MAX_CELLS = 4_000_000;
/** Greedy fallback: how far ahead to look for the other side's next call. */
export const LOOKAHEAD = 64;
/**
 * How many columns apart a real-only and a sim-only call that are the same may be to count as one call
 * reordered. Two threads racing (the write and the 1-byte background read on one connection, an idle
 * M's poll) finish in either order from run to run on the real machine as well.
 */
export const REORDER_WINDOW = 4;

function score(a: Call, b: Call): number {
  if (sameCall(a, b)) return 2;
  return a.name === b.name ? 1 : -1;
}

/** Aligns `real` with `sim`, both in order. */
export function align(real: readonly Call[], sim: readonly Call[]): Column[] {
  const n = real.length;
  const m = sim.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return greedy(real, sim);
  const w = m + 1;
  const best = new Int32Array((n + 1) * w);
  const from = new Uint8Array((n + 1) * w); // 0 diagonal, 1 up (real only), 2 left (sim only)
  for (let i = 1; i <= n; i++) from[i * w] = 1;
  for (let j = 1; j <= m; j++) from[j] = 2;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const s = score(real[i - 1], sim[j - 1]);
      let v = s >= 0 ? best[(i - 1) * w + j - 1] + s : -1;
      let d = 0;
      // On a tie, a gap in the sim: read back from the end, this matches each call to its earliest
      // counterpart (a real close(3) pairs with the first of two real close(3), not the second).
      const up = best[(i - 1) * w + j];
      if (up >= v) {
        v = up;
        d = 1;
      }
      const left = best[i * w + j - 1];
      if (left > v) {
        v = left;
        d = 2;
      }
      best[i * w + j] = v;
      from[i * w + j] = d;
    }
  }
  const cols: Column[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const d = from[i * w + j];
    if (i > 0 && j > 0 && d === 0) {
      const r = real[i - 1];
      const s = sim[j - 1];
      cols.push({ status: sameCall(r, s) ? 'match' : 'differs', real: r, sim: s });
      i--;
      j--;
    } else if (i > 0 && (d === 1 || j === 0)) {
      cols.push({ status: 'real-only', real: real[--i] });
    } else {
      cols.push({ status: 'sim-only', sim: sim[--j] });
    }
  }
  return pairReordered(cols.reverse());
}

/** Joins a real-only and a sim-only column holding the same call, close together, into one `reordered`. */
function pairReordered(cols: Column[]): Column[] {
  const out = cols.slice();
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    if (a.status !== 'real-only' && a.status !== 'sim-only') continue;
    for (let j = i + 1; j < Math.min(out.length, i + 1 + REORDER_WINDOW); j++) {
      const b = out[j];
      const other = a.status === 'real-only' ? 'sim-only' : 'real-only';
      if (b.status !== other) continue;
      const real = (a.real ?? b.real) as Call;
      const sim = (a.sim ?? b.sim) as Call;
      if (!sameCall(real, sim)) continue;
      out[i] = { status: 'reordered', real, sim };
      out.splice(j, 1);
      break;
    }
  }
  return out;
}

function greedy(real: readonly Call[], sim: readonly Call[]): Column[] {
  const cols: Column[] = [];
  let i = 0;
  let j = 0;
  while (i < real.length || j < sim.length) {
    if (i >= real.length) cols.push({ status: 'sim-only', sim: sim[j++] });
    else if (j >= sim.length) cols.push({ status: 'real-only', real: real[i++] });
    else if (real[i].name === sim[j].name)
      cols.push({ status: sameCall(real[i], sim[j]) ? 'match' : 'differs', real: real[i++], sim: sim[j++] });
    else {
      const ahead = (xs: readonly Call[], from: number, name: string) => {
        for (let k = from; k < Math.min(xs.length, from + LOOKAHEAD); k++)
          if (xs[k].name === name) return k - from;
        return Number.POSITIVE_INFINITY;
      };
      const inSim = ahead(sim, j, real[i].name);
      const inReal = ahead(real, i, sim[j].name);
      if (inSim <= inReal && Number.isFinite(inSim)) cols.push({ status: 'sim-only', sim: sim[j++] });
      else cols.push({ status: 'real-only', real: real[i++] });
    }
  }
  return cols;
}

/** matched / total over some columns (`matched` includes the `reordered`). */
export function tally(cols: readonly Column[]): { matched: number; reordered: number; total: number } {
  let matched = 0;
  let reordered = 0;
  for (const c of cols) {
    if (c.status === 'match' || c.status === 'reordered') matched++;
    if (c.status === 'reordered') reordered++;
  }
  return { matched, reordered, total: cols.length };
}
