/**
 * The seed program and net/http's server loop (net/http/server.go): runtime.main → main.main registers
 * the routes on a ServeMux and calls http.ListenAndServe(":3000", mux); Serve accepts in a loop and
 * starts `go c.serve(connCtx)` per connection; c.serve reads requests through a 4096-byte bufio.Reader,
 * starts the background 1-byte read, routes through the mux, runs the handler, writes the response in
 * one write, aborts the background read, and waits for the next request (keep-alive) until EOF.
 */
import { emit, touch } from '../core.js';
import { own } from '../cow.js';
import {
  LOCALTIME_PATH,
  sysClose,
  sysExitGroup,
  sysOpenat,
  sysRead,
  sysShutdown,
  sysWrite,
} from '../kernel/syscalls.js';
import type { Frame, G, HttpConn, M, Machine } from '../machine.js';
import { COST, GO, WALL_EPOCH_MS } from '../params.js';
import { call, defGo, goexit, HANDLER, newG, ret, timeSleep } from '../runtime/interp.js';
import { netpollunblock } from '../runtime/netpoll.js';
import { gopark, goready, runqput, wakep } from '../runtime/proc.js';
import { goResponse, muxMatch, type Pattern, parsePattern, STATUS_TEXT } from './mux.js';
import { errText, listenPort } from './net.js';

/** The ServeMux of the scenario's routes. */
export function patterns(m: Machine): Pattern[] {
  // Parsed once per scenario object (a clone has its own and parses again): every request matches against them.
  let ps = parsed.get(m.sc);
  if (!ps) {
    ps = (m.sc.server?.routes ?? []).map((r, i) => parsePattern(r.pattern, i));
    parsed.set(m.sc, ps);
  }
  return ps;
}
const parsed = new WeakMap<object, Pattern[]>();

/**
 * Exits the process: every thread stops (exit_group). Normal end: runtime.main calls exit(0) after
 * main.main returns; an error: log.Fatal prints it and calls os.Exit(1).
 */
export function procExit(m: Machine, mm: M, status: number, message: string): number {
  touch(m, 'proc', 0);
  for (const x of m.rt.ms) touch(m, 'm', x.id);
  m.proc.exited = true;
  m.proc.status = status;
  m.proc.message = message;
  if (message) m.proc.log.push(message);
  for (const x of m.rt.ms) {
    x.state = 'exited';
    x.gen++;
    x.curg = -1;
  }
  sysExitGroup(
    m,
    mm,
    status,
    status
      ? 'os.Exit(1): the process ends with all its threads; the kernel closes whatever fds are left.'
      : 'main returned: the process ends with all its threads.',
  );
  emit(m, {
    layer: 'app',
    kind: 'proc.exit',
    m: mm.id,
    tid: mm.tid,
    text: message
      ? `The program prints "${message}" and exits with status ${status} (exit_group).`
      : `The program exits with status ${status}.`,
    fn: message
      ? 'log.Fatal → os.Exit — src/log/log.go, src/os/proc.go'
      : 'runtime.main — src/runtime/proc.go',
  });
  return -3;
}

/** A log line's date, "YYYY/MM/DD hh:mm:ss " (log.LstdFlags), from the virtual clock (params.ts WALL_EPOCH_MS). */
export function logDate(m: Machine): string {
  const iso = new Date(WALL_EPOCH_MS + Math.floor(m.now / 1e6)).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)} `;
}

// mirrors log/log.go Fatal: format the line with the date (the first time.Now().Local() loads
// /etc/localtime: time/zoneinfo_unix.go initLocal → loadTzinfoFromDirOrZip), write it to stderr in one
// write, then os.Exit(1).
defGo('log.Fatal', (m, mm, _g, f) => {
  switch (f.pc) {
    case 0: {
      f.pc = 1;
      const r = sysOpenat(
        m,
        mm,
        LOCALTIME_PATH,
        'log.Fatal formats the time in the local zone, so the time package loads it now, on first use: /etc/localtime.',
        { flags: 'O_RDONLY' },
      );
      f.v.tz = r.ret;
      return COST.syscall;
    }
    case 1:
    case 2: {
      const first = f.pc === 1;
      f.pc++;
      sysRead(m, mm, f.v.tz as number, 4096, (r) =>
        first ? `the zone file is ${r.ret} B of TZif data: UTC, no transitions.` : 'end of file.',
      );
      return COST.rw;
    }
    case 3:
      f.pc = 4;
      sysClose(m, mm, f.v.tz as number, 'the zone is loaded; time.Local is UTC.');
      return COST.syscall;
    case 4: {
      f.pc = 5;
      const line = `${logDate(m)}${f.v.msg as string}\n`;
      sysWrite(
        m,
        mm,
        2,
        line,
        () => 'log.Fatal writes the message, prefixed with the date and time, to stderr.',
      );
      return COST.rw;
    }
    default:
      return procExit(m, mm, 1, f.v.msg as string);
  }
});

// mirrors runtime/proc.go main: runtime init is done; run main.main, then exit.
defGo('runtime.main', (m, mm, g, f) => {
  if (f.pc === 0) {
    f.pc = 1;
    return call(g, 'main.main');
  }
  return procExit(m, mm, 0, '');
});

// The seed program's main: register routes, then log.Fatal(http.ListenAndServe(":3000", mux)).
defGo('main.main', (m, mm, g, f) => {
  const routes = m.sc.server?.routes ?? [];
  if (m.sc.server?.kind === 'tcp') {
    if (f.pc === 0) {
      f.pc = 1;
      return call(g, 'main.rawServer');
    }
    return ret(g);
  }
  if (f.pc < routes.length) {
    const r = routes[f.pc];
    emit(m, {
      layer: 'app',
      kind: 'mux.register',
      g: g.id,
      m: mm.id,
      text: () =>
        `main.main calls mux.HandleFunc(${JSON.stringify(r.pattern)}, …): ServeMux stores the pattern; nothing touches the kernel yet.`,
      fn: 'net/http.(*ServeMux).HandleFunc — src/net/http/server.go',
    });
    f.pc++;
    return COST.register;
  }
  if (f.pc === routes.length) {
    f.pc++;
    return call(g, 'net/http.(*Server).ListenAndServe', {}, ['net/http.ListenAndServe']);
  }
  if (g.ret.err && f.pc === routes.length + 1) {
    f.pc++;
    return call(g, 'log.Fatal', { msg: g.ret.s });
  }
  return ret(g);
});

// mirrors net/http/server.go (*Server).ListenAndServe: net.Listen("tcp", addr), then Serve.
defGo('net/http.(*Server).ListenAndServe', (_m, _mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 2;
      return call(g, 'net.Listen');
    case 2:
      if (g.ret.err) return ret(g, -1, g.ret.err, g.ret.s);
      f.pc = 3;
      return call(g, 'net/http.(*Server).Serve', { l: g.ret.n, delay: 0 });
    default:
      return ret(g, -1, g.ret.err, g.ret.s);
  }
});

// mirrors net/http/server.go (*Server).Serve: the accept loop.
defGo('net/http.(*Server).Serve', (m, mm, g, f) => {
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(g, 'net.(*netFD).accept', { fd: f.v.l }, [
        'net.(*TCPListener).Accept',
        'net.(*TCPListener).accept',
      ]);
    case 1: {
      if (g.ret.err === 'EMFILE') {
        let d = f.v.delay as number;
        d = d === 0 ? GO.acceptBackoffMin : Math.min(d * 2, GO.acceptBackoffMax);
        f.v.delay = d;
        const line = `http: Accept error: accept tcp [::]:${listenPort(m)}: accept4: ${errText('EMFILE')}; retrying in ${d / 1e6}ms`;
        m.proc.log.push(line);
        emit(m, {
          layer: 'app',
          kind: 'http.conn',
          g: g.id,
          m: mm.id,
          text: () => `Serve logs "${line}" and sleeps before the next Accept (a temporary error).`,
          fn: 'net/http.(*Server).Serve — src/net/http/server.go',
        });
        f.pc = 2;
        return COST.runtime;
      }
      if (g.ret.err) return ret(g, -1, g.ret.err, `accept: ${errText(g.ret.err)}`);
      f.v.delay = 0;
      const fd = g.ret.n;
      const conn = Number(g.ret.s);
      const c = m.clients[conn - 1];
      const ng = newG(
        m,
        'net/http.(*conn).serve',
        { fd, conn },
        `c.serve ${c ? `${c.addr}:${c.port}` : `fd ${fd}`}`,
      );
      runqput(m, m.rt.ps[mm.p], ng.id, true);
      emit(m, {
        layer: 'runtime',
        kind: 'go.create',
        g: ng.id,
        m: mm.id,
        p: mm.p,
        tid: mm.tid,
        fd,
        conn,
        text: () =>
          `Serve runs \`go c.serve(connCtx)\`: newproc creates G${ng.id} with a ${GO.stackMin / 1024} KiB stack and puts it in P${mm.p}'s runnext; G${g.id} goes straight back to Accept.`,
        fn: 'runtime.newproc — src/runtime/proc.go',
      });
      wakep(m, mm);
      f.pc = 0;
      return COST.runtime;
    }
    case 2:
      f.pc = 3;
      return timeSleep(
        m,
        mm,
        g,
        f.v.delay as number,
        `Serve backs off ${(f.v.delay as number) / 1e6} ms after a temporary Accept error`,
      );
    default:
      f.pc = 0;
      return 0;
  }
});

/** The one model every handler frame runs, whatever Go name the frame shows (interp.ts modelOf). */
const HANDLER_MODEL = HANDLER;

const READ_WRAPPERS = ['net/http.(*connReader).Read', 'net.(*conn).Read', 'net.(*netFD).Read'];

/** conn.bufw: the connection's 4096-byte bufio.Writer (newBufioWriterSize). */
const BUFW = 4096;

function hcOf(m: Machine, g: G): HttpConn {
  own(m, 'hconn', g.frames[0].v.hc as number);
  return m.hconns[g.frames[0].v.hc as number];
}

interface ParsedReq {
  method: string;
  path: string;
  headerLen: number;
  clen: number;
  expect: boolean;
  close: boolean;
  line: string;
}

/**
 * readRequest's parse of the buffered header (net/http/request.go readRequest). The serve loop asks it
 * up to three times about one buffer (is a header complete? again after a fill; then to take it), so
 * the last answer is kept: the result is only read, never written.
 */
function parseRequest(buf: string): ParsedReq | undefined {
  if (buf === lastParsedBuf) return lastParsed;
  lastParsedBuf = buf;
  lastParsed = parseRequestText(buf);
  return lastParsed;
}
let lastParsedBuf: string | undefined;
let lastParsed: ParsedReq | undefined;

function parseRequestText(buf: string): ParsedReq | undefined {
  const he = buf.indexOf('\r\n\r\n');
  if (he < 0) return undefined;
  const head = buf.slice(0, he);
  const line = head.slice(0, head.indexOf('\r\n') >= 0 ? head.indexOf('\r\n') : head.length);
  const [method, path] = line.split(' ');
  const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
  return {
    method: method ?? 'GET',
    path: path ?? '/',
    headerLen: he + 4,
    clen: cl ? Number(cl[1]) : 0,
    expect: /\r\nexpect: *100-continue/i.test(head),
    close: /\r\nconnection: *close/i.test(head),
    line,
  };
}

/**
 * Bytes of a partial header that the bufio.Reader still holds. textproto consumes each complete line
 * as it parses, and fill() slides the unconsumed tail to the front of the buffer, so the next read
 * asks for 4096 minus this (FIDELITY §5).
 */
export function unconsumed(buf: string): number {
  return buf.length - (buf.lastIndexOf('\n') + 1);
}

/** The response with `Connection: close` where Go's extraHeader writes it: last, before the blank line. */
export function withClose(resp: string): string {
  const i = resp.indexOf('\r\n\r\n');
  return `${resp.slice(0, i + 2)}Connection: close\r\n${resp.slice(i + 2)}`;
}

/** The outermost frame of a c.serve G: the connection and the current request's state (Go's *response). */
function serveFrame(g: G): Frame {
  return g.frames[0];
}

// mirrors net/http/server.go (*connReader).startBackgroundRead: `go cr.backgroundRead()`, a 1-byte read
// that notices a hang-up while the handler runs.
defGo('net/http.(*connReader).startBackgroundRead', (m, mm, g, f) => {
  if (f.pc === 1) return ret(g);
  f.pc = 1;
  const hc = hcOf(m, g);
  const fd = hc.fd;
  const when = f.v.when as string;
  hc.inRead = true;
  hc.aborted = false;
  serveFrame(g).v.bg = 1;
  const bg = newG(m, 'net/http.(*connReader).backgroundRead', { hc: hc.id, fd }, `background read fd ${fd}`);
  hc.bgG = bg.id;
  runqput(m, m.rt.ps[mm.p], bg.id, true);
  emit(m, {
    layer: 'runtime',
    kind: 'go.create',
    g: bg.id,
    m: mm.id,
    p: mm.p,
    tid: mm.tid,
    fd,
    text: () =>
      `startBackgroundRead: ${when}, \`go cr.backgroundRead()\` creates G${bg.id} to do a 1-byte read while the handler runs, so a client hang-up is noticed; it goes into P${mm.p}'s runnext.`,
    fn: 'net/http.(*connReader).startBackgroundRead — src/net/http/server.go',
  });
  wakep(m, mm);
  return COST.runtime;
});

// mirrors net/http/server.go (*conn).serve: one G per connection. The keep-alive loop: readRequest,
// serverHandler.ServeHTTP, finishRequest, then idle until the next request's first bytes (bufr.Peek(4)).
defGo('net/http.(*conn).serve', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  switch (f.pc) {
    case 0: {
      // newConn: the connection's state (conn, connReader, bufio.Reader) lives as long as this G.
      const hc: HttpConn = {
        id: g.id,
        fd,
        conn: f.v.conn as number,
        g: g.id,
        buf: 0,
        bufData: '',
        inRead: false,
        aborted: false,
        bgG: 0,
        requests: 0,
        sawEOF: false,
      };
      own(m, 'hconn', g.id);
      m.hconns[g.id] = hc;
      f.v.hc = g.id;
      f.pc = 1;
      return 0;
    }
    case 1:
      f.pc = 2;
      return call(g, 'net/http.(*conn).readRequest', { fd });
    case 2:
      if (g.ret.err) return serveClose(g, f);
      f.pc = 3;
      // With a body, the background read starts only once the body hits EOF (registerOnHitEOF).
      if ((f.v.clen as number) > 0) return 0;
      return call(g, 'net/http.(*connReader).startBackgroundRead', {
        when: 'the request has no body, so right away',
      });
    case 3:
      f.pc = 4;
      return call(g, 'net/http.serverHandler.ServeHTTP', { fd });
    case 4:
      f.v.resp = g.ret.s;
      f.pc = 5;
      return call(g, 'net/http.(*response).finishRequest', { fd });
    case 5: {
      if (g.ret.err) return serveClose(g, f);
      const hc = hcOf(m, g);
      // The next readRequest starts with a zero read deadline (c.rwc.SetReadDeadline(hdrDeadline)).
      own(m, 'pd', fd);
      const pd = m.rt.pds[fd];
      if (pd) pd.rd = 0;
      hc.aborted = false;
      if (f.v.closeAfter === 1) {
        // shouldReuseConnection is false: a body left unread on purpose is half-closed first.
        if (f.v.limitHit !== 1) return serveClose(g, f);
        f.pc = 8;
        return call(g, 'net/http.(*conn).closeWriteAndWait', { fd });
      }
      f.pc = 6;
      return call(g, 'net/http.(*conn).setState', { fd, state: 'StateIdle' });
    }
    case 6: {
      const hc = hcOf(m, g);
      if (hc.buf >= 4) {
        f.pc = 1;
        return 0;
      }
      f.pc = 7;
      return call(g, 'internal/poll.(*FD).Read', { fd, n: GO.bufSize - hc.buf, reason: 'read' }, [
        'bufio.(*Reader).Peek',
        'bufio.(*Reader).fill',
        ...READ_WRAPPERS,
      ]);
    }
    case 7: {
      const hc = hcOf(m, g);
      if (g.ret.err || g.ret.n === 0) {
        hc.sawEOF = true;
        return serveClose(g, f);
      }
      hc.buf += g.ret.n;
      hc.bufData += g.ret.s;
      f.pc = 1;
      return 0;
    }
    case 8:
      return serveClose(g, f);
    case 9:
      own(m, 'hconn', g.id);
      delete m.hconns[g.id];
      return goexit(m, mm, g, 'returns from c.serve: the connection is closed');
    default:
      return ret(g);
  }
});

/** c.serve's deferred c.close(): close the connection, then the G exits (pc 9). */
function serveClose(g: G, f: Frame): number {
  f.pc = 9;
  return call(g, 'net/http.(*conn).close', { fd: f.v.fd as number });
}

// mirrors net/http/server.go (*conn).readRequest: fill the bufio.Reader until a whole header is
// buffered, then parse it (http.readRequest → textproto.(*Reader).ReadMIMEHeader).
defGo('net/http.(*conn).readRequest', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const hc = hcOf(m, g);
  switch (f.pc) {
    case 0: {
      // A whole header in the buffer? Otherwise bufio fills: ask for the free space.
      if (parseRequest(hc.bufData)) {
        f.pc = 2;
        return 0;
      }
      f.pc = 1;
      const held = unconsumed(hc.bufData);
      return call(
        g,
        'internal/poll.(*FD).Read',
        {
          fd,
          n: GO.bufSize - held,
          reason: 'read',
          ...(held > 0
            ? {
                why: `bufio.Reader still holds the ${held} B of an unfinished header line at the front of its buffer, so this read asks only for the ${GO.bufSize - held} B left; it copies what has arrived.`,
              }
            : {}),
        },
        ['bufio.(*Reader).fill', ...READ_WRAPPERS],
      );
    }
    case 1: {
      if (g.ret.err || g.ret.n === 0) return ret(g, 0, g.ret.err || 'EOF');
      hc.buf += g.ret.n;
      hc.bufData += g.ret.s;
      f.pc = 0;
      if (!parseRequest(hc.bufData)) {
        const have = hc.bufData.length;
        emit(m, {
          layer: 'app',
          kind: 'http.conn',
          g: g.id,
          m: mm.id,
          fd,
          text: () =>
            `readRequest: ${have} B are buffered but the blank line that ends the header has not arrived; textproto keeps reading lines, so bufio.Reader must fill again.`,
          fn: 'net/textproto.(*Reader).ReadMIMEHeader — src/net/textproto/reader.go',
        });
        return COST.runtime;
      }
      return 0;
    }
    case 2: {
      const req = parseRequest(hc.bufData)!;
      const sv = serveFrame(g).v;
      hc.requests++;
      hc.bufData = hc.bufData.slice(req.headerLen);
      hc.buf -= req.headerLen;
      sv.method = req.method;
      sv.path = req.path;
      sv.clen = req.clen;
      sv.left = req.clen;
      sv.expect = req.expect ? 1 : 0;
      sv.sent100 = 0;
      sv.closeAfter = req.close ? 1 : 0;
      sv.limitHit = 0;
      sv.bg = 0;
      delete sv.status;
      delete sv.route;
      emit(m, {
        layer: 'app',
        kind: 'http.request',
        g: g.id,
        m: mm.id,
        fd,
        conn: hc.conn,
        text: () =>
          `readRequest parses request ${hc.requests} on this connection from the bufio.Reader: ${JSON.stringify(req.line)} (${req.headerLen} B of header${req.clen ? `, ${req.clen} B of body to follow, ${Math.min(hc.buf, req.clen)} B of it already buffered` : ''}${req.expect ? ', Expect: 100-continue' : ''}${req.close ? ', Connection: close' : ''}).`,
        fn: 'net/http.(*conn).readRequest — src/net/http/server.go',
      });
      f.pc = 3;
      return COST.parseRequest;
    }
    default:
      return ret(g);
  }
});

// mirrors net/http/server.go serverHandler.ServeHTTP: hand the request to the server's handler, the mux.
defGo('net/http.serverHandler.ServeHTTP', (_m, _mm, g, f) => {
  if (f.pc === 0) {
    f.pc = 1;
    return call(g, 'net/http.(*ServeMux).ServeHTTP', { fd: f.v.fd as number });
  }
  return ret(g, 0, '', g.ret.s);
});

// mirrors net/http/server.go (*ServeMux).ServeHTTP: findHandler picks the handler, which then runs.
defGo('net/http.(*ServeMux).ServeHTTP', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const sv = serveFrame(g).v;
  switch (f.pc) {
    case 0: {
      const res = muxMatch(patterns(m), sv.method as string, sv.path as string);
      const routes = m.sc.server?.routes ?? [];
      let text: string | (() => string);
      if (res.kind === 'route') {
        sv.route = res.pattern.route;
        sv.handler = `main.main.func${res.pattern.route + 1}`;
        text = () =>
          `ServeMux matches ${sv.method} ${sv.path} to pattern ${JSON.stringify(routes[res.pattern.route].pattern)}, the most specific that fits; its handler is ${sv.handler}.`;
      } else if (res.kind === 'method') {
        sv.handler = 'net/http.(*ServeMux).findHandler.func1';
        sv.status = 405;
        sv.allow = res.allow;
        text = () =>
          `ServeMux: the path ${sv.path} matches, but no pattern accepts ${sv.method}: 405 Method Not Allowed, Allow: ${res.allow}.`;
      } else if (res.kind === 'redirect') {
        sv.handler = 'net/http.(*redirectHandler).ServeHTTP';
        sv.status = 301;
        sv.location = res.to;
        text = () =>
          `ServeMux: ${sv.path} is not canonical here; it answers 301 Moved Permanently to ${res.to}.`;
      } else {
        sv.handler = 'net/http.NotFound';
        sv.status = 404;
        text = () =>
          `ServeMux: no pattern matches ${sv.method} ${sv.path}: the NotFound handler answers 404.`;
      }
      emit(m, {
        layer: 'app',
        kind: 'mux.match',
        g: g.id,
        m: mm.id,
        fd,
        text,
        fn: 'net/http.(*ServeMux).findHandler — src/net/http/server.go',
      });
      f.pc = 1;
      return COST.muxMatch;
    }
    case 1:
      f.pc = 2;
      // The handler's frame carries its Go name (main.main.func1 for the first route's closure), as a
      // real stack shows it; all of them run the one model registered as HANDLER_MODEL.
      return call(
        g,
        sv.handler as string,
        {
          fd,
          method: sv.method,
          route: sv.route ?? -1,
          handler: sv.handler,
          status: sv.status ?? 0,
          allow: sv.allow ?? '',
          location: sv.location ?? '',
        },
        sv.status === 301 ? [] : ['net/http.HandlerFunc.ServeHTTP'],
      );
    default:
      return ret(g, 0, '', g.ret.s);
  }
});

// mirrors net/http/server.go (*response).finishRequest: flush the response through chunkWriter (whose
// writeHeader decides about an unread body) and conn.bufw, then abortPendingRead. Returns an error if
// the write failed (c.serve then closes without more).
defGo('net/http.(*response).finishRequest', (_m, _mm, g, f) => {
  const fd = f.v.fd as number;
  const sv = serveFrame(g).v;
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(g, 'net/http.(*chunkWriter).writeHeader', { fd }, [
        'bufio.(*Writer).Flush',
        'net/http.(*chunkWriter).Write',
      ]);
    case 1:
      if (sv.closeAfter === 1) sv.resp = withClose(sv.resp as string);
      f.v.woff = 0;
      f.pc = 2;
      return 0;
    case 2: {
      // conn.bufw is a 4096-byte bufio.Writer: a response that fits leaves in one write at the flush;
      // a longer one fills the buffer (header first) and flushes 4096 B, then bufio passes the rest of
      // the body straight through in one large write (bufio.(*Writer).Write with an empty buffer).
      const resp = sv.resp as string;
      const off = f.v.woff as number;
      if (off >= resp.length) {
        f.pc = 4;
        return call(g, 'net/http.(*connReader).abortPendingRead', { fd });
      }
      const big = resp.length > BUFW;
      const chunk = big && off === 0 ? resp.slice(0, BUFW) : resp.slice(off);
      f.v.woff = off + chunk.length;
      f.pc = 3;
      const why = !big
        ? `finishRequest flushes the response — status line, headers and body together — in one write of ${chunk.length} B; the kernel queues it on the socket and sends it at once.`
        : off === 0
          ? `the handler's Write fills conn's ${BUFW}-byte bufio.Writer — the header, then the first ${BUFW - resp.indexOf('\r\n\r\n') - 4} B of body — and flushes it in one write.`
          : `bufio.Writer is empty and the rest of the body (${chunk.length} B) is bigger than its buffer, so it passes it straight to the socket in one write.`;
      return call(g, 'internal/poll.(*FD).Write', { fd, data: chunk, why }, [
        'bufio.(*Writer).Flush',
        'net/http.checkConnErrorWriter.Write',
        'net.(*conn).Write',
        'net.(*netFD).Write',
      ]);
    }
    case 3:
      if (g.ret.err) return ret(g, 0, g.ret.err);
      f.pc = 2;
      return 0;
    case 4:
      // w.reqBody.Close(): a body left unread (and not over the limit) is read to EOF now.
      f.pc = 5;
      if ((sv.left as number) > 0 && sv.limitHit !== 1)
        return call(
          g,
          'net/http.(*body).Close',
          { fd },
          sv.expect === 1 ? ['net/http.(*expectContinueReader).Close'] : [],
        );
      return 0;
    default:
      return ret(g);
  }
});

// mirrors net/http/transfer.go (*body).Close for a server request (doEarlyClose): with less than
// maxPostHandlerReadBytes left it reads the rest with io.CopyN(io.Discard, bodyLocked{b}, 256 KiB) —
// straight from the conn's bufio.Reader, never through expectContinueReader, so no "100 Continue".
// A client that got "Connection: close" closes instead of sending: the read ends at its FIN.
defGo('net/http.(*body).Close', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  if (f.pc === 1) return ret(g);
  f.pc = 1;
  const left = serveFrame(g).v.left as number;
  emit(m, {
    layer: 'app',
    kind: 'http.conn',
    g: g.id,
    m: mm.id,
    fd,
    text: () =>
      `finishRequest closes the request body: ${left} B of it were never read, less than maxPostHandlerReadBytes (${GO.maxPostHandlerReadBytes / 1024} KiB), so body.Close reads them into io.Discard until EOF — without sending "100 Continue".`,
    fn: 'net/http.(*body).Close — src/net/http/transfer.go',
  });
  call(g, 'io.discard.ReadFrom', { fd, close: 1 }, ['io.CopyN', 'io.Copy', 'net/http.bodyLocked.Read']);
  return COST.runtime;
});

// mirrors net/http/server.go (*chunkWriter).writeHeader's policy for a request body the handler did not
// read: drain a small one, close after a large one or after an unanswered "Expect: 100-continue".
defGo('net/http.(*chunkWriter).writeHeader', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const sv = serveFrame(g).v;
  switch (f.pc) {
    case 0: {
      f.pc = 2;
      const left = sv.left as number;
      if ((sv.clen as number) === 0 || left === 0) return 0;
      let text: string;
      if (sv.expect === 1 && sv.sent100 === 0) {
        sv.closeAfter = 1;
        text = `writeHeader: the client sent "Expect: 100-continue" and the handler never read the body, so no 100 Continue was sent; the body will not come, and the connection closes after this response.`;
      } else if (left >= GO.maxPostHandlerReadBytes) {
        sv.closeAfter = 1;
        sv.limitHit = 1;
        text = `writeHeader: ${left} B of request body are unread — at least maxPostHandlerReadBytes (${GO.maxPostHandlerReadBytes / 1024} KiB) — so Go will not drain it: requestTooLarge sets "Connection: close", and the connection will be half-closed and closed after the response.`;
      } else {
        f.pc = 1;
        emit(m, {
          layer: 'app',
          kind: 'http.conn',
          g: g.id,
          m: mm.id,
          fd,
          text: () =>
            `writeHeader: the handler left ${left} B of request body unread (less than ${GO.maxPostHandlerReadBytes / 1024} KiB), so before answering Go drains it with io.CopyN(io.Discard, body, 256 KiB + 1) to keep the connection usable.`,
          fn: 'net/http.(*chunkWriter).writeHeader — src/net/http/server.go',
        });
        call(g, 'io.discard.ReadFrom', { fd }, ['io.CopyN', 'io.Copy']);
        return COST.runtime;
      }
      emit(m, {
        layer: 'app',
        kind: 'http.conn',
        g: g.id,
        m: mm.id,
        fd,
        text,
        fn: 'net/http.(*chunkWriter).writeHeader — src/net/http/server.go',
      });
      return COST.runtime;
    }
    case 1:
      // Back from draining: an error (the client went away mid-body) means the bytes left on the wire
      // cannot be parsed as the next request.
      if (g.ret.err) sv.closeAfter = 1;
      f.pc = 2;
      return 0;
    default:
      return ret(g);
  }
});

// mirrors net/http/server.go (*connReader).abortPendingRead: stop the background read and wait for it.
defGo('net/http.(*connReader).abortPendingRead', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const hc = hcOf(m, g);
  if (f.pc === 0) {
    f.pc = 1;
    if (!hc.inRead) return 0;
    // SetReadDeadline(aLongTimeAgo) wakes the background read.
    hc.aborted = true;
    own(m, 'pd', fd);
    const pd = m.rt.pds[fd];
    if (pd) pd.rd = -1;
    // SetReadDeadline → poll_runtime_pollSetDeadline → netpollunblock: the parked reader leaves rg.
    const gid = pd ? netpollunblock(m, pd, 'r', false) : 0;
    emit(m, {
      layer: 'app',
      kind: 'http.conn',
      g: g.id,
      m: mm.id,
      fd,
      text: () =>
        `abortPendingRead: the response is done, so c.serve stops the background read by setting fd ${fd}'s read deadline in the past (no syscall: the deadline lives in the pollDesc)${gid ? `; the expired deadline takes G${gid} off fd ${fd}'s pollDesc (rg: G${gid} → nil)` : ''}.`,
      fn: 'net/http.(*connReader).abortPendingRead — src/net/http/server.go',
    });
    if (gid) goready(m, mm, gid, `the read deadline of fd ${fd} expired`);
    return COST.runtime;
  }
  // for cr.inRead { cr.cond.Wait() }
  if (hc.inRead)
    return gopark(
      m,
      mm,
      g,
      'sync.Cond.Wait',
      'cond',
      'abortPendingRead waits until the background read has returned',
    );
  return ret(g);
});

// mirrors net/http/server.go (*conn).setState: the connection's state as ConnState hooks see it; here,
// StateIdle between keep-alive requests.
defGo('net/http.(*conn).setState', (m, mm, g, f) => {
  if (f.pc === 1) return ret(g);
  f.pc = 1;
  emit(m, {
    layer: 'app',
    kind: 'http.conn',
    g: g.id,
    m: mm.id,
    fd: f.v.fd as number,
    text: () =>
      `The request is finished; the connection goes idle (${f.v.state}) and c.serve waits for the next request in bufr.Peek(4).`,
    fn: 'net/http.(*conn).serve — src/net/http/server.go',
  });
  return COST.finish;
});

// mirrors net/http/server.go (*conn).close: close the connection (c.rwc.Close).
defGo('net/http.(*conn).close', (_m, _mm, g, f) => {
  if (f.pc === 1) return ret(g);
  f.pc = 1;
  const fd = f.v.fd as number;
  return call(
    g,
    'internal/poll.(*FD).Close',
    {
      fd,
      why:
        serveFrame(g).v.limitHit === 1
          ? `the ${GO.rstAvoidanceDelay / 1e6} ms are up: fd ${fd} is closed. Our FIN already went out at shutdown; whatever the client sent that nobody read goes away with the socket.`
          : `c.serve is done with the connection: fd ${fd} is closed and the kernel sends our FIN.`,
    },
    ['net.(*conn).Close', 'net.(*netFD).Close'],
  );
});

// mirrors net/http/server.go (*conn).closeWriteAndWait: FIN first, then linger so the client can read
// the response before close.
defGo('net/http.(*conn).closeWriteAndWait', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  switch (f.pc) {
    case 0:
      f.pc = 1;
      sysShutdown(
        m,
        mm,
        fd,
        `closeWriteAndWait: the unread body made the response "Connection: close"; c.serve half-closes (our FIN goes out) and waits ${GO.rstAvoidanceDelay / 1e6} ms before close, so the client reads the response before any RST for the unread bytes.`,
      );
      return COST.syscall;
    case 1:
      f.pc = 2;
      return timeSleep(
        m,
        mm,
        g,
        GO.rstAvoidanceDelay,
        'rstAvoidanceDelay: give the client time to read before close',
      );
    default:
      return ret(g);
  }
});

const BODY_WRAPPERS = ['net/http.(*body).Read', 'io.(*LimitedReader).Read', 'bufio.(*Reader).Read'];

// mirrors io/io.go discard.ReadFrom over net/http's body reader: read the request body in 8 KiB blocks
// until EOF. body.Read goes through the conn's bufio.Reader: bytes already buffered are copied out
// without a syscall; with the buffer empty, a read of ≥ 4096 B goes straight to the socket with the
// caller's size, a smaller one fills the buffer with a 4096-byte read. With "Expect: 100-continue" the
// first read writes "100 Continue" (expectContinueReader). At EOF the background read starts.
defGo('io.discard.ReadFrom', (m, mm, g, f) => {
  const fd = f.v.fd as number;
  const sv = serveFrame(g).v;
  const hc = hcOf(m, g);
  switch (f.pc) {
    case 0: {
      const left = sv.left as number;
      if (left === 0) {
        f.pc = 9;
        if (sv.bg === 1 || f.v.close === 1) return 0;
        return call(
          g,
          'net/http.(*connReader).startBackgroundRead',
          { when: 'the request body hit EOF (registerOnHitEOF)' },
          ['net/http.(*body).readLocked', 'net/http.(*body).registerOnHitEOF.func1'],
        );
      }
      if (sv.expect === 1 && sv.sent100 === 0 && f.v.close !== 1) {
        sv.sent100 = 1;
        f.pc = 3;
        return call(
          g,
          'internal/poll.(*FD).Write',
          {
            fd,
            data: 'HTTP/1.1 100 Continue\r\n\r\n',
            why: 'expectContinueReader: the handler reads the body for the first time, so Go tells the waiting client to send it: "100 Continue".',
          },
          ['net/http.(*expectContinueReader).Read', 'bufio.(*Writer).Flush', 'net.(*conn).Write'],
        );
      }
      const want = Math.min(8192, left);
      if (hc.buf > 0) {
        const take = Math.min(want, hc.buf);
        hc.buf -= take;
        hc.bufData = hc.bufData.slice(take);
        sv.left = left - take;
        emit(m, {
          layer: 'app',
          kind: 'http.conn',
          g: g.id,
          m: mm.id,
          fd,
          bytes: take,
          text: () =>
            `body.Read: ${take} B of the body are already in the bufio.Reader, so they are copied out without a syscall; ${sv.left} B of body remain.`,
          fn: 'bufio.(*Reader).Read — src/bufio/bufio.go',
        });
        return COST.runtime + Math.round(take * COST.perByteNs);
      }
      if (want >= GO.bufSize) {
        f.pc = 1;
        return call(
          g,
          'internal/poll.(*FD).Read',
          {
            fd,
            n: want,
            reason: 'read',
            why: `bufio.Reader is empty and the caller's buffer is at least ${GO.bufSize} B, so the body bytes go straight into it.`,
          },
          [...BODY_WRAPPERS, ...READ_WRAPPERS],
        );
      }
      f.pc = 2;
      return call(
        g,
        'internal/poll.(*FD).Read',
        {
          fd,
          n: GO.bufSize,
          reason: 'read',
          why: `only ${want} B of body remain, less than bufio.Reader's size, so it fills its buffer.`,
        },
        [...BODY_WRAPPERS, 'bufio.(*Reader).fill', ...READ_WRAPPERS],
      );
    }
    case 1:
    case 2:
      if (g.ret.err || g.ret.n === 0) return ret(g, 0, g.ret.err || 'unexpected EOF');
      if (f.pc === 1) sv.left = (sv.left as number) - g.ret.n;
      else {
        hc.buf += g.ret.n;
        hc.bufData += g.ret.s;
      }
      f.pc = 0;
      return 0;
    case 3:
      if (g.ret.err) return ret(g, 0, g.ret.err);
      f.pc = 0;
      return 0;
    default:
      return ret(g, 0);
  }
});

// mirrors net/http/server.go (*connReader).backgroundRead.
defGo('net/http.(*connReader).backgroundRead', (m, mm, g, f) => {
  own(m, 'hconn', f.v.hc as number);
  const hc = m.hconns[f.v.hc as number];
  switch (f.pc) {
    case 0:
      f.pc = 1;
      return call(
        g,
        'internal/poll.(*FD).Read',
        {
          fd: f.v.fd,
          n: 1,
          reason: 'read',
          why: 'the background read got a byte: the client sent more (a pipelined request).',
        },
        ['net.(*conn).Read', 'net.(*netFD).Read'],
      );
    case 1: {
      f.pc = 2;
      if (!hc) return 0;
      if (g.ret.n > 0) {
        hc.buf += g.ret.n;
        hc.bufData += g.ret.s;
      }
      hc.inRead = false;
      const waiter = m.rt.gs[hc.g];
      const timeout = g.ret.err === 'timeout' && hc.aborted;
      emit(m, {
        layer: 'app',
        kind: 'http.conn',
        g: g.id,
        m: mm.id,
        fd: hc.fd,
        text: () =>
          timeout
            ? `backgroundRead returns "i/o timeout" — expected, abortPendingRead asked it to stop — so it ignores the error, clears inRead and broadcasts.`
            : `backgroundRead returns (${g.ret.err || `${g.ret.n} B`}); it clears inRead and broadcasts.`,
        fn: 'net/http.(*connReader).backgroundRead — src/net/http/server.go',
      });
      if (waiter && waiter.status === 'waiting' && waiter.reason === 'cond')
        goready(m, mm, hc.g, 'cr.cond.Broadcast: the background read is over');
      return COST.runtime;
    }
    default:
      return goexit(m, mm, g, 'finishes its background read');
  }
});

// The route's handler (the closure main.main.funcN), or net/http.NotFound, the 405 closure
// (*ServeMux).findHandler.func1 or (*redirectHandler).ServeHTTP: builds the response.
defGo(HANDLER_MODEL, (m, mm, g, f) => {
  const routes = m.sc.server?.routes ?? [];
  const r = (f.v.route as number) >= 0 && f.v.status === 0 ? routes[f.v.route as number] : undefined;
  switch (f.pc) {
    case 0: {
      f.pc = 1;
      const name = f.v.handler as string;
      let text: string | (() => string);
      if (r) {
        text = () => {
          const size = r.body !== undefined ? r.body.length : (r.bodyBytes ?? 0);
          const steps: string[] = [];
          if (r.cpu) steps.push(`burns ${r.cpu / 1e6} ms of CPU`);
          if (r.readBody) steps.push('reads the whole request body (io.Copy(io.Discard, r.Body))');
          if (r.sleep) steps.push(`sleeps ${r.sleep / 1e6} ms`);
          return `${name}, the handler for ${JSON.stringify(r.pattern)}, runs${steps.length ? `: it ${steps.join(', then ')}, and` : ' and'} writes ${size} B${r.body !== undefined && size <= 60 ? ` (${JSON.stringify(r.body)})` : ''}${size > 2048 ? ', setting Content-Length itself,' : ''} into the response${size > BUFW ? '' : ' buffer: no syscall yet'}.`;
        };
      } else if (f.v.status === 404)
        text =
          'net/http.NotFound writes "404 page not found" with http.Error: Content-Type text/plain and X-Content-Type-Options: nosniff.';
      else if (f.v.status === 405)
        text = () => `http.Error writes "Method Not Allowed" with an Allow: ${f.v.allow} header.`;
      else text = () => `http.Redirect sets Location: ${f.v.location} and writes a short HTML link.`;
      emit(m, {
        layer: 'app',
        kind: 'handler',
        g: g.id,
        m: mm.id,
        fd: f.v.fd as number,
        text,
        fn: r
          ? `main.main.func${(f.v.route as number) + 1} — main.go, the seed program`
          : `${name} — src/net/http/server.go`,
      });
      if (r?.cpu) {
        // A CPU loop sysmon may preempt: it resumes at pc 9 with what is left (runtime/proc.ts asyncPreempt).
        f.v.burnEnd = m.now + r.cpu;
        f.v.burnPc = 9;
        return r.cpu;
      }
      return COST.handler;
    }
    case 9: {
      f.pc = 1;
      const left = f.v.cpuLeft as number;
      f.v.burnEnd = m.now + left;
      emit(m, {
        layer: 'app',
        kind: 'handler',
        g: g.id,
        m: mm.id,
        fd: f.v.fd as number,
        text: () =>
          `${f.v.handler} resumes where the preemption stopped it, with ${(left / 1e6).toFixed(1)} ms of CPU work left.`,
        fn: `main.main.func${(f.v.route as number) + 1} — main.go, the seed program`,
      });
      return left;
    }
    case 1:
      delete f.v.burnEnd;
      f.pc = 2;
      if (r?.readBody && (serveFrame(g).v.left as number) > 0)
        return call(g, 'io.discard.ReadFrom', { fd: f.v.fd }, ['io.Copy', 'io.copyBuffer']);
      return 0;
    case 2:
      f.pc = 3;
      if (r?.sleep) return timeSleep(m, mm, g, r.sleep, `the handler calls time.Sleep(${r.sleep / 1e6} ms)`);
      return 0;
    default: {
      const head = f.v.method === 'HEAD';
      let resp: string;
      if (r) {
        const body = r.body ?? 'x'.repeat(r.bodyBytes ?? 0);
        const hdr: Record<string, string> = {};
        if (r.contentType) hdr['Content-Type'] = r.contentType;
        if (body.length > 2048) hdr['Content-Length'] = String(body.length);
        resp = goResponse(r.status ?? 200, hdr, body, m.now, { head });
      } else if (f.v.status === 404) {
        resp = goResponse(
          404,
          { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
          '404 page not found\n',
          m.now,
          { head },
        );
      } else if (f.v.status === 405) {
        resp = goResponse(
          405,
          {
            Allow: f.v.allow as string,
            'Content-Type': 'text/plain; charset=utf-8',
            'X-Content-Type-Options': 'nosniff',
          },
          `${STATUS_TEXT[405]}\n`,
          m.now,
          { head },
        );
      } else {
        const body = `<a href="${f.v.location}">Moved Permanently</a>.\n\n`;
        resp = goResponse(
          301,
          { 'Content-Type': 'text/html; charset=utf-8', Location: f.v.location as string },
          body,
          m.now,
          { head },
        );
      }
      return ret(g, 0, '', resp);
    }
  }
});
