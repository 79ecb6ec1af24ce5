/**
 * Sockets pane: each listener with its SYN queue and accept queue (length/backlog), then each
 * connection with its TCP state, peer, and receive and send queues as gauges (bytes / capacity).
 * Connections are a windowed list: 10k sockets cost only the lines on screen.
 */
import { sockViewName } from '../../sim/steplog.js';
import type { SocketView } from '../../sim/viewtypes.js';
import { sanitize } from '../sanitize.js';
import { type Block, fmtBytes, gauge, materialize, type PaneContent, pad } from '../text.js';
import type { PaneArgs, PaneDef } from './types.js';

function fdLabel(s: SocketView): string {
  return pad(s.fd === undefined ? 'fd -' : `fd ${s.fd}`, 6);
}

function sockContent({ view, changes, theme, width, height, scroll }: PaneArgs): PaneContent {
  // One pass over the sockets (10k on c10k): the listeners (a few), and the count by state. The other
  // sockets are read in place (connAt): a copy of 10k of them was a fifth of a c10k frame's garbage.
  const socks = view.sockets;
  const listeners: SocketView[] = [];
  const listenAt: number[] = [];
  const byState = new Map<string, number>();
  for (let i = 0; i < socks.length; i++) {
    const s = socks[i];
    if (s.state === 'LISTEN') {
      listeners.push(s);
      listenAt.push(i);
    }
    byState.set(s.state, (byState.get(s.state) ?? 0) + 1);
  }
  const nConns = socks.length - listeners.length;
  /** The j-th socket that is not a listener. */
  const connAt = (j: number): SocketView => {
    let i = j;
    for (const l of listenAt) if (l <= i) i++;
    return socks[i];
  };
  /** Marked when this step changed the value; a socket that appeared in it is marked by its fd label instead. */
  const m = (s: SocketView, key: 'state' | 'synq' | 'acceptq' | 'rcvq' | 'sndq', text: string) => {
    const n = sockViewName(s);
    return theme.mark(text, changes.has(`${n} ${key}`) && !changes.appeared(`${n} state`));
  };
  const listenLine = (s: SocketView) => {
    const q = (k: 'synq' | 'acceptq') => m(s, k, String(s[k] ?? 0));
    return (
      `${fdLabel(s)}${m(s, 'state', 'LISTEN')} ${sanitize(s.local)}  ` +
      `synq ${q('synq')}/${s.backlog ?? '?'}  acceptq ${q('acceptq')}/${s.backlog ?? '?'} ${theme.dim(gauge(s.acceptq ?? 0, s.backlog ?? 0, 8))}`
    );
  };
  const bar = Math.max(4, Math.min(16, Math.floor((width - 40) / 2)));
  const queue = (s: SocketView, k: 'rcvq' | 'sndq', cap: number | undefined) => {
    const v = s[k] ?? 0;
    return `${k} ${theme.dim(gauge(v, cap ?? 0, bar))} ${m(s, k, fmtBytes(v))}/${cap === undefined ? '?' : fmtBytes(cap)}`;
  };
  const connLine = (i: number) => {
    const s = connAt(i >> 1);
    if (i % 2 === 0) {
      const peer = s.remote ? ` ↔ ${sanitize(s.remote)}` : '';
      const conn = s.conn !== undefined ? theme.dim(`  conn ${s.conn}`) : '';
      const fd = s.fd === undefined ? 'fd -' : `fd ${s.fd}`;
      const isNew = changes.appeared(`${sockViewName(s)} state`);
      const fdMoved = s.fd !== undefined && changes.appeared(`fd ${s.fd}`);
      const label = isNew || fdMoved ? theme.changed(fd) : fd;
      return `${label}${' '.repeat(Math.max(1, 6 - fd.length))}${m(s, 'state', s.state)} ${sanitize(s.local)}${peer}${conn}`;
    }
    return `      ${queue(s, 'rcvq', s.rcvCap)}  ${queue(s, 'sndq', s.sndCap)}`;
  };
  const blocks: Block[] = [];
  const counts = `${socks.length} sockets · ${listeners.length} listening · ${nConns} other`;
  blocks.push(theme.dim(counts));
  if (view.sockets.length > SUMMARY_FROM) blocks.push(theme.dim(byStateLine(byState)));
  if (view.sockets.length === 0) blocks.push(theme.dim('no sockets yet'));
  blocks.push({ count: listeners.length, line: (i) => listenLine(listeners[i]) });
  blocks.push({ count: nConns * 2, line: connLine });
  const wasGone = changes.gone(/^(conn \d+|fd \d+|sock #\d+) state$/).length;
  if (wasGone > 0) blocks.push(theme.changed(`${wasGone} socket${wasGone === 1 ? '' : 's'} closed`));
  return materialize(blocks, scroll, height);
}

/** A table with more sockets than this leads with a count by TCP state. */
const SUMMARY_FROM = 8;

/** `by state: ESTABLISHED 812 · SYN_RECV 3 · LISTEN 1`, most frequent first. */
function byStateLine(n: Map<string, number>): string {
  const parts = [...n].sort((a, b) => b[1] - a[1]).map(([st, c]) => `${sanitize(st)} ${c}`);
  return `by state: ${parts.join(' · ')}`;
}

export const socketsPane: PaneDef = {
  title: () => 'Sockets',
  content: sockContent,
};
