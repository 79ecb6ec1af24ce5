/**
 * The wire and the server's TCP receive path, from real runs of the `upload` built-in and variants of
 * it: a link is FIFO (no segment overtakes one sent before it), and data beyond a hole waits in the
 * out-of-order queue (tcp_data_queue_ofo) instead of being dropped, so a lost segment costs a fast
 * retransmit, not a 200 ms retransmission timeout.
 */
import { describe, expect, it } from 'vitest';
import { engine } from '../src/sim/engine.js';
import { flatMachine } from '../src/sim/steplog.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll, scenario } from './helpers.js';
import { checkTruth } from './truth.js';

/** The `upload` built-in with its POST body and faults replaced. */
function upload(body: string, faults?: unknown[]) {
  const sc = structuredClone(builtin('upload')) as unknown as Record<string, unknown>;
  const clients = sc.clients as { requests: ({ body?: string } | string)[] }[];
  (clients[0].requests[0] as { body: string }).body = body;
  if (faults) sc.faults = faults;
  return scenario(sc);
}

/** The sequence numbers of client data segments as they reach eth0, in arrival order. */
function arrivals(records: TraceRecord[]): number[] {
  return records
    .filter((r) => r.kind === 'wire.rx' && (r.bytes ?? 0) > 0)
    .map((r) => Number(/seq (\d+)/.exec(r.text)?.[1]));
}

const rto = (r: TraceRecord) => /retransmission timer fires/.test(r.text);

describe('the link is FIFO', () => {
  it('a 3,000-byte POST at MTU 1500 arrives in order: the short tail does not overtake, no RTO', () => {
    const { records, m } = runAll(upload('3000'), { invariants: true });
    const seqs = arrivals(records);
    expect(seqs.slice(0, 3)).toEqual([1, 1461, 2921]);
    expect(records.some((r) => /out of order|tcp_data_queue_ofo/.test(r.text))).toBe(false);
    expect(records.some(rto)).toBe(false);
    expect(m.clients[0].statuses).toEqual([200, 200]);
    // The first response reaches the client within a couple of ms, not after a 200+ ms timeout.
    const resp = records.find((r) => r.layer === 'client' && /receives .*HTTP\/1\.1 200/.test(r.text));
    expect(resp?.t_ns).toBeLessThan(3_000_000);
  });

  it('every segment of the 200 KiB upload reaches eth0 in the order it was sent', () => {
    const { records } = runAll(builtin('upload'));
    const seqs = arrivals(records);
    expect(seqs.length).toBeGreaterThan(100);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    // Back-to-back frames are spaced by their serialisation time, not delivered at one instant.
    const times = records.filter((r) => r.kind === 'wire.rx' && (r.bytes ?? 0) === 1460).map((r) => r.t_ns);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(1_200);
  });
});

describe('the out-of-order queue (tcp_data_queue_ofo)', () => {
  const lossy = () => upload('10000', [{ drop: 'request', conn: 1 }]);

  it('keeps the segments after a lost one, SACKs them, and recovers by fast retransmit without an RTO', () => {
    const { records, m } = runAll(lossy(), { invariants: true });
    const ofo = records.filter((r) => r.fn?.startsWith('tcp_data_queue_ofo'));
    expect(ofo.length).toBe(6);
    expect(ofo[0].text).toMatch(/1460 B at seq 1461 arrived beyond a hole \(expected 1\)/);
    // Every duplicate ACK names what the server holds, and keeps the window it offered.
    const dupAcks = records.filter((r) => r.kind === 'wire.tx' && /ack 1 win \d+ <sack /.test(r.text));
    expect(dupAcks.length).toBe(6);
    expect(new Set(dupAcks.map((r) => /win (\d+)/.exec(r.text)?.[1])).size).toBe(1);
    expect(records.some((r) => /third duplicate ACK for seq 1/.test(r.text))).toBe(true);
    const filled = records.find((r) => r.fn?.startsWith('tcp_ofo_queue'));
    expect(filled?.text).toMatch(/8648 B the out-of-order queue held join the receive queue/);
    expect(records.some(rto)).toBe(false);
    expect(filled!.t_ns).toBeLessThan(2_000_000);
    expect(m.clients[0].statuses).toEqual([200, 200]);
    expect(m.stats.retransmits).toBe(0);
  });

  it('shows the queue in the machine state while the hole is open (conn 1 ofoq)', () => {
    const m = engine.boot(lossy());
    const out: TraceRecord[] = [];
    const seen: string[] = [];
    while (engine.step(m, out)) {
      const v = flatMachine(m)['conn 1 ofoq'];
      if (v !== undefined && seen.at(-1) !== v) seen.push(String(v));
    }
    expect(seen[0]).toBe('1460 B: seq 1461–2921');
    expect(seen.at(-1)).toBe('8648 B: seq 1461–10109');
    expect(flatMachine(m)['conn 1 ofoq']).toBeUndefined();
  });

  it('every step of the lossy upload tells the truth: each ofo change is claimed by its record', () => {
    const r = checkTruth(lossy(), { maxProblems: 5 });
    expect(r.problems).toEqual([]);
    expect(r.noFn).toEqual([]);
  });
});

describe('the SYN-ACK (tcp_select_initial_window)', () => {
  it('offers an unscaled window ≤ 65535: half the 128 KiB buffer rounded down to the MSS, 64240 at MTU 1500', () => {
    const { records, m } = runAll(builtin('upload'), { invariants: true });
    const synack = records.find((r) => r.kind === 'wire.tx' && r.flags === 'SYN|ACK');
    expect(synack?.text).toMatch(/win 64240 <mss 1460,wscale 7>/);
    // The 200 KiB upload is still sent whole and answered.
    expect(m.clients[0].statuses).toEqual([200, 200]);
  });

  it('on loopback (MTU 65536) the offer is one MSS, 65496 B, still within 65535', () => {
    const sc = builtin('hello');
    sc.machine = { ...sc.machine, nic: { ...sc.machine?.nic, mtu: 65536 } };
    const { records } = runAll(sc);
    const synack = records.find((r) => r.kind === 'wire.tx' && r.flags === 'SYN|ACK');
    expect(synack?.text).toMatch(/win 65496 <mss 65496,wscale 7>/);
  });
});
