/**
 * TCP on the server host: input (net/ipv4/tcp_ipv4.c tcp_v4_rcv, tcp_input.c) and output (tcp_output.c).
 *
 * Input path for one segment, as softirq context runs it: look up the socket (established hash by
 * connection, then the listening hash by port); a SYN to a listener creates a request sock in the SYN
 * queue and answers SYN-ACK (tcp_conn_request); the handshake's final ACK moves it to the accept queue
 * (tcp_check_req → inet_csk_reqsk_queue_add) unless the queue is full (then the ACK is dropped and
 * counted: tcp_abort_on_overflow = 0); data in order goes to the receive queue and is ACKed at once
 * (quick-ACK mode); a FIN moves ESTABLISHED to CLOSE_WAIT (the ACK of a FIN is delayed, pingpong mode).
 * Output: `tcpWriteXmit` sends what the congestion window allows, in MSS-sized segments.
 */
import { emit, schedule, touch } from '../core.js';
import { own } from '../cow.js';
import { nicTxEnqueue } from '../hw/nic.js';
import { ACK, FIN, type Machine, type OfoRange, PSH, RST, type Seg, type Sock, SYN } from '../machine.js';
import { COST, TCP } from '../params.js';
import { EPOLLIN, EPOLLOUT, EPOLLRDHUP } from './epoll.js';
import { ofoBytes, ofoText, rcvWindow, sndQueued, sockAlloc, sockWake, sockWritable } from './socket.js';

const SERVER_IP = '10.0.0.1';
const MAX_SACK_BLOCKS = TCP.maxSackBlocksWithTs;

/** `SYN`, `PSH|ACK`… for a flags word. */
export function flagNames(f: number): string {
  const hit = FLAG_NAMES[f];
  if (hit !== undefined) return hit;
  const n: string[] = [];
  if (f & SYN) n.push('SYN');
  if (f & FIN) n.push('FIN');
  if (f & RST) n.push('RST');
  if (f & PSH) n.push('PSH');
  if (f & ACK) n.push('ACK');
  const name = n.join('|');
  if (f >= 0 && f < 256) FLAG_NAMES[f] = name;
  return name;
}
/** flagNames by flags word, filled as words are seen (a pure function of the word). */
const FLAG_NAMES: string[] = [];

/** One-line tcpdump-like summary of a segment. */
export function segSummary(s: Seg): string {
  let t = `${flagNames(s.flags)} seq ${s.seq}`;
  if (s.flags & ACK) t += ` ack ${s.ack}`;
  t += ` win ${s.win}`;
  if (s.len > 0) t += `, ${s.len} B`;
  if (s.mss) t += ` <mss ${s.mss},wscale ${s.wscale}>`;
  if (s.sack) t += ` <sack ${s.sack.map(([a, b]) => `${a}-${b}`).join(' ')}>`;
  return t;
}

/** A short quote of a payload for narration. */
export function quote(data: string | undefined, max = 48): string {
  if (!data) return '';
  const q = JSON.stringify(data.length > max ? `${data.slice(0, max)}…` : data);
  return ` ${q}`;
}

/**
 * tcp_select_window (net/ipv4/tcp_output.c): the window to advertise is the free receive space, but
 * never less than what is left of the window already offered (its right edge never moves back), so
 * data held out of order does not shrink the window the duplicate ACKs carry.
 */
function tcpSelectWindow(s: Sock): number {
  const offered = s.rcvWup + s.rcvWndSent - s.rcvNxt;
  return Math.max(rcvWindow(s), offered);
}

/** Builds a server → client segment for socket s and hands it to the IP layer (ip_queue_xmit → NIC). */
function xmit(
  m: Machine,
  s: Sock,
  flags: number,
  seq: number,
  len: number,
  data?: string,
  extra?: Partial<Seg>,
): Seg {
  const seg: Seg = {
    id: m.nextSeg++,
    conn: s.conn,
    toServer: false,
    flags,
    seq,
    ack: s.rcvNxt,
    len,
    win: tcpSelectWindow(s),
    ...extra,
  };
  if (data !== undefined) seg.data = data;
  // tcp_established_options: while data waits beyond a hole, every segment carries SACK blocks (at most
  // 3 beside timestamps), the newest-changed first in Linux; here in seq order.
  if (s.ofo.length > 0) seg.sack = s.ofo.slice(0, MAX_SACK_BLOCKS).map((r) => [r.seq, r.seq + r.len]);
  touch(m, 'sock', s.id);
  s.rcvWndSent = seg.win;
  s.rcvWup = s.rcvNxt;
  nicTxEnqueue(m, seg);
  return seg;
}

/** tcp_send_ack: a pure ACK. */
export function tcpSendAck(m: Machine, s: Sock, why: string): void {
  touch(m, 'sock', s.id);
  if (s.delackPending) {
    s.delackPending = false;
    s.delackGen++;
  }
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.tx',
    conn: s.conn,
    text: () =>
      `tcp_send_ack: the kernel acknowledges ${why} (ack ${s.rcvNxt}, window ${tcpSelectWindow(s)} B).`,
    fn: 'tcp_send_ack — net/ipv4/tcp_output.c',
  });
  xmit(m, s, ACK, s.sndNxt, 0);
}

function armRto(m: Machine, s: Sock): void {
  touch(m, 'sock', s.id);
  s.rtoGen++;
  schedule(m, m.p.rtoMin, 'tcp.rto', s.id, 0, s.rtoGen);
}

/**
 * tcp_write_xmit (net/ipv4/tcp_output.c): sends queued bytes while the congestion window allows, one
 * MSS at a time, then our FIN if close() or shutdown() queued one and everything before it is out.
 */
export function tcpWriteXmit(m: Machine, s: Sock): void {
  let sent = 0;
  while (s.sndNxt < s.writeSeq && s.sndNxt - s.sndUna < Math.min(s.cwnd * s.mss, s.sndWnd)) {
    const len = Math.min(s.mss, s.writeSeq - s.sndNxt, s.sndWnd - (s.sndNxt - s.sndUna));
    const off = s.sndNxt - s.sndUna;
    const data = s.sndData.slice(off, off + len);
    const last = s.sndNxt + len === s.writeSeq;
    const seq = s.sndNxt;
    touch(m, 'sock', s.id);
    s.sndNxt += len;
    sent++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.tx',
      conn: s.conn,
      bytes: len,
      text: () =>
        `tcp_write_xmit: ${len} B leave the send queue as one segment (seq ${seq}, ${sndQueued(s)} B queued, cwnd ${s.cwnd} segments).`,
      fn: 'tcp_write_xmit — net/ipv4/tcp_output.c',
    });
    xmit(m, s, ACK | (last ? PSH : 0), seq, len, data);
  }
  if (s.finQueued && !s.finSent && s.sndNxt === s.writeSeq) {
    const seq = s.sndNxt;
    touch(m, 'sock', s.id);
    s.finSent = true;
    if (s.delackPending) {
      s.delackPending = false;
      s.delackGen++;
    }
    s.sndNxt += 1;
    sent++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.tx',
      conn: s.conn,
      text: () => `tcp_send_fin: the kernel sends our FIN (seq ${seq}); the socket is ${s.state}.`,
      fn: 'tcp_send_fin — net/ipv4/tcp_output.c',
    });
    xmit(m, s, FIN | ACK, seq, 0);
  }
  if (sent > 0) armRto(m, s);
}

function setState(m: Machine, s: Sock, to: Sock['state'], why: string): void {
  const from = s.state;
  touch(m, 'sock', s.id);
  s.state = to;
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.state',
    conn: s.conn,
    text: () => `tcp_set_state: connection ${s.conn} goes ${from} → ${to}: ${why}.`,
    fn: 'tcp_set_state — net/ipv4/tcp.c',
  });
}

/**
 * tcp_done: the connection is over. The lookup entry goes; the sock itself is freed only when no file
 * refers to it any more (inet_csk_destroy_sock); otherwise it stays CLOSED until the program's close().
 */
function destroy(m: Machine, s: Sock): void {
  touch(m, 'sock', s.id);
  own(m, 'connsock', s.conn);
  delete m.connSock[s.conn];
  if (s.file >= 0) {
    s.state = 'CLOSED';
    s.rtoGen++;
    return;
  }
  delete m.socks[s.id];
}

/**
 * tcp_v4_rcv (net/ipv4/tcp_ipv4.c): one segment from the NIC, in softirq context. Emits what the kernel
 * did with it.
 */
export function tcpV4Rcv(m: Machine, seg: Seg): void {
  const sid = m.connSock[seg.conn];
  const s = sid === undefined ? undefined : m.socks[sid];
  if (s && s.state !== 'CLOSED') {
    if (s.state === 'SYN_RECV') return tcpCheckReq(m, s, seg);
    return tcpRcvEstablished(m, s, seg);
  }
  const lid = m.listeners[3000] ?? Object.values(m.listeners)[0];
  const l = lid === undefined ? undefined : m.socks[lid];
  if (seg.flags & SYN && !(seg.flags & ACK) && l && l.state === 'LISTEN') return tcpConnRequest(m, l, seg);
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.drop',
    conn: seg.conn,
    text: () =>
      `tcp_v4_rcv: ${segSummary(seg)} matches no socket${l ? '' : ' (nothing listens on the port)'}; the kernel drops it.`,
    fn: 'tcp_v4_rcv — net/ipv4/tcp_ipv4.c',
  });
}

/**
 * tcp_select_initial_window (net/ipv4/tcp_output.c) for a SYN-ACK: the window offered is the buffer's
 * usable space (tcp_win_from_space: half of sk_rcvbuf with tcp_adv_win_scale = 1) rounded down to a
 * multiple of the MSS and at most 65535, since a SYN's window is never scaled (RFC 7323): 64240 at
 * MSS 1460, 65483 on loopback. tcp_make_synack writes min(rcv_wnd, 65535) into the header.
 */
function synackOptions(m: Machine, r: Sock): Partial<Seg> {
  const mss = m.p.mtu - 40;
  const space = r.rcvCap >> TCP.advWinScale;
  const win = Math.min(space > mss ? space - (space % mss) : space, TCP.maxSynWindow);
  return { mss, wscale: TCP.rcvWscale, win };
}

/** tcp_conn_request (net/ipv4/tcp_input.c): a SYN to a listener. */
function tcpConnRequest(m: Machine, l: Sock, seg: Seg): void {
  if (l.acceptq.length > l.backlog) {
    touch(m, 'stats', 0);
    m.stats.listenDrops++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.drop',
      conn: seg.conn,
      text: () =>
        `tcp_conn_request: SYN from connection ${seg.conn} dropped: the accept queue is full (${l.acceptq.length}/${l.backlog}); ListenDrops ${m.stats.listenDrops}. The client will retransmit its SYN.`,
      fn: 'tcp_conn_request — net/ipv4/tcp_input.c',
    });
    return;
  }
  if (l.synq.length >= Math.max(m.p.synBacklog, 128)) {
    touch(m, 'stats', 0);
    m.stats.listenDrops++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.drop',
      conn: seg.conn,
      text: () =>
        `tcp_conn_request: SYN queue full (${l.synq.length}); with tcp_syncookies=1 a cookie would answer, here the SYN is dropped.`,
      fn: 'tcp_conn_request — net/ipv4/tcp_input.c',
    });
    return;
  }
  const c = m.clients[seg.conn - 1];
  const r = sockAlloc(m, l.family);
  r.state = 'SYN_RECV';
  r.parent = l.id;
  r.conn = seg.conn;
  r.local = l.family === 'AF_INET6' ? `[::ffff:${SERVER_IP}]:${l.port}` : `${SERVER_IP}:${l.port}`;
  r.remote = l.family === 'AF_INET6' ? `[::ffff:${c.addr}]:${c.port}` : `${c.addr}:${c.port}`;
  r.port = l.port;
  r.mss = Math.min(m.p.mtu - 40, seg.mss ?? 536);
  r.rcvNxt = seg.seq + 1;
  r.sndWnd = seg.win;
  r.sndUna = 0;
  r.sndNxt = 1;
  r.writeSeq = 1;
  own(m, 'connsock', seg.conn);
  m.connSock[seg.conn] = r.id;
  touch(m, 'sock', l.id);
  l.synq.push(r.id);
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.rx',
    conn: seg.conn,
    text: () =>
      `tcp_conn_request: SYN from ${c.addr}:${c.port} to the listener on :${l.port}; a request sock (SYN_RECV) joins the SYN queue (${l.synq.length}) and the kernel answers SYN-ACK.`,
    fn: 'tcp_conn_request — net/ipv4/tcp_input.c',
  });
  xmit(m, r, SYN | ACK, 0, 0, undefined, synackOptions(m, r));
  touch(m, 'sock', r.id);
  r.rtoGen++;
  schedule(m, m.p.rtoInitial, 'tcp.rto', r.id, 0, r.rtoGen);
}

/** tcp_check_req (net/ipv4/tcp_minisocks.c): the ACK that completes the three-way handshake. */
function tcpCheckReq(m: Machine, r: Sock, seg: Seg): void {
  const l = m.socks[r.parent];
  if (seg.flags & SYN) {
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.rx',
      conn: seg.conn,
      text: () =>
        `tcp_check_req: a retransmitted SYN for a request sock already in the SYN queue; the kernel answers SYN-ACK again.`,
      fn: 'tcp_check_req — net/ipv4/tcp_minisocks.c',
    });
    xmit(m, r, SYN | ACK, 0, 0, undefined, synackOptions(m, r));
    return;
  }
  if (!(seg.flags & ACK) || seg.ack !== 1) return;
  if (l?.state !== 'LISTEN') return;
  // sk_acceptq_is_full: the queue may hold backlog + 1 (include/net/sock.h uses ">").
  if (l.acceptq.length > l.backlog) {
    touch(m, 'stats', 0);
    m.stats.listenDrops++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.drop',
      conn: seg.conn,
      text: () =>
        `tcp_check_req: the handshake's final ACK is dropped because the accept queue is full (${l.acceptq.length}/${l.backlog}, tcp_abort_on_overflow=0); the request sock stays in SYN_RECV and the SYN-ACK will be retransmitted.`,
      fn: 'tcp_check_req — net/ipv4/tcp_minisocks.c',
    });
    return;
  }
  touch(m, 'sock', l.id);
  touch(m, 'sock', r.id);
  l.synq = l.synq.filter((x) => x !== r.id);
  r.state = 'ESTABLISHED';
  r.sndUna = 1;
  r.rtoGen++;
  l.acceptq.push(r.id);
  emit(m, {
    layer: 'kernel',
    kind: 'sock.queue',
    conn: seg.conn,
    text: () =>
      `tcp_check_req: the handshake completes; the new ESTABLISHED socket moves from the SYN queue to the accept queue (${l.acceptq.length}/${l.backlog}) to wait for accept4.`,
    fn: 'inet_csk_reqsk_queue_add — net/ipv4/inet_connection_sock.c',
  });
  sockWake(m, l, EPOLLIN, `the listener on :${l.port} has a connection to accept`);
  if (seg.len > 0 || seg.flags & FIN) tcpRcvEstablished(m, r, seg);
}

/** tcp_rcv_established / tcp_rcv_state_process: data, ACKs and FINs on a synchronised socket. */
function tcpRcvEstablished(m: Machine, s: Sock, seg: Seg): void {
  // ACK processing (tcp_ack): frees acknowledged bytes from the send queue.
  // The peer's window (tcp_ack_update_window): a window that opens lets queued bytes go.
  if (seg.flags & ACK) {
    const opened = seg.win > s.sndWnd;
    touch(m, 'sock', s.id);
    s.sndWnd = seg.win;
    if (opened && seg.ack === s.sndUna && s.sndNxt < s.writeSeq) {
      emit(m, {
        layer: 'kernel',
        kind: 'tcp.rx',
        conn: s.conn,
        text: () =>
          `tcp_ack: a window update from the client — its receive window is ${seg.win} B again — so queued bytes may go.`,
        fn: 'tcp_ack_update_window — net/ipv4/tcp_input.c',
      });
      tcpWriteXmit(m, s);
    }
  }
  if (seg.flags & ACK && seg.ack > s.sndUna && seg.ack <= s.sndNxt) {
    const wasWritable = sockWritable(s);
    const finAcked = s.finSent && seg.ack === s.sndNxt;
    const acked = seg.ack - s.sndUna - (finAcked ? 1 : 0);
    touch(m, 'sock', s.id);
    s.sndData = s.sndData.slice(Math.max(0, acked));
    s.sndUna = seg.ack;
    if (s.cwnd < 1000) s.cwnd += 1;
    if (s.sndUna === s.sndNxt) s.rtoGen++;
    else armRto(m, s);
    if (seg.len === 0 && !(seg.flags & FIN)) {
      emit(m, {
        layer: 'kernel',
        kind: 'tcp.rx',
        conn: s.conn,
        text: () =>
          `tcp_ack: the client acknowledges ${acked > 0 ? `${acked} B` : 'our FIN'}; ${sndQueued(s)} B remain in the send queue.`,
        fn: 'tcp_ack — net/ipv4/tcp_input.c',
      });
    }
    if (finAcked) {
      if (s.state === 'LAST_ACK') {
        setState(m, s, 'CLOSED', 'the client acknowledged our FIN; the socket is freed');
        destroy(m, s);
        return;
      }
      if (s.state === 'FIN_WAIT1') setState(m, s, 'FIN_WAIT2', 'our FIN is acknowledged');
      if (s.state === 'CLOSING') {
        setState(m, s, 'TIME_WAIT', 'both FINs are acknowledged');
        destroy(m, s);
        return;
      }
    }
    if (!wasWritable && sockWritable(s) && !s.sndShutdown)
      sockWake(m, s, EPOLLOUT, `ACKs freed send-buffer space on connection ${s.conn}`);
    if (s.sndNxt < s.writeSeq || (s.finQueued && !s.finSent)) tcpWriteXmit(m, s);
  }
  if (seg.len > 0 || seg.flags & FIN) tcpDataQueue(m, s, seg);
}

/**
 * tcp_data_queue (net/ipv4/tcp_input.c): a segment's payload (and FIN). In order, it joins the receive
 * queue and pulls in whatever the out-of-order queue held right behind it; beyond a hole it goes to the
 * out-of-order queue; bytes already received are dropped with a duplicate ACK.
 */
function tcpDataQueue(m: Machine, s: Sock, seg: Seg): void {
  if (seg.len > 0 && (seg.seq + seg.len <= s.rcvNxt || s.rcvShutdown)) {
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.rx',
      conn: s.conn,
      text: () =>
        `tcp_data_queue: ${seg.len} B at seq ${seg.seq} were already received (the receive queue is up to ${s.rcvNxt}); the kernel drops them and sends a duplicate ACK.`,
      fn: 'tcp_data_queue — net/ipv4/tcp_input.c',
    });
    tcpSendAck(m, s, `only up to seq ${s.rcvNxt}`);
    return;
  }
  if (seg.seq > s.rcvNxt) return tcpDataQueueOfo(m, s, seg);
  if (seg.len === 0) {
    // A bare FIN: in order (or a retransmission of one already processed, which changes nothing).
    if (seg.seq === s.rcvNxt && !s.rcvShutdown) tcpFin(m, s);
    return;
  }
  // seq < rcvNxt < end: the head was received already; the kernel keeps the new tail.
  const cut = s.rcvNxt - seg.seq;
  const len = seg.len - cut;
  const data = seg.data?.slice(cut);
  const take = Math.min(len, rcvWindow(s));
  touch(m, 'sock', s.id);
  if (take < len) {
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.drop',
      conn: s.conn,
      text: () => `tcp_data_queue: the receive queue is full (${s.rcvq}/${s.rcvCap} B); ${len} B dropped.`,
      fn: 'tcp_data_queue — net/ipv4/tcp_input.c',
    });
    tcpSendAck(m, s, `a zero window`);
    return;
  }
  s.rcvq += len;
  s.rcvd += len;
  s.rcvData += data ?? '';
  s.rcvNxt += len;
  emit(m, {
    layer: 'kernel',
    kind: 'sock.queue',
    conn: s.conn,
    bytes: len,
    text: () =>
      `tcp_data_queue: ${len} B${quote(data, 40)} join connection ${s.conn}'s receive queue (${s.rcvq}/${s.rcvCap} B)${cut > 0 ? `; the first ${cut} B of the segment were already there` : ''}.`,
    fn: 'tcp_data_queue — net/ipv4/tcp_input.c',
  });
  const filled = s.ofo.length > 0 ? tcpOfoQueue(m, s) : undefined;
  if (s.state !== 'SYN_RECV') sockWake(m, s, EPOLLIN, `data arrived on connection ${s.conn}`);
  if (seg.flags & FIN || filled?.fin) {
    if (!s.rcvShutdown) tcpFin(m, s);
    // RFC 5681 4.2: the ACK that closes a hole goes at once, even when a FIN would delay it.
    if (filled && s.delackPending) tcpSendAck(m, s, 'the filled hole and the FIN');
    return;
  }
  if (filled) tcpSendAck(m, s, `the filled hole: everything up to seq ${s.rcvNxt}`);
  else tcpSendAck(m, s, `${len} B of data (quick-ACK mode)`);
}

/**
 * tcp_data_queue_ofo (net/ipv4/tcp_input.c): a segment beyond a hole is kept, in seq order and
 * coalesced with its neighbours, as long as the receive buffer has room (tcp_try_rmem_schedule; else
 * TCPOFODrop); the kernel answers at once with a duplicate ACK whose SACK blocks name what it holds.
 */
function tcpDataQueueOfo(m: Machine, s: Sock, seg: Seg): void {
  const fin = (seg.flags & FIN) !== 0;
  if (s.rcvq + ofoBytes(s) + seg.len > s.rcvCap) {
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.drop',
      conn: s.conn,
      text: () =>
        `tcp_data_queue_ofo: ${seg.len} B at seq ${seg.seq} are out of order (expected ${s.rcvNxt}) and the receive buffer has no room for them (${s.rcvq} B queued, ${ofoBytes(s)} B out of order, ${s.rcvCap} B buffer); the kernel drops them (TCPOFODrop).`,
      fn: 'tcp_data_queue_ofo — net/ipv4/tcp_input.c',
    });
    tcpSendAck(m, s, `only up to seq ${s.rcvNxt}`);
    return;
  }
  touch(m, 'sock', s.id);
  s.ofo = ofoInsert(s.ofo, { seq: seg.seq, len: seg.len, data: seg.data ?? '', fin });
  emit(m, {
    layer: 'kernel',
    kind: 'sock.queue',
    conn: s.conn,
    bytes: seg.len,
    text: () =>
      `tcp_data_queue_ofo: ${seg.len > 0 ? `${seg.len} B at seq ${seg.seq}` : `a FIN at seq ${seg.seq}`} arrived beyond a hole (expected ${s.rcvNxt}); the kernel keeps ${seg.len > 0 ? 'them' : 'it'} in connection ${s.conn}'s out-of-order queue (${ofoText(s)}) until the missing bytes come.`,
    fn: 'tcp_data_queue_ofo — net/ipv4/tcp_input.c',
  });
  tcpSendAck(m, s, `only up to seq ${s.rcvNxt} (a duplicate ACK; SACK tells what came beyond the hole)`);
}

/** Inserts a range into a sorted out-of-order queue, merging it with ranges it overlaps or touches. */
function ofoInsert(q: OfoRange[], add: OfoRange): OfoRange[] {
  const out: OfoRange[] = [];
  let cur = add;
  for (const r of q) {
    if (r.seq + r.len < cur.seq || cur.seq + cur.len < r.seq) {
      out.push(r);
      continue;
    }
    const [a, b] = r.seq <= cur.seq ? [r, cur] : [cur, r];
    const hi = Math.max(a.seq + a.len, b.seq + b.len);
    cur = {
      seq: a.seq,
      len: hi - a.seq,
      data: a.data + b.data.slice(a.seq + a.len - b.seq),
      fin: a.fin || b.fin,
    };
  }
  out.push(cur);
  return out.sort((x, y) => x.seq - y.seq);
}

/**
 * tcp_ofo_queue (net/ipv4/tcp_input.c): the hole before the out-of-order queue's head is filled, so
 * the ranges that now follow in order move to the receive queue. Returns what moved.
 */
function tcpOfoQueue(m: Machine, s: Sock): { bytes: number; fin: boolean } | undefined {
  let bytes = 0;
  let fin = false;
  touch(m, 'sock', s.id);
  while (s.ofo.length > 0 && s.ofo[0].seq <= s.rcvNxt) {
    const r = s.ofo.shift()!;
    const cut = Math.min(r.len, s.rcvNxt - r.seq);
    const take = r.len - cut;
    s.rcvq += take;
    s.rcvd += take;
    s.rcvData += r.data.slice(cut);
    s.rcvNxt += take;
    bytes += take;
    fin ||= r.fin;
  }
  if (bytes === 0 && !fin) return undefined;
  emit(m, {
    layer: 'kernel',
    kind: 'sock.queue',
    conn: s.conn,
    bytes,
    text: () =>
      `tcp_ofo_queue: the hole is filled; ${bytes} B${fin ? ' and a FIN' : ''} the out-of-order queue held join the receive queue in order (${s.rcvq}/${s.rcvCap} B)${s.ofo.length > 0 ? `; still beyond the next hole: ${ofoText(s)}` : ''}.`,
    fn: 'tcp_ofo_queue — net/ipv4/tcp_input.c',
  });
  return { bytes, fin };
}

/**
 * tcp_fin (net/ipv4/tcp_input.c): the peer's FIN, in order: no more data will come. ESTABLISHED moves to
 * CLOSE_WAIT with the ACK delayed (pingpong mode); a FIN after ours moves toward TIME_WAIT.
 */
function tcpFin(m: Machine, s: Sock): void {
  touch(m, 'sock', s.id);
  s.rcvNxt += 1;
  s.rcvShutdown = true;
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.rx',
    conn: s.conn,
    text: () =>
      `tcp_fin: the client sent FIN: no more data will come on connection ${s.conn}; a read that finds the queue empty now returns 0 (EOF).`,
    fn: 'tcp_fin — net/ipv4/tcp_input.c',
  });
  if (s.state === 'ESTABLISHED') {
    setState(m, s, 'CLOSE_WAIT', 'the peer closed its side; we may still send');
    // inet_csk_enter_pingpong_mode: the ACK of the FIN is delayed, hoping to ride on our reply or FIN.
    touch(m, 'sock', s.id);
    s.delackPending = true;
    s.delackGen++;
    schedule(m, COST.delack, 'tcp.delack', s.id, 0, s.delackGen);
  } else if (s.state === 'FIN_WAIT2') {
    setState(m, s, 'TIME_WAIT', 'both sides have closed');
    tcpSendAck(m, s, 'the FIN');
    destroy(m, s);
    return;
  } else if (s.state === 'FIN_WAIT1') {
    setState(m, s, 'CLOSING', 'both sides closed at once');
    tcpSendAck(m, s, 'the FIN');
  }
  sockWake(m, s, EPOLLIN | EPOLLRDHUP, `connection ${s.conn} received FIN`);
}

/** The retransmission timer (tcp_retransmit_timer) of a server socket or request sock. */
export function tcpRetransmitTimer(m: Machine, sid: number, gen: number): void {
  const s = m.socks[sid];
  if (!s || s.rtoGen !== gen) return;
  if (s.state === 'SYN_RECV') {
    if (s.synackRetries >= 5) return;
    touch(m, 'sock', s.id);
    touch(m, 'stats', 0);
    s.synackRetries++;
    m.stats.retransmits++;
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.tx',
      conn: s.conn,
      text: () =>
        `inet_csk_reqsk_queue_timer: no final ACK yet for connection ${s.conn}; the kernel retransmits its SYN-ACK (try ${s.synackRetries}).`,
      fn: 'reqsk_timer_handler — net/ipv4/inet_connection_sock.c',
    });
    xmit(m, s, SYN | ACK, 0, 0, undefined, { ...synackOptions(m, s), rexmit: true });
    touch(m, 'sock', s.id);
    s.rtoGen++;
    schedule(m, m.p.rtoInitial * 2 ** s.synackRetries, 'tcp.rto', s.id, 0, s.rtoGen);
    return;
  }
  if (s.sndUna >= s.sndNxt) return;
  touch(m, 'sock', s.id);
  touch(m, 'stats', 0);
  m.stats.retransmits++;
  s.sndNxt = s.sndUna;
  if (s.finSent) s.finSent = false;
  s.cwnd = Math.max(1, s.cwnd >> 1);
  emit(m, {
    layer: 'kernel',
    kind: 'tcp.tx',
    conn: s.conn,
    text: () =>
      `tcp_retransmit_timer: nothing acknowledged past seq ${s.sndUna} for ${m.p.rtoMin / 1e6} ms; the kernel resends from there (go-back-N) and halves its window.`,
    fn: 'tcp_retransmit_timer — net/ipv4/tcp_timer.c',
  });
  tcpWriteXmit(m, s);
}

/** The delayed-ACK timer (tcp_delack_timer). */
export function tcpDelackTimer(m: Machine, sid: number, gen: number): void {
  const s = m.socks[sid];
  if (!s || s.delackGen !== gen || !s.delackPending) return;
  touch(m, 'sock', s.id);
  s.delackPending = false;
  tcpSendAck(m, s, 'the FIN after the delayed-ACK timeout');
}

/**
 * tcp_sendmsg (net/ipv4/tcp.c): the application's bytes join the send queue, as many as fit; returns how
 * many. The caller emits the write's record, then pushes them out with `tcpWriteXmit` (tcp_push).
 */
export function tcpSendmsg(m: Machine, s: Sock, data: string): number {
  const free = s.sndCap - sndQueued(s);
  const n = Math.min(free, data.length);
  if (n <= 0) return 0;
  touch(m, 'sock', s.id);
  s.sndData += data.slice(0, n);
  s.writeSeq += n;
  s.appWritten += n;
  return n;
}

/** tcp_recvmsg (net/ipv4/tcp.c): the application takes bytes from the receive queue. */
export function tcpRecvmsg(m: Machine, s: Sock, max: number): string {
  const n = Math.min(max, s.rcvq);
  touch(m, 'sock', s.id);
  const out = s.rcvData.slice(0, n);
  s.rcvData = s.rcvData.slice(n);
  s.rcvq -= n;
  s.appRead += n;
  return out;
}

/**
 * tcp_cleanup_rbuf (net/ipv4/tcp.c), after a read: if the window we last advertised had closed below
 * one MSS and the read reopened it, tell the peer at once (a window update).
 */
export function tcpCleanupRbuf(m: Machine, s: Sock): void {
  if (s.rcvWndSent < s.mss && rcvWindow(s) >= s.mss && !s.rcvShutdown)
    tcpSendAck(m, s, 'nothing new: a window update, since the application made room');
}

/** close() or shutdown(SHUT_WR): queue our FIN and move the state machine (tcp_close / tcp_shutdown). */
export function tcpClose(m: Machine, s: Sock, orphan: boolean): void {
  touch(m, 'sock', s.id);
  if (orphan) s.orphan = true;
  if (s.state === 'LISTEN') {
    s.state = 'CLOSED';
    own(m, 'listener', s.port);
    delete m.listeners[s.port];
    for (const id of [...s.acceptq, ...s.synq]) {
      touch(m, 'sock', id);
      delete m.socks[id];
    }
    delete m.socks[s.id];
    return;
  }
  if (s.state === 'CLOSED') {
    // Never connected (or already finished): nothing to tell a peer.
    if (orphan) delete m.socks[s.id];
    return;
  }
  if (orphan && s.rcvq > 0) {
    // tcp_close: unread data is thrown away, and the peer must know it was lost: RST, not FIN.
    const lost = s.rcvq;
    s.appRead += lost;
    s.rcvq = 0;
    s.rcvData = '';
    emit(m, {
      layer: 'kernel',
      kind: 'tcp.tx',
      conn: s.conn,
      text: () =>
        `tcp_close: ${lost} B the program never read are still in the receive queue; the kernel discards them and resets the connection (RST) instead of sending FIN.`,
      fn: 'tcp_close — net/ipv4/tcp.c',
    });
    xmit(m, s, RST | ACK, s.sndNxt, 0);
    setState(m, s, 'CLOSED', 'close() with unread data aborts the connection');
    destroy(m, s);
    return;
  }
  if (s.sndShutdown) return;
  touch(m, 'sock', s.id);
  s.sndShutdown = true;
  if (s.state === 'CLOSE_WAIT') setState(m, s, 'LAST_ACK', 'we close after the peer did; our FIN goes out');
  else if (s.state === 'ESTABLISHED') setState(m, s, 'FIN_WAIT1', 'we close first; our FIN goes out');
  touch(m, 'sock', s.id);
  s.finQueued = true;
  tcpWriteXmit(m, s);
}

/** EPOLLIN mask, re-exported for callers that wake on the listener. */
export { EPOLLIN };
