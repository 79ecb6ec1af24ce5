/**
 * One frame on the server's wire, as bytes: Ethernet II, IPv4 (RFC 791) and TCP (RFC 9293) headers with
 * real checksums, the SYN options the simulation models (MSS, window scale), and the payload.
 *
 * The capture writers (pcapng.ts, pcap.ts) call `frameBytes` for each segment the capture tap saw
 * (capture.ts). The server's socket is AF_INET6 but its clients speak IPv4, so the wire carries IPv4:
 * the server is 10.0.0.1, each client host has the address the records show (10.0.0.2, …). MAC
 * addresses are made up, stable and locally administered (02:…), derived from the IPv4 address.
 */
import { ACK, FIN, PSH, RST, type Seg, SYN } from '../sim/machine.js';

/** The server's IPv4 address on eth0 (the kernel's tcp.ts uses the same). */
export const SERVER_IP = '10.0.0.1';

/** Window scale shift both ends announce in their SYNs (kernel/tcp.ts and hw/client.ts send 7). */
const DEFAULT_WSCALE = 7;
/** The largest value of the 16-bit window field (RFC 9293 §3.1). */
const MAX_WINDOW_FIELD = 0xffff;
/** Time to live of every datagram: Linux's default ip_default_ttl. */
const TTL = 64;
const ETH_HEADER = 14;
const IP_HEADER = 20;
const TCP_HEADER = 20;
/** MSS (4 B) + NOP + window scale (3 B), the SYN options Linux would also pad this way. */
const SYN_OPTIONS = 8;

/** The TCP header's flag bits (RFC 9293 §3.1). */
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

/** What a frame needs beyond the segment: its two endpoints and its IP identification. */
export interface FrameEnds {
  clientIp: string;
  clientPort: number;
  serverPort: number;
  /** IPv4 identification field: the sender's running counter. */
  ipId: number;
}

function ipBytes(ip: string): number[] {
  return ip.split('.').map((x) => Number(x) & 0xff);
}

/** A stable, locally administered MAC for an IPv4 address: 02:00:a.b.c.d. */
export function macFor(ip: string): number[] {
  return [0x02, 0x00, ...ipBytes(ip)];
}

/** The Internet checksum (RFC 1071) over `b[from, to)`, starting from `sum`. */
function onesSum(b: Uint8Array, from: number, to: number, sum = 0): number {
  let s = sum;
  for (let i = from; i + 1 < to; i += 2) s += (b[i] << 8) | b[i + 1];
  if ((to - from) % 2 === 1) s += b[to - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, (v >>> 16) & 0xffff);
  put16(b, at + 2, v & 0xffff);
}

function tcpFlags(f: number): number {
  let t = 0;
  if (f & FIN) t |= TCP_FIN;
  if (f & SYN) t |= TCP_SYN;
  if (f & RST) t |= TCP_RST;
  if (f & PSH) t |= TCP_PSH;
  if (f & ACK) t |= TCP_ACK;
  return t;
}

/**
 * The payload the segment carries. Requests and responses travel as text in `seg.data` (large bodies
 * as the run's own filler, e.g. `x` repeated), one byte per character; a segment with a length but no
 * text (none does today) gets the same filler, so the capture's lengths still add up.
 */
export function payloadOf(seg: Seg): Uint8Array {
  const out = new Uint8Array(seg.len);
  const d = seg.data ?? '';
  for (let i = 0; i < seg.len; i++) out[i] = i < d.length ? d.charCodeAt(i) & 0xff : 0x78;
  return out;
}

/** The Ethernet frame for `seg` (client → server or server → client), checksums filled in. */
export function frameBytes(seg: Seg, ends: FrameEnds): Uint8Array {
  const syn = (seg.flags & SYN) !== 0;
  const optLen = syn && seg.mss ? SYN_OPTIONS : 0;
  const payload = payloadOf(seg);
  const tcpLen = TCP_HEADER + optLen + payload.length;
  const ipLen = IP_HEADER + tcpLen;
  const b = new Uint8Array(ETH_HEADER + ipLen);
  const [srcIp, dstIp] = seg.toServer ? [ends.clientIp, SERVER_IP] : [SERVER_IP, ends.clientIp];
  const [srcPort, dstPort] = seg.toServer
    ? [ends.clientPort, ends.serverPort]
    : [ends.serverPort, ends.clientPort];

  b.set(macFor(dstIp), 0);
  b.set(macFor(srcIp), 6);
  put16(b, 12, 0x0800);

  const ip = ETH_HEADER;
  b[ip] = 0x45;
  put16(b, ip + 2, ipLen);
  put16(b, ip + 4, ends.ipId & 0xffff);
  put16(b, ip + 6, 0x4000); // DF: Linux sets it on TCP (path MTU discovery)
  b[ip + 8] = TTL;
  b[ip + 9] = 6;
  b.set(ipBytes(srcIp), ip + 12);
  b.set(ipBytes(dstIp), ip + 16);
  put16(b, ip + 10, ~onesSum(b, ip, ip + IP_HEADER) & 0xffff);

  const t = ip + IP_HEADER;
  put16(b, t, srcPort);
  put16(b, t + 2, dstPort);
  put32(b, t + 4, seg.seq >>> 0);
  put32(b, t + 8, seg.flags & ACK ? seg.ack >>> 0 : 0);
  put16(b, t + 12, (((TCP_HEADER + optLen) / 4) << 12) | tcpFlags(seg.flags));
  // The window field: unscaled in a SYN (RFC 7323 §2.2), else the byte window >> the sender's shift.
  const win = syn ? seg.win : seg.win >> DEFAULT_WSCALE;
  put16(b, t + 14, Math.min(MAX_WINDOW_FIELD, Math.max(0, win)));
  if (optLen > 0) {
    const o = t + TCP_HEADER;
    b[o] = 2; // MSS
    b[o + 1] = 4;
    put16(b, o + 2, seg.mss ?? 0);
    b[o + 4] = 1; // NOP
    b[o + 5] = 3; // window scale
    b[o + 6] = 3;
    b[o + 7] = seg.wscale ?? DEFAULT_WSCALE;
  }
  b.set(payload, t + TCP_HEADER + optLen);
  // Checksum over the pseudo-header (src, dst, zero, protocol, TCP length) and the segment.
  let pseudo = onesSum(b, ip + 12, ip + 20);
  pseudo += 6 + tcpLen;
  put16(b, t + 16, ~onesSum(b, t, t + tcpLen, pseudo) & 0xffff);
  return b;
}
