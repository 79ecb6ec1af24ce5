/**
 * Classic pcap (libpcap's savefile format, `--format pcap`) for tools that do not read pcapng: the same
 * frames as pcapng.ts, no comments. The nanosecond variant (magic 0xa1b23c4d) keeps the virtual
 * clock's resolution; tcpdump, tshark and Wireshark read it. Little-endian.
 */
import { SNAPLEN } from './pcapng.js';
import type { Sink } from './sink.js';
import type { WireFrame } from './wire.js';

const MAGIC_NANOSECONDS = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const NS_PER_S = 1_000_000_000;

export function writePcap(frames: readonly WireFrame[], out: Sink): void {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(MAGIC_NANOSECONDS, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8); // thiszone
  h.writeUInt32LE(0, 12); // sigfigs
  h.writeUInt32LE(SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  out.write(h);
  for (const f of frames) {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(Math.floor(f.t_ns / NS_PER_S), 0);
    r.writeUInt32LE(f.t_ns % NS_PER_S, 4);
    r.writeUInt32LE(f.bytes.length, 8);
    r.writeUInt32LE(f.bytes.length, 12);
    out.write(r);
    out.write(f.bytes);
  }
}
