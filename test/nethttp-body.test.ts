/**
 * net/http request bodies and connection endings beyond the built-ins: Expect: 100-continue, a handler
 * that reads the body, "Connection: close" from the client, a kept-alive connection whose requests
 * route differently, close(2) with unread data (RST), and the small helpers behind split headers.
 */
import { describe, expect, it } from 'vitest';
import { buildRequest, requestPieces } from '../src/sim/hw/client.js';
import { unconsumed, withClose } from '../src/sim/nethttp/server.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { runAll, scenario } from './helpers.js';

const idx = (records: TraceRecord[], pred: (r: TraceRecord) => boolean) => records.findIndex(pred);

describe('Expect: 100-continue', () => {
  const sc = (readBody: boolean) =>
    scenario({
      name: 'continue',
      description: 'a POST that waits for 100 Continue',
      server: { routes: [{ pattern: 'POST /up', body: 'got it', readBody }] },
      clients: [
        {
          latency: 5000,
          requests: [{ method: 'POST', path: '/up', body: '20KiB', expectContinue: true }],
        },
      ],
    });

  it('"100 Continue" is written when the handler first reads the body; only then does the client send it', () => {
    const { records, m } = runAll(sc(true), { invariants: true });
    const handler = idx(records, (r) => r.kind === 'handler');
    const cont = idx(records, (r) => r.syscall === 'write' && r.ret === 25);
    expect(records[cont].args?.[1]).toBe('"HTTP/1.1 100 Continue\\r\\n\\r\\n"');
    expect(cont).toBeGreaterThan(handler);
    const sent = idx(
      records,
      (r) => r.kind === 'client.send' && (r.bytes ?? 0) > 0 && r.text.includes('"xxx'),
    );
    expect(sent).toBeGreaterThan(cont);
    expect(m.stats.reqRead).toBe(m.stats.reqWritten);
    expect(m.clients[0].bodies).toEqual(['got it']);
  });

  it('a handler that never reads: no 100 Continue, the body never comes, the response closes the connection', () => {
    const { records, m } = runAll(sc(false), { invariants: true });
    const writes = records.filter((r) => r.syscall === 'write' && r.fd === 4);
    expect(writes).toHaveLength(1);
    expect(writes[0].text).not.toContain('100 Continue');
    expect(m.clients[0].serverClose).toBe(true);
    expect(m.clients[0].statuses).toEqual([200]);
    expect(m.stats.reqWritten).toBeLessThan(1000);
  });
});

describe('Connection: close from the client', () => {
  it('the response says so and c.serve closes at once: no shutdown, no linger, no second request', () => {
    const { records, m } = runAll(
      scenario({
        name: 'close',
        description: 'close after one request',
        server: { routes: [{ pattern: '/hello', body: 'hi' }] },
        clients: [{ keepAlive: true, requests: [{ path: '/hello', close: true }, 'GET /hello'] }],
      }),
      { invariants: true },
    );
    const write = records.find((r) => r.syscall === 'write' && r.fd === 4)!;
    const close = records.find((r) => r.syscall === 'close' && r.fd === 4 && r.step > write.step)!;
    expect(close.t_ns - write.t_ns).toBeLessThan(1_000_000);
    expect(records.some((r) => r.syscall === 'shutdown')).toBe(false);
    expect(m.clients[0].serverClose).toBe(true);
    expect(m.clients[0].responses).toBe(1);
    expect(records.filter((r) => r.kind === 'http.request')).toHaveLength(1);
  });
});

describe('a kept-alive connection routes each request afresh', () => {
  it('a 404 then a 200 on the same connection', () => {
    const { m } = runAll(
      scenario({
        name: 'mixed',
        description: 'miss then hit',
        server: { routes: [{ pattern: '/hello', body: 'Hello World' }] },
        clients: [{ keepAlive: true, requests: ['GET /nope', 'GET /hello', 'GET /nope'] }],
      }),
      { invariants: true },
    );
    expect(m.clients[0].statuses).toEqual([404, 200, 404]);
    expect(m.clients[0].bodies).toEqual(['404 page not found\n', 'Hello World', '404 page not found\n']);
  });
});

describe('close(2) with unread data', () => {
  it('the kernel discards it and sends RST instead of FIN; the client sees the reset', () => {
    const { records, m } = runAll(
      scenario({
        name: 'rst',
        description: 'raw server reads 4 of 16 bytes',
        server: { kind: 'tcp', readSize: 4, reply: 'OK' },
        clients: [{ latency: 5000, data: '0123456789abcdef' }],
      }),
      { invariants: true },
    );
    expect(records.find((r) => r.syscall === 'read' && r.conn === 1)?.ret).toBe(4);
    const rst = records.find((r) => r.kind === 'tcp.tx' && r.text.startsWith('tcp_close'))!;
    expect(rst.text).toContain('12 B');
    expect(records.some((r) => r.kind === 'wire.tx' && r.flags === 'RST|ACK')).toBe(true);
    expect(records.some((r) => r.kind === 'tcp.tx' && r.text.startsWith('tcp_send_fin'))).toBe(false);
    expect(m.clients[0].bodies).toEqual(['OK']);
    expect(m.clients[0].state).toBe('done');
    expect(records.some((r) => r.kind === 'client.done' && r.text.includes('ECONNRESET'))).toBe(true);
  });
});

describe('split headers: helpers', () => {
  it('requestPieces cuts the header into near-equal parts and sends the body with the last', () => {
    const r = { method: 'POST', path: '/x', body: 10, pieces: 3 };
    const req = buildRequest(r, 'h:1');
    const parts = requestPieces(r, req.text, req.headerLen);
    expect(parts).toHaveLength(3);
    expect(parts.join('')).toBe(req.text);
    expect(parts[2].endsWith('x'.repeat(10))).toBe(true);
    expect(Math.abs(parts[0].length - parts[1].length)).toBeLessThanOrEqual(1);
    expect(requestPieces('GET /', 'GET / HTTP/1.1\r\n\r\n', 18)).toEqual(['GET / HTTP/1.1\r\n\r\n']);
  });

  it('unconsumed counts the bytes after the last complete line: what bufio still holds', () => {
    expect(unconsumed('GET / HTTP/1.1\r\nHost: a')).toBe(7);
    expect(unconsumed('GET / HTTP/1.1\r\n')).toBe(0);
    expect(unconsumed('GET /he')).toBe(7);
  });

  it('withClose adds Connection: close as the last header', () => {
    expect(withClose('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
    );
  });
});
