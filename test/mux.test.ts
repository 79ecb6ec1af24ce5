/** ServeMux with Go 1.22 patterns (FIDELITY §6). */
import { describe, expect, it } from 'vitest';
import { cleanPath, goResponse, httpDate, muxMatch, parsePattern } from '../src/sim/nethttp/mux.js';
import { builtin, runAll } from './helpers.js';

const mux = (...ps: string[]) => ps.map((p, i) => parsePattern(p, i));
const routeOf = (r: ReturnType<typeof muxMatch>) => (r.kind === 'route' ? r.pattern.raw : r.kind);

describe('ServeMux matching', () => {
  const m = mux(
    '/',
    '/hello',
    'GET /items/{id}',
    'POST /items/{id}',
    '/static/',
    '/files/{path...}',
    '/exact/{$}',
    'GET /b/{x}',
    'GET /b/c',
  );

  it('the most specific pattern wins', () => {
    expect(routeOf(muxMatch(m, 'GET', '/hello'))).toBe('/hello');
    expect(routeOf(muxMatch(m, 'GET', '/other'))).toBe('/');
    expect(routeOf(muxMatch(m, 'GET', '/b/c'))).toBe('GET /b/c');
    expect(routeOf(muxMatch(m, 'GET', '/b/d'))).toBe('GET /b/{x}');
    expect(routeOf(muxMatch(m, 'GET', '/static/css/a.css'))).toBe('/static/');
    expect(routeOf(muxMatch(m, 'GET', '/files/a/b/c'))).toBe('/files/{path...}');
    expect(routeOf(muxMatch(m, 'GET', '/exact/'))).toBe('/exact/{$}');
  });

  it('methods: GET also serves HEAD; a method mismatch is 405 with Allow', () => {
    expect(routeOf(muxMatch(m, 'HEAD', '/items/1'))).toBe('GET /items/{id}');
    expect(routeOf(muxMatch(m, 'POST', '/items/1'))).toBe('POST /items/{id}');
    const only = mux('GET /items/{id}');
    expect(muxMatch(only, 'DELETE', '/items/1')).toEqual({ kind: 'method', allow: 'GET, HEAD' });
  });

  it('404 without a catch-all; 301 for a subtree root without its slash and for unclean paths', () => {
    const noRoot = mux('/hello', '/static/');
    expect(muxMatch(noRoot, 'GET', '/x')).toEqual({ kind: 'notfound' });
    expect(muxMatch(noRoot, 'GET', '/static')).toEqual({ kind: 'redirect', to: '/static/' });
    expect(muxMatch(noRoot, 'GET', '//hello')).toEqual({ kind: 'redirect', to: '/hello' });
    expect(muxMatch(noRoot, 'GET', '/a/../hello')).toEqual({ kind: 'redirect', to: '/hello' });
    expect(cleanPath('/a/./b/../c/')).toBe('/a/c/');
  });
});

describe('response bytes', () => {
  it('are laid out as Go writes them: sorted handler headers, Date, Content-Length, sniffed Content-Type', () => {
    expect(goResponse(200, {}, 'Hello World', 0)).toBe(
      'HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 05:00:00 GMT\r\nContent-Length: 11\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello World',
    );
    expect(
      goResponse(
        404,
        { 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/plain; charset=utf-8' },
        '404 page not found\n',
        0,
      ),
    ).toBe(
      'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: Sun, 22 Nov 2026 05:00:00 GMT\r\nContent-Length: 19\r\n\r\n404 page not found\n',
    );
  });

  it('Date follows the virtual clock', () => {
    expect(httpDate(61_500_000_000)).toBe('Sun, 22 Nov 2026 05:01:01 GMT');
  });
});

describe('Go 1.23 findHandler order (issue 10)', () => {
  it('matches on r.URL.Path: a query plays no part, and a redirect keeps it', () => {
    const m = mux('/hello', '/static/');
    expect(routeOf(muxMatch(m, 'GET', '/hello?x=1'))).toBe('/hello');
    expect(muxMatch(m, 'GET', '/static?v=2')).toEqual({ kind: 'redirect', to: '/static/?v=2' });
    expect(muxMatch(m, 'GET', '//hello?x=1')).toEqual({ kind: 'redirect', to: '/hello?x=1' });
  });

  it('GET /items with only "POST /items/" is 405 Allow: POST, not a redirect to a method that would refuse it', () => {
    const m = mux('POST /items/');
    expect(muxMatch(m, 'GET', '/items')).toEqual({ kind: 'method', allow: 'POST' });
    expect(muxMatch(m, 'POST', '/items')).toEqual({ kind: 'redirect', to: '/items/' });
  });

  it('a subtree that swallows the path inexactly still redirects to the exact slash form', () => {
    const m = mux('/', '/static/');
    expect(muxMatch(m, 'GET', '/static')).toEqual({ kind: 'redirect', to: '/static/' });
    expect(routeOf(muxMatch(m, 'GET', '/other'))).toBe('/');
  });

  it('a real run: GET /hello?x=1 is answered 200 Hello World, and the seed about scenario serves both bodies', () => {
    const sc = builtin('hello');
    const { m } = runAll({ ...sc, clients: [{ ...sc.clients![0], requests: ['GET /hello?x=1'] }] });
    expect(m.clients[0].statuses).toEqual([200]);
    expect(m.clients[0].bodies).toEqual(['Hello World']);
    const about = builtin('about');
    expect(about.server?.routes?.map((r) => [r.pattern, r.body])).toEqual([
      ['/hello', 'Hello World'],
      ['/about', 'I am Habib. I am a YouTuber. I am a Software Engineer.'],
    ]);
  });
});
