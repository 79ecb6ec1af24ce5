/**
 * The built-in scenario library (issue 5). Every built-in runs to completion with the invariants
 * checked after every event, passes its own `expect:` list, starts with the schema line, and has a
 * one-line description; every teaching note's `at` spec parses and reaches at least one step. Then
 * one block per scenario asserts what a user stepping through it would see. c10k has its own file.
 */
import { describe, expect, it } from 'vitest';
import { httpDate } from '../src/sim/nethttp/mux.js';
import { builtinNames, builtinText, runBuiltin, syscalls } from './scenario-run.js';

/** Built-ins added after issue 5's list. */
const BEYOND_5 = ['slow-reader'];

const ISSUE_5 = [
  'hello',
  'about',
  'notfound',
  'method-not-allowed',
  'keepalive',
  'keepalive-idle',
  'split-request',
  'upload',
  'upload-large',
  'big-response',
  'port-in-use',
  'privileged-port',
  'raw-tcp',
  'burst',
  'ring-overflow',
  'packet-loss',
  'slow-handler-1',
  'slow-handler-4',
  'emfile',
  'c10k',
  'tour',
];

/** Built-ins run here; c10k runs in scenarios-c10k.test.ts. */
const HERE = builtinNames().filter((n) => n !== 'c10k');

describe('the built-in library', () => {
  it('ships every scenario issue 5 lists', () => {
    expect(builtinNames()).toEqual([...ISSUE_5, ...BEYOND_5].sort());
  });

  it.each(builtinNames())('%s: schema line first, a one-line description', (name) => {
    const text = builtinText(name);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
    expect(text).toMatch(new RegExp(`^name: ${name}$`, 'm'));
    const desc = /^description: (.*)$/m.exec(text)?.[1] ?? '';
    expect(desc.length).toBeGreaterThan(20);
    expect(desc.length).toBeLessThan(200);
  });

  it.each(HERE)(
    '%s: runs to the end with every invariant after every event, and passes its expect:',
    (name) => {
      const run = runBuiltin(name);
      expect(run.sc.expect?.length ?? 0).toBeGreaterThan(0);
      expect(run.failures).toEqual([]);
      expect(run.m.heap.length === 0 || run.m.ended).toBe(true);
    },
    // burst checks every invariant after each of its ~110k events: ~57 s alone, more on a shared machine.
    180_000,
  );

  it.each(HERE)('%s: every note reaches at least one step', (name) => {
    const run = runBuiltin(name);
    const missed = (run.sc.notes ?? []).filter((_, i) => run.noteHits[i] === 0).map((n) => n.at);
    expect(missed).toEqual([]);
  });
});

describe('notfound and method-not-allowed: the bytes Go sends', () => {
  it('404: nosniff, text/plain, a 19-byte body ending in a newline', () => {
    const { wrote, m } = runBuiltin('notfound');
    expect(wrote.map((w) => w.text)).toEqual([
      'HTTP/1.1 404 Not Found\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Date: ${httpDate(0)}\r\n` +
        'Content-Length: 19\r\n' +
        '\r\n' +
        '404 page not found\n',
    ]);
    expect(m.clients[0].statuses).toEqual([404]);
  });

  it('405: Allow lists GET and HEAD for a "GET /hello" pattern', () => {
    const { wrote, records } = runBuiltin('method-not-allowed');
    expect(wrote).toHaveLength(1);
    expect(wrote[0].text).toMatch(
      /^HTTP\/1\.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Type: text\/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n/,
    );
    expect(wrote[0].text.endsWith('\r\n\r\nMethod Not Allowed\n')).toBe(true);
    expect(records.find((r) => r.kind === 'mux.match')?.text).toContain('405');
  });
});

describe('keepalive: two requests, one connection', () => {
  it('one accept, two requests parsed by the same goroutine, two responses on fd 4', () => {
    const { records, m } = runBuiltin('keepalive');
    expect(syscalls(records, 'accept4').filter((r) => !r.errno)).toHaveLength(1);
    const reqs = records.filter((r) => r.kind === 'http.request');
    expect(reqs).toHaveLength(2);
    expect(reqs[0].g).toBe(reqs[1].g);
    expect(syscalls(records, 'write', { fd: 4 }).filter((r) => !r.errno)).toHaveLength(2);
    expect(m.clients[0].bodies).toEqual([
      'Hello World',
      'I am Habib. I am a YouTuber. I am a Software Engineer.',
    ]);
  });

  it('back to back: c.serve never parks between the two requests', () => {
    const { records } = runBuiltin('keepalive');
    const g = records.find((r) => r.kind === 'http.request')!.g;
    const parks = records.filter((r) => r.kind === 'go.park' && r.g === g && r.reason === 'read');
    expect(parks).toHaveLength(0);
  });
});

describe('keepalive-idle: read → EAGAIN → park → wake', () => {
  it('the idle read fails with EAGAIN, the G parks on fd 4, netpoll readies it 50 ms later, the retry reads the request', () => {
    const { records } = runBuiltin('keepalive-idle');
    const g = records.find((r) => r.kind === 'http.request')!.g;
    const eagain = records.findIndex((r) => r.syscall === 'read' && r.g === g && r.errno === 'EAGAIN');
    expect(eagain).toBeGreaterThan(0);
    const park = records.findIndex((r, i) => i > eagain && r.kind === 'go.park' && r.g === g);
    expect(records[park]).toMatchObject({ reason: 'read', fd: 4 });
    const ready = records.findIndex((r, i) => i > park && r.kind === 'go.ready' && r.g === g);
    expect(records[ready]).toMatchObject({ reason: 'read', fd: 4 });
    expect(records[ready].t_ns - records[park].t_ns).toBeGreaterThan(45_000_000);
    const retry = records.find((r, i) => i > ready && r.syscall === 'read' && r.g === g)!;
    expect(retry.ret).toBe(83);
  });
});

describe('split-request: a header in two pieces', () => {
  it('a partial read, EAGAIN, then a read that asks for the space left after the unfinished line', () => {
    const { records, m } = runBuiltin('split-request');
    const g = records.find((r) => r.kind === 'http.request')!.g;
    const reads = syscalls(records, 'read', { fd: 4, g });
    const first = reads[0];
    expect(first.args?.[2]).toBe(4096);
    expect(first.ret).toBe(42);
    // 42 B = the request line (21 B, consumed by textproto) + 21 B of the Host line, still buffered.
    const held = 21;
    expect(reads[1]).toMatchObject({ errno: 'EAGAIN' });
    expect(reads[1].args?.[2]).toBe(4096 - held);
    const second = reads.find((r) => (r.ret ?? 0) > 0 && r !== first)!;
    expect(second.args?.[2]).toBe(4096 - held);
    expect(second.ret).toBe(41);
    const pieces = records.filter((r) => r.kind === 'client.send' && r.text.includes('piece 2/2'));
    expect(pieces).toHaveLength(1);
    expect(second.t_ns).toBeGreaterThan(pieces[0].t_ns);
    expect(second.t_ns - first.t_ns).toBeGreaterThan(1_900_000);
    expect(m.clients[0].bodies).toEqual(['Hello World']);
  });
});

describe('upload: 200 KiB the handler never reads', () => {
  it('is drained after the handler in 8 KiB reads, before the response, and the connection is reused', () => {
    const { records, m } = runBuiltin('upload');
    const handler = records.findIndex((r) => r.kind === 'handler');
    const write = records.findIndex((r) => r.syscall === 'write' && r.fd === 4 && !r.errno);
    const drain = records
      .slice(handler, write)
      .filter((r) => r.syscall === 'read' && r.fd === 4 && (r.ret ?? 0) > 0);
    expect(drain.length).toBeGreaterThan(10);
    expect(drain.filter((r) => r.args?.[2] === 8192).length).toBeGreaterThan(10);
    expect(drain.every((r) => (r.args?.[2] as number) <= 8192)).toBe(true);
    // Everything the client sent was read: the header read, the buffered part, and the drain.
    const body = records.find((r) => r.kind === 'http.request')!;
    expect(body.text).toContain('204800 B of body');
    expect(m.stats.reqRead).toBe(m.stats.reqWritten);
    expect(syscalls(records, 'shutdown')).toHaveLength(0);
    expect(syscalls(records, 'accept4').filter((r) => !r.errno)).toHaveLength(1);
    expect(m.clients[0].statuses).toEqual([200, 200]);
  });

  it('the background read starts only when the body hits EOF, after the last drain read', () => {
    const { records } = runBuiltin('upload');
    const bg = records.findIndex((r) => r.kind === 'go.create' && r.text.includes('backgroundRead'));
    const lastDrain = records.findLastIndex(
      (r, i) => i < bg && r.syscall === 'read' && r.fd === 4 && (r.ret ?? 0) > 1,
    );
    const handler = records.findIndex((r) => r.kind === 'handler');
    expect(bg).toBeGreaterThan(handler);
    expect(records[bg].text).toContain('EOF');
    expect(lastDrain).toBeGreaterThan(handler);
    const write = records.findIndex((r) => r.syscall === 'write' && r.fd === 4 && !r.errno);
    expect(write).toBeGreaterThan(bg);
  });
});

describe('upload-large: 300 KiB is too much to drain', () => {
  it('"Connection: close", shutdown(SHUT_WR) after the write, close 500 ms later, and no body read', () => {
    const { records, wrote, m } = runBuiltin('upload-large');
    expect(wrote).toHaveLength(1);
    expect(wrote[0].text).toContain('\r\nConnection: close\r\n\r\nthanks');
    const write = records.find((r) => r.syscall === 'write' && r.fd === 4)!;
    const shut = syscalls(records, 'shutdown')[0];
    expect(shut.args).toEqual([4, 'SHUT_WR']);
    expect(shut.step).toBeGreaterThan(write.step);
    const close = syscalls(records, 'close', { fd: 4 }).find((r) => r.step > shut.step)!;
    expect(close.t_ns - shut.t_ns).toBeGreaterThanOrEqual(500_000_000);
    expect(close.t_ns - shut.t_ns).toBeLessThan(510_000_000);
    const bodyReads = syscalls(records, 'read', { fd: 4 }).filter(
      (r) => r.step > write.step - 10 && !r.errno,
    );
    expect(bodyReads).toHaveLength(0);
    expect(records.some((r) => r.kind === 'go.park' && r.reason === 'sleep')).toBe(true);
    expect(m.clients[0].bodies).toEqual(['thanks']);
    expect(records.some((r) => r.kind === 'client.send' && r.text.includes('never sent'))).toBe(true);
  });
});

describe('big-response: 1 MiB through a 16 KiB send buffer', () => {
  it('writes 4096 B first (the bufio flush with the header), then the rest of the body in large writes', () => {
    const { records } = runBuiltin('big-response');
    const writes = syscalls(records, 'write', { fd: 4 });
    expect(writes[0]).toMatchObject({ ret: 4096 });
    expect(writes[0].args?.[2]).toBe(4096);
    // The second write asks for everything left: the 1 MiB body minus what the first write carried.
    const rest = writes[1].args?.[2] as number;
    expect(rest).toBeGreaterThan(1_048_576 - 4096);
    expect(rest).toBeLessThan(1_048_576);
    // Each retry asks for whatever is still unwritten: the asked size shrinks by what the last write took.
    const done = writes.filter((w) => !w.errno).reduce((a, w) => a + (w.ret ?? 0), 0);
    expect(done).toBe(4096 + rest);
  });

  it('write → EAGAIN, park on write, EPOLLOUT on the ready list, the writer readied with reason write', () => {
    const { records, m } = runBuiltin('big-response');
    const eagain = records.findIndex((r) => r.syscall === 'write' && r.errno === 'EAGAIN');
    expect(eagain).toBeGreaterThan(0);
    const g = records[eagain].g;
    const park = records.findIndex((r, i) => i > eagain && r.kind === 'go.park' && r.g === g);
    expect(records[park]).toMatchObject({ reason: 'write', fd: 4 });
    const ready = records.findIndex((r, i) => i > park && r.kind === 'epoll.ready' && r.fd === 4);
    expect(records[ready].text).toContain('EPOLLOUT');
    const woken = records.findIndex((r, i) => i > ready && r.kind === 'go.ready' && r.g === g);
    expect(records[woken]).toMatchObject({ reason: 'write', fd: 4 });
    const retry = records.find((r, i) => i > woken && r.syscall === 'write' && r.g === g)!;
    expect(retry.ret).toBeGreaterThan(0);
    expect(m.clients[0].bodies).toEqual(['<1048576 bytes>']);
  });
});

describe('port-in-use and privileged-port', () => {
  it.each([
    ['port-in-use', 'EADDRINUSE', 'listen tcp :3000: bind: address already in use'],
    ['privileged-port', 'EACCES', 'listen tcp :80: bind: permission denied'],
  ])(
    '%s: bind fails with %s, fd 3 is closed, listen is never called, log.Fatal exits 1 with "%s"',
    (name, errno, msg) => {
      const { records, m } = runBuiltin(name);
      const bind = records.findIndex((r) => r.syscall === 'bind' && r.errno);
      expect(records[bind]).toMatchObject({ errno, fd: 3 });
      const after = records.slice(bind + 1).filter((r) => r.kind === 'syscall');
      // Then log.Fatal's exit path as real Go 1.23 makes it: the zone file for the date, stderr, exit.
      expect(after.map((r) => `${r.syscall}(${r.fd ?? r.args?.[0]})`)).toEqual([
        'close(3)',
        'openat(3)',
        'read(3)',
        'read(3)',
        'close(3)',
        'write(2)',
        'exit_group(1)',
      ]);
      expect(syscalls(records, 'listen')).toHaveLength(0);
      expect(m.proc.exited).toBe(true);
      expect(m.proc.status).toBe(1);
      expect(m.proc.log).toEqual([msg]);
      expect(records[records.length - 1].kind).toBe('proc.exit');
    },
  );
});

describe('raw-tcp: the socket walk-through', () => {
  it('socket → bind → listen → accept → read(10000) → write "OK" → close both, then exit 0', () => {
    const { records, m } = runBuiltin('raw-tcp');
    const app = records.filter(
      (r) =>
        r.kind === 'syscall' &&
        r.g === 1 &&
        ['listen', 'accept4', 'read', 'write', 'close'].includes(r.syscall!),
    );
    const tail = app
      .slice(app.findIndex((r) => r.syscall === 'listen'))
      .map((r) => `${r.syscall} ${r.fd} ${r.errno ?? r.ret}`);
    expect(tail).toEqual([
      'listen 3 0',
      'accept4 3 EAGAIN',
      'accept4 4 4',
      'read 4 13',
      'write 4 2',
      'close 4 0',
      'close 3 0',
    ]);
    const read = syscalls(records, 'read', { fd: 4 }).find((r) => r.ret === 13)!;
    expect(read.args?.[2]).toBe(10000);
    expect(records.some((r) => r.kind === 'http.request')).toBe(false);
    expect(m.proc.status).toBe(0);
    expect(m.clients[0].bodies).toEqual(['OK']);
  });
});

describe('burst: 1000 clients, an accept queue of 16', () => {
  it('overflows the accept queue, drops SYNs and final ACKs, retransmits, and still answers everyone', () => {
    const { records, m, peak } = runBuiltin('burst');
    expect(peak.acceptq).toBe(17);
    const drops = records.filter((r) => r.kind === 'tcp.drop');
    expect(drops.some((r) => r.text.startsWith('tcp_conn_request: SYN'))).toBe(true);
    expect(drops.some((r) => r.text.startsWith("tcp_check_req: the handshake's final ACK"))).toBe(true);
    // A dropped SYN is sent again; a dropped final ACK is repaired by the request retransmitted after it.
    expect(records.some((r) => r.kind === 'client.send' && r.text.includes('retransmits the SYN'))).toBe(
      true,
    );
    expect(
      records.some((r) => r.kind === 'client.send' && r.text.includes('retransmission timer fires')),
    ).toBe(true);
    expect(m.stats.listenDrops).toBeGreaterThan(0);
    expect(m.clients.every((c) => c.state === 'done' && c.statuses[0] === 200)).toBe(true);
  });
});

describe('ring-overflow: 8 RX descriptors', () => {
  it('fills the ring, drops frames at the NIC, and the senders retransmit until all 50 are served', () => {
    const { records, m, peak } = runBuiltin('ring-overflow');
    expect(peak.rxring).toBe(8);
    expect(records.filter((r) => r.kind === 'nic.drop').length).toBe(m.nic.rxDropped);
    expect(m.nic.rxDropped).toBeGreaterThan(0);
    expect(m.stats.retransmits).toBeGreaterThan(0);
    expect(m.clients.filter((c) => c.statuses[0] === 200)).toHaveLength(50);
  });
});

describe('packet-loss: the request segment is lost once', () => {
  it('the server parks on read; the client resends after its RTO; the same goroutine reads it', () => {
    const { records } = runBuiltin('packet-loss');
    const lost = records.findIndex(
      (r) => r.kind === 'wire.rx' && r.text.includes('never reaches the server'),
    );
    expect(lost).toBeGreaterThan(0);
    const g = records.find((r) => r.kind === 'go.create' && r.conn === 1)!.g;
    const park = records.findIndex((r) => r.kind === 'go.park' && r.g === g && r.reason === 'read');
    expect(park).toBeGreaterThan(lost);
    const resend = records.find(
      (r) => r.kind === 'client.send' && r.text.includes('retransmission timer fires'),
    )!;
    expect(resend.t_ns - records[lost].t_ns).toBeGreaterThanOrEqual(200_000_000);
    const read = records.find((r) => r.syscall === 'read' && r.g === g && r.ret === 83)!;
    expect(read.t_ns).toBeGreaterThan(resend.t_ns);
  });
});

describe('slow-handler: GOMAXPROCS 1 against 4', () => {
  const lastResponse = (name: string) =>
    Math.max(
      ...runBuiltin(name)
        .records.filter((r) => r.kind === 'client.recv' && r.text.includes('complete response'))
        .map((r) => r.t_ns),
    );

  it('with one P the run queue grows, sysmon preempts every handler past 10 ms, all on P0', () => {
    const { records, peak } = runBuiltin('slow-handler-1');
    expect(peak.runq).toBeGreaterThan(1);
    const kicks = syscalls(records, 'tgkill');
    expect(kicks.length).toBeGreaterThan(8);
    expect(kicks.every((r) => r.m === 1 && r.args?.[2] === 'SIGURG')).toBe(true);
    expect(
      records.filter((r) => r.kind === 'sched.global' && r.text.startsWith('asyncPreempt')),
    ).toHaveLength(kicks.length);
    expect(new Set(records.filter((r) => r.kind === 'go.run').map((r) => r.p))).toEqual(new Set([0]));
    // Eight 25 ms handlers on one CPU take at least 200 ms.
    expect(lastResponse('slow-handler-1') - 1_000_000).toBeGreaterThan(200_000_000);
  });

  it('with four Ps idle Ms steal goroutines and the handlers run in parallel', () => {
    const { records } = runBuiltin('slow-handler-4');
    expect(records.some((r) => r.kind === 'sched.steal')).toBe(true);
    const ps = new Set(
      records
        .filter((r) => r.kind === 'handler')
        .map((r) => records.find((x) => x.kind === 'go.run' && x.g === r.g)?.p),
    );
    expect(ps.size).toBeGreaterThan(1);
    expect(lastResponse('slow-handler-4')).toBeLessThan(lastResponse('slow-handler-1') / 2);
  });
});

describe('emfile: RLIMIT_NOFILE 8', () => {
  it('accept4 fails with EMFILE and Serve logs back-offs of 5, 10, 20 ms, sleeping each before retrying', () => {
    const { records, m } = runBuiltin('emfile');
    expect(m.proc.log.slice(0, 3)).toEqual(
      [5, 10, 20].map(
        (d) => `http: Accept error: accept tcp [::]:3000: accept4: too many open files; retrying in ${d}ms`,
      ),
    );
    const fails = syscalls(records, 'accept4').filter((r) => r.errno === 'EMFILE');
    expect(fails.length).toBeGreaterThanOrEqual(3);
    for (const [i, d] of [5, 10, 20].entries()) {
      const next = records.find((r) => r.syscall === 'accept4' && r.step > fails[i].step)!;
      expect(next.t_ns - fails[i].t_ns).toBeGreaterThanOrEqual(d * 1_000_000);
      expect(next.t_ns - fails[i].t_ns).toBeLessThan((d + 1) * 1_000_000);
    }
    expect(records.filter((r) => r.kind === 'go.park' && r.g === 1 && r.reason === 'sleep').length).toBe(
      fails.length,
    );
    expect(m.clients.every((c) => c.statuses[0] === 200)).toBe(true);
    expect(
      Math.max(
        ...syscalls(records, 'accept4')
          .filter((r) => !r.errno)
          .map((r) => r.ret!),
      ),
    ).toBe(7);
  });
});

describe('tour', () => {
  it('has a note at every stage of the journey the issue lists', () => {
    const { sc } = runBuiltin('tour');
    const at = (sc.notes ?? []).map((n) => n.at);
    for (const spec of [
      'event:proc.start',
      'event:mux.register',
      'syscall:socket',
      'syscall:bind',
      'syscall:listen',
      'park:accept',
      'event:nic.dma slot=0',
      'irq:rx',
      'softirq',
      'event:sock.queue',
      'event:epoll.ready fd=3',
      'wakeup:accept',
      'event:go.create conn=1',
      'syscall:read fd=4 g=6',
      'event:mux.match',
      'event:handler',
      'syscall:write fd=4',
      'event:tcp.tx',
      'event:nic.tx',
      'event:client.recv',
    ])
      expect(at).toContain(spec);
  });

  it('narrows its notes to the steps they describe', () => {
    const { sc, noteHits } = runBuiltin('tour');
    const hits = Object.fromEntries((sc.notes ?? []).map((n, i) => [n.at, noteHits[i]]));
    expect(hits['event:nic.dma slot=0']).toBe(1);
    expect(hits['event:epoll.ready fd=3']).toBe(1);
    expect(hits['wakeup:accept']).toBe(1);
    expect(hits['event:go.create conn=1']).toBe(1);
    expect(hits['syscall:write fd=4']).toBe(1);
  });
});
