/**
 * epoll pane: for each epoll instance, the threads blocked in epoll_pwait on it, the interest list
 * (fd, event mask, edge-triggered) with the Go runtime's pollDesc for that fd (rg/wg: nil, ready,
 * wait, or the parked G), and the ready list in order: what the next epoll_pwait will return.
 */
import type { EpollView } from '../../sim/viewtypes.js';
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent, pad, padLeft } from '../text.js';
import { differs, type PaneArgs, type PaneDef } from './types.js';

/** `EPOLLIN|EPOLLOUT|EPOLLRDHUP` → `IN|OUT|RDHUP` (edge-triggering has its own column). */
function shortEvents(events: string): string {
  return sanitize(events)
    .replace(/EPOLL/g, '')
    .split('|')
    .filter((e) => e !== 'ET')
    .join('|');
}

function epollContent({ view, prev, theme, height, scroll }: PaneArgs): PaneContent {
  const blocks: Block[] = [];
  const pds = new Map(view.sched.pollDescs.map((p) => [p.fd, p]));
  const prevPds = new Map((prev?.sched.pollDescs ?? []).map((p) => [p.fd, p]));
  if (view.epoll.length === 0) blocks.push(theme.dim('no epoll instance yet'));
  for (const ep of view.epoll) {
    const pe: EpollView | undefined = prev?.epoll.find((e) => e.fd === ep.fd);
    const waiters = ep.waiters.length ? ep.waiters.map((t) => `tid ${t}`).join(', ') : 'none';
    const wChanged = differs(prev, pe?.waiters.join(), ep.waiters.join());
    blocks.push(
      `${theme.bold(`epoll fd ${ep.fd}`)} · blocked in epoll_pwait: ${theme.mark(waiters, wChanged)}`,
    );
    const ready = ep.ready.length ? ep.ready.join(' → ') : 'empty';
    const rChanged = differs(prev, pe?.ready.join(), ep.ready.join());
    blocks.push(`ready list: ${theme.mark(ready, rChanged)}`);
    blocks.push(theme.dim(' fd  events          ET  pollDesc rg / wg'));
    const interest = ep.interest;
    blocks.push({
      count: interest.length,
      line: (i) => {
        const it = interest[i];
        const isNew = pe !== undefined && !pe.interest.some((x) => x.fd === it.fd);
        const pd = pds.get(it.fd);
        const ppd = prevPds.get(it.fd);
        const rg = pd ? theme.mark(sanitize(pd.rg), differs(prev, ppd?.rg, pd.rg)) : '-';
        const wg = pd ? theme.mark(sanitize(pd.wg), differs(prev, ppd?.wg, pd.wg)) : '-';
        const onReady = ep.ready.includes(it.fd) ? theme.ok(' ready') : '';
        return `${theme.markPad(padLeft(String(it.fd), 3), 5, isNew)}${pad(shortEvents(it.events), 15)} ${it.et ? 'ET' : '  '}  rg ${rg} wg ${wg}${onReady}`;
      },
    });
  }
  return materialize(blocks, scroll, height);
}

export const epollPane: PaneDef = {
  title: () => 'epoll',
  content: epollContent,
};
