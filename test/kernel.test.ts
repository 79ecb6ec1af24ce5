/** Kernel pieces in isolation: the fd table, epoll's two lists, TCP queues on a live run. */
import { describe, expect, it } from 'vitest';
import { copy } from '../src/sim/cow.js';
import { engine } from '../src/sim/engine.js';
import {
  EPOLLET,
  EPOLLIN,
  EPOLLOUT,
  epCopy,
  epInsert,
  epInsertPoll,
  epInterestFds,
  epItem,
  epItemList,
  epPollCallback,
  epRemove,
  epSendEvents,
} from '../src/sim/kernel/epoll.js';
import { fdAlloc, fdInstall, fdRemove } from '../src/sim/kernel/file.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll } from './helpers.js';

function fresh() {
  return engine.boot(builtin('hello'));
}

describe('fd table', () => {
  it('hands out the lowest free fd, reusing a closed one', () => {
    const m = fresh();
    const a = fdAlloc(m);
    fdInstall(m, a, { type: 'eventfd', obj: 0, name: 'a', nonblock: true, cloexec: true });
    const b = fdAlloc(m);
    fdInstall(m, b, { type: 'eventfd', obj: 0, name: 'b', nonblock: true, cloexec: true });
    expect([a, b]).toEqual([3, 4]);
    fdRemove(m, 3);
    expect(fdAlloc(m)).toBe(3);
  });

  it('fails with -1 (EMFILE) at RLIMIT_NOFILE', () => {
    const m = fresh();
    m.proc.nofile = 4;
    fdInstall(m, fdAlloc(m), { type: 'eventfd', obj: 0, name: 'a', nonblock: true, cloexec: true });
    expect(fdAlloc(m)).toBe(-1);
  });
});

describe('epoll', () => {
  function setup() {
    const m = fresh();
    const out: TraceRecord[] = [];
    engine.step(m, out);
    const epfd = fdAlloc(m);
    fdInstall(m, epfd, { type: 'epoll', obj: 900, name: 'epoll', nonblock: false, cloexec: true });
    m.eps[900] = { id: 900, fd: epfd, items: [], nitems: 0, rdllist: [], waiters: [] };
    const efd = fdAlloc(m);
    const f = fdInstall(m, efd, { type: 'eventfd', obj: 0, name: 'ev', nonblock: true, cloexec: true });
    f.obj = f.id;
    m.evcount[f.id] = 0;
    return { m, ep: m.eps[900], efd, f };
  }

  it('an edge-triggered item leaves the ready list when reported and returns only on a new edge', () => {
    const { m, ep, efd, f } = setup();
    epInsert(m, ep, efd, f, EPOLLIN | EPOLLET);
    epInsertPoll(m, ep, efd);
    expect(ep.rdllist).toEqual([]);
    m.evcount[f.id] = 1;
    epPollCallback(m, f.id, EPOLLIN, 'test');
    expect(ep.rdllist).toEqual([efd]);
    expect(epSendEvents(m, ep, 128)).toEqual([[efd, EPOLLIN]]);
    expect(ep.rdllist).toEqual([]);
    expect(epSendEvents(m, ep, 128)).toEqual([]);
  });

  it('a level-triggered item stays on the list while the file is ready', () => {
    const { m, ep, efd, f } = setup();
    epInsert(m, ep, efd, f, EPOLLIN);
    epInsertPoll(m, ep, efd);
    m.evcount[f.id] = 1;
    epPollCallback(m, f.id, EPOLLIN, 'test');
    expect(epSendEvents(m, ep, 128)).toEqual([[efd, EPOLLIN]]);
    expect(ep.rdllist).toEqual([efd]);
    m.evcount[f.id] = 0;
    expect(epSendEvents(m, ep, 128)).toEqual([]);
    expect(ep.rdllist).toEqual([]);
  });

  it('registering a file that is already ready queues it at once; removing takes it off', () => {
    const { m, ep, efd, f } = setup();
    epInsert(m, ep, efd, f, EPOLLOUT | EPOLLET);
    epInsertPoll(m, ep, efd);
    expect(ep.rdllist).toEqual([efd]);
    expect(epRemove(m, ep, efd)).toBe(true);
    expect(ep.rdllist).toEqual([]);
    expect(f.watchers).toEqual([]);
  });
});

/** An epoll instance of id `id` on a new fd of m, watching nothing yet. */
function newEpoll(m: ReturnType<typeof fresh>, id: number) {
  const epfd = fdAlloc(m);
  fdInstall(m, epfd, { type: 'epoll', obj: id, name: 'epoll', nonblock: false, cloexec: true });
  m.eps[id] = { id, fd: epfd, items: [], nitems: 0, rdllist: [], waiters: [] };
  return m.eps[id];
}

describe('epoll interest list pages', () => {
  it('a copy of an instance shares its pages, and neither sees the writes the other makes after', () => {
    const m = fresh();
    const ep = newEpoll(m, 900);
    // Eventfds over several pages of the interest list.
    const fds: number[] = [];
    for (let i = 0; i < 80; i++) {
      const fd = fdAlloc(m);
      const f = fdInstall(m, fd, { type: 'eventfd', obj: 0, name: `ev${i}`, nonblock: true, cloexec: true });
      f.obj = f.id;
      m.evcount[f.id] = 0;
      epInsert(m, ep, fd, f, EPOLLIN | EPOLLET);
      fds.push(fd);
    }
    expect(epItemList(ep).map((it) => it.fd)).toEqual(fds);
    const before = JSON.stringify(ep);
    const c = epCopy(ep, copy);
    expect(JSON.stringify(c)).toBe(before);
    // The original readies one fd and drops another, on different pages.
    const ready = fds[40];
    const gone = fds[75];
    const rf = m.files[m.proc.fds[ready]];
    m.evcount[rf.id] = 1;
    epPollCallback(m, rf.id, EPOLLIN, 'test');
    expect(epRemove(m, ep, gone)).toBe(true);
    expect(epItem(ep, ready)?.ready).toBe(true);
    expect(epItem(ep, gone)).toBeUndefined();
    expect(JSON.stringify(c)).toBe(before);
    // The copy drops an fd the original keeps.
    const fc = fds[3];
    expect(epRemove(m, c, fc)).toBe(true);
    expect(epItem(c, fc)).toBeUndefined();
    expect(epItem(ep, fc)?.fd).toBe(fc);
    expect(epItem(c, ready)?.ready).toBe(false);
    expect(epItemList(ep).length).toBe(79);
    expect(epItemList(c).length).toBe(79);
  });

  it('the fds read last follow every add and remove, in the instance and in its copies', () => {
    const m = fresh();
    const ep = newEpoll(m, 901);
    const add = () => {
      const fd = fdAlloc(m);
      const f = fdInstall(m, fd, { type: 'eventfd', obj: 0, name: `ev${fd}`, nonblock: true, cloexec: true });
      f.obj = f.id;
      m.evcount[f.id] = 0;
      epInsert(m, ep, fd, f, EPOLLIN | EPOLLET);
      return fd;
    };
    const listed = (e: typeof ep) => epItemList(e).map((it) => it.fd);
    const fds = Array.from({ length: 70 }, add);
    expect(epInterestFds(ep)).toEqual(fds);
    // Read again with nothing added or removed: the same list; a ready fd changes no key.
    expect(epInterestFds(ep)).toBe(epInterestFds(ep));
    const rf = m.files[m.proc.fds[fds[10]]];
    m.evcount[rf.id] = 1;
    epPollCallback(m, rf.id, EPOLLIN, 'test');
    expect(epInterestFds(ep)).toEqual(fds);
    // A copy keeps the list read last; each side's removes and adds show only on that side.
    const c = epCopy(ep, copy);
    expect(epInterestFds(c)).toEqual(fds);
    expect(epRemove(m, ep, fds[5])).toBe(true);
    const extra = add();
    expect(epInterestFds(ep)).toEqual(listed(ep));
    expect(epInterestFds(ep)).not.toContain(fds[5]);
    expect(epInterestFds(ep)).toContain(extra);
    expect(epInterestFds(c)).toEqual(fds);
    expect(epRemove(m, c, fds[60])).toBe(true);
    expect(epInterestFds(c)).toEqual(listed(c));
    expect(epInterestFds(c)).not.toContain(fds[60]);
    expect(epInterestFds(ep)).toContain(fds[60]);
  });
});

describe('TCP queues in the hello run', () => {
  const { records } = runAll(builtin('hello'));
  it('the handshake fills the SYN queue, then the accept queue, which accept4 empties', () => {
    const i = records.findIndex((r) => r.text.startsWith('tcp_conn_request'));
    const j = records.findIndex((r) => r.kind === 'sock.queue' && r.text.includes('accept queue (1/4096)'));
    const k = records.findIndex((r) => r.syscall === 'accept4' && r.ret === 4);
    expect(i).toBeGreaterThan(0);
    expect(j).toBeGreaterThan(i);
    expect(k).toBeGreaterThan(j);
    expect(records[k].text).toContain('0 left');
  });

  it('the request bytes wait in the receive queue until read, and the server ACKs them at once', () => {
    const q = records.findIndex((r) => r.kind === 'sock.queue' && r.bytes === 83);
    expect(records[q + 1].text).toMatch(/^tcp_send_ack/);
  });

  it('the client closes first: the server goes CLOSE_WAIT → LAST_ACK → CLOSED', () => {
    const states = records
      .filter((r) => r.kind === 'tcp.state')
      .map((r) => r.text.match(/goes (\S+ → [A-Z_]+)/)?.[1]);
    expect(states).toEqual(['ESTABLISHED → CLOSE_WAIT', 'CLOSE_WAIT → LAST_ACK', 'LAST_ACK → CLOSED']);
  });
});
