/**
 * Issue 9, the kernel/NIC/client half: on real runs of built-in scenarios, every step of the server's
 * kernel, its NIC and the client hosts changes exactly what its record says (the runtime's G/M/P/pd
 * entries are checked by their own tests), effects come after their causes, and every record of those
 * layers names the real function it models.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll } from './helpers.js';
import { checkTruth } from './truth.js';

/** Change names written by the Go runtime and the program, not by the kernel, the NIC or a client. */
const RUNTIME = /^(G\d+|M\d+|P\d+|pd \d+|globrunq|epoll \S+ waiters|exit)\b/;
const kernelSide = (what: string) => !RUNTIME.test(what);

const SCENARIOS = [
  'hello',
  'packet-loss',
  'ring-overflow',
  'slow-reader',
  'upload',
  'raw-tcp',
  'emfile',
  'split-request',
  'port-in-use',
];

describe('kernel, NIC and client steps tell their truth', () => {
  for (const name of SCENARIOS) {
    it(`${name}: each kernel/NIC/client change shows on the step that claims it, and those steps name their function`, () => {
      const r = checkTruth(builtin(name), { only: kernelSide, maxProblems: 5 });
      expect(r.problems).toEqual([]);
      const unnamed = r.records.filter((x) => x.layer !== 'app' && x.layer !== 'runtime' && !x.fn);
      expect(unnamed.map((x) => `${x.step} ${x.kind}: ${x.text}`)).toEqual([]);
      expect(r.records.filter((x) => x.kind === 'syscall' && !x.fn)).toEqual([]);
    }, 120_000);
  }
});

describe('hello: effects after causes', () => {
  const { records } = runAll(builtin('hello'));
  const at = (pred: (r: TraceRecord) => boolean) => records.findIndex(pred);

  it('close(4) comes first, then the FIN it causes: LAST_ACK, tcp_send_fin, the frame in the TX ring', () => {
    // The connection's close(4) is the last one (the earlier ones close the probe socket and procfs file).
    const closes = records.filter((r) => r.syscall === 'close' && r.args?.[0] === 4);
    const close = records.indexOf(closes[closes.length - 1]);
    expect(records[close].fn).toBe('sock_close — net/socket.c');
    expect(records.slice(close + 1, close + 4).map((r) => [r.kind, r.fn])).toEqual([
      ['tcp.state', 'tcp_set_state — net/ipv4/tcp.c'],
      ['tcp.tx', 'tcp_send_fin — net/ipv4/tcp_output.c'],
      ['nic.tx', 'dev_queue_xmit — net/core/dev.c'],
    ]);
    expect(records[close + 1].text).toContain('CLOSE_WAIT → LAST_ACK');
  });

  it("the client's last ACK says why once, with no stray payload quote", () => {
    const last = records.filter((r) => r.kind === 'client.send' && r.text.includes('the last ACK'));
    expect(last).toHaveLength(1);
    expect(last[0].text).toMatch(/^Client \S+ sends ACK seq \d+ ack \d+ win \d+: the last ACK\.$/);
    expect(last[0].fn).toBe('tcp_send_ack — net/ipv4/tcp_output.c');
  });

  it("ep_poll_callback's record is the cause of the epoll_pwait it wakes", () => {
    const ready = at((r) => r.kind === 'epoll.ready' && r.fd === 3);
    const wait = at(
      (r) => r.syscall === 'epoll_pwait' && r.ret === 1 && String(r.args?.[1]).includes('fd 3'),
    );
    expect(ready).toBeGreaterThan(0);
    expect(wait).toBeGreaterThan(ready);
    expect(records[wait].cause).toBe(records[ready].step);
    expect(records[wait].fn).toBe('do_epoll_wait — fs/eventpoll.c');
  });

  it('syscalls name their kernel entry point, or the socket operation that does the work', () => {
    const fnOf = (name: string) => new Set(records.filter((r) => r.syscall === name).map((r) => r.fn));
    expect(fnOf('accept4')).toEqual(new Set(['__sys_accept4 — net/socket.c']));
    expect(fnOf('epoll_ctl')).toEqual(new Set(['do_epoll_ctl — fs/eventpoll.c']));
    const reads = records.filter((r) => r.syscall === 'read');
    expect(reads.find((r) => r.args?.[0] === 4 && r.conn)?.fn).toBe('tcp_recvmsg — net/ipv4/tcp.c');
    expect(records.find((r) => r.syscall === 'write' && r.conn)?.fn).toBe('tcp_sendmsg — net/ipv4/tcp.c');
  });
});
