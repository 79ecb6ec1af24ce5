/**
 * The net/http and netpoller divergences from real Go that `npm run fidelity` found, each checked on a
 * real run of a built-in scenario (or a small generated one for what no built-in does): the stale
 * ready flag (pollReset), the somaxconn fcntl pair, log.Fatal's exit path, body.Close after an
 * unanswered "Expect: 100-continue", ServeMux conflicts at start-up, and the netpoller's throws.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { engine } from '../src/sim/engine.js';
import type { G } from '../src/sim/machine.js';
import { FNS } from '../src/sim/runtime/interp.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll, scenario, straceLine } from './helpers.js';

const syscalls = (rs: TraceRecord[]) => rs.filter((r) => r.kind === 'syscall');

describe('internal/poll resets the pollDesc before each call (prepareRead → pollReset)', () => {
  it('keepalive: each request’s background read fails once with EAGAIN, then parks (real Go: one; was two on the 2nd)', () => {
    const { records } = runAll(builtin('keepalive'), { invariants: true });
    const sys = syscalls(records).filter((r) => r.fd === 4 && r.syscall === 'read');
    // Split the connection's reads at each request read (4096 B asked, data returned).
    const perRequest: number[] = [];
    for (const r of sys) {
      if (r.args?.[2] === 4096 && (r.ret ?? 0) > 0) perRequest.push(0);
      else if (r.args?.[2] === 1 && r.errno === 'EAGAIN') perRequest[perRequest.length - 1]++;
    }
    expect(perRequest).toEqual([1, 1]);
    // The stale pdReady that used to cost the second EAGAIN is reset before the read, and said so.
    expect(records.some((r) => r.fn?.startsWith('runtime.poll_runtime_pollReset'))).toBe(true);
  });
});

describe('start-up and exit as real Go 1.23 does them', () => {
  it('os.Open makes the somaxconn file non-blocking before registering it (fcntl F_GETFL, F_SETFL)', () => {
    const { records } = runAll(builtin('hello'));
    const sys = syscalls(records).map(straceLine);
    const open = sys.findIndex((s) => s.startsWith('openat(AT_FDCWD, "/proc/sys/net/core/somaxconn"'));
    expect(sys.slice(open + 1, open + 4)).toEqual([
      'fcntl(4, F_GETFL) = 32768',
      'fcntl(4, F_SETFL, O_RDONLY|O_NONBLOCK|O_LARGEFILE) = 0',
      'epoll_create1(EPOLL_CLOEXEC) = 5',
    ]);
  });

  it('port-in-use: log.Fatal loads /etc/localtime, writes the dated line to stderr, exit_group(1)', () => {
    const { records, m } = runAll(builtin('port-in-use'), { invariants: true });
    const sys = syscalls(records).map(straceLine);
    const bind = sys.findIndex((s) => s.startsWith('bind(3, [::]:3000)'));
    expect(sys.slice(bind)).toEqual([
      'bind(3, [::]:3000) = -1 EADDRINUSE',
      'close(3) = 0',
      'openat(AT_FDCWD, "/etc/localtime", O_RDONLY) = 3',
      expect.stringMatching(/^read\(3, "TZif2.*, 4096\) = 114$/),
      'read(3, "", 4096) = 0',
      'close(3) = 0',
      expect.stringMatching(/^write\(2, "2026\/11\/22 05:00:00 listen tcp :"\.\.\., 67\) = 67$/),
      'exit_group(1) = ?',
    ]);
    expect(m.proc.status).toBe(1);
    expect(records[records.length - 1].kind).toBe('proc.exit');
  });
});

describe('Expect: 100-continue with the body never read', () => {
  const sc = scenario({
    name: 'continue-unread',
    description: 'a POST that waits for 100 Continue; the handler ignores the body',
    server: { routes: [{ pattern: 'POST /up', body: 'got it' }] },
    clients: [
      { latency: 5000, requests: [{ method: 'POST', path: '/up', body: '20KiB', expectContinue: true }] },
    ],
  });

  it('after the response, body.Close reads 8192 B until the client’s FIN, then the fd is closed (no 100 Continue, no shutdown)', () => {
    const { records } = runAll(sc, { invariants: true });
    const sys = syscalls(records).filter((r) => r.fd === 4 || r.args?.[2] === 4);
    const resp = sys.findIndex(
      (r) => r.syscall === 'write' && String(r.args?.[1]).startsWith('"HTTP/1.1 200'),
    );
    expect(resp).toBeGreaterThan(0);
    expect(sys.some((r) => r.syscall === 'write' && String(r.args?.[1]).includes('100 Continue'))).toBe(
      false,
    );
    const after = sys
      .slice(resp + 1)
      .map((r) => `${r.syscall} ${r.args?.[2] ?? r.args?.[1]} ${r.errno ?? r.ret}`);
    expect(after.filter((s) => !s.startsWith('epoll_pwait'))).toEqual([
      'read 8192 EAGAIN',
      'read 8192 0',
      'epoll_ctl 4 0',
      'close undefined 0',
    ]);
    expect(records.some((r) => r.syscall === 'shutdown')).toBe(false);
  });
});

describe('ServeMux pattern conflicts fail at load, as Go panics at start-up', () => {
  it('/items/special then POST /items/: Go 1.23’s panic text, at the second registration', () => {
    const text = `name: c\ndescription: conflict\nserver:\n  routes:\n    - pattern: /items/special\n    - pattern: POST /items/\nclients: []\n`;
    let err: unknown;
    try {
      loadScenarioText(text, 'c.yaml');
    } catch (e) {
      err = e;
    }
    // Real Go 1.23.5 (mux.HandleFunc in this order) panics with the same two lines.
    expect(String((err as Error)?.message)).toContain(
      'pattern "POST /items/" (registered at c.yaml:6) conflicts with pattern "/items/special" (registered at c.yaml:5):\n    POST /items/ matches fewer methods than /items/special, but has a more general path pattern',
    );
  });
});

describe('the netpoller keeps Go’s consistency checks (runtime.throw)', () => {
  it('a second G waiting on the same side of a pollDesc is "runtime: double wait", not an overwrite', () => {
    const m = engine.boot(builtin('hello'));
    const out: TraceRecord[] = [];
    // Run until G1 is parked in Accept on the listener: fd 3's rg holds it.
    while (!(m.rt.pds[3]?.rg > 0)) expect(engine.step(m, out, { text: false })).toBe(true);
    const g2 = { id: 99, frames: [] } as unknown as G;
    const frame = { fn: 'runtime.netpollblock', pc: 0, v: { fd: 3, mode: 'r', reason: 'accept' } };
    expect(() => FNS['runtime.netpollblock'](m, m.rt.ms[0], g2, frame)).toThrow(
      /fatal error: runtime: double wait/,
    );
  });
});

describe('epoll_pwait sleeps for the time left on the next timer (netpoll_epoll.go netpoll(delay))', () => {
  it('upload-large: during the 500 ms linger once the timer is set the poller waits 499 ms (truncated, as Go does; was 500)', () => {
    const { records } = runAll(builtin('upload-large'));
    const shut = records.findIndex((r) => r.syscall === 'shutdown');
    const close = records.findIndex((r, i) => i > shut && r.syscall === 'close' && r.fd === 4);
    const waits = records
      .slice(shut, close)
      .filter((r) => r.syscall === 'epoll_pwait' && r.args?.[3] !== 0)
      .map((r) => Number(r.args?.[3]))
      // A poll entered before the timer existed (-1) is woken by netpollBreak, as in real Go.
      .filter((w) => w !== -1);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toBe(499);
    expect(Math.max(...waits)).toBeLessThan(500);
  });
});
