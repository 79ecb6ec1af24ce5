/**
 * The comparison of a real strace with a simulated run, and its two renderings: the side-by-side text
 * `netflow-tui compare` prints and the JSON of `--json`. Built from the common calls (calls.ts),
 * segmented alike on both sides and aligned segment by segment (align.ts):
 *
 *   start-up        from the program's first socket() to the first accepted connection
 *   connection k    the k-th accept4 and every call on its fd until close (both sides in accept order)
 *   serving         the rest: the accept loop's EAGAINs, listener wake-ups, the exit path
 *
 * The score is matched / total columns over those segments. Calls before the first socket() (the
 * runtime's own set-up) and thread bookkeeping (calls.ts BOOKKEEPING) are aligned and reported apart,
 * never scored. The first divergence names the sim step to open in the TUI.
 */
import { align, type Column, tally } from './align.js';
import { type Call, callText, type Segmented } from './calls.js';

export interface Segment {
  name: string;
  matched: number;
  /** Of the matched, how many completed in another order relative to other threads' calls. */
  reordered: number;
  total: number;
  columns: Column[];
}

export interface BookkeepingPhase {
  phase: 'before socket()' | 'start-up' | 'serving';
  matched: number;
  total: number;
  /** Calls per syscall name on each side. */
  counts: Record<string, { real: number; sim: number }>;
}

export interface Comparison {
  scenario: string;
  log: string;
  segments: Segment[];
  /** Calls before the first socket(), not bookkeeping (e.g. the runtime reading hpage_pmd_size). */
  beforeSocket: { real: number; sim: number };
  bookkeeping: BookkeepingPhase[];
  matched: number;
  reordered: number;
  total: number;
  percent: number;
  firstDivergence?: { segment: string; column: Column; openStep?: number };
  /** Real calls still in progress when the log ended. */
  unfinished: number;
}

export function compareSegments(
  real: Segmented,
  sim: Segmented,
  names: { scenario: string; log: string; unfinished: number },
): Comparison {
  const segments: Segment[] = [];
  const add = (name: string, r: Call[], s: Call[]) => {
    const columns = align(r, s);
    segments.push({ name, ...tally(columns), columns });
  };
  add('start-up', real.startup, sim.startup);
  for (let k = 0; k < Math.max(real.conns.length, sim.conns.length); k++)
    add(`connection ${k + 1}`, real.conns[k] ?? [], sim.conns[k] ?? []);
  if (real.serving.length + sim.serving.length > 0) add('serving', real.serving, sim.serving);

  const bookkeeping: BookkeepingPhase[] = (
    [
      ['before socket()', 'init'],
      ['start-up', 'startup'],
      ['serving', 'serving'],
    ] as const
  ).map(([phase, k]) => {
    const r = real.bookkeeping[k];
    const s = sim.bookkeeping[k];
    const counts: BookkeepingPhase['counts'] = {};
    for (const c of r) (counts[c.name] ??= { real: 0, sim: 0 }).real++;
    for (const c of s) (counts[c.name] ??= { real: 0, sim: 0 }).sim++;
    // Bookkeeping is aligned by name only: its arguments are addresses and thread ids.
    const byName = (cs: Call[]) => cs.map((c) => ({ ...c, key: [], ret: 0, errno: undefined }));
    return { phase, ...tally(align(byName(r), byName(s))), counts };
  });

  let matched = 0;
  let reordered = 0;
  let total = 0;
  for (const s of segments) {
    matched += s.matched;
    reordered += s.reordered;
    total += s.total;
  }
  let firstDivergence: Comparison['firstDivergence'];
  for (const s of segments) {
    const i = s.columns.findIndex((c) => c.status !== 'match' && c.status !== 'reordered');
    if (i < 0) continue;
    let openStep = s.columns[i].sim?.step;
    for (let j = i - 1; openStep === undefined && j >= 0; j--) openStep = s.columns[j].sim?.step;
    for (let j = i + 1; openStep === undefined && j < s.columns.length; j++)
      openStep = s.columns[j].sim?.step;
    firstDivergence = { segment: s.name, column: s.columns[i], openStep };
    break;
  }
  return {
    ...names,
    segments,
    beforeSocket: { real: real.init.length, sim: sim.init.length },
    bookkeeping,
    matched,
    reordered,
    total,
    percent: total === 0 ? 100 : Math.floor((1000 * matched) / total) / 10,
    firstDivergence,
  };
}

const MARK: Record<Column['status'], string> = {
  match: '✓',
  reordered: '~',
  differs: '≠',
  'real-only': '−',
  'sim-only': '+',
};

/** Width of the real column in the side-by-side text. */
const REAL_WIDTH = 64;

function clip(s: string, w: number): string {
  return s.length > w ? `${s.slice(0, w - 1)}…` : s;
}

/** The side-by-side text (plain; the caller makes it printable). */
export function formatComparison(c: Comparison, scenarioArg: string): string {
  const out: string[] = [];
  out.push(`compare ${c.log} with scenario ${c.scenario}`);
  out.push(
    '  ✓ the same call   ~ the same call, other threads between in another order   ≠ the same syscall, other details\n' +
      '  − only in the real log   + only in the simulation',
  );
  out.push(`  ${'real (log line, thread)'.padEnd(REAL_WIDTH + 16)}simulation (step, thread)`);
  for (const s of c.segments) {
    out.push(
      '',
      `${s.name}: ${s.matched}/${s.total} matched${s.reordered ? ` (${s.reordered} reordered)` : ''}`,
    );
    for (const col of s.columns) {
      const r = col.real
        ? `L${col.real.line} [${col.real.tid}]`.padEnd(14) + clip(callText(col.real), REAL_WIDTH)
        : '';
      const sm = col.sim ? `#${col.sim.step} [${col.sim.tid}] ${callText(col.sim)}` : '';
      out.push(`${MARK[col.status]} ${r.padEnd(REAL_WIDTH + 15)} ${sm}`.trimEnd());
    }
  }
  out.push('');
  out.push(
    `score: ${c.matched}/${c.total} non-bookkeeping syscalls match (${c.percent.toFixed(1)} %)${c.reordered ? `, ${c.reordered} of them in another thread order` : ''}`,
  );
  out.push(
    `before the first socket(): ${c.beforeSocket.real} real calls, ${c.beforeSocket.sim} simulated (process and runtime set-up, not scored)`,
  );
  out.push('thread bookkeeping (aligned by name, not scored):');
  for (const b of c.bookkeeping) {
    const names = Object.entries(b.counts)
      .sort((x, y) => y[1].real + y[1].sim - (x[1].real + x[1].sim))
      .map(([n, k]) => `${n} ${k.real}/${k.sim}`);
    out.push(
      `  ${b.phase}: ${b.matched}/${b.total} in order; real/sim: ${names.length ? names.join(', ') : 'none'}`,
    );
  }
  if (c.unfinished > 0) out.push(`${c.unfinished} real calls were still in progress when the log ended`);
  const d = c.firstDivergence;
  if (!d) out.push('no divergence');
  else {
    const what =
      d.column.status === 'real-only'
        ? `real line ${d.column.real?.line}: ${callText(d.column.real as Call)} has no counterpart in the simulation`
        : d.column.status === 'sim-only'
          ? `sim step ${d.column.sim?.step}: ${callText(d.column.sim as Call)} is not in the real log`
          : `real line ${d.column.real?.line}: ${callText(d.column.real as Call)} but sim step ${d.column.sim?.step}: ${callText(d.column.sim as Call)}`;
    out.push(`first divergence (${d.segment}): ${what}`);
    if (d.openStep !== undefined) out.push(`  open it: netflow-tui ${scenarioArg} --at ${d.openStep}`);
  }
  return out.join('\n');
}

/** The JSON of `--json`: the same facts, calls as text with their line or step. */
export function comparisonJson(c: Comparison): unknown {
  const call = (x: Call | undefined, side: 'real' | 'sim') =>
    x && {
      ...(side === 'real' ? { line: x.line } : { step: x.step }),
      tid: x.tid,
      text: callText(x),
    };
  const col = (k: Column) => ({ status: k.status, real: call(k.real, 'real'), sim: call(k.sim, 'sim') });
  return {
    scenario: c.scenario,
    log: c.log,
    matched: c.matched,
    reordered: c.reordered,
    total: c.total,
    percent: c.percent,
    segments: c.segments.map((s) => ({
      name: s.name,
      matched: s.matched,
      reordered: s.reordered,
      total: s.total,
      columns: s.columns.map(col),
    })),
    beforeSocket: c.beforeSocket,
    bookkeeping: c.bookkeeping,
    unfinished: c.unfinished,
    firstDivergence: c.firstDivergence && {
      segment: c.firstDivergence.segment,
      openStep: c.firstDivergence.openStep,
      ...col(c.firstDivergence.column),
    },
  };
}
