/**
 * pcapng (the IETF draft "PCAP Next Generation Dump File Format", what Wireshark writes by default):
 * a Section Header Block, one Interface Description Block (eth0, Ethernet, nanosecond timestamps:
 * `if_tsresol` 9), then one Enhanced Packet Block per frame with `opt_comment`s carrying the debugger's
 * step numbers (wire.ts). Little-endian, every block and option padded to 32 bits.
 *
 * Open it with `wireshark hello.pcapng` or `tshark -r hello.pcapng`; filter with
 * `frame.comment contains "accept"`. Timestamps are the run's virtual clock from 1970-01-01 00:00:00.
 */
import pkg from '../../package.json' with { type: 'json' };
import type { Sink } from './sink.js';
import type { WireFrame } from './wire.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
/** Snapshot length: 0 would mean "no limit"; 262144 is what tcpdump and Wireshark use. */
export const SNAPLEN = 262_144;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** One option: code, length, value padded to 32 bits. */
function option(code: number, value: Uint8Array): Buffer {
  const b = Buffer.alloc(4 + pad4(value.length));
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(value.length, 2);
  b.set(value, 4);
  return b;
}

function options(list: Buffer[]): Buffer {
  return list.length === 0 ? Buffer.alloc(0) : Buffer.concat([...list, Buffer.alloc(4, OPT_ENDOFOPT)]);
}

/** A block: type, total length, body, total length again. */
function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

export function pcapngHeader(): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeUInt16LE(0, 6);
  shb.writeBigInt64LE(-1n, 8); // section length not specified
  const shbOpts = options([option(SHB_USERAPPL, Buffer.from(`netflow-tui ${pkg.version}`))]);
  const idb = Buffer.alloc(8);
  idb.writeUInt16LE(LINKTYPE_ETHERNET, 0);
  idb.writeUInt32LE(SNAPLEN, 4);
  const idbOpts = options([option(IF_NAME, Buffer.from('eth0')), option(IF_TSRESOL, Uint8Array.of(9))]);
  return Buffer.concat([
    block(SHB, Buffer.concat([shb, shbOpts])),
    block(IDB, Buffer.concat([idb, idbOpts])),
  ]);
}

export function pcapngPacket(f: WireFrame): Buffer {
  const head = Buffer.alloc(20);
  const ts = BigInt(f.t_ns);
  head.writeUInt32LE(0, 0); // interface 0: eth0
  head.writeUInt32LE(Number(ts >> 32n), 4);
  head.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  head.writeUInt32LE(f.bytes.length, 12);
  head.writeUInt32LE(f.bytes.length, 16);
  const data = Buffer.alloc(pad4(f.bytes.length));
  data.set(f.bytes);
  const opts = options(f.comments.map((c) => option(OPT_COMMENT, Buffer.from(c, 'utf8'))));
  return block(EPB, Buffer.concat([head, data, opts]));
}

export function writePcapng(frames: readonly WireFrame[], out: Sink): void {
  out.write(pcapngHeader());
  for (const f of frames) out.write(pcapngPacket(f));
}
