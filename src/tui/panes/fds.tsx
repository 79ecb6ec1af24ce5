/**
 * FD table pane: the server process's file descriptors, fd → type and object (stdio, a socket with
 * its addresses and state, the netpoller's epoll instance, its eventfd). New or changed entries are
 * marked.
 */
import type { FdView } from '../../sim/viewtypes.js';
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent, pad, padLeft } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

function fdsContent({ view, prev, theme, height, scroll }: PaneArgs): PaneContent {
  const before = new Map<number, FdView>();
  if (prev) for (const f of prev.fds) before.set(f.fd, f);
  const fds = view.fds;
  const line = (i: number) => {
    const f = fds[i];
    const b = before.get(f.fd);
    const isNew = prev !== undefined && b === undefined;
    const fd = `${theme.mark(padLeft(String(f.fd), 3), isNew)}${isNew && theme.level === 0 ? '' : ' '}`;
    const desc = sanitize(f.desc) + (f.flags ? theme.dim(` ${sanitize(f.flags)}`) : '');
    const descChanged = b !== undefined && (b.desc !== f.desc || b.type !== f.type);
    return `${fd}${pad(sanitize(f.type), 8)} ${theme.mark(desc, descChanged)}`;
  };
  const closed = prev ? prev.fds.filter((f) => !fds.some((x) => x.fd === f.fd)).map((f) => f.fd) : [];
  const blocks: Block[] = [
    theme.dim(` fd type     object · ${fds.length} open`),
    { count: fds.length, line },
  ];
  if (closed.length > 0) blocks.push(theme.changed(`closed: ${closed.join(', ')}`));
  return materialize(blocks, scroll, height);
}

export const fdsPane: PaneDef = {
  title: () => 'FD table',
  content: fdsContent,
};
