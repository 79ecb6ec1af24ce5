/**
 * The simulated HTTP client reads responses as Go's net/http client does: a HEAD answer and a 1xx, 204
 * or 304 status carry no body whatever their Content-Length says (RFC 9110 §9.3.2, §15.3.5, §15.4.5;
 * transfer.go readTransfer), and a large body costs time in proportion to its bytes, not their square.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../src/sim/trace.js';
import { runAll, scenario, straceLine } from './helpers.js';
import { checkTruth } from './truth.js';

function oneClient(route: Record<string, unknown>, requests: unknown[], keepAlive = false) {
  return scenario({
    name: 'client-response',
    description: 'one client, one route',
    server: { kind: 'http', listen: ':3000', routes: [route] },
    clients: [{ name: 'c', latency: 50_000, keepAlive, requests }],
  });
}

/** The server's syscalls on fd 4 (the connection) after it wrote the response, strace-style, in order. */
function afterResponse(records: TraceRecord[]): string[] {
  const calls = records
    .filter((r) => r.kind === 'syscall')
    .map(straceLine)
    .filter((l) => /^\w+\(4,|^close\(4\)|^epoll_ctl\(\d+, \w+, 4\b/.test(l));
  return calls.slice(calls.findIndex((l) => l.startsWith('write(4, "HTTP/1.1 ')));
}

describe('HEAD: the response has a Content-Length but no body', () => {
  const { records, m } = runAll(
    oneClient({ pattern: '/hello', body: 'Hello World' }, [{ method: 'HEAD', path: '/hello' }]),
  );
  const c = m.clients[0];

  it('the client reads the header-only response, with an empty body, and closes', () => {
    expect(c.statuses).toEqual([200]);
    expect(c.bodies).toEqual(['']);
    const done = records.find((r) => r.kind === 'client.recv' && /complete response/.test(r.text));
    expect(done?.text).toMatch(/reads the complete response \(\d+ B\): "HTTP\/1\.1 200 OK" … ""\./);
    // The server wrote only the header (Go's writes 117 B for HEAD /hello, 128 for GET: 11 B of body),
    // and the client took those 117 B as the whole response.
    expect(afterResponse(records)[0]).toBe('write(4, "HTTP/1.1 200 OK\\r\\nDate: Sun, 22 N"..., 117) = 117');
    expect(done?.bytes).toBe(117);
    expect(c.received).toBe(117);
    expect(records.some((r) => r.kind === 'client.done' && /TIME_WAIT/.test(r.text))).toBe(true);
  });

  it('the server sees the client close, as a real Go server does: read = 0, EPOLL_CTL_DEL, close', () => {
    const calls = afterResponse(records);
    expect(calls.slice(-3)).toEqual([
      'read(4, "", 4096) = 0',
      'epoll_ctl(5, EPOLL_CTL_DEL, 4) = 0',
      'close(4) = 0',
    ]);
  });

  it('a HEAD then a GET on one kept-alive connection: the GET reads its body', () => {
    const { m } = runAll(
      oneClient(
        { pattern: '/hello', body: 'Hello World' },
        [{ method: 'HEAD', path: '/hello' }, 'GET /hello'],
        true,
      ),
    );
    expect(m.clients[0].statuses).toEqual([200, 200]);
    expect(m.clients[0].bodies).toEqual(['', 'Hello World']);
    expect(m.clients[0].state).toBe('done');
  });
});

describe('every step of a body-less response tells the truth (issue 9)', () => {
  it('HEAD then GET, and 204: state changes match their records', () => {
    for (const sc of [
      oneClient(
        { pattern: '/hello', body: 'Hello World' },
        [{ method: 'HEAD', path: '/hello' }, 'GET /hello'],
        true,
      ),
      oneClient({ pattern: '/x', status: 204, body: '' }, ['GET /x']),
    ]) {
      const r = checkTruth(sc);
      expect(r.problems).toEqual([]);
      expect(r.noFn).toEqual([]);
    }
  });
});

describe('204 and 304 carry no body', () => {
  for (const status of [204, 304]) {
    it(`${status}: the client reads the response and moves on to the next request`, () => {
      const { m } = runAll(oneClient({ pattern: '/x', status, body: '' }, ['GET /x', 'GET /x'], true));
      expect(m.clients[0].statuses).toEqual([status, status]);
      expect(m.clients[0].bodies).toEqual(['', '']);
      expect(m.clients[0].state).toBe('done');
    });
  }
});

describe('large bodies are counted, not copied', () => {
  it('a 4 MiB response body: every byte arrives, the body is reported by size, and the run is linear', () => {
    const size = 4 * 1024 * 1024;
    const t0 = process.hrtime.bigint();
    const { records, m } = runAll(oneClient({ pattern: '/big', bodyBytes: size }, ['GET /big']));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = m.clients[0];
    expect(c.statuses).toEqual([200]);
    expect(c.bodies).toEqual([`<${size} bytes>`]);
    const done = records.find((r) => r.kind === 'client.recv' && /complete response/.test(r.text));
    expect(done?.text).toContain(`… ${size} B of body.`);
    expect(c.received).toBeGreaterThan(size);
    // Before, the client re-scanned everything received on each segment: 4 MiB took 40 s and more.
    expect(ms).toBeLessThan(30_000);
  });

  it('a raw client keeps only what it can quote of a long reply, and counts the rest', () => {
    const reply = 'y'.repeat(20_000);
    const { m } = runAll(
      scenario({
        name: 'raw',
        description: 'a raw reply longer than a segment',
        server: { kind: 'tcp', listen: ':3000', reply },
        clients: [{ name: 'nc', latency: 5000, data: 'hi\n' }],
      }),
    );
    expect(m.clients[0].bodies).toEqual(['<20000 bytes>']);
    expect(m.clients[0].rcvBytes).toBe(20_000);
  });
});
