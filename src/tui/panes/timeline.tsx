/**
 * Timeline pane: the trace records around the cursor, one per line (step, virtual time, layer, text).
 * The current record is marked `▶` (and drawn inverse with colour), records that match an enabled
 * breakpoint `●`, records matching the `/` search `/`. The window is centred on the cursor; scrolling
 * moves it away, and moving the cursor re-centres it. Under the request lens (`r`) only that
 * connection's records are listed, and the title says how many of the run's they are. With
 * `--compare LOG`, a third mark column says whether each syscall step matched the real log (✓) or
 * not (✗), and the title gives the score.
 */

import type { TraceRecord } from '../../sim/trace.js';
import { formatTime } from '../../sim/trace.js';
import { sanitize } from '../sanitize.js';
import { cut, type PaneContent, pad, padLeft } from '../text.js';
import { rankOf } from '../traceindex.js';
import type { PaneArgs, PaneDef } from './types.js';

/** First record shown: centred on the cursor, shifted by scroll, clamped to the trace. */
export function timelineStart(cursor: number, total: number, height: number, scroll: number): number {
  const start = cursor - Math.floor(height / 2) + scroll;
  return Math.max(0, Math.min(start, total - height));
}

/** The records the window shows: a slice of the run, or of the lens's steps around the cursor. */
function shown({ session, height, scroll, lens }: PaneArgs): { recs: TraceRecord[]; total: number } {
  if (!lens) {
    const start = timelineStart(session.cursor, session.total, height, scroll);
    return { recs: session.records(start, start + height), total: session.total };
  }
  const steps = lens.steps;
  const at = Math.max(0, rankOf(steps, session.cursor) - 1);
  const start = timelineStart(at, steps.length, height, scroll);
  const recs: TraceRecord[] = [];
  for (let i = start; i < Math.min(steps.length, start + height); i++) recs.push(session.record(steps[i]));
  return { recs, total: steps.length };
}

function timelineContent(args: PaneArgs): PaneContent {
  const { session, theme, width, matches } = args;
  const cursor = session.cursor;
  const digits = String(Math.max(0, session.total - 1)).length;
  const { recs, total } = shown(args);
  const isMatch = (i: number) => matches !== undefined && rankOf(matches, i) > rankOf(matches, i - 1);
  const lines = recs.map((r) => {
    const here = r.step === cursor;
    const hit = session.isHit(r.step);
    const real = args.compare ? (args.compare.at(r.step)?.ok ?? ' ') : '';
    const mark = `${here ? '▶' : ' '}${hit ? '●' : isMatch(r.step) ? '/' : ' '}${real === true ? '✓' : real === false ? '✗' : real}`;
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
  title: ({ session, lens, compare }) =>
    (lens
      ? `Timeline · lens conn ${lens.conn}: ${lens.steps.length} of ${session.total} events`
      : `Timeline · ${session.total} events`) +
    (compare ? ` · vs real log: ${compare.matched}/${compare.total} ✓ (${compare.percent} %)` : ''),
  content: timelineContent,
};
