/**
 * The raw TCP server of the socket walk-through (server kind `tcp`): net.Listen, one Accept, one Read of
 * `readSize` bytes, Write the reply, Close the connection, Close the listener.
 */
import { COST } from '../params.js';
import { call, defGo, ret } from '../runtime/interp.js';

defGo('main.rawServer', (m, _mm, g, f) => {
  const srv = m.sc.server ?? {};
  switch (f.pc) {
    case 0:
      f.pc = 2;
      return call(g, 'net.Listen');
    case 2:
      if (g.ret.err) return ret(g, -1, g.ret.err, g.ret.s);
      f.v.l = g.ret.n;
      f.pc = 3;
      return call(g, 'net.(*netFD).accept', { fd: g.ret.n }, [
        'net.(*TCPListener).Accept',
        'net.(*TCPListener).accept',
      ]);
    case 3:
      if (g.ret.err) return ret(g, -1, g.ret.err);
      f.v.c = g.ret.n;
      f.pc = 4;
      return call(
        g,
        'internal/poll.(*FD).Read',
        {
          fd: g.ret.n,
          n: srv.readSize ?? 10000,
          reason: 'read',
          why: 'conn.Read copies what the client sent.',
        },
        ['net.(*conn).Read', 'net.(*netFD).Read'],
      );
    case 4:
      f.pc = 5;
      return call(
        g,
        'internal/poll.(*FD).Write',
        { fd: f.v.c, data: srv.reply ?? 'OK', why: 'conn.Write sends the reply.' },
        ['net.(*conn).Write', 'net.(*netFD).Write'],
      );
    case 5:
      f.pc = 6;
      return call(g, 'internal/poll.(*FD).Close', { fd: f.v.c }, ['net.(*conn).Close', 'net.(*netFD).Close']);
    case 6:
      f.pc = 7;
      return call(
        g,
        'internal/poll.(*FD).Close',
        { fd: f.v.l, why: 'the listener is closed: new connections are refused.' },
        ['net.(*TCPListener).Close', 'net.(*netFD).Close'],
      );
    default:
      return COST.runtime > 0 ? ret(g) : 0;
  }
});
