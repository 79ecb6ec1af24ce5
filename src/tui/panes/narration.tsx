/**
 * Narration pane: what the current step did and why. The record's own sentence (written by the
 * simulation code that made it: what happened, and why), the scenario's teaching notes that match
 * this step (right under the sentence, so they are the first thing read), the real function it models
 * (e.g. `runtime.netpollready — src/runtime/netpoll.go`), exactly what it changed (its `changes`), the
 * step that caused it (`w` walks the whole chain), a dim line on what this kind of step is in general,
 * and the journey stage the step is in (the map strip's lit name, explained).
 *
 * Never clipped silently: when the text is longer than the pane, its last row says how many lines
 * are left and how to scroll them (`7`, then `↓`); the pane goes back to its top when the step changes.
 */
import type { Change } from '../../sim/steplog.js';
import { formatTime } from '../../sim/trace.js';
import type { StepVerdict } from '../compare-marks.js';
import { KIND_ABOUT } from '../kinds.js';
import { sanitize } from '../sanitize.js';
import { STAGE_ABOUT, stageOf } from '../stage.js';
import { type Block, materialize, type PaneContent, wrap } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

/** `fd 3 acceptq 0→1` — one change, as the panes name it. */
function changeText(c: Change): string {
  const v = (x: Change['from']) => (x === null ? '∅' : String(x));
  return `${c.what} ${v(c.from)}→${v(c.to)}`;
}

function narrationContent({
  session,
  record: r,
  changes,
  theme,
  width,
  height,
  scroll,
  compare,
}: PaneArgs): PaneContent {
  const w = Math.max(10, width);
  const blocks: Block[] = [];
  const ids = (['fd', 'g', 'm', 'p', 'tid', 'conn', 'slot'] as const)
    .filter((k) => r[k] !== undefined)
    .map((k) => `${k} ${r[k]}`);
  blocks.push(
    theme.dim(
      `step ${r.step} · ${formatTime(r.t_ns)} · ${r.layer} · ${r.kind}${ids.length ? ` · ${ids.join(' ')}` : ''}`,
    ),
  );
  for (const l of wrap(sanitize(r.text), w)) blocks.push(theme.bold(l));
  for (const note of session.notesAt(r.step)) {
    for (const l of wrap(`note: ${sanitize(note)}`, w)) blocks.push(theme.warn(l));
  }
  if (r.fn) for (const l of wrap(`models ${sanitize(r.fn)}`, w)) blocks.push(theme.accent(l));
  if (compare) blocks.push(...realLines(compare.at(r.step), w, theme));
  const list = changes.matching(/./);
  const changed = list.length ? list.map(changeText).join(' · ') : 'nothing (this step only explains)';
  for (const l of wrap(sanitize(`changed: ${changed}`), w)) blocks.push(theme.changed(l));
  if (r.cause !== undefined && r.cause < session.total) {
    const c = session.record(r.cause);
    for (const l of wrap(sanitize(`because of step ${c.step}: ${c.text}`), w)) blocks.push(theme.dim(l));
  }
  const about = KIND_ABOUT[r.kind];
  if (about) for (const l of wrap(`(${r.kind}) ${about}`, w)) blocks.push(theme.dim(l));
  const stage = stageOf(r);
  if (stage) for (const l of wrap(`journey: ${stage} — ${STAGE_ABOUT[stage]}`, w)) blocks.push(theme.dim(l));
  return withMore(blocks, scroll, height, theme);
}

/** `--compare`: the real log line this step was lined up with, and real calls missing before it. */
function realLines(v: StepVerdict | undefined, w: number, theme: PaneArgs['theme']): string[] {
  if (!v) return [];
  const out: string[] = [];
  for (const m of v.missing)
    out.push(...wrap(sanitize(`✗ real only, line ${m.line}: ${m.text}`), w).map((l) => theme.error(l)));
  const head = v.ok ? '✓ real' : '✗ real';
  const text = v.real
    ? `${head}${v.status === 'reordered' ? ' (reordered)' : ''}, line ${v.real.line}: ${v.real.text}`
    : `${head}: no such call in the log here (the simulation makes it, the real server did not)`;
  out.push(...wrap(sanitize(text), w).map((l) => (v.ok ? theme.accent(l) : theme.error(l))));
  return out;
}

/**
 * `materialize`, but when the blocks do not fit, the last row says how many lines are hidden below
 * (or that the end is reached). `total` counts that row, so the App's scroll range reaches the end.
 */
export function withMore(
  blocks: Block[],
  scroll: number,
  height: number,
  theme: PaneArgs['theme'],
): PaneContent {
  const all = blocks.reduce((n, b) => n + (typeof b === 'string' ? 1 : b.count), 0);
  if (all <= height || height < 2) return materialize(blocks, scroll, height);
  const c = materialize(blocks, scroll, height - 1);
  const first = Math.max(0, Math.min(scroll, all - (height - 1)));
  const below = all - first - (height - 1);
  const more =
    below > 0
      ? `▼ ${below} more line${below === 1 ? '' : 's'}: 7 then ↓ to read on`
      : '▲ end · ↑ scrolls back';
  return { lines: [...c.lines, theme.warn(theme.bold(more))], total: all + 1 };
}

export const narrationPane: PaneDef = {
  title: () => 'Narration',
  content: narrationContent,
};
