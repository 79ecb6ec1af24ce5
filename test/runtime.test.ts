/** Go runtime pieces: run queues and the netpoller's pollDesc states, plus the hello run's scheduling. */
import { describe, expect, it } from 'vitest';
import { engine } from '../src/sim/engine.js';
import { PD_NIL, PD_READY } from '../src/sim/machine.js';
import { netpollunblock } from '../src/sim/runtime/netpoll.js';
import { runqput } from '../src/sim/runtime/proc.js';
import { builtin, runAll } from './helpers.js';

function gAt(m: ReturnType<typeof engine.boot>, id: number) {
  m.rt.gs[id] = { ...m.rt.gs[2], id, status: 'runnable', frames: [] };
}

describe('run queues', () => {
  it('runqput(next) puts G in runnext and kicks the old runnext to the local queue tail', () => {
    const m = engine.boot(builtin('hello'));
    const p = m.rt.ps[0];
    for (const id of [10, 11]) gAt(m, id);
    runqput(m, p, 10, true);
    runqput(m, p, 11, true);
    expect(p.runnext).toBe(11);
    expect(p.runq).toEqual([10]);
  });

  it('a full local queue moves half of it plus the new G to the global queue (runqputslow)', () => {
    const m = engine.boot(builtin('hello'));
    const p = m.rt.ps[0];
    for (let id = 100; id < 100 + 257; id++) gAt(m, id);
    for (let id = 100; id < 100 + 256; id++) runqput(m, p, id, false);
    expect(p.runq.length).toBe(256);
    runqput(m, p, 356, false);
    expect(p.runq.length).toBe(128);
    expect(m.rt.globrunq.length).toBe(129);
    expect(m.rt.globrunq[128]).toBe(356);
  });
});

describe('pollDesc', () => {
  it('an edge with nobody waiting sets pdReady; with a parked G, returns it', () => {
    const m = engine.boot(builtin('hello'));
    const pd = { fd: 4, rg: PD_NIL, wg: PD_NIL, rd: 0, wd: 0, closing: false };
    expect(netpollunblock(m, pd, 'r', true)).toBe(0);
    expect(pd.rg).toBe(PD_READY);
    pd.rg = 7;
    m.rt.netpollWaiters = 1;
    expect(netpollunblock(m, pd, 'r', true)).toBe(7);
    expect(pd.rg).toBe(PD_READY);
    expect(m.rt.netpollWaiters).toBe(0);
  });

  it('a deadline (ioready=false) wakes a parked G but leaves pdNil', () => {
    const m = engine.boot(builtin('hello'));
    const pd = { fd: 4, rg: 9, wg: PD_NIL, rd: -1, wd: 0, closing: false };
    m.rt.netpollWaiters = 1;
    expect(netpollunblock(m, pd, 'r', false)).toBe(9);
    expect(pd.rg).toBe(PD_NIL);
  });
});

describe('scheduling in the hello run', () => {
  const { records } = runAll(builtin('hello'));
  it('G1 parks in Accept with its frames, and only one M at a time blocks in epoll_pwait', () => {
    const park = records.find((r) => r.kind === 'go.park' && r.g === 1)!;
    expect(park.reason).toBe('accept');
    expect(park.text).toContain('IO wait');
  });

  it('the background read goroutine is created, parks on read, and exits', () => {
    const create = records.find((r) => r.kind === 'go.create' && r.text.includes('backgroundRead'))!;
    expect(records.some((r) => r.kind === 'go.park' && r.g === create.g && r.reason === 'read')).toBe(true);
    expect(records.some((r) => r.kind === 'go.exit' && r.g === create.g)).toBe(true);
  });

  it('a spinning M steals the background read from runnext after the 3 µs back-off', () => {
    const i = records.findIndex((r) => r.syscall === 'nanosleep');
    expect(i).toBeGreaterThan(0);
    expect(records.slice(i).find((r) => r.kind === 'sched.steal')?.text).toContain('runnext');
  });

  it('the frames of a parked G read like a Go stack', () => {
    const m = engine.boot(builtin('hello'));
    const out: never[] = [];
    let parked = false;
    while (!parked && engine.step(m, out)) parked = m.rt.gs[1].status === 'waiting';
    const view = engine.view(m, 0);
    const g1 = view.sched.gs.find((g) => g.id === 1)!;
    expect(g1.waitReason).toBe('IO wait');
    expect(g1.frames.map((f) => f.fn).reverse()).toEqual([
      'runtime.gopark',
      'runtime.netpollblock',
      'internal/poll.runtime_pollWait',
      'internal/poll.(*pollDesc).waitRead',
      'internal/poll.(*FD).Accept',
      'net.(*netFD).accept',
      'net.(*TCPListener).accept',
      'net.(*TCPListener).Accept',
      'net/http.(*Server).Serve',
      'net/http.(*Server).ListenAndServe',
      'net/http.ListenAndServe',
      'main.main',
      'runtime.main',
    ]);
  });
});
