/**
 * The bytes inspector (`v`), like Wireshark's packet details: for a step that carries bytes, what
 * they are. A frame on the wire or in a ring (wire.rx/tx, nic.dma/tx, client.send/recv, tcp.rx/tx):
 * its Ethernet, IPv4 and TCP header fields (ports, flags, seq, ack, window, options, lengths) and its
 * payload; a read or write: exactly the bytes copied, as hex + ASCII; a socket queue: how many bytes
 * joined it and where they sit.
 *
 * Decoded from what the record carries: its fields (`flags`, `bytes`, and `seq`/`ack`/`win` when the
 * engine provides them) and the facts its sentence states (`seq 1 ack 1 win 1048576`, `<mss 1460>`,
 * a quoted payload). What the simulation does not model (MAC addresses, checksums, IP ids) is said to
 * be so, never invented.
 */
import type { TraceRecord } from '../../sim/trace.js';
import { sanitize } from '../sanitize.js';
import { cutStyled, wrap } from '../text.js';
import type { Theme } from '../theme.js';
import { Overlay, overlayCapacity } from './overlay.js';

/** Ethernet + IPv4 + TCP header bytes without options (14 + 20 + 20). */
const HEADERS = 54;
const FRAME_KINDS = new Set([
  'wire.rx',
  'wire.tx',
  'nic.dma',
  'nic.tx',
  'client.send',
  'client.recv',
  'tcp.rx',
  'tcp.tx',
]);
const COPY_CALLS = new Set(['read', 'write', 'writev', 'sendto', 'recvfrom']);

/** A number the record carries as a field or states in its sentence (`seq 1`). */
function fact(r: TraceRecord, name: 'seq' | 'ack' | 'win'): number | undefined {
  const v = (r as unknown as Record<string, unknown>)[name];
  if (typeof v === 'number') return v;
  const m = new RegExp(`\\b${name} (\\d+)`).exec(r.text);
  return m ? Number(m[1]) : undefined;
}

/** The first quoted string in `s`, unescaped (strace or JSON style), and whether it was cut. */
export function quoted(s: string): { text: string; cut: boolean } | undefined {
  const m = /"((?:[^"\\]|\\.)*)"(\.\.\.|…)?/.exec(s);
  if (!m) return undefined;
  let text: string;
  try {
    text = JSON.parse(`"${m[1]}"`) as string;
  } catch {
    text = m[1];
  }
  return { text, cut: m[2] !== undefined || /…$/.test(m[1]) };
}

/** Hex + ASCII rows, 16 bytes each: `0000  47 45 54 20 …  GET /hello…`. */
export function hexDump(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${off.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return out;
}

/** TCP option bytes (RFC 9293, 7323, 2018), padded to 4: `mss 1460,wscale 7` → 8. */
function optionBytes(opts: string): number {
  const size: Record<string, number> = { mss: 4, wscale: 3, sackOK: 2, sack: 10, TS: 10, nop: 1 };
  const n = opts.split(',').reduce((a, o) => a + (size[o.trim().split(' ')[0]] ?? 4), 0);
  return 4 * Math.ceil(n / 4);
}

function frameLines(r: TraceRecord, theme: Theme): string[] {
  const text = r.text;
  const peer =
    /\b(?:from|to) (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(text) ?? /Client (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(text);
  const inbound =
    r.kind === 'wire.rx' || r.kind === 'nic.dma' || r.kind === 'client.send' || r.kind === 'tcp.rx';
  const client = peer ? `${peer[1]}:${peer[2]}` : `the client of conn ${r.conn ?? '?'}`;
  const server = 'the server :3000 (scenario listen address)';
  const payload = r.bytes ?? Number(/(\d+) B\b/.exec(text)?.[1] ?? 0);
  const opts = /<([^>]+)>/.exec(text)?.[1];
  const optLen = opts ? optionBytes(opts) : 0;
  const flags = r.flags ?? /\b((?:SYN|ACK|FIN|PSH|RST)(?:\|(?:SYN|ACK|FIN|PSH|RST))*)\b/.exec(text)?.[1];
  const seq = fact(r, 'seq');
  const ack = fact(r, 'ack');
  const win = fact(r, 'win');
  const lines = [
    theme.bold(`Frame: ${HEADERS + optLen + payload} B on the wire (${payload} B of TCP payload)`),
    theme.bold('Ethernet II'),
    '  dst / src MAC: not modelled (one link, one peer) · type 0x0800 IPv4',
    theme.bold('Internet Protocol version 4'),
    `  src ${inbound ? client : server}`,
    `  dst ${inbound ? server : client}`,
    `  total length ${40 + optLen + payload} · protocol 6 (TCP) · TTL, id, checksum: not modelled`,
    theme.bold('Transmission Control Protocol'),
    `  flags ${flags ?? 'not stated by this step'}`,
    `  seq ${seq ?? '—'} · ack ${ack ?? '—'} · window ${win ?? '—'}${win !== undefined ? ' B' : ''}`,
    `  options ${opts ? `<${opts}>` : 'none'} · header ${20 + optLen} B · checksum: not modelled`,
  ];
  const q = quoted(text);
  lines.push(theme.bold(`Payload: ${payload} B`));
  if (q && payload > 0) {
    lines.push(...hexDump(q.text));
    if (q.cut || Buffer.byteLength(q.text) < payload)
      lines.push(theme.dim(`  (the step quotes the first ${Buffer.byteLength(q.text)} of ${payload} B)`));
  } else if (payload > 0) {
    lines.push(theme.dim('  the step does not quote the bytes: the read/write steps of this connection do'));
  }
  return lines;
}

function copyLines(r: TraceRecord, theme: Theme): string[] {
  const n = r.ret ?? 0;
  const lines = [
    theme.bold(
      `${r.syscall}(fd ${r.fd ?? r.args?.[0]}): ${r.errno ? `-1 ${r.errno}, no bytes copied` : `${n} B copied`}`,
    ),
  ];
  const buf = r.args?.find((a) => typeof a === 'string' && a.startsWith('"'));
  const q = typeof buf === 'string' ? quoted(buf) : undefined;
  if (q && !r.errno) {
    lines.push(...hexDump(q.text));
    if (q.cut) lines.push(theme.dim(`  (strace shows the first ${Buffer.byteLength(q.text)} of ${n} B)`));
  }
  const queue = /\((\d+)\/(\d+) B\)/.exec(r.text);
  if (queue) lines.push(`socket queue after this step: ${queue[1]} of ${queue[2]} B`);
  return lines;
}

/** The inspector's lines for a record, or a sentence saying this step carries no bytes. */
export function bytesLines(rec: TraceRecord, theme: Theme): string[] {
  // Whatever a scenario put in the text (paths, bodies) reaches the screen only through sanitize.
  const r: TraceRecord = {
    ...rec,
    text: sanitize(rec.text),
    args: rec.args?.map((a) => (typeof a === 'string' ? sanitize(a) : a)),
  };
  if (FRAME_KINDS.has(r.kind)) return frameLines(r, theme);
  if (r.kind === 'syscall' && COPY_CALLS.has(r.syscall ?? '')) return copyLines(r, theme);
  if (r.kind === 'sock.queue') {
    const q = /\((\d+)\/(\d+)(?: B)?\)/.exec(r.text);
    const lines = [theme.bold(`${r.bytes ?? 0} B join a socket queue`)];
    if (q) lines.push(`the queue holds ${q[1]} of ${q[2]}${r.bytes ? ' B' : ''} after this step`);
    const p = quoted(r.text);
    if (p && r.bytes) lines.push(...hexDump(p.text), theme.dim('  (the bytes as the step quotes them)'));
    return lines;
  }
  return [
    theme.dim(`step ${r.step} (${r.kind}) carries no bytes.`),
    theme.dim(
      'Frames (wire, nic, client, tcp), reads, writes and socket queues do: a moves on, / finds them.',
    ),
  ];
}

export interface BytesOverlayProps {
  record: TraceRecord;
  theme: Theme;
  columns: number;
  rows: number;
}

export function BytesOverlay({ record, theme, columns, rows }: BytesOverlayProps) {
  const width = Math.min(columns - 2, 100);
  const head = wrap(sanitize(record.text), width - 4)
    .slice(0, 2)
    .map((l) => theme.dim(l));
  const body = bytesLines(record, theme).map((l) => cutStyled(l, width - 4));
  const lines = [...head, '', ...body].slice(0, overlayCapacity(rows) - 1);
  lines.push(theme.dim('Any key closes this box.'));
  return (
    <Overlay
      title={`Bytes · step ${record.step} ${record.kind}`}
      lines={lines}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}
