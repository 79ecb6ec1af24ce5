/**
 * Narration pane: what the current step did and why. The record's own sentence (written by the
 * simulation code that made it: what happened, and why), the real function it models (e.g.
 * `runtime.netpollready — src/runtime/netpoll.go`), exactly what it changed (its `changes`), the step
 * that caused it (`w` walks the whole chain), a dim line on what this kind of step is in general, and
 * the scenario's teaching notes that match this step.
 */
import type { Change } from '../../sim/steplog.js';
import { formatTime } from '../../sim/trace.js';
import { KIND_ABOUT } from '../kinds.js';
import { sanitize } from '../sanitize.js';
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
  if (r.fn) for (const l of wrap(`models ${sanitize(r.fn)}`, w)) blocks.push(theme.accent(l));
  const list = changes.matching(/./);
  const changed = list.length ? list.map(changeText).join(' · ') : 'nothing (this step only explains)';
  for (const l of wrap(sanitize(`changed: ${changed}`), w)) blocks.push(theme.changed(l));
  if (r.cause !== undefined && r.cause < session.total) {
    const c = session.record(r.cause);
    for (const l of wrap(sanitize(`because of step ${c.step}: ${c.text}`), w)) blocks.push(theme.dim(l));
  }
  const about = KIND_ABOUT[r.kind];
  if (about) for (const l of wrap(`(${r.kind}) ${about}`, w)) blocks.push(theme.dim(l));
  for (const note of session.notesAt(r.step)) {
    for (const l of wrap(`note: ${sanitize(note)}`, w)) blocks.push(theme.warn(l));
  }
  return materialize(blocks, scroll, height);
}

export const narrationPane: PaneDef = {
  title: () => 'Narration',
  content: narrationContent,
};
