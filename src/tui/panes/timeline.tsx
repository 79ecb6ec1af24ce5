/**
 * Timeline pane: the trace records around the cursor, one per line (step, virtual time, layer, text).
 * The current record is marked `▶` (and drawn inverse with colour), records that match an enabled
 * breakpoint `●`. The window is centred on the cursor; scrolling moves it away, and moving the cursor
 * re-centres it.
 */
import { formatTime } from '../../sim/trace.js';
import { sanitize } from '../sanitize.js';
import { cut, type PaneContent, pad, padLeft } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

/** First record shown: centred on the cursor, shifted by scroll, clamped to the trace. */
export function timelineStart(cursor: number, total: number, height: number, scroll: number): number {
  const start = cursor - Math.floor(height / 2) + scroll;
  return Math.max(0, Math.min(start, total - height));
}

function timelineContent({ session, theme, width, height, scroll }: PaneArgs): PaneContent {
  const total = session.total;
  const cursor = session.cursor;
  const start = timelineStart(cursor, total, height, scroll);
  const digits = String(Math.max(0, total - 1)).length;
  const lines = session.records(start, start + height).map((r) => {
    const here = r.step === cursor;
    const hit = session.isHit(r.step);
    const mark = `${here ? '▶' : ' '}${hit ? '●' : ' '}`;
    const head = `${mark}${padLeft(String(r.step), digits)} ${padLeft(formatTime(r.t_ns), 11)} `;
    const layer = pad(r.layer, 7);
    // Cut here, on plain text, so Ink does not have to slice a styled line.
    const text = cut(sanitize(r.text), width - head.length - layer.length - 1);
    if (here) {
      const plain = `${head}${layer} ${text}`;
      return theme.current(pad(plain, width));
    }
    return `${hit ? theme.error(head) : theme.dim(head)}${theme.layer(r.layer, layer)} ${text}`;
  });
  return { lines, total };
}

export const timelinePane: PaneDef = {
  title: ({ session }) => `Timeline · ${session.total} events`,
  content: timelineContent,
};
