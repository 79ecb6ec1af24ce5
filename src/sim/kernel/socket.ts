/**
 * Kernel sockets (net/core/sock.c, net/ipv4/tcp.c): allocation, the poll mask (tcp_poll) and the
 * wake-ups that feed epoll (sk_data_ready, sk_write_space, sk_state_change).
 *
 * A listener owns two queues of child sockets: the SYN queue (request socks in SYN_RECV) and the accept
 * queue (ESTABLISHED children waiting for accept4). An established socket has a receive queue and a
 * send queue in bytes against their capacities (sk_rcvbuf, sk_sndbuf).
 */
import { touch } from '../core.js';
import type { Machine, Sock } from '../machine.js';
import {
  EPOLLHUP,
  EPOLLIN,
  EPOLLOUT,
  EPOLLRDHUP,
  EPOLLRDNORM,
  EPOLLWRNORM,
  epPollCallback,
} from './epoll.js';

export function sockAlloc(m: Machine, family: Sock['family']): Sock {
  const id = m.nextSock++;
  touch(m, 'sock', id);
  const s: Sock = {
    id,
    family,
    state: 'CLOSED',
    local: '',
    remote: '',
    port: 0,
    v6only: false,
    reuseaddr: false,
    nodelay: false,
    keepalive: false,
    synq: [],
    acceptq: [],
    backlog: 0,
    parent: -1,
    conn: 0,
    rcvq: 0,
    rcvData: '',
    rcvCap: m.p.rmem,
    rcvNxt: 0,
    rcvShutdown: false,
    sndCap: m.p.wmem,
    sndUna: 0,
    sndNxt: 0,
    writeSeq: 0,
    sndData: '',
    sndText: true,
    cwnd: 10,
    mss: m.p.mtu - 40,
    finQueued: false,
    finSent: false,
    sndShutdown: false,
    rtoGen: 0,
    delackGen: 0,
    delackPending: false,
    file: -1,
    rcvWndSent: 0,
    rcvWup: 0,
    sndWnd: 1 << 20,
    rcvd: 0,
    appWritten: 0,
    appRead: 0,
    synackRetries: 0,
    orphan: false,
    ofo: [],
  };
  m.socks[s.id] = s;
  return s;
}

/** Bytes in the send queue: written and not yet acknowledged (sk_wmem_queued). */
export function sndQueued(s: Sock): number {
  return Math.max(0, s.writeSeq - s.sndUna);
}

/** sk_stream_is_writeable: free space is at least half of what is queued. */
export function sockWritable(s: Sock): boolean {
  const free = s.sndCap - sndQueued(s);
  return free > 0 && free >= sndQueued(s) / 2;
}

/** Bytes held in the out-of-order queue (they count against the receive buffer, as sk_rmem_alloc does). */
export function ofoBytes(s: Sock): number {
  let n = 0;
  for (const r of s.ofo) n += r.len;
  return n;
}

/** The out-of-order queue as text: `1460 B: seq 2921–4381, 5841–7301+FIN`. */
export function ofoText(s: Sock): string {
  const ranges = s.ofo.map((r) => `${r.seq}–${r.seq + r.len}${r.fin ? '+FIN' : ''}`).join(', ');
  return `${ofoBytes(s)} B: seq ${ranges}`;
}

/** The receive window we can advertise (bytes): the buffer less what the receive and ofo queues hold. */
export function rcvWindow(s: Sock): number {
  return Math.max(0, s.rcvCap - s.rcvq - (s.ofo.length > 0 ? ofoBytes(s) : 0));
}

/** tcp_poll (net/ipv4/tcp.c): the events this socket would report now. */
export function sockPoll(_m: Machine, s: Sock | undefined): number {
  if (!s) return EPOLLHUP;
  if (s.state === 'LISTEN') return s.acceptq.length > 0 ? EPOLLIN | EPOLLRDNORM : 0;
  if (s.state === 'CLOSED') return EPOLLHUP | EPOLLOUT | EPOLLWRNORM;
  let mask = 0;
  if (s.rcvShutdown && s.sndShutdown) mask |= EPOLLHUP;
  if (s.rcvShutdown) mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
  if (s.rcvq > 0) mask |= EPOLLIN | EPOLLRDNORM;
  if (!s.sndShutdown && sockWritable(s)) mask |= EPOLLOUT | EPOLLWRNORM;
  return mask;
}

/** sk_data_ready / sk_write_space / sk_state_change: wake the socket's waiters (epoll). */
export function sockWake(m: Machine, s: Sock, events: number, why: string): void {
  if (s.file >= 0) epPollCallback(m, s.file, events, why);
}
