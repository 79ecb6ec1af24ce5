import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventBreakpoint,
  formatParseError,
  matches,
  parseBreakpoint,
  type WatchBreakpoint,
  watchHolds,
} from '../src/debug/breakpoints.js';
import { CompactTrace } from '../src/debug/compact.js';
import { engine as realEngine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { fakeEngine, fakeScenario } from './fake-engine.js';
import { c10kOr } from './helpers.js';

function ok(spec: string) {
  const r = parseBreakpoint(spec);
  if (!r.ok) throw new Error(`${spec}: ${formatParseError(r)}`);
  return r.bp;
}

function err(spec: string): string {
  const r = parseBreakpoint(spec);
  if (r.ok) throw new Error(`${spec} parsed as ${r.bp.spec}`);
  return formatParseError(r);
}

const rec = (r: Partial<TraceRecord>): TraceRecord =>
  ({ step: 0, t_ns: 0, layer: 'kernel', kind: 'syscall', text: '', ...r }) as TraceRecord;

describe('parseBreakpoint: the ARCHITECTURE §4 examples', () => {
  it.each([
    ['syscall:accept4', 'syscall:accept4'],
    ['syscall:read fd=7', 'syscall:read fd=7'],
    ['syscall', 'syscall'],
    ['syscall errno=EAGAIN', 'syscall errno=EAGAIN'],
    ['irq', 'irq'],
    ['irq:rx', 'irq:rx'],
    ['irq:tx', 'irq:tx'],
    ['softirq', 'softirq'],
    ['wakeup:accept', 'wakeup:accept'],
    ['wakeup:read', 'wakeup:read'],
    ['park:read g=5', 'park:read g=5'],
    ['event:nic.*', 'event:nic.*'],
    ['event:go.create', 'event:go.create'],
    ['watch acceptq > 0', 'watch acceptq > 0'],
    ['watch rcvq fd=4 >= 65536', 'watch rcvq fd=4 >= 65536'],
    ['watch runq p=0 > 2', 'watch runq p=0 > 2'],
    ['watch rdllist > 0', 'watch rdllist > 0'],
    ['watch rxring > 200', 'watch rxring > 200'],
    ['watch globrunq > 0', 'watch globrunq > 0'],
  ])('%s', (spec, normal) => {
    expect(ok(spec).spec).toBe(normal);
  });

  it('normalises spacing, case of errno, and an operator written without spaces', () => {
    expect(ok('  syscall:read   fd=7  errno=eagain ').spec).toBe('syscall:read fd=7 errno=EAGAIN');
    expect(ok('watch acceptq>=1').spec).toBe('watch acceptq >= 1');
    expect(ok('watch runq p=1<3').spec).toBe('watch runq p=1 < 3');
  });

  it('resolves a glob to the kinds it matches', () => {
    const bp = ok('event:nic.*') as EventBreakpoint;
    expect([...bp.kinds].sort()).toEqual(['nic.dma', 'nic.drop', 'nic.tx']);
    expect((ok('event:*') as EventBreakpoint).kinds.length).toBeGreaterThan(20);
  });

  it('parses a watch into gauge, filter, op and number', () => {
    expect(ok('watch rcvq fd=4 >= 65536')).toMatchObject({
      type: 'watch',
      gauge: 'rcvq',
      filter: { fd: 4 },
      op: '>=',
      value: 65536,
    });
  });
});

describe('parseBreakpoint: malformed specs name the column and what was expected', () => {
  it.each([
    [
      '',
      'column 1: expected one of syscall, irq, softirq, wakeup, park, event, anomaly, watch, found end of spec',
    ],
    [
      'sycall:read',
      'column 1: expected one of syscall, irq, softirq, wakeup, park, event, anomaly, watch, found "sycall"',
    ],
    ['irq:rq', 'column 5: expected rx or tx, found "rq"'],
    ['softirq:net_rx', 'column 8: softirq takes no name: expected a space or the end of the spec'],
    ['wakeup:acept', 'column 8: expected one of accept, read, write, sleep, cond, found "acept"'],
    ['event', "column 6: expected ':' and a kind after event, e.g. event:nic.*"],
    ['event:nic.zzz', 'column 7: no record kind matches "nic.zzz"'],
    ['syscall:read fd=x', 'column 17: expected a number after fd=, found "x"'],
    ['syscall:read fd', "column 16: expected '=' after fd, found end of spec"],
    [
      'syscall:read pid=3',
      'column 14: expected a key: one of fd, g, m, p, conn, tid, slot, errno, reason, found "pid"',
    ],
    ['syscall:read fd=3 fd=4', 'column 19: fd is given twice'],
    ['syscall errno=EAGAIN!', 'column 21: expected a space or the end of the spec, found "!"'],
    ['irq;rx', 'column 4: expected \':\', a space or the end of the spec, found ";rx"'],
    ['watch', 'column 6: expected a space and a gauge after watch'],
    [
      'watch acceptqq > 0',
      'column 7: expected a gauge: one of acceptq, synq, rcvq, sndq, rdllist, runq, globrunq, rxring, txring, found "acceptqq"',
    ],
    [
      'watch acceptq',
      'column 14: expected fd=N or a comparison: one of >, >=, <, <=, ==, !=, found end of spec',
    ],
    ['watch acceptq =< 1', 'column 15: expected fd=N or a comparison'],
    ['watch acceptq > ', 'column 17: expected a number after >, found end of spec'],
    ['watch acceptq > 1x', 'column 18: expected the end of the spec after the number, found "x"'],
    ['watch runq fd=3 > 1', 'column 12: runq takes p=N; expected p=N or a comparison'],
    ['watch globrunq p=0 > 1', 'column 16: globrunq takes no filter'],
  ])('%j', (spec, message) => {
    expect(err(spec).startsWith(message), err(spec)).toBe(true);
  });

  it('never throws, and every error names a column inside the spec or just past it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = parseBreakpoint(s);
        if (!r.ok) {
          expect(r.column).toBeGreaterThanOrEqual(1);
          expect(r.column).toBeLessThanOrEqual(s.length + 1);
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('a normalised spec parses back to itself', () => {
    const specs = [
      'syscall:read  fd=7 errno=eagain',
      'watch runq p=1<3',
      ' park:sleep g=2 ',
      'event:*.global conn=3',
      'irq:tx tid=100',
    ];
    for (const s of specs) {
      const once = ok(s);
      expect(ok(once.spec)).toEqual(once);
    }
  });
});

describe('matches', () => {
  it('checks the kind, the name and every key', () => {
    const bp = ok('syscall:read fd=7') as EventBreakpoint;
    expect(matches(bp, rec({ syscall: 'read', fd: 7 }))).toBe(true);
    expect(matches(bp, rec({ syscall: 'read', fd: 8 }))).toBe(false);
    expect(matches(bp, rec({ syscall: 'write', fd: 7 }))).toBe(false);
    expect(matches(bp, rec({ syscall: 'read' }))).toBe(false);
    expect(matches(bp, rec({ kind: 'go.park', syscall: 'read', fd: 7 }))).toBe(false);
  });

  it('irq:rx wants ring rx; wakeup and park test go.ready and go.park reasons', () => {
    expect(matches(ok('irq:rx') as EventBreakpoint, rec({ kind: 'irq', ring: 'rx' }))).toBe(true);
    expect(matches(ok('irq:rx') as EventBreakpoint, rec({ kind: 'irq', ring: 'tx' }))).toBe(false);
    expect(matches(ok('irq') as EventBreakpoint, rec({ kind: 'irq', ring: 'tx' }))).toBe(true);
    const wake = ok('wakeup:accept') as EventBreakpoint;
    expect(matches(wake, rec({ kind: 'go.ready', reason: 'accept', g: 1 }))).toBe(true);
    expect(matches(wake, rec({ kind: 'go.ready', reason: 'read', g: 1 }))).toBe(false);
    expect(matches(wake, rec({ kind: 'go.park', reason: 'accept', g: 1 }))).toBe(false);
    const park = ok('park:read g=5') as EventBreakpoint;
    expect(matches(park, rec({ kind: 'go.park', reason: 'read', g: 5 }))).toBe(true);
    expect(matches(park, rec({ kind: 'go.park', reason: 'read', g: 6 }))).toBe(false);
  });

  it('event globs match kinds, and errno compares upper-cased', () => {
    const nic = ok('event:nic.*') as EventBreakpoint;
    expect(matches(nic, rec({ kind: 'nic.dma' }))).toBe(true);
    expect(matches(nic, rec({ kind: 'irq' }))).toBe(false);
    expect(matches(ok('syscall errno=eagain') as EventBreakpoint, rec({ errno: 'EAGAIN' }))).toBe(true);
  });

  it('the compact trace agrees with matches() on every record of a run', () => {
    const engine = fakeEngine(600);
    const specs = [
      'syscall',
      'syscall:accept4',
      'syscall:read fd=5',
      'syscall errno=EAGAIN',
      'syscall errno=EBADF',
      'irq:rx',
      'irq',
      'softirq slot=1',
      'wakeup:read p=1',
      'park:sleep g=3',
      'event:go.*',
      'event:*.global',
      'event:client.send conn=2',
      'wakeup tid=101',
      'syscall:bind',
    ].map((s) => ok(s) as EventBreakpoint);
    for (const seed of [1, 2, 3]) {
      const m = engine.boot(fakeScenario(seed));
      const recs: TraceRecord[] = [];
      let events = 0;
      const trace = new CompactTrace();
      for (;;) {
        const out: TraceRecord[] = [];
        if (!engine.step(m, out)) break;
        for (const r of out) trace.push(r, events);
        recs.push(...out);
        events++;
      }
      trace.finish();
      expect(trace.length).toBe(recs.length);
      for (const bp of specs) {
        const cm = trace.compile(bp);
        const want = recs.map((r) => matches(bp, r));
        const got = recs.map((_, i) => trace.test(cm, i));
        expect(got, bp.spec).toEqual(want);
        expect(trace.count(cm)).toBe(want.filter(Boolean).length);
      }
      // The specs above are not vacuous: most of them match something.
      expect(specs.filter((bp) => recs.some((r) => matches(bp, r))).length).toBeGreaterThan(10);
    }
  });
});

describe('the compact trace over many chunks', () => {
  const int = (bp: string) => ok(`syscall ${bp}`) as EventBreakpoint;
  it('matches as the records do on a real run of several chunks (16-bit chunks, the last one trimmed)', () => {
    // c10k with 1,000 connections: ~146,000 records, two full chunks and a part.
    const m = realEngine.boot(c10kOr(false, 1000));
    const recs: TraceRecord[] = [];
    const trace = new CompactTrace();
    let events = 0;
    for (;;) {
      const out: TraceRecord[] = [];
      if (!realEngine.step(m, out, { text: false })) break;
      for (const r of out) trace.push(r, events);
      recs.push(...out);
      events++;
    }
    trace.finish();
    expect(trace.length).toBeGreaterThan(2 * 65536);
    // Times and event indices kept as offsets read back exactly; so do kinds.
    let events2 = 0;
    let last = -1;
    for (let i = 0; i < recs.length; i++) {
      expect(trace.timeAt(i)).toBe(recs[i].t_ns);
      expect(trace.kindAt(i)).toBe(recs[i].kind);
      const e = trace.eventAt(i);
      expect(e).toBeGreaterThanOrEqual(last);
      if (e !== last) events2++;
      last = e;
    }
    expect(events2).toBeGreaterThan(events * 0.5);
    const specs = [
      'syscall fd=5',
      'syscall fd=900',
      'wakeup g=700',
      'event:client.send conn=999',
      'irq',
      'park p=1',
    ]
      .map((s) => ok(s) as EventBreakpoint)
      .concat([int('fd=40000')]);
    for (const bp of specs) {
      const cm = trace.compile(bp);
      const want = recs.map((r) => matches(bp, r));
      const got = recs.map((_, i) => trace.test(cm, i));
      expect(got, bp.spec).toEqual(want);
    }
    // Not vacuous: records of the last chunk and of the first match.
    const cm = trace.compile(specs[1]);
    expect(recs.some((r, i) => i > 2 * 65536 && trace.test(cm, i) && matches(specs[1], r))).toBe(true);
  });

  it('keeps values a narrow chunk cannot hold, and chunks where no record has the field', () => {
    // Values no built-in run reaches, chunk by chunk: fds above 32767 (32-bit) and in 16 bits, times
    // that span more than 2^32 ns or are not whole, events more than 65,535 apart, more than 255
    // distinct syscalls; a chunk without any fd or errno; a short last chunk.
    const trace = new CompactTrace();
    const recs: TraceRecord[] = [];
    const events: number[] = [];
    const n = 4 * 65536 + 100;
    for (let i = 0; i < n; i++) {
      const chunk = i >> 16;
      const fd =
        chunk === 0
          ? { fd: 30000 + (i % 5000) }
          : chunk === 1
            ? {}
            : chunk === 2
              ? { fd: i % 7 }
              : { fd: 40000 + (i % 3) };
      const r = {
        step: i,
        t_ns: chunk === 1 ? i * 70_000 : chunk === 3 ? i * 1.5 : i,
        kind: 'syscall',
        layer: 'kernel',
        text: '',
        syscall: chunk === 2 ? `sys${i % 300}` : 'read',
        ...(chunk === 0 ? { errno: 'EAGAIN' } : {}),
        ...fd,
      } as unknown as TraceRecord;
      const event = chunk === 1 ? i * 2 : chunk === 3 && i % 2 === 0 ? i + 100_000 : i * 2;
      trace.push(r, event);
      recs.push(r);
      events.push(event);
    }
    trace.finish();
    for (let i = 0; i < n; i++) {
      if (trace.timeAt(i) !== recs[i].t_ns) expect(trace.timeAt(i), `t of ${i}`).toBe(recs[i].t_ns);
      if (trace.eventAt(i) !== events[i]) expect(trace.eventAt(i), `event of ${i}`).toBe(events[i]);
    }
    // Made-up syscall names (the parser refuses them): the condition built as it builds one.
    const named = (name: string) => {
      const bp = ok('syscall:read') as EventBreakpoint;
      return { ...bp, spec: `syscall:${name}`, conds: bp.conds.map((c) => ({ ...c, value: name })) };
    };
    const specs = [
      named('sys299'),
      named('sys7'),
      ok('syscall errno=EAGAIN') as EventBreakpoint,
      named('read'),
      ...['fd=34999', 'fd=30000', 'fd=3', 'fd=0', 'fd=40002'].map(int),
    ];
    for (const bp of specs) {
      const cm = trace.compile(bp);
      const want = recs.map((r) => matches(bp, r));
      expect(want.some(Boolean), bp.spec).toBe(true);
      expect(
        recs.map((_, i) => trace.test(cm, i)),
        bp.spec,
      ).toEqual(want);
    }
  });
});

describe('watchHolds', () => {
  it('compares the engine gauge with the number', () => {
    const engine = fakeEngine(10);
    const m = engine.boot(fakeScenario());
    m.acceptq = 2;
    m.rcvq = [0, 70000, 0];
    m.runq = [3, 1];
    const holds = (s: string) => watchHolds(ok(s) as WatchBreakpoint, engine, m);
    expect(holds('watch acceptq > 0')).toBe(true);
    expect(holds('watch acceptq > 2')).toBe(false);
    expect(holds('watch acceptq >= 2')).toBe(true);
    expect(holds('watch acceptq == 2')).toBe(true);
    expect(holds('watch acceptq != 2')).toBe(false);
    expect(holds('watch acceptq < 3')).toBe(true);
    expect(holds('watch acceptq <= 1')).toBe(false);
    expect(holds('watch rcvq fd=5 >= 65536')).toBe(true);
    expect(holds('watch rcvq fd=4 >= 65536')).toBe(false);
    expect(holds('watch runq p=0 > 2')).toBe(true);
    expect(holds('watch runq p=1 > 2')).toBe(false);
    expect(holds('watch runq > 3')).toBe(true);
  });
});
