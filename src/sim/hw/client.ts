/**
 * A client host: one TCP connection from a machine on the other end of the wire, and the HTTP client
 * script that drives it (curl-like: connect, send the request, read the response, then the next request
 * on the same connection or close). Its TCP is deliberately small: in-order delivery, immediate ACKs,
 * one retransmission timer with go-back-N. The server host is what we model in detail; the client is
 * the outside world that exercises it.
 */

import type { RequestSpec } from '../../scenario/schema.js';
import { emit, random, schedule, touch } from '../core.js';
import { own } from '../cow.js';
import { flagNames, quote, segSummary } from '../kernel/tcp.js';
import { ACK, type Client, FIN, type Machine, PSH, RST, type Seg, SYN } from '../machine.js';
import { COST } from '../params.js';
import { linkSend } from './link.js';
import { FN_NET_LOSS } from './nic.js';

/** The client host's Linux functions its steps model (the client runs the same TCP as the server). */
const FN = {
  connect: 'tcp_v4_connect — net/ipv4/tcp_ipv4.c',
  sendmsg: 'tcp_sendmsg — net/ipv4/tcp.c',
  recvmsg: 'tcp_recvmsg — net/ipv4/tcp.c',
  close: 'tcp_close — net/ipv4/tcp.c',
  synSent: 'tcp_rcv_synsent_state_process — net/ipv4/tcp_input.c',
  stateProcess: 'tcp_rcv_state_process — net/ipv4/tcp_input.c',
  dataQueue: 'tcp_data_queue — net/ipv4/tcp_input.c',
  ack: 'tcp_ack — net/ipv4/tcp_input.c',
  fin: 'tcp_fin — net/ipv4/tcp_input.c',
  reset: 'tcp_reset — net/ipv4/tcp_input.c',
  noSocket: 'tcp_v4_rcv — net/ipv4/tcp_ipv4.c',
  timewait: 'tcp_timewait_state_process — net/ipv4/tcp_minisocks.c',
  timeWait: 'tcp_time_wait — net/ipv4/tcp_minisocks.c',
  done: 'tcp_done — net/ipv4/tcp.c',
  writeErr: 'tcp_write_err — net/ipv4/tcp_timer.c',
  rto: 'tcp_retransmit_timer — net/ipv4/tcp_timer.c',
  retransmit: 'tcp_retransmit_skb — net/ipv4/tcp_output.c',
  connectSyn: 'tcp_connect — net/ipv4/tcp_output.c',
  sendFin: 'tcp_send_fin — net/ipv4/tcp_output.c',
  writeXmit: 'tcp_write_xmit — net/ipv4/tcp_output.c',
  sendAck: 'tcp_send_ack — net/ipv4/tcp_output.c',
} as const;

const CLIENT_WIN = 1 << 20;
/** A slow reader's socket receive buffer (the window it can advertise). */
const SLOW_RCVBUF = 64 * 1024;

/** The receive window the client advertises: large, or what a slow reader's buffer has left. */
function clientWin(m: Machine, c: Client): number {
  return m.sc.clients?.[c.spec]?.readDelay ? Math.max(0, SLOW_RCVBUF - c.unread.length) : CLIENT_WIN;
}

/** client.read: a slow client's application reads everything its socket holds, then parses it. */
export function clientRead(m: Machine, conn: number): void {
  const c = m.clients[conn - 1];
  own(m, 'client', conn);
  c.readPending = false;
  if (c.unread.length === 0 || c.state === 'done') return;
  const n = c.unread.length;
  const wasSmall = clientWin(m, c) < c.mss;
  touch(m, 'client', conn);
  const data = c.unread;
  c.unread = '';
  emit(m, {
    layer: 'client',
    kind: 'client.recv',
    conn,
    bytes: n,
    text: () =>
      `Client ${c.name}'s application finally reads ${n} B (it reads only every ${(m.sc.clients?.[c.spec]?.readDelay ?? 0) / 1e6} ms: a slow reader).`,
    fn: FN.recvmsg,
  });
  if (wasSmall && !c.finRcvd)
    clientXmit(m, c, ACK, c.sndNxt, 0, { why: ': a window update, the buffer has room again' });
  if (isRaw(m, c)) takeRaw(m, c, data, n);
  else takeResponses(m, c, data, n);
}

/** The request line, headers and body a client sends for one request spec. */
export function buildRequest(
  r: RequestSpec,
  host: string,
): { text: string; headerLen: number; close: boolean } {
  const o = typeof r === 'string' ? { method: r.split(' ')[0], path: r.split(' ')[1] } : r;
  const method = o.method ?? 'GET';
  const path = o.path ?? '/';
  const obj = typeof r === 'string' ? {} : r;
  let h = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n`;
  for (const [k, v] of Object.entries(obj.headers ?? {})) h += `${k}: ${v}\r\n`;
  const body = obj.body ?? 0;
  if (body > 0) h += `Content-Length: ${body}\r\n`;
  if (obj.expectContinue) h += 'Expect: 100-continue\r\n';
  if (obj.close) h += 'Connection: close\r\n';
  h += '\r\n';
  return { text: h + 'x'.repeat(body), headerLen: h.length, close: obj.close === true };
}

/**
 * The pieces a request leaves the client in: with `pieces: N` the header is cut into N near-equal
 * parts (written `gap` apart); the body, if any, goes with the last part.
 */
export function requestPieces(r: RequestSpec, text: string, headerLen: number): string[] {
  const n = typeof r === 'string' ? 1 : Math.min(r.pieces ?? 1, headerLen);
  if (n <= 1) return [text];
  const cut = (i: number) => Math.round((i * headerLen) / n);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(text.slice(cut(i), i === n - 1 ? text.length : cut(i + 1)));
  return out;
}

/** A raw TCP client (`data:`) sends bytes and reads what comes back, with no HTTP on top. */
function isRaw(m: Machine, c: Client): boolean {
  return m.sc.clients?.[c.spec]?.data !== undefined;
}

function peer(c: Client): string {
  return `${c.addr}:${c.port}`;
}

/** Does a scenario fault drop this frame? One-shot faults fire once per connection; probability per frame. */
export function faultDrops(m: Machine, seg: Seg): string | undefined {
  const faults = m.sc.faults ?? [];
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i];
    if (f.probability !== undefined && random(m) < f.probability) return `loses it (p=${f.probability})`;
    if (!f.drop || (f.conn !== undefined && f.conn !== seg.conn)) continue;
    const key = i * 1_000_000 + seg.conn;
    if (m.faultsFired.includes(key)) continue;
    const c = m.clients[seg.conn - 1];
    const isReq = seg.toServer && seg.len > 0;
    const hit =
      (f.drop === 'syn' && seg.toServer && (seg.flags & SYN) !== 0) ||
      (f.drop === 'ack' &&
        seg.toServer &&
        seg.flags === ACK &&
        seg.len === 0 &&
        c &&
        c.responses === 0 &&
        seg.seq === 1 &&
        seg.ack === 1) ||
      (f.drop === 'request' && isReq) ||
      (f.drop === 'response' && !seg.toServer && seg.len > 0) ||
      (f.drop === 'fin' && seg.toServer && (seg.flags & FIN) !== 0);
    if (hit) {
      m.faultsFired.push(key);
      return `drops it (fault: ${f.drop})`;
    }
  }
  return undefined;
}

/** What a client segment may carry besides its header. */
interface XmitOpts {
  /** The payload (request bytes). */
  data?: string;
  /** Appended to the sentence, e.g. `: the last ACK`. */
  why?: string;
  /** The client kernel's function that sends it, when not the one its flags imply. */
  fn?: string;
}

/**
 * The client's kernel sends a segment toward the server (tcp_transmit_skb — net/ipv4/tcp_output.c, via
 * whichever caller its flags imply: tcp_connect, tcp_write_xmit, tcp_send_fin, tcp_send_ack).
 */
function clientXmit(m: Machine, c: Client, flags: number, seq: number, len: number, o: XmitOpts = {}): void {
  const data = o.data;
  const why = o.why ?? '';
  const seg: Seg = {
    id: m.nextSeg++,
    conn: c.conn,
    toServer: true,
    flags,
    seq,
    ack: c.rcvNxt,
    len,
    win: clientWin(m, c),
  };
  if (data !== undefined) seg.data = data;
  if (flags & SYN) {
    seg.mss = c.mss;
    seg.wscale = 7;
  }
  touch(m, 'stats', 0);
  m.stats.framesSent++;
  emit(m, {
    layer: 'client',
    kind: 'client.send',
    conn: c.conn,
    bytes: len,
    flags: flagNames(flags),
    text: () => `Client ${peer(c)} sends ${segSummary(seg)}${quote(data, 40)}${why}.`,
    fn:
      o.fn ?? (flags & SYN ? FN.connectSyn : flags & FIN ? FN.sendFin : len > 0 ? FN.writeXmit : FN.sendAck),
  });
  const lost = faultDrops(m, seg);
  if (lost) {
    touch(m, 'stats', 0);
    m.stats.framesDropped++;
    emit(m, {
      layer: 'wire',
      kind: 'wire.rx',
      conn: c.conn,
      text: () => `The network ${lost}: the frame never reaches the server.`,
      fn: FN_NET_LOSS,
    });
    return;
  }
  linkSend(m, c, seg);
}

/**
 * Arms the retransmission timer. Client hosts' timers are not in lock-step (timer slack, clocks that
 * started apart), so each expiry gets up to 25 % seeded jitter: without it, every client dropped by one
 * burst would retransmit at the same nanosecond and collide again forever.
 */
function armRto(m: Machine, c: Client): void {
  touch(m, 'client', c.conn);
  c.rtoGen++;
  schedule(m, c.rto + Math.floor(random(m) * c.rto * 0.25), 'client.rto', c.conn, 0, c.rtoGen);
}

/**
 * Sends queued request bytes the server's window and our congestion window allow (tcp_write_xmit; after
 * a timeout, `{ retransmit: true }`: tcp_retransmit_skb resends from the first unacknowledged byte).
 */
function clientPush(m: Machine, c: Client, o: { retransmit?: boolean } = {}): void {
  const limit = c.holdAt > 0 ? Math.min(c.holdAt, c.writeSeq) : c.writeSeq;
  let sent = false;
  while (c.sndNxt < limit && c.sndNxt - c.sndUna < Math.min(c.wnd, c.cwnd * c.mss)) {
    const len = Math.min(c.mss, limit - c.sndNxt, Math.min(c.wnd, c.cwnd * c.mss) - (c.sndNxt - c.sndUna));
    if (len <= 0) break;
    const off = c.sndNxt - c.sndUna;
    const seq = c.sndNxt;
    const last = seq + len === limit;
    touch(m, 'client', c.conn);
    c.sndNxt += len;
    c.sent += len;
    sent = true;
    clientXmit(m, c, ACK | (last ? PSH : 0), seq, len, {
      data: c.sndData.slice(off, off + len),
      fn: o.retransmit ? FN.retransmit : FN.writeXmit,
    });
  }
  if (sent) armRto(m, c);
}

/** tcp_fastretrans_alert → tcp_retransmit_skb on the client host: resend the segment at sndUna. */
function fastRetransmit(m: Machine, c: Client): void {
  const len = Math.min(c.mss, c.sndNxt - c.sndUna);
  emit(m, {
    layer: 'client',
    kind: 'client.send',
    conn: c.conn,
    text: () =>
      `That was the third duplicate ACK for seq ${c.sndUna}: the segment there was lost and the server holds what follows (its SACK blocks say so); client ${peer(c)} resends it now (fast retransmit) instead of waiting for its timer.`,
    fn: 'tcp_fastretrans_alert — net/ipv4/tcp_input.c',
  });
  const psh = c.sndUna + len === c.writeSeq ? PSH : 0;
  clientXmit(m, c, ACK | psh, c.sndUna, len, { data: c.sndData.slice(0, len), fn: FN.retransmit });
  armRto(m, c);
}

/** client.start: connect() — the SYN. */
export function clientStart(m: Machine, conn: number): void {
  const c = m.clients[conn - 1];
  touch(m, 'client', conn);
  c.state = 'SYN_SENT';
  c.sndNxt = 1;
  c.writeSeq = 1;
  c.rto = m.p.rtoInitial;
  emit(m, {
    layer: 'client',
    kind: 'client.send',
    conn,
    text: () =>
      `Client ${c.name} (${peer(c)}) calls connect() to ${c.host.split(':')[0]} = 10.0.0.1:${c.host.split(':')[1] ?? 3000}: its kernel sends a SYN.`,
    fn: FN.connect,
  });
  clientXmit(m, c, SYN, 0, 0);
  armRto(m, c);
}

/**
 * client.next: the client writes its next request into the connection (piece 0), or the next piece of
 * the request in flight (piece > 0, `gap` after the previous one). A raw client writes its `data` once
 * and closes after the reply.
 */
export function clientNext(m: Machine, conn: number, piece = 0): void {
  const c = m.clients[conn - 1];
  if (c.state !== 'ESTABLISHED') return;
  const spec = m.sc.clients![c.spec];
  if (spec.data !== undefined) {
    if (c.reqIdx > 0) return clientClose(m, c);
    touch(m, 'client', conn);
    c.reqIdx = 1;
    c.inFlight = true;
    queueBytes(m, c, spec.data);
    emit(m, {
      layer: 'client',
      kind: 'client.send',
      conn,
      bytes: spec.data.length,
      text: () =>
        `Client ${c.name} writes ${spec.data!.length} B${quote(spec.data, 40)} to the raw TCP connection.`,
      fn: FN.sendmsg,
    });
    return clientPush(m, c);
  }
  const reqs = spec.requests ?? ['GET /hello'];
  if (piece > 0) {
    const r = reqs[c.reqIdx - 1];
    const req = buildRequest(r, c.host);
    const parts = requestPieces(r, req.text, req.headerLen);
    queueBytes(m, c, parts[piece]);
    emit(m, {
      layer: 'client',
      kind: 'client.send',
      conn,
      bytes: parts[piece].length,
      text: () =>
        `Client ${c.name} writes piece ${piece + 1}/${parts.length} of request ${c.reqIdx} (${parts[piece].length} B${quote(parts[piece], 40)}).`,
      fn: FN.sendmsg,
    });
    if (piece + 1 < parts.length) schedule(m, pieceGap(r), 'client.next', conn, piece + 1);
    return clientPush(m, c);
  }
  if (c.reqIdx >= reqs.length) return clientClose(m, c);
  touch(m, 'client', conn);
  const r = reqs[c.reqIdx++];
  const req = buildRequest(r, c.host);
  const parts = requestPieces(r, req.text, req.headerLen);
  const base = c.writeSeq;
  queueBytes(m, c, parts[0]);
  c.inFlight = true;
  c.holdAt =
    typeof r !== 'string' && r.expectContinue && req.text.length > req.headerLen ? base + req.headerLen : 0;
  emit(m, {
    layer: 'client',
    kind: 'client.send',
    conn,
    bytes: parts[0].length,
    text: () =>
      `Client ${c.name} writes request ${c.reqIdx}: ${JSON.stringify(req.text.slice(0, req.text.indexOf('\r\n')))} (${req.text.length} B` +
      (parts.length > 1
        ? `, the header in ${parts.length} pieces ${pieceGap(r) / 1e6} ms apart: ${parts[0].length} B now)`
        : ')') +
      (c.holdAt > 0 ? ', holding the body back until the server says 100 Continue.' : '.'),
    fn: FN.sendmsg,
  });
  if (parts.length > 1) schedule(m, pieceGap(r), 'client.next', conn, 1);
  clientPush(m, c);
}

function pieceGap(r: RequestSpec): number {
  return typeof r === 'string' ? 0 : (r.gap ?? 1_000_000);
}

/** The client application writes bytes into its socket's send queue. */
function queueBytes(m: Machine, c: Client, text: string): void {
  touch(m, 'client', c.conn);
  c.sndData += text;
  c.writeSeq += text.length;
  m.stats.reqWritten += text.length;
}

function clientClose(m: Machine, c: Client): void {
  if (c.finSent) return;
  const unsent = c.writeSeq - c.sndNxt;
  touch(m, 'client', c.conn);
  if (unsent > 0) {
    // The application gives up on what it has not sent yet (curl abandons an upload the server answered).
    c.sndData = c.sndData.slice(0, c.sndNxt - Math.max(c.sndUna, 1));
    c.writeSeq = c.sndNxt;
    c.holdAt = 0;
    m.stats.reqWritten -= unsent;
    emit(m, {
      layer: 'client',
      kind: 'client.send',
      conn: c.conn,
      text: () =>
        `Client ${c.name} has its answer and stops sending: ${unsent} B of its request body are never sent.`,
      fn: FN.close,
    });
  }
  touch(m, 'client', c.conn);
  c.finSent = true;
  c.state = c.finRcvd ? 'LAST_ACK' : 'FIN_WAIT1';
  c.sndNxt = c.writeSeq + 1;
  clientXmit(m, c, FIN | ACK, c.writeSeq, 0, { why: ': it is done and closes the connection' });
  armRto(m, c);
}

/** The client's connection is over: `fn` is the client kernel's function that ends it (tcp_done …). */
function finish(m: Machine, c: Client, why: string, fn: string): void {
  touch(m, 'client', c.conn);
  c.state = 'done';
  c.rtoGen++;
  emit(m, {
    layer: 'client',
    kind: 'client.done',
    conn: c.conn,
    text: () => `Client ${c.name} (${peer(c)}) is finished: ${why}.`,
    fn,
  });
}

/** The method of the request a client's next response answers (responses come back in request order). */
function answeredMethod(m: Machine, c: Client): string {
  const r = m.sc.clients?.[c.spec]?.requests?.[c.responses];
  if (r === undefined) return 'GET';
  return typeof r === 'string' ? r.split(' ')[0] : (r.method ?? 'GET');
}

/**
 * How many body bytes follow a response header, as Go's client reads it (transfer.go readTransfer):
 * none for a 1xx, 204 or 304 status (bodyAllowedForStatus) or an answer to HEAD (noResponseBodyExpected),
 * else Content-Length (the server always sends one; chunked bodies are not modelled).
 */
function bodyLength(method: string, status: number, head: string): number {
  if ((status >= 100 && status <= 199) || status === 204 || status === 304 || method === 'HEAD') return 0;
  const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
  return cl ? Number(cl[1]) : 0;
}

/**
 * The client application reads `n` bytes of the connection (`data`: their text) and parses responses
 * out of them as they come: the header text is kept until its blank line, body bytes are only counted
 * (their text kept while the body is short enough to quote), so the cost is linear in the bytes.
 */
function takeResponses(m: Machine, c: Client, data: string, n: number): void {
  let off = 0;
  while (off < n) {
    if (c.bodyLeft < 0) {
      const seen = c.rcvBuf.length;
      touch(m, 'client', c.conn);
      c.rcvBuf += data.slice(off, n);
      const he = c.rcvBuf.indexOf('\r\n\r\n', Math.max(0, seen - 3));
      if (he < 0) return;
      off += he + 4 - seen;
      c.rcvBuf = c.rcvBuf.slice(0, he);
      c.bodyLeft = bodyLength(answeredMethod(m, c), Number(c.rcvBuf.slice(9, 12)), c.rcvBuf);
      c.bodyLen = 0;
      c.bodyText = '';
    } else {
      const k = Math.min(c.bodyLeft, n - off);
      touch(m, 'client', c.conn);
      if (c.bodyLen + k <= 512) c.bodyText += data.slice(off, off + k);
      c.bodyLen += k;
      c.bodyLeft -= k;
      off += k;
    }
    if (c.bodyLeft === 0) responseDone(m, c);
  }
}

/** A whole response (header and body) has been read: the client records it and decides what is next. */
function responseDone(m: Machine, c: Client): void {
  const head = c.rcvBuf;
  const status = Number(head.slice(9, 12));
  const total = head.length + 4 + c.bodyLen;
  touch(m, 'client', c.conn);
  c.rcvBuf = '';
  c.bodyLeft = -1;
  if (status === 100) {
    c.holdAt = 0;
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () => `Client ${c.name} reads "HTTP/1.1 100 Continue" and now sends the body.`,
      fn: FN.recvmsg,
    });
    clientPush(m, c);
    return;
  }
  const len = c.bodyLen;
  const body = c.bodyText;
  c.responses++;
  c.statuses.push(status);
  c.bodies.push(len <= 512 ? body : `<${len} bytes>`);
  c.inFlight = false;
  m.stats.respRead += total;
  if (/\r\nconnection: *close/i.test(head)) c.serverClose = true;
  emit(m, {
    layer: 'client',
    kind: 'client.recv',
    conn: c.conn,
    bytes: total,
    text: () =>
      `Client ${c.name} reads the complete response (${total} B): ${JSON.stringify(head.slice(0, head.indexOf('\r\n')))} … ${len <= 60 ? JSON.stringify(body) : `${len} B of body`}.`,
    fn: FN.recvmsg,
  });
  const reqs = m.sc.clients![c.spec].requests ?? ['GET /hello'];
  const keep = m.sc.clients![c.spec].keepAlive === true && !c.serverClose;
  if (c.reqIdx < reqs.length && keep) {
    const nr = reqs[c.reqIdx];
    const pause = typeof nr === 'string' ? 0 : (nr.pause ?? 0);
    schedule(m, COST.clientThink + pause, 'client.next', c.conn);
  } else if (!c.finSent) {
    touch(m, 'client', c.conn);
    schedule(m, COST.clientThink, 'client.next', c.conn);
    c.reqIdx = reqs.length;
  }
}

/**
 * A raw client's reply: everything received so far is its one "response"; it closes after reading it.
 * Only the first 513 bytes' text is kept (enough to quote it, or to say it is longer than 512 B).
 */
function takeRaw(m: Machine, c: Client, data: string, n: number): void {
  const first = c.responses === 0;
  touch(m, 'client', c.conn);
  if (first) {
    c.responses = 1;
    c.inFlight = false;
    c.bodies.push('');
  }
  if (c.rcvBuf.length <= 512) c.rcvBuf += data.slice(0, 513 - c.rcvBuf.length);
  c.rcvBytes += n;
  const got = c.rcvBytes;
  const text = c.rcvBuf;
  c.bodies[0] = got <= 512 ? text : `<${got} bytes>`;
  m.stats.respRead += n;
  emit(m, {
    layer: 'client',
    kind: 'client.recv',
    conn: c.conn,
    bytes: got,
    text: () => `Client ${c.name} reads ${got} B from the connection${quote(text, 40)}.`,
    fn: FN.recvmsg,
  });
  if (first) schedule(m, COST.clientThink, 'client.next', c.conn);
}

/**
 * client.arrive: a segment from the server reaches the client host, whose Linux runs it through
 * tcp_v4_rcv → tcp_rcv_state_process. Every arrival emits at least one record (it counts as delivered).
 */
export function clientArrive(m: Machine, seg: Seg): void {
  const c = m.clients[seg.conn - 1];
  const n0 = m.nrec;
  touch(m, 'stats', 0);
  touch(m, 'client', c.conn);
  m.stats.framesDelivered++;
  if (c.state === 'done' && c.finRcvd && c.finSent && seg.flags & FIN) {
    // TIME_WAIT (tcp_timewait_state_process): our last ACK was lost, so the server sent its FIN again.
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      flags: flagNames(seg.flags),
      text: () =>
        `Client ${peer(c)} is in TIME_WAIT and receives the server's FIN again: its last ACK was lost, so it acknowledges once more.`,
      fn: FN.timewait,
    });
    clientXmit(m, c, ACK, c.writeSeq + 1, 0, { why: ': the last ACK, again' });
    return;
  }
  if (c.state === 'done' || c.state === 'waiting') {
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () =>
        `Client ${peer(c)} receives ${segSummary(seg)} for a connection it has finished; it ignores it.`,
      fn: FN.noSocket,
    });
    return;
  }
  if (seg.flags & RST) {
    c.state = 'CLOSED';
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      flags: 'RST',
      text: () =>
        `Client ${peer(c)} receives RST: the server's kernel reset the connection; anything still unread on the client is lost.`,
      fn: FN.reset,
    });
    return finish(m, c, 'the server reset the connection (ECONNRESET)', FN.done);
  }
  if (seg.flags & SYN) {
    if (c.state !== 'SYN_SENT') {
      clientXmit(m, c, ACK, c.sndNxt, 0, { why: ': a duplicate SYN-ACK, acknowledged again' });
      return;
    }
    c.rcvNxt = seg.seq + 1;
    c.sndUna = 1;
    c.wnd = seg.win;
    c.mss = Math.min(c.mss, seg.mss ?? 536);
    c.state = 'ESTABLISHED';
    c.rto = m.p.rtoMin;
    c.retries = 0;
    c.rtoGen++;
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () =>
        `Client ${peer(c)} receives the SYN-ACK (${segSummary(seg)}): connect() returns; it completes the handshake with an ACK.`,
      fn: FN.synSent,
    });
    clientXmit(m, c, ACK, 1, 0);
    schedule(m, COST.clientProc, 'client.next', c.conn);
    return;
  }
  let finAcked = false;
  let thirdDup = false;
  if (seg.flags & ACK) {
    if (seg.ack > c.sndUna) {
      const acked = seg.ack - c.sndUna;
      c.sndData = c.sndData.slice(Math.min(acked, c.sndData.length));
      c.sndUna = seg.ack;
      c.cwnd = Math.min(c.cwnd + 1, 1000);
      c.retries = 0;
      // tcp_ack_update_rtt → tcp_set_rto: an ACK of new data is a valid RTT sample, so the backed-off
      // timeout returns to the measured one (icsk_backoff = 0, RFC 6298 §5.7).
      c.rto = m.p.rtoMin;
      c.dupAcks = 0;
      if (c.sndUna >= c.sndNxt) c.rtoGen++;
      else armRto(m, c);
    } else if (seg.ack === c.sndUna && seg.len === 0 && seg.win === c.wnd && c.sndNxt > c.sndUna) {
      // tcp_fastretrans_alert: the third duplicate ACK (RFC 5681 fast retransmit) resends the first
      // unacknowledged segment at once, without waiting for the retransmission timer.
      thirdDup = ++c.dupAcks === 3;
    }
    c.wnd = seg.win;
    if (c.finSent && seg.ack === c.writeSeq + 1) {
      if (c.state === 'FIN_WAIT1') {
        c.state = 'FIN_WAIT2';
        finAcked = true;
      }
      if (c.state === 'LAST_ACK') return finish(m, c, 'the server acknowledged its FIN', FN.done);
    }
  }
  const slow = m.sc.clients?.[c.spec]?.readDelay !== undefined && m.sc.clients[c.spec].readDelay! > 0;
  if (seg.len > 0) {
    if (seg.seq !== c.rcvNxt) {
      clientXmit(m, c, ACK, c.sndNxt, 0, { why: `: a duplicate ACK (expected seq ${c.rcvNxt})` });
      return;
    }
    c.rcvNxt += seg.len;
    c.received += seg.len;
    if (slow) {
      // A slow reader: the bytes wait in the client's socket buffer and shrink the window it advertises.
      c.unread += seg.data ?? '';
      emit(m, {
        layer: 'client',
        kind: 'client.recv',
        conn: c.conn,
        bytes: seg.len,
        text: () =>
          `Client ${peer(c)}'s kernel queues ${seg.len} B; its application has not read yet (${c.unread.length} B unread, window ${clientWin(m, c)} B).`,
        fn: FN.dataQueue,
      });
      if (!(seg.flags & FIN)) clientXmit(m, c, ACK, c.sndNxt, 0);
      if (!c.readPending) {
        touch(m, 'client', c.conn);
        c.readPending = true;
        schedule(m, m.sc.clients![c.spec].readDelay!, 'client.read', c.conn);
      }
    } else {
      emit(m, {
        layer: 'client',
        kind: 'client.recv',
        conn: c.conn,
        bytes: seg.len,
        text: () => `Client ${peer(c)} receives ${seg.len} B${quote(seg.data, 40)}.`,
        fn: FN.dataQueue,
      });
      if (!(seg.flags & FIN)) clientXmit(m, c, ACK, c.sndNxt, 0);
      if (isRaw(m, c)) takeRaw(m, c, seg.data ?? '', seg.len);
      else takeResponses(m, c, seg.data ?? '', seg.len);
    }
  } else if (!(seg.flags & FIN) && (c.state !== 'FIN_WAIT2' || finAcked)) {
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () =>
        `Client ${peer(c)} receives ${segSummary(seg)}` +
        (finAcked ? ": its FIN is acknowledged, and it waits in FIN_WAIT2 for the server's." : '.'),
      fn: finAcked ? FN.stateProcess : FN.ack,
    });
  }
  if (thirdDup) fastRetransmit(m, c);
  if (c.sndNxt < c.writeSeq) clientPush(m, c);
  if (seg.flags & FIN && seg.seq + seg.len === c.rcvNxt) {
    touch(m, 'client', c.conn);
    c.rcvNxt += 1;
    c.finRcvd = true;
    if (c.state === 'FIN_WAIT2' || c.state === 'FIN_WAIT1') {
      c.state = 'TIME_WAIT';
      emit(m, {
        layer: 'client',
        kind: 'client.recv',
        conn: c.conn,
        text: () => `Client ${peer(c)} receives the server's FIN (${segSummary(seg)}).`,
        fn: FN.fin,
      });
      clientXmit(m, c, ACK, c.writeSeq + 1, 0, { why: ': the last ACK' });
      return finish(m, c, 'TIME_WAIT (60 s, not simulated further)', FN.timeWait);
    }
    c.state = 'CLOSE_WAIT';
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () => `Client ${peer(c)} receives FIN: the server closed the connection first.`,
      fn: FN.fin,
    });
    clientXmit(m, c, ACK, c.sndNxt, 0);
    clientClose(m, c);
  }
  if (m.nrec === n0)
    emit(m, {
      layer: 'client',
      kind: 'client.recv',
      conn: c.conn,
      text: () => `Client ${peer(c)} receives ${segSummary(seg)}; it changes nothing on the client.`,
      fn: FN.stateProcess,
    });
}

/** client.rto: the client's retransmission timer fired (tcp_retransmit_timer on the client host). */
export function clientRto(m: Machine, conn: number, gen: number): void {
  const c = m.clients[conn - 1];
  if (c.rtoGen !== gen || c.state === 'done') return;
  touch(m, 'stats', 0);
  touch(m, 'client', conn);
  m.stats.retransmits++;
  if (++c.retries > 8) return finish(m, c, 'it gave up after 8 retransmissions (ETIMEDOUT)', FN.writeErr);
  c.rto = Math.min(c.rto * 2, 120_000_000_000);
  if (c.state === 'SYN_SENT') {
    emit(m, {
      layer: 'client',
      kind: 'client.send',
      conn,
      text: () =>
        `Client ${peer(c)} got no SYN-ACK in time; it retransmits the SYN (try ${c.retries}, next timeout ${c.rto / 1e6} ms).`,
      fn: FN.rto,
    });
    clientXmit(m, c, SYN, 0, 0, { fn: FN.retransmit });
    armRto(m, c);
    return;
  }
  const handshakeAck = c.sndUna === 1 && c.sndNxt === 1 && c.state === 'ESTABLISHED' && c.writeSeq === 1;
  const from = c.sndUna;
  if (!handshakeAck) {
    c.sndNxt = c.sndUna;
    c.cwnd = 1;
  }
  emit(m, {
    layer: 'client',
    kind: 'client.send',
    conn,
    text: () =>
      `Client ${peer(c)}'s retransmission timer fires: nothing acknowledged past seq ${from}; it resends from there (try ${c.retries}).`,
    fn: FN.rto,
  });
  if (handshakeAck) {
    clientXmit(m, c, ACK, 1, 0);
    return;
  }
  if (c.sndNxt < c.writeSeq) clientPush(m, c, { retransmit: true });
  else if (c.finSent) {
    touch(m, 'client', conn);
    c.sndNxt = c.writeSeq + 1;
    clientXmit(m, c, FIN | ACK, c.writeSeq, 0, { why: ' (retransmitted FIN)', fn: FN.retransmit });
    armRto(m, c);
  }
}

/** A new client connection record for the machine. */
export function clientNew(
  conn: number,
  spec: number,
  name: string,
  addr: string,
  port: number,
  latency: number,
  host: string,
  mss: number,
): Client {
  return {
    conn,
    name,
    addr,
    port,
    latency,
    state: 'waiting',
    iss: 0,
    sndUna: 0,
    sndNxt: 0,
    writeSeq: 0,
    sndData: '',
    rcvNxt: 0,
    rcvBuf: '',
    rcvBytes: 0,
    bodyLeft: -1,
    bodyLen: 0,
    bodyText: '',
    reqIdx: 0,
    inFlight: false,
    responses: 0,
    statuses: [],
    bodies: [],
    finSent: false,
    finRcvd: false,
    rtoGen: 0,
    rto: 1e9,
    retries: 0,
    sent: 0,
    received: 0,
    spec,
    wnd: 65535,
    cwnd: 10,
    mss,
    host,
    serverClose: false,
    holdAt: 0,
    unread: '',
    readPending: false,
    dupAcks: 0,
    linkBusyUntil: 0,
  };
}
export { ACK, FIN, PSH };
