/**
 * `export --format perfetto`: a Chrome JSON trace Perfetto can load. Checked on real runs: slices on a
 * track nest (never cross), every flow has one start and one end with numeric `bind_id`s, counters are
 * never negative, and the hello trace has the structure a learner relies on (its tracks, and one flow
 * following the request from the wire through every layer to the client).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/export/perfetto.js';
import { exportTo } from './export-helpers.js';
import { builtin, runAll } from './helpers.js';

async function trace(name: string): Promise<TraceEvent[]> {
  const doc = JSON.parse(readFileSync(await exportTo(name, 'perfetto'), 'utf8'));
  expect(doc.displayTimeUnit).toBe('ns');
  return doc.traceEvents;
}

/** Track names: "process / thread" for each (pid, tid) from the metadata events. */
function trackNames(ev: TraceEvent[]): Map<string, string> {
  const proc = new Map<number, string>();
  for (const e of ev) if (e.ph === 'M' && e.name === 'process_name') proc.set(e.pid, String(e.args?.name));
  const names = new Map<string, string>();
  for (const e of ev)
    if (e.ph === 'M' && e.name === 'thread_name')
      names.set(`${e.pid}/${e.tid}`, `${proc.get(e.pid)} / ${e.args?.name}`);
  return names;
}

function checkNesting(ev: TraceEvent[]): void {
  const tracks = new Map<string, TraceEvent[]>();
  for (const e of ev.filter((x) => x.ph === 'X')) {
    expect(e.dur).toBeGreaterThanOrEqual(0);
    const k = `${e.pid}/${e.tid}`;
    if (!tracks.has(k)) tracks.set(k, []);
    tracks.get(k)!.push(e);
  }
  for (const [k, slices] of tracks) {
    // In integer nanoseconds, as Perfetto reads them (µs × 1000, ts and dur each).
    const ns = slices.map((s) => ({
      name: s.name,
      ts: Math.round(s.ts! * 1000),
      dur: Math.round(s.dur! * 1000),
    }));
    ns.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const open: number[] = []; // end times of the enclosing slices
    for (const s of ns) {
      while (open.length > 0 && open[open.length - 1] <= s.ts) open.pop();
      const end = s.ts + s.dur;
      if (open.length > 0)
        expect(end, `slice "${s.name}" at ${s.ts} ns crosses its parent on ${k}`).toBeLessThanOrEqual(
          open[open.length - 1],
        );
      open.push(end);
    }
  }
}

function flows(ev: TraceEvent[]): Map<number, TraceEvent[]> {
  const byId = new Map<number, TraceEvent[]>();
  for (const e of ev) {
    if (e.bind_id === undefined) continue;
    expect(Number.isInteger(e.bind_id)).toBe(true);
    if (!byId.has(e.bind_id)) byId.set(e.bind_id, []);
    byId.get(e.bind_id)!.push(e);
  }
  return byId;
}

describe('perfetto export', () => {
  for (const name of ['hello', 'keepalive', 'slow-handler-4', 'upload']) {
    it(`${name}: slices nest per track, flows have a start and an end, counters are never negative`, async () => {
      const ev = await trace(name);
      checkNesting(ev);
      const byId = flows(ev);
      expect(byId.size).toBeGreaterThan(0);
      for (const [id, chain] of byId) {
        const starts = chain.filter((e) => e.flow_out && !e.flow_in);
        const ends = chain.filter((e) => e.flow_in && !e.flow_out);
        expect({ id, starts: starts.length, ends: ends.length }).toEqual({ id, starts: 1, ends: 1 });
        for (const e of chain) expect(e.flow_in || e.flow_out).toBe(true);
      }
      const counters = ev.filter((e) => e.ph === 'C');
      expect(counters.length).toBeGreaterThan(0);
      for (const c of counters) {
        expect(typeof c.args?.value).toBe('number');
        expect(c.args?.value as number, c.name).toBeGreaterThanOrEqual(0);
      }
      for (const e of ev.filter((x) => x.ph === 'X')) expect(typeof e.args?.step).toBe('number');
    });
  }

  it('keepalive: one flow per request, each ending when the client has the complete response', async () => {
    const { records } = runAll(builtin('keepalive'));
    const responses = records.filter(
      (r) => r.kind === 'client.recv' && r.text.includes('reads the complete response'),
    );
    const byId = flows(await trace('keepalive'));
    expect(byId.size).toBe(responses.length);
    const lastSteps = [...byId.values()].map((chain) => chain.find((e) => !e.flow_out)!.args?.step);
    expect(lastSteps).toEqual(responses.map((r) => r.step));
  });

  it('hello (golden structure): its tracks, and the flow crossing every layer in order', async () => {
    const ev = await trace('hello');
    const names = trackNames(ev);
    expect([...new Set(names.values())].sort()).toMatchInlineSnapshot(`
      [
        "Go Ps / P0",
        "Go Ps / P1",
        "clients / curl 10.0.0.2:40001 (conn 1)",
        "eth0 (NIC, driver, kernel TCP/IP) / RX ring (DMA)",
        "eth0 (NIC, driver, kernel TCP/IP) / TX ring",
        "eth0 (NIC, driver, kernel TCP/IP) / hard IRQ",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "goroutines / G1 main",
        "goroutines / G6 c.serve 10.0.0.2:40001",
        "goroutines / G7 background read fd 4",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "server (pid 1000): one track per OS thread / M2 (thread 1002)",
        "server (pid 1000): one track per OS thread / M3 (thread 1003)",
        "wire (eth0 ↔ clients) / conn 1",
      ]
    `);
    const [chain] = [...flows(ev).values()];
    // The tracks the request's flow visits, consecutive repeats collapsed.
    const visits: string[] = [];
    for (const e of chain) {
      const n = names.get(`${e.pid}/${e.tid}`) ?? `${e.pid}/${e.tid}`;
      if (visits[visits.length - 1] !== n) visits.push(n);
    }
    expect(visits).toMatchInlineSnapshot(`
      [
        "wire (eth0 ↔ clients) / conn 1",
        "eth0 (NIC, driver, kernel TCP/IP) / RX ring (DMA)",
        "eth0 (NIC, driver, kernel TCP/IP) / hard IRQ",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "eth0 (NIC, driver, kernel TCP/IP) / TX ring",
        "wire (eth0 ↔ clients) / conn 1",
        "clients / curl 10.0.0.2:40001 (conn 1)",
        "wire (eth0 ↔ clients) / conn 1",
        "eth0 (NIC, driver, kernel TCP/IP) / RX ring (DMA)",
        "eth0 (NIC, driver, kernel TCP/IP) / hard IRQ",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "wire (eth0 ↔ clients) / conn 1",
        "eth0 (NIC, driver, kernel TCP/IP) / RX ring (DMA)",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "eth0 (NIC, driver, kernel TCP/IP) / TX ring",
        "wire (eth0 ↔ clients) / conn 1",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "clients / curl 10.0.0.2:40001 (conn 1)",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "server (pid 1000): one track per OS thread / M3 (thread 1003)",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "server (pid 1000): one track per OS thread / M2 (thread 1002)",
        "server (pid 1000): one track per OS thread / M0 (thread 1000)",
        "eth0 (NIC, driver, kernel TCP/IP) / kernel TCP/IP (softirq, socket calls)",
        "eth0 (NIC, driver, kernel TCP/IP) / TX ring",
        "wire (eth0 ↔ clients) / conn 1",
        "clients / curl 10.0.0.2:40001 (conn 1)",
      ]
    `);
    // The stages the issue names, in order: NIC → IRQ → TCP → accept queue → epoll → netpoller → run
    // queue → handler → write → TX ring → client.
    const stages = [
      (e: TraceEvent) => e.name.startsWith('wire.rx'),
      (e: TraceEvent) => e.name === 'irq',
      (e: TraceEvent) => String(e.args?.text).includes('accept queue'),
      (e: TraceEvent) => e.name === 'epoll.ready',
      (e: TraceEvent) => e.name === 'netpoll',
      (e: TraceEvent) => e.name === 'go.run',
      (e: TraceEvent) => e.name === 'handler',
      (e: TraceEvent) => e.name === 'write',
      (e: TraceEvent) => e.name === 'nic.tx',
      (e: TraceEvent) => e.name.startsWith('client.recv'),
    ];
    let at = 0;
    for (const [i, hit] of stages.entries()) {
      const next = chain.findIndex((e, j) => j >= at && hit(e));
      expect(next, `stage ${i} after position ${at}`).toBeGreaterThanOrEqual(0);
      at = next;
    }
  });
});
