/**
 * Narration pane: what the current event did and why, in plain sentences. The record's own sentence
 * (written by the simulation code that made the event), one sentence on what this kind of event is,
 * the real function it models (e.g. `runtime.netpollready — src/runtime/netpoll.go`), the syscall's
 * result, and the scenario's teaching notes that match this step.
 */
import { formatTime } from '../../sim/trace.js';
import { KIND_ABOUT } from '../kinds.js';
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent, wrap } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

function syscallLine(r: PaneArgs['record']): string | undefined {
  if (r.kind !== 'syscall' || !r.syscall) return undefined;
  const args = (r.args ?? []).map((a) => sanitize(String(a))).join(', ');
  const ret = r.ret === undefined ? '' : ` = ${r.ret}`;
  return `${sanitize(r.syscall)}(${args})${ret}${r.errno ? ` ${sanitize(r.errno)}` : ''}`;
}

function narrationContent({ session, record: r, theme, width, height, scroll }: PaneArgs): PaneContent {
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
  const sc = syscallLine(r);
  if (sc) for (const l of wrap(sc, w)) blocks.push(theme.accent(l));
  if (r.reason) blocks.push(`reason: ${sanitize(r.reason)}`);
  const about = KIND_ABOUT[r.kind];
  if (about) for (const l of wrap(about, w)) blocks.push(theme.dim(l));
  if (r.fn) for (const l of wrap(`models ${sanitize(r.fn)}`, w)) blocks.push(theme.accent(l));
  for (const note of session.notesAt(r.step)) {
    for (const l of wrap(`note: ${sanitize(note)}`, w)) blocks.push(theme.warn(l));
  }
  return materialize(blocks, scroll, height);
}

export const narrationPane: PaneDef = {
  title: () => 'Narration',
  content: narrationContent,
};
