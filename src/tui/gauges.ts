/**
 * The gauge strip (`t`): one simulated quantity over the whole run as a sparkline, the cursor marked
 * under it, with the value now and the peak (and its step). The gauge is chosen like a watch's
 * (`T`: `acceptq`, `acceptq fd=3`, `rcvq fd=4`, `runq p=0`, `rdllist`, `rxring`; the grammar and the
 * gauges are ARCHITECTURE §4's), so `burst`, `ring-overflow`, `slow-handler-4` and `c10k` show their
 * story at a glance.
 *
 * The series comes from a second, headless run of the scenario (`gaugeSource`, made by main.ts where
 * the engine and the scenario are at hand): after each event the gauge is read once and given to that
 * event's records. Runs over SERIES_LIMIT records are not plotted (the run would block the screen).
 * Block characters ▁…█ draw it; the cursor is a `▲` on the row under, so it works under NO_COLOR.
 */
import { parseBreakpoint } from '../debug/breakpoints.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimEngine } from '../sim/api.js';
import type { TraceRecord } from '../sim/trace.js';
import type { Theme } from './theme.js';

/** Most records plotted: a second run of 2M records would take seconds (PERFORMANCE.md: ~0.6M events/s). */
export const SERIES_LIMIT = 2_000_000;
const BARS = '▁▂▃▄▅▆▇█';

/** A gauge's value after each record, or why it cannot be plotted. */
export type GaugeSource = (spec: string) => Float64Array | { message: string; column?: number };

/** `spec` as a watch's gauge part, checked by the breakpoint grammar; the parse error otherwise. */
function parseGauge(spec: string) {
  const prefix = 'watch ';
  const r = parseBreakpoint(`${prefix}${spec} >= 0`);
  if (!r.ok) return { message: r.error, column: Math.max(1, r.column - prefix.length) };
  if (r.bp.type !== 'watch') return { message: 'expected a gauge' };
  return r.bp;
}

/** A GaugeSource over a scenario: each spec's series is computed once, by a headless run, and kept. */
export function gaugeSource<M>(engine: SimEngine<M>, scenario: Scenario, seed?: number): GaugeSource {
  const cache = new Map<string, Float64Array>();
  return (spec) => {
    const bp = parseGauge(spec);
    if ('message' in bp) return bp;
    const hit = cache.get(bp.spec);
    if (hit) return hit;
    const m = engine.boot(scenario, seed);
    const values: number[] = [];
    const out: TraceRecord[] = [];
    while (engine.step(m, out)) {
      if (out.length === 0) continue;
      const v = engine.gauge(m, bp.gauge, bp.filter);
      for (let k = 0; k < out.length; k++) values.push(v);
      out.length = 0;
      if (values.length > SERIES_LIMIT)
        return { message: `the run is longer than ${SERIES_LIMIT} records: too long to plot` };
    }
    const series = Float64Array.from(values);
    cache.set(bp.spec, series);
    return series;
  };
}

/** The strip's two rows for `width` columns: the sparkline with its label, and the cursor marker. */
export function gaugeLines(
  spec: string,
  series: Float64Array,
  cursor: number,
  width: number,
  theme: Theme,
): string[] {
  const n = series.length;
  let peak = 0;
  let peakAt = 0;
  for (let i = 0; i < n; i++) {
    if (series[i] > peak) {
      peak = series[i];
      peakAt = i;
    }
  }
  const now = series[Math.min(cursor, n - 1)] ?? 0;
  const label = ` ${spec} `;
  const info = ` now ${now} · peak ${peak} @ step ${peakAt} · t off · T pick`;
  const cols = Math.max(8, width - label.length - info.length - 1);
  let bars = '';
  for (let c = 0; c < cols; c++) {
    const from = Math.floor((c * n) / cols);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / cols));
    let max = 0;
    for (let i = from; i < to && i < n; i++) max = Math.max(max, series[i]);
    bars +=
      max === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.ceil((max / (peak || 1)) * BARS.length) - 1)];
  }
  const at = n === 0 ? 0 : Math.min(cols - 1, Math.floor((cursor * cols) / n));
  const marker = `${' '.repeat(label.length + at)}▲ step ${cursor}`;
  return [`${theme.bold(label)}${theme.accent(bars)}${theme.dim(info)}`, theme.warn(marker)];
}
