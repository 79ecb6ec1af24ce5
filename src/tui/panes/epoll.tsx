/**
 * epoll pane: for each epoll instance, the threads blocked in epoll_pwait on it, the interest list
 * (fd, event mask, edge-triggered) with the Go runtime's pollDesc for that fd (rg/wg: nil, ready,
 * wait, or the parked G), and the ready list in order: what the next epoll_pwait will return.
 */
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent, pad, padLeft } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

/** `EPOLLIN|EPOLLOUT|EPOLLRDHUP` → `IN|OUT|RDHUP` (edge-triggering has its own column). */
function shortEvents(events: string): string {
  return sanitize(events)
    .replace(/EPOLL/g, '')
    .split('|')
    .filter((e) => e !== 'ET')
    .join('|');
}

/**
 * Lookup by fd in a list the view gives in ascending fd order (checked): a binary search per visible
 * row instead of a Map of all 10k pollDescs per frame; any other order gets the Map.
 */
function byFd<T extends { fd: number }>(list: readonly T[]): (fd: number) => T | undefined {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1].fd >= list[i].fd) {
      const map = new Map(list.map((x) => [x.fd, x]));
      return (fd) => map.get(fd);
    }
  }
  return (fd) => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = list[mid].fd;
      if (x === fd) return list[mid];
      if (x < fd) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
}

function epollContent({ view, changes, theme, height, scroll }: PaneArgs): PaneContent {
  const blocks: Block[] = [];
  const pdOf = byFd(view.sched.pollDescs);
  if (view.epoll.length === 0) blocks.push(theme.dim('no epoll instance yet'));
  for (const ep of view.epoll) {
    const name = `epoll ${ep.fd}`;
    const waiters = ep.waiters.length ? ep.waiters.map((t) => `tid ${t}`).join(', ') : 'none';
    const wChanged = changes.has(`${name} waiters`);
    blocks.push(
      `${theme.bold(`epoll fd ${ep.fd}`)} · blocked in epoll_pwait: ${theme.mark(waiters, wChanged)}`,
    );
    const ready = ep.ready.length ? ep.ready.join(' → ') : 'empty';
    const rChanged = changes.has(`${name} rdllist`);
    const interestNow = changes.matching(new RegExp(`^${name} interest$`))[0];
    const before = new Set(
      typeof interestNow?.from === 'string'
        ? interestNow.from.replace(/[[\]]/g, '').split(' ').filter(Boolean)
        : [],
    );
    blocks.push(`ready list: ${theme.mark(ready, rChanged)}`);
    blocks.push(theme.dim(' fd  events          ET  pollDesc rg / wg'));
    const interest = ep.interest;
    blocks.push({
      count: interest.length,
      line: (i) => {
        const it = interest[i];
        const isNew = interestNow !== undefined && !before.has(String(it.fd));
        const pd = pdOf(it.fd);
        const rg = pd ? theme.mark(sanitize(pd.rg), changes.has(`pd ${it.fd} rg`)) : '-';
        const wg = pd ? theme.mark(sanitize(pd.wg), changes.has(`pd ${it.fd} wg`)) : '-';
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
