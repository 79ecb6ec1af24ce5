import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import { createSession } from '../src/debug/session.js';
import { engine } from '../src/sim/engine.js';
import { KINDS } from '../src/sim/trace.js';
import { App } from '../src/tui/app.js';
import { ChangeSet, NO_CHANGES } from '../src/tui/changes.js';
import { KIND_ABOUT } from '../src/tui/kinds.js';
import { computeLayout } from '../src/tui/layout.js';
import { epollPane } from '../src/tui/panes/epoll.js';
import { fdsPane } from '../src/tui/panes/fds.js';
import { PaneFrame } from '../src/tui/panes/frame.js';
import { narrationPane } from '../src/tui/panes/narration.js';
import { nicPane } from '../src/tui/panes/nic.js';
import { currentG, schedPane } from '../src/tui/panes/sched.js';
import { socketsPane } from '../src/tui/panes/sockets.js';
import { statusLine } from '../src/tui/panes/status.js';
import { timelinePane } from '../src/tui/panes/timeline.js';
import type { PaneArgs, PaneDef } from '../src/tui/panes/types.js';
import { initialUi } from '../src/tui/reducer.js';
import { makeTheme } from '../src/tui/theme.js';
import { builtin } from './helpers.js';
import { FAKE, FakeSession } from './tui-fake.js';

const plain = makeTheme(0);
const colour = makeTheme(3);

function args(at: number, over: Partial<PaneArgs> = {}): PaneArgs {
  const session = new FakeSession();
  session.goto(at);
  return {
    session,
    record: FAKE.records[at],
    view: FAKE.views[at],
    changes: new ChangeSet(session.changes()),
    theme: plain,
    width: 64,
    height: 30,
    scroll: 0,
    ...over,
  };
}

const text = (def: PaneDef, a: PaneArgs) => def.content(a).lines.join('\n');

describe('NIC pane', () => {
  it('draws the RX ring with a filled slot after DMA, and counters', () => {
    const out = text(nicPane, args(13));
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^RX 256 slots · head 1 tail 0 · used 1\/256 · irqs 0 · drops 0/);
    // 64 slots per row, 4 rows: slot 0 is filled, slot 1 is the head.
    expect(lines[1]).toBe(`█H${'·'.repeat(62)}`);
    expect(lines.slice(1, 5).every((l) => l.length === 64)).toBe(true);
    expect(out).toContain('next for the driver: RX slot 0 SYN 10.0.0.2:40000');
  });

  it('marks the interrupt counter that just changed', () => {
    expect(text(nicPane, args(14)).split('\n')[0]).toContain('irqs 1*');
    expect(text(nicPane, args(14))).toContain('NAPI polling*');
  });

  it('draws several slots per cell when the pane is small', () => {
    const out = text(nicPane, args(13, { width: 40, height: 6 }));
    expect(out).toContain('cell = 8 slots');
  });
});

describe('Sockets pane', () => {
  it('shows the listener queues and the connection with gauges', () => {
    const out = text(socketsPane, args(27, { width: 90 }));
    expect(out).toContain('fd 3  LISTEN [::]:3000  synq 0/4096  acceptq 0/4096');
    expect(out).toMatch(/fd 6 +ESTABLISHED 10\.0\.0\.1:3000 ↔ 10\.0\.0\.2:40000/);
    expect(out).toMatch(/rcvq █░+ 78B\*\/128KiB {2}sndq ░+ 0B\/16KiB/);
  });

  it('marks the accept queue when the handshake completes', () => {
    expect(text(socketsPane, args(19, { width: 90 }))).toContain('acceptq 1*/4096');
  });

  it('lists every other socket once, in order, wherever the listeners sit among them', () => {
    // No run puts a listener after a connection (its socket comes first): made up from step 27's view.
    const v = FAKE.views[27];
    const listener = v.sockets.find((s) => s.state === 'LISTEN')!;
    const conn = v.sockets.find((s) => s.state !== 'LISTEN')!;
    const at = (fd: number, remote: string) => ({ ...conn, fd, remote });
    const sockets = [
      at(7, '10.0.0.7:1'),
      listener,
      at(8, '10.0.0.8:1'),
      { ...listener, fd: 4 },
      at(9, '10.0.0.9:1'),
    ];
    const out = text(socketsPane, args(27, { width: 90, height: 40, view: { ...v, sockets } }));
    expect(out).toContain('5 sockets · 2 listening · 3 other');
    const order = [...out.matchAll(/fd (\d+) +ESTABLISHED/g)].map((x) => x[1]);
    expect(order).toEqual(['7', '8', '9']);
  });
});

describe('FD table pane', () => {
  it('lists fds with their objects and marks a new one', () => {
    const out = text(fdsPane, args(23));
    expect(out).toContain('  0 stdio    /dev/pts/0 (stdin)');
    expect(out).toContain('  3 socket   TCP [::]:3000 (LISTEN)');
    expect(out).toMatch(/ {2}6\*socket +TCP 10\.0\.0\.1:3000 ↔ 10\.0\.0\.2:40000 \(ESTABLISHED\)/);
  });
});

describe('epoll pane', () => {
  it('shows the interest list with pollDescs and the ready list in order', () => {
    const out = text(epollPane, args(28));
    expect(out).toContain('epoll fd 4 · blocked in epoll_pwait: none');
    expect(out).toContain('ready list: 6 → 5*');
    expect(out).toMatch(/ {2}3 +IN\|OUT\|RDHUP +ET {2}rg G1\* wg nil/);
    expect(out).toMatch(/ {2}6 +IN\|OUT\|RDHUP +ET {2}rg nil wg nil ready/);
  });

  it('shows the thread blocked in epoll_pwait', () => {
    expect(text(epollPane, args(10))).toContain('blocked in epoll_pwait: tid 1000*');
  });
});

describe('Scheduler pane', () => {
  it('shows Ps with runnext and runq, the global runq, Ms, and Gs with wait reasons', () => {
    const out = text(schedPane, args(28, { width: 80, height: 40 }));
    expect(out).toMatch(/P0 running +M0 +runnext -\* +runq \[G7 G8\]\*/);
    expect(out).toContain('global runq [G9]*');
    expect(out).toMatch(/M0 tid 1000 P0 +G5\* +running/);
    expect(out).toMatch(/M1 tid 1001 - +- +sysmon/);
    expect(out).toMatch(/G1 +waiting \(IO wait\)\* +main/);
  });

  it("shows the current G's frames innermost first", () => {
    const a = args(9, { width: 80, height: 40 });
    expect(currentG(a.record, a.view)?.id).toBe(1);
    const out = text(schedPane, a);
    const at = (fn: string) => out.indexOf(fn);
    expect(out).toContain('── G1 main: call frames, innermost first ──');
    expect(out).toContain('#0 runtime.gopark');
    for (const [a1, b1] of [
      ['runtime.gopark', 'internal/poll.(*pollDesc).waitRead'],
      ['internal/poll.(*pollDesc).waitRead', 'internal/poll.(*FD).Accept'],
      ['net.(*TCPListener).Accept', 'net/http.(*Server).Serve'],
      ['net/http.ListenAndServe', 'main.main'],
    ]) {
      expect(at(a1)).toBeLessThan(at(b1));
    }
  });
});

describe('Timeline pane', () => {
  it('centres on the cursor, marks it and breakpoint hits', () => {
    const a = args(15, { height: 9, width: 100 });
    a.session.addBreakpoint('event:irq');
    const lines = timelinePane.content(a).lines;
    expect(lines).toHaveLength(9);
    expect(lines[4]).toMatch(/^▶ 15 +165\.000µs kernel {2}NET_RX softirq/);
    expect(lines[3]).toMatch(/^ ●14 +163\.000µs nic {5}Hard IRQ/);
    expect(lines[0]).toMatch(/^ {2}11 /);
  });

  it('clamps the window at the start and end of the trace', () => {
    expect(timelinePane.content(args(0, { height: 9 })).lines[0]).toMatch(/^▶ {2}0 /);
    expect(timelinePane.content(args(29, { height: 9 })).lines[8]).toMatch(/^▶ 29 /);
  });
});

describe('Narration pane', () => {
  it('explains the current event, the function it models, and the notes', () => {
    const out = text(narrationPane, args(21, { width: 60 }));
    expect(out).toContain('step 21 · 275.000µs · runtime · netpoll');
    expect(out).toContain('epoll_pwait returns fd 3; the netpoller makes G1');
    expect(out).toContain('(netpoll) The Go runtime’s netpoller asks epoll');
    expect(out).toContain('models runtime.netpollready — src/runtime/netpoll.go');
    expect(out).toContain('note: Look at the epoll pane');
  });

  it('shows a syscall with its arguments and result once, what it changed, and its cause (real hello)', () => {
    const s = createSession(engine, builtin('hello'));
    const i = s.records(0, s.total).findIndex((r) => r.syscall === 'accept4' && r.ret === 4);
    s.goto(i);
    const out = text(narrationPane, {
      ...args(0, { width: 200, height: 40 }),
      session: s,
      record: s.record(i),
      view: s.view(),
      changes: new ChangeSet(s.changes()),
    });
    expect(out.match(/accept4\(3, /g)).toHaveLength(1);
    expect(out).toContain('models ');
    expect(out).toMatch(/changed: .*fd 3 acceptq 1→0/);
    expect(out).toMatch(/because of step \d+: /);
  });
});

describe('status line', () => {
  it('shows step N/M, virtual time, scenario and breakpoints', () => {
    const session = new FakeSession();
    session.goto(4);
    expect(statusLine(session, FAKE.records[4].t_ns, initialUi(), plain)).toMatch(
      /^ step 4\/29 │ 5\.000µs │ hello │ no breakpoints │ →\/← step/,
    );
    session.addBreakpoint('syscall:accept4');
    const ui = { ...initialUi(), message: { text: 'paused', tone: 'info' as const } };
    expect(statusLine(session, 0, ui, plain)).toContain('│ bp #1 syscall:accept4 │ paused');
  });
});

describe('changed values with colour', () => {
  it('highlights instead of adding a marker', () => {
    const out = text(socketsPane, args(19, { theme: colour, width: 90 }));
    expect(out).not.toContain('1*');
    expect(out).toContain('\x1b[1m\x1b[33m1\x1b[39m\x1b[22m/4096');
  });

  it('marks nothing on the first frame', () => {
    const out = [nicPane, socketsPane, fdsPane, epollPane, schedPane].map((d) =>
      text(d, args(29, { changes: NO_CHANGES })),
    );
    // `(*FD).Read` is a Go method name, not a marker.
    expect(out.join('\n')).not.toMatch(/[^(]\*/);
  });
});

describe('scenario text is sanitized before it reaches the screen', () => {
  it('replaces escapes and bidi overrides in every pane', () => {
    const a = args(29);
    const view = structuredClone(a.view);
    view.fds[0].desc = 'evil\x1b]0;title\x07';
    view.sched.gs[0].label = 'rtl\u202Eexe';
    view.nic.rx.slots[view.nic.rx.tail].desc = 'x\r\x1b[2J';
    view.nic.rx.used = 1;
    const record = { ...a.record, text: 'boom\x1b[31m red', fn: 'f\x9b' };
    (a.session as FakeSession).notes[29] = ['note\u2066x'];
    const all = [nicPane, socketsPane, fdsPane, epollPane, schedPane, timelinePane, narrationPane]
      .map((d) => text(d, { ...a, view, record, changes: NO_CHANGES }))
      .join('\n');
    for (const line of all.split('\n'))
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(all).toContain('evil␛]0;title␇');
    expect(all).toContain('rtl\ufffdexe');
  });
});

describe('pane frame', () => {
  it('draws a titled border, double when focused', () => {
    const out = renderToString(
      <PaneFrame title="1 NIC" width={20} height={4} focused lines={['a', 'b']} theme={plain} />,
      { columns: 20 },
    );
    expect(out.split('\n')).toEqual([
      '╔═ 1 NIC ══════════╗',
      '║ a                ║',
      '║ b                ║',
      '╚══════════════════╝',
    ]);
  });
});

describe('layout', () => {
  it('shows every pane at 160×50 and a subset with a switcher below', () => {
    const full = computeLayout(160, 50, initialUi());
    expect(full.kind === 'full' && full.panes.length).toBe(7);
    const small = computeLayout(80, 24, { detail: 'epoll' });
    expect(small.kind === 'compact' && small.panes).toEqual(['epoll', 'timeline', 'narration']);
    expect(computeLayout(79, 24, initialUi()).kind).toBe('too-small');
    expect(computeLayout(80, 23, initialUi()).kind).toBe('too-small');
  });

  it('fills exactly the terminal minus one row at 160×50', () => {
    const session = new FakeSession();
    session.goto(21);
    const out = renderToString(<App session={session} theme={plain} columns={160} rows={50} />, {
      columns: 160,
    });
    const lines = out.split('\n');
    expect(lines).toHaveLength(49);
    expect(lines.every((l) => l.length <= 160)).toBe(true);
    for (const title of [
      '1 NIC eth0',
      '2 Sockets',
      '3 FD table',
      '4 epoll',
      '5 Scheduler',
      '6 Timeline',
      '7 Narration',
    ]) {
      expect(out).toContain(title);
    }
    expect(lines[48]).toMatch(/^ step 21\/29 │ 275\.000µs │ hello/);
  });

  it('says the terminal is too small below 80×24', () => {
    const out = renderToString(<App session={new FakeSession()} theme={plain} columns={70} rows={20} />, {
      columns: 70,
    });
    expect(out).toContain('terminal too small (70×20); need at least 80×24');
  });
});

describe('narration knowledge', () => {
  it('has a sentence for every trace kind', () => {
    const missing = KINDS.filter((k) => !KIND_ABOUT[k]);
    expect(missing, 'add them to src/tui/kinds.ts').toEqual([]);
  });
});

describe('PaneFrame with lines wider than the pane', () => {
  it('cuts each line at the right border with …, colour kept, borders intact', () => {
    const t3 = makeTheme(3);
    const long = `${t3.accent('abcdefghij')}klmnopqrstuvwxyz`;
    const out = renderToString(
      <PaneFrame title="T" width={12} height={4} focused={false} lines={[long, 'short']} theme={t3} />,
      { columns: 40 },
    );
    const plain = out.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    expect(plain[1]).toBe('│ abcdefgh…│');
    expect(plain[2]).toBe('│ short    │');
    expect(out).toContain('\x1b[36mabcdefgh');
  });
});
