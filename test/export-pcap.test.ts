/**
 * `export --format pcapng|pcap` read by the real tools: tshark decodes every frame of the hello run
 * with correct IP and TCP checksums and no expert warnings, follows the TCP stream to the exact request
 * and response bytes the server read and wrote, and shows each frame's step as its comment; tcpdump
 * reads the classic file; `tshark -z conv,tcp` finds one conversation per client connection.
 */
import { describe, expect, it } from 'vitest';
import { engine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { exportTo, needTool, tool } from './export-helpers.js';
import { builtin, runAll } from './helpers.js';

const HAVE_TSHARK = needTool('tshark');
const HAVE_TCPDUMP = needTool('tcpdump');
const CHECKSUMS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

/** The frames on the server's wire according to the records: what eth0 received or sent. */
function wireFrames(records: TraceRecord[]): TraceRecord[] {
  return records.filter((r) => (r.kind === 'wire.rx' || r.kind === 'wire.tx') && r.bytes !== undefined);
}

/** The bytes of a strace-style quoted argument ("GET /h"...) as far as the record shows them. */
function quotedPrefix(arg: string | number | undefined): string {
  return JSON.parse(String(arg).replace(/\.\.\.$/, ''));
}

function hexToText(hex: string): string {
  return Buffer.from(hex.trim(), 'hex').toString('latin1');
}

describe.skipIf(!HAVE_TSHARK)('pcapng read by tshark', () => {
  const { records } = runAll(builtin('hello'));

  it('reads every frame of hello with good IP and TCP checksums and no warnings or errors', async () => {
    const file = await exportTo('hello', 'pcapng');
    const rows = tool('tshark', [
      '-r',
      file,
      ...CHECKSUMS,
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'ip.checksum.status',
      '-e',
      'tcp.checksum.status',
    ])
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(wireFrames(records).length);
    // Wireshark's checksum status: 0 bad, 1 good, 2 unverified.
    for (const [n, ip, tcp] of rows) expect({ n, ip, tcp }).toEqual({ n, ip: '1', tcp: '1' });
    const expert = tool('tshark', ['-r', file, ...CHECKSUMS, '-q', '-z', 'expert']);
    expect(expert).not.toMatch(/^(Errors|Warns) \(/m);
    expect(expert).not.toMatch(/Malformed|checksum/i);
  });

  it('follows the TCP stream to the exact bytes the server read and wrote', async () => {
    const file = await exportTo('hello', 'pcapng');
    const follow = tool('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
    const chunks = follow
      .split('\n')
      .filter((l) => /^\t?[0-9a-f]+$/.test(l))
      .map((l) => ({ toServer: !l.startsWith('\t'), text: hexToText(l) }));
    const request = chunks
      .filter((c) => c.toServer)
      .map((c) => c.text)
      .join('');
    const response = chunks
      .filter((c) => !c.toServer)
      .map((c) => c.text)
      .join('');
    const accepted = records.find((r) => r.syscall === 'accept4' && (r.ret ?? -1) >= 0)!;
    const read = records.find(
      (r) => r.step > accepted.step && r.syscall === 'read' && r.fd === accepted.ret,
    )!;
    const write = records.find((r) => r.syscall === 'write')!;
    expect(request).toHaveLength(read.ret!);
    expect(request.startsWith(quotedPrefix(read.args?.[1]))).toBe(true);
    expect(request).toBe(
      'GET /hello HTTP/1.1\r\nHost: webserver:3000\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
    );
    expect(response).toHaveLength(write.ret!);
    expect(response.startsWith(quotedPrefix(write.args?.[1]))).toBe(true);
    expect(response).toMatch(
      /^HTTP\/1\.1 200 OK\r\nDate: [^\r]+\r\nContent-Length: 11\r\nContent-Type: text\/plain; charset=utf-8\r\n\r\nHello World$/,
    );
  });

  it('a large body arrives in full: the stream carries every byte written', async () => {
    const { records: big } = runAll(builtin('big-response'));
    const written = big
      .filter((r) => r.syscall === 'write' && (r.ret ?? 0) > 0)
      .reduce((n, r) => n + r.ret!, 0);
    const file = await exportTo('big-response', 'pcapng');
    const follow = tool('tshark', ['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
    const fromServer = follow
      .split('\n')
      .filter((l) => /^\t[0-9a-f]+$/.test(l))
      .reduce((n, l) => n + (l.length - 1) / 2, 0);
    expect(fromServer).toBe(written);
  });

  it('each frame comments its step, and a filter on the comments finds the handshake that filled the accept queue', async () => {
    const file = await exportTo('hello', 'pcapng');
    const comments = tool('tshark', ['-r', file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.comment'])
      .trim()
      .split('\n');
    expect(comments).toEqual(wireFrames(records).map((r) => `netflow step ${r.step}: ${r.text}`));
    // The kernel step that puts the connection on the listener's accept queue (tcp_check_req).
    const accept = records.find(
      (r) => r.layer === 'kernel' && r.kind !== 'syscall' && r.text.includes('accept queue'),
    )!;
    const hit = tool('tshark', [
      '-r',
      file,
      '-Y',
      'frame.comment contains "accept queue"',
      '-T',
      'fields',
      '-e',
      'frame.comment',
    ]);
    expect(hit.trim().split('\n')).toHaveLength(1);
    expect(hit).toContain(`netflow step ${accept.step}: ${accept.text}`);
  });

  it('RX ring drops are commented on the frame the ring could not take', async () => {
    const { records: rec } = runAll(builtin('ring-overflow'));
    const drops = rec.filter((r) => r.kind === 'nic.drop');
    expect(drops.length).toBeGreaterThan(0);
    const file = await exportTo('ring-overflow', 'pcapng');
    const hit = tool('tshark', [
      '-r',
      file,
      '-Y',
      'frame.comment contains "RX ring is full"',
      '-T',
      'fields',
      '-e',
      'frame.number',
    ]);
    expect(hit.trim().split('\n')).toHaveLength(drops.length);
  });

  it('--from/--to and --conn narrow the capture', async () => {
    const { records: ka } = runAll(builtin('burst'));
    const frames = wireFrames(ka).filter((r) => r.conn === 2);
    const file = await exportTo('burst', 'pcapng', { conn: 2 });
    const ports = tool('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport'])
      .trim()
      .split('\n');
    expect(ports).toHaveLength(frames.length);
    for (const p of ports) expect(p.split('\t')).toContain('40002');
    const part = await exportTo('hello', 'pcapng', { from: 50, to: 100 });
    const steps = tool('tshark', ['-r', part, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.comment'])
      .trim()
      .split('\n');
    expect(steps).toEqual(
      wireFrames(records)
        .filter((r) => r.step >= 50 && r.step <= 100)
        .map((r) => `netflow step ${r.step}: ${r.text}`),
    );
  });

  // One conversation per client connection, c10k included: its export takes 15–60 s on a 2-core machine
  // (54 s, 50 MB, 580 MB RSS measured under a load average of 15).
  for (const name of ['keepalive', 'burst', 'c10k']) {
    it(`tshark -z conv,tcp: one conversation per client connection of ${name}`, {
      timeout: 600_000,
    }, async () => {
      const m = engine.boot(builtin(name)); // the connections exist from boot: no second run needed
      const file = await exportTo(name, 'pcapng');
      const conv = tool('tshark', ['-r', file, '-q', '-z', 'conv,tcp']);
      const pairs = conv.split('\n').filter((l) => l.includes('<->'));
      expect(pairs).toHaveLength(m.clients.length);
      const clients = new Set(pairs.map((l) => l.trim().split(/\s+/)[0]));
      expect(clients).toEqual(new Set(m.clients.map((c) => `${c.addr}:${c.port}`)));
    });
  }
});

describe.skipIf(!HAVE_TCPDUMP)('classic pcap read by tcpdump', () => {
  it('tcpdump -r hello.pcap prints every frame, nanosecond times from the virtual clock', async () => {
    const { records } = runAll(builtin('hello'));
    const frames = wireFrames(records);
    const file = await exportTo('hello', 'pcap');
    const out = tool('tcpdump', ['-nn', '-tt', '--time-stamp-precision=nano', '-r', file]).trim().split('\n');
    expect(out).toHaveLength(frames.length);
    expect(out[0]).toMatch(
      /^0\.\d{9} IP 10\.0\.0\.2\.40001 > 10\.0\.0\.1\.3000: Flags \[S\], seq 0, win 65535, options \[mss 1460,nop,wscale 7\], length 0$/,
    );
    expect(Number(out[0].split(' ')[0]) * 1e9).toBeCloseTo(frames[0].t_ns, -1);
    expect(out.filter((l) => / length [1-9]/.test(l)).map((l) => l.split(' length ')[1])).toEqual([
      '83',
      '128',
    ]);
  });
});
