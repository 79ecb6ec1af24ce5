/**
 * A small deterministic stand-in for the simulation kernel, for debugger tests: a counter machine with
 * an accept queue, per-fd receive queues, per-P run queues, a global run queue and an RX ring, driven
 * by a seeded xorshift. Each event emits zero, one or two records of varied kinds and fields, so tests
 * exercise every shape the Session must handle (events without records, records sharing a state).
 * `view` returns the whole machine inside a StateView, so comparing views compares states.
 */
import type { Scenario } from '../src/scenario/schema.js';
import type { Gauge, GaugeFilter, SimEngine } from '../src/sim/api.js';
import type { Kind, Layer, TraceRecord } from '../src/sim/trace.js';
import type { StateView } from '../src/sim/viewtypes.js';

export interface FakeMachine {
  now: number;
  nrec: number;
  rng: number;
  events: number;
  maxEvents: number;
  acceptq: number;
  /** Receive queue bytes of fds 4, 5, 6. */
  rcvq: number[];
  /** Local run queue lengths of P0, P1. */
  runq: number[];
  globrunq: number;
  rxring: number;
  /** A growing log, so states differ in shape as well as numbers. */
  log: number[];
}

const FDS = [4, 5, 6];

function rand(m: FakeMachine, n: number): number {
  let x = m.rng | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  m.rng = x >>> 0;
  return m.rng % n;
}

function emit(
  m: FakeMachine,
  out: TraceRecord[],
  kind: Kind,
  layer: Layer,
  text: string,
  extra: Partial<TraceRecord> = {},
): void {
  out.push({ step: m.nrec++, t_ns: m.now, layer, kind, text, ...extra });
}

/** A fake engine whose runs last `events` events (the scenario's seed picks the run). */
export function fakeEngine(events: number): SimEngine<FakeMachine> {
  return {
    boot(scenario: Scenario, seed?: number): FakeMachine {
      const s = (seed ?? scenario.seed ?? 1) >>> 0;
      return {
        now: 0,
        nrec: 0,
        rng: (s * 2654435761) >>> 0 || 1,
        events: 0,
        maxEvents: events,
        acceptq: 0,
        rcvq: [0, 0, 0],
        runq: [0, 0],
        globrunq: 0,
        rxring: 0,
        log: [],
      };
    },
    step(m: FakeMachine, out: TraceRecord[]): boolean {
      if (m.events >= m.maxEvents) return false;
      m.events++;
      m.now += 1 + rand(m, 1000);
      const e = rand(m, 12);
      const fdi = rand(m, 3);
      const fd = FDS[fdi];
      const p = rand(m, 2);
      const g = 1 + rand(m, 6);
      const tid = 100 + p;
      switch (e) {
        case 0:
        case 1: // a timer: no record
          m.log.push(m.now % 97);
          if (m.rxring > 0) m.rxring--;
          break;
        case 2: // a frame lands: DMA then IRQ
          m.rxring++;
          emit(m, out, 'nic.dma', 'nic', `DMA into slot ${m.rxring}.`, { slot: m.rxring, conn: 1 + fdi });
          emit(m, out, 'irq', 'nic', 'Hard IRQ (rx).', { ring: 'rx' });
          break;
        case 3:
          emit(m, out, 'irq', 'nic', 'Hard IRQ (tx).', { ring: 'tx' });
          break;
        case 4: // softirq moves a frame up: connection or data
          if (m.rxring > 0) m.rxring--;
          if (rand(m, 2) === 0) m.acceptq++;
          else m.rcvq[fdi] += 1000 * (1 + rand(m, 40));
          emit(m, out, 'softirq', 'kernel', 'NET_RX softirq.', { slot: m.rxring });
          break;
        case 5: {
          const ok = m.acceptq > 0;
          if (ok) m.acceptq--;
          emit(m, out, 'syscall', 'kernel', 'accept4.', {
            syscall: 'accept4',
            fd: 3,
            tid,
            ...(ok ? { ret: 4 + rand(m, 3) } : { ret: -1, errno: 'EAGAIN' }),
          });
          break;
        }
        case 6: {
          const n = m.rcvq[fdi];
          m.rcvq[fdi] = 0;
          emit(m, out, 'syscall', 'kernel', 'read.', {
            syscall: 'read',
            fd,
            tid,
            ...(n > 0 ? { ret: n } : { ret: -1, errno: 'EAGAIN' }),
          });
          break;
        }
        case 7: {
          const reason = ['accept', 'read', 'write'][rand(m, 3)];
          m.runq[p]++;
          emit(m, out, 'go.ready', 'runtime', `G${g} ready (${reason}).`, { g, m: p, p, reason, tid });
          break;
        }
        case 8: {
          const reason = ['accept', 'read', 'sleep'][rand(m, 3)];
          emit(m, out, 'go.park', 'runtime', `G${g} parks (${reason}).`, { g, m: p, p, reason, tid });
          break;
        }
        case 9:
          if (m.runq[p] > 0) m.runq[p]--;
          else if (m.globrunq > 0) m.globrunq--;
          emit(m, out, 'go.run', 'runtime', `G${g} runs.`, { g, m: p, p, tid });
          break;
        case 10:
          m.globrunq++;
          emit(m, out, 'go.create', 'runtime', `go G${g}.`, { g });
          emit(m, out, 'sched.global', 'runtime', `G${g} to the global queue.`, { g });
          break;
        default:
          emit(m, out, 'client.send', 'client', 'Client sends.', { conn: 1 + fdi, bytes: 78 });
      }
      return true;
    },
    clone: (m) => structuredClone(m),
    view(m: FakeMachine, step: number): StateView {
      return {
        step,
        t_ns: m.now,
        scenario: 'fake',
        nic: {
          name: 'eth0',
          mtu: 1500,
          rx: { size: 256, head: m.rxring, tail: 0, used: m.rxring, slots: [] },
          tx: { size: 256, head: 0, tail: 0, used: 0, slots: [] },
          irqs: { rx: 0, tx: 0 },
          rxDropped: 0,
          napiScheduled: false,
        },
        sockets: FDS.map((fd, i) => ({ id: fd, fd, state: 'ESTABLISHED', local: ':3000', rcvq: m.rcvq[i] })),
        fds: [],
        epoll: [],
        sched: {
          gomaxprocs: 2,
          ps: m.runq.map((n, id) => ({ id, status: 'running', runq: Array(n).fill(0), schedtick: 0 })),
          globrunq: Array(m.globrunq).fill(0),
          ms: [],
          gs: [],
          pollDescs: [],
        },
        clients: [],
        counters: {
          events: m.events,
          nrec: m.nrec,
          rng: m.rng,
          acceptq: m.acceptq,
          logLength: m.log.length,
          logSum: m.log.reduce((a, b) => a + b, 0),
        },
      };
    },
    gauge(m: FakeMachine, g: Gauge, f: GaugeFilter): number {
      switch (g) {
        case 'acceptq':
          return f.fd === undefined || f.fd === 3 ? m.acceptq : 0;
        case 'rcvq': {
          if (f.fd !== undefined) return m.rcvq[FDS.indexOf(f.fd)] ?? 0;
          return m.rcvq.reduce((a, b) => a + b, 0);
        }
        case 'runq':
          return f.p !== undefined ? (m.runq[f.p] ?? 0) : m.runq[0] + m.runq[1];
        case 'globrunq':
          return m.globrunq;
        case 'rxring':
          return m.rxring;
        default:
          return 0;
      }
    },
    emitted: (m) => m.nrec,
  };
}

/** A scenario object for the fake engine (only name, seed and notes matter to it). */
export function fakeScenario(seed = 1, notes: { at: string; text: string }[] = []): Scenario {
  return { name: 'fake', description: 'fake engine', seed, notes } as Scenario;
}
