/**
 * Scheduler pane: the Go runtime's G/M/P world. Each P with its runnext and local run queue, the
 * global run queue, each M (OS thread) with its tid, P, current G and state (running, spinning,
 * syscall, netpoll = blocked in epoll_pwait, idle = futex sleep), the current G's call frames
 * (innermost first, like a Go traceback), then every G with its status and wait reason.
 *
 * The current G is the record's `g` when it has one, else the G on the first M that runs one, else the
 * lowest live G.
 */
import type { TraceRecord } from '../../sim/trace.js';
import type { GView, StateView } from '../../sim/viewtypes.js';
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

/** Up to this many goroutines are listed before the current G's frames. */
const SHORT_G_LIST = 8;

const gs = (ids: number[]) => ids.map((g) => `G${g}`).join(' ');
/** Queues longer than this lead with their length (`runq 812: [G13833 G13834 …]`). */
const SAY_LENGTH_FROM = 4;
/** A run queue as shown: `[G6 G7]`, or with its length first when long. */
const q = (ids: number[]) => (ids.length > SAY_LENGTH_FROM ? `${ids.length}: [${gs(ids)}]` : `[${gs(ids)}]`);

/** The G whose frames the pane shows. */
export function currentG(record: TraceRecord | undefined, view: StateView): GView | undefined {
  const all = view.sched.gs;
  const byId = (id: number | undefined) => (id === undefined ? undefined : all.find((g) => g.id === id));
  return (
    byId(record?.g) ??
    byId(view.sched.ms.find((m) => m.curg !== undefined)?.curg) ??
    all.find((g) => g.status !== 'dead') ??
    all[0]
  );
}

function schedContent({ view, changes, theme, height, scroll, record }: PaneArgs): PaneContent {
  const s = view.sched;
  const ps = s.ps;
  /** `text` padded to `n`, marked when this step changed any of `whats`. */
  const ch = (whats: string[], text: string, n = 0) => theme.markPad(text, n, changes.some(...whats));

  const netpoll = s.netpollWaiter !== undefined ? `tid ${s.netpollWaiter}` : 'none';
  const toPoll = changes.matching(/^M\d+ state$/).some((c) => c.from === 'netpoll' || c.to === 'netpoll');
  const blocks: Block[] = [`GOMAXPROCS ${s.gomaxprocs} · in netpoll: ${theme.mark(netpoll, toPoll)}`];
  blocks.push({
    count: ps.length,
    line: (i) => {
      const p = ps[i];
      const n = `P${p.id}`;
      const m = p.m === undefined ? '-' : `M${p.m}`;
      const rn = p.runnext === undefined ? '-' : `G${p.runnext}`;
      return (
        `${theme.bold(n)} ${ch([`${n} status`], p.status, 7)} ${ch([`${n} m`], m, 3)}` +
        ` runnext ${ch([`${n} runnext`], rn, 4)} runq ${ch([`${n} runq`], q(p.runq))}` +
        theme.dim(` tick ${p.schedtick}`)
      );
    },
  });
  blocks.push(`global runq ${theme.mark(q(s.globrunq), changes.has('globrunq'))}`);
  blocks.push({
    count: s.ms.length,
    line: (i) => {
      const m = s.ms[i];
      const n = `M${m.id}`;
      const state = m.spinning ? `${m.state} (spinning)` : m.state;
      const p = m.p === undefined ? '-' : `P${m.p}`;
      const g = m.curg === undefined ? '-' : `G${m.curg}`;
      return (
        `${theme.bold(n)} ${theme.dim(`tid ${m.tid}`)} ${ch([`${n} p`], p, 3)} ${ch([`${n} curg`], g, 4)}` +
        ` ${ch([`${n} state`, `${n} spinning`], state)}`
      );
    },
  });
  const cur = currentG(record, view);
  const frameBlocks = (): void => {
    if (cur) {
      blocks.push(theme.dim(`── G${cur.id} ${sanitize(cur.label)}: call frames, innermost first ──`));
      const frames = [...cur.frames].reverse();
      if (frames.length === 0) blocks.push(theme.dim('  (no Go frames: runtime-internal)'));
      blocks.push({
        count: frames.length,
        line: (i) => {
          const f = frames[i];
          const file = f.file ? theme.dim(`  ${sanitize(f.file)}`) : '';
          return `#${i} ${sanitize(f.fn)}${file}`;
        },
      });
    }
  };
  const gBlocks = (): void => {
    blocks.push(theme.dim(`── goroutines (${s.gs.length}) ──`));
    blocks.push({
      count: s.gs.length,
      line: (i) => {
        const g = s.gs[i];
        const isNew = changes.appeared(`G${g.id} status`);
        const status = g.waitReason ? `${g.status} (${sanitize(g.waitReason)})` : g.status;
        const id = theme.markPad(`G${g.id}`, 4, isNew);
        const at = g.m === undefined ? '' : theme.dim(` on M${g.m}`);
        const here = cur && g.id === cur.id ? theme.accent('▸') : ' ';
        const stat = theme.markPad(status, 20, !isNew && changes.has(`G${g.id} status`));
        return `${here}${id} ${stat}${at} ${sanitize(g.label)}`;
      },
    });
  };
  // A short goroutine list goes first (all of it visible); a long one after the frames.
  if (s.gs.length <= SHORT_G_LIST) {
    gBlocks();
    frameBlocks();
  } else {
    frameBlocks();
    gBlocks();
  }
  return materialize(blocks, scroll, height);
}

export const schedPane: PaneDef = {
  title: ({ view }) =>
    `Scheduler · ${view.sched.gs.length} G · ${view.sched.ms.length} M · ${view.sched.ps.length} P`,
  content: schedContent,
};
