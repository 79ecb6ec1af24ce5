/**
 * FD table pane: the server process's file descriptors, fd → type and object (stdio, a socket with
 * its addresses and state, the netpoller's epoll instance, its eventfd). New or changed entries are
 * marked.
 */
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent, pad, padLeft } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

function fdsContent({ view, changes, theme, height, scroll }: PaneArgs): PaneContent {
  const fds = view.fds;
  const line = (i: number) => {
    const f = fds[i];
    const isNew = changes.appeared(`fd ${f.fd}`);
    const fd = `${theme.mark(padLeft(String(f.fd), 3), isNew)}${isNew && theme.level === 0 ? '' : ' '}`;
    const desc = sanitize(f.desc) + (f.flags ? theme.dim(` ${sanitize(f.flags)}`) : '');
    return `${fd}${pad(sanitize(f.type), 8)} ${theme.mark(desc, !isNew && changes.has(`fd ${f.fd}`))}`;
  };
  // Closed by this very step (the fd table slot it emptied), never by an earlier one.
  const closed = changes.gone(/^fd \d+$/).map((w) => w.slice(3));
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
