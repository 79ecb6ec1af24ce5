/**
 * The anomaly list (`E`), like Wireshark's Expert Info: every kind of anomaly the run has, counted,
 * with what it means and where the first one is; the selected kind marked `▶`, Enter goes to the next
 * one of that kind after the cursor. `a` / `A` step through all of them without the list.
 */
import { anomalyLabel } from '../../debug/anomaly.js';
import { keyHints } from '../keymap.js';
import { cut, padLeft } from '../text.js';
import type { Theme } from '../theme.js';
import type { TraceIndex } from '../traceindex.js';
import { anomalyCounts } from '../traceindex.js';
import { Overlay, overlayCapacity } from './overlay.js';

/** The list's lines for `width` content columns and at most `height` lines. */
export function anomalyLines(
  ix: TraceIndex,
  selected: number,
  theme: Theme,
  width: number,
  height: number,
): string[] {
  const counts = anomalyCounts(ix);
  const hints = theme.dim(keyHints('anomalies'));
  if (counts.length === 0)
    return [theme.dim('no anomalies in this run: nothing overflowed, dropped or failed'), '', hints];
  const total = counts.reduce((a, c) => a + c.count, 0);
  const digits = String(counts[0].count).length;
  const room = Math.max(1, height - 3);
  const start = Math.max(0, Math.min(selected - room + 1, counts.length - room));
  const rows = counts.slice(start, start + room).map((c, k) => {
    const i = start + k;
    const text = cut(
      `${i === selected ? '▶' : ' '} ${padLeft(String(c.count), digits)}  ${c.kind.padEnd(11)} ${anomalyLabel(c.kind)} · first at step ${c.first}`,
      width,
    );
    return i === selected ? theme.current(text) : text;
  });
  return [theme.bold(`${total} anomalies of ${counts.length} kinds`), ...rows, '', hints];
}

export interface AnomalyOverlayProps {
  index: TraceIndex;
  selected: number;
  theme: Theme;
  columns: number;
  rows: number;
}

export function AnomalyOverlay({ index, selected, theme, columns, rows }: AnomalyOverlayProps) {
  const width = Math.min(columns - 2, 120);
  return (
    <Overlay
      title="Anomalies (Expert Info)"
      lines={anomalyLines(index, selected, theme, width - 3, overlayCapacity(rows))}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
