// `netflow-tui diff`: the README's four "what if" pairs change their outcomes in the documented
// direction; no change gives two identical runs; bad keys and values are refused file-style (exit 2).
// Driven in-process through diffCommand (what the CLI action calls) on the real built-in scenarios.
import { describe, expect, it } from 'vitest';
import { diffCommand } from '../src/commands/diff.js';
import { measure } from '../src/whatif/fork.js';
import type { Outcome } from '../src/whatif/outcome.js';
import { sink } from './capture.js';
import { builtin } from './helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function diff(scenario: string, sets: string[], json = false): Run {
  const stdout = sink();
  const stderr = sink();
  const code = diffCommand({ scenario, sets, json }, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface DiffJson {
  scenario: string;
  identical: boolean;
  divergence: {
    step: number;
    original?: { text: string; kind: string; slot?: number };
    fork?: { text: string; kind: string; slot?: number };
  } | null;
  original: Outcome;
  fork: Outcome;
}

function diffJson(scenario: string, sets: string[]): DiffJson {
  const r = diff(scenario, sets, true);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as DiffJson;
}

describe('diff: the README pairs', () => {
  it('burst: a backlog of 4096 instead of 16 drops no handshakes and answers the median request sooner', () => {
    const d = diffJson('burst', ['machine.tcp.somaxconn=4096']);
    expect(d.divergence?.original?.text).toContain('"16\\n"'); // Go reads somaxconn from /proc
    expect(d.divergence?.fork?.text).toContain('"4096\\n"');
    expect(d.original.listenDrops).toBeGreaterThan(0);
    expect(d.fork.listenDrops).toBe(0);
    expect(d.original.acceptqPeak).toBe(17); // backlog + 1
    expect(d.fork.acceptqPeak).toBeGreaterThan(17);
    expect(d.fork.responses).toBe(1000);
    expect(d.original.responses).toBe(1000);
    expect(d.fork.latency.p50).toBeLessThan(d.original.latency.p50);
    expect(d.fork.syscalls.accept4!).toBeLessThan(d.original.syscalls.accept4!);
  });

  it('slow-handler-1: GOMAXPROCS 4 instead of 1 steals work and finishes sooner', () => {
    const d = diffJson('slow-handler-1', ['machine.gomaxprocs=4']);
    expect(d.divergence?.step).toBe(0); // boot makes a different number of Ps
    expect(d.original.runqPeak).toHaveLength(1);
    expect(d.fork.runqPeak).toHaveLength(4);
    expect(d.original.steals).toBe(0);
    expect(d.fork.steals).toBeGreaterThan(0);
    expect(d.fork.runqPeak[0]!).toBeLessThan(d.original.runqPeak[0]!);
    expect(d.fork.latency.p99).toBeLessThan(d.original.latency.p99);
    expect(d.fork.lastResponseNs).toBeLessThan(d.original.lastResponseNs);
    expect(d.original.preemptions).toBeGreaterThan(0);
    expect([d.original.responses, d.fork.responses]).toEqual([8, 8]);
  });

  it('big-response: a 1 MiB send buffer instead of 16 KiB takes the response in a few writes, no EAGAIN', () => {
    const d = diffJson('big-response', ['machine.tcp.wmem=1MiB']);
    expect(d.divergence?.original?.text).toMatch(/^write\(4, .*= 12288/);
    expect(d.original.errors['write EAGAIN']).toBeGreaterThan(0);
    expect(d.fork.errors['write EAGAIN']).toBeUndefined();
    expect(d.fork.syscalls.write!).toBeLessThan(d.original.syscalls.write!);
    expect(d.fork.latency.max).toBeLessThan(d.original.latency.max);
    expect(d.fork.wire.bytesOut).toBe(d.original.wire.bytesOut); // the same response either way
  });

  it('ring-overflow: 256 RX slots instead of 8 drop no frames, so nobody waits for a retransmission', () => {
    const d = diffJson('ring-overflow', ['machine.nic.rxRing=256']);
    // The runs part where a frame meets a full ring: the fork starts a DMA into slot 8, the original cannot.
    expect(d.divergence?.fork).toMatchObject({ kind: 'wire.rx', slot: 8 });
    expect(d.divergence?.original).toMatchObject({ kind: 'wire.rx' });
    expect(d.divergence?.original).not.toHaveProperty('slot');
    expect(d.original.rxDrops).toBeGreaterThan(0);
    expect(d.fork.rxDrops).toBe(0);
    expect(d.original.rxRingPeak).toBe(8);
    expect(d.fork.retransmits).toBeLessThan(d.original.retransmits);
    expect(d.fork.latency.p99).toBeLessThan(d.original.latency.p99 / 10);
    expect([d.original.responses, d.fork.responses]).toEqual([50, 50]);
  });
});

describe('diff: outcomes and output', () => {
  it('an empty change: identical runs, and both columns of the table equal', () => {
    const r = diff('hello', []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the two runs are identical: \d+ records/);
    const rows = r.stdout.split('\n').filter((l) => /^(responses|latency|syscall|records)/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.trimEnd().endsWith('=')).toBe(true);
    const j = diffJson('hello', []);
    expect(j.identical).toBe(true);
    expect(j.divergence).toBeNull();
    expect(j.fork).toEqual(j.original);
  });

  it('a value set to what the scenario already says is no change either', () => {
    const j = diffJson('tour', ['machine.tcp.somaxconn=4096']);
    expect(j.identical).toBe(true);
  });

  it('every response gets one latency, on keep-alive, raw TCP, split and lossy runs alike', () => {
    for (const name of ['keepalive', 'raw-tcp', 'split-request', 'upload', 'ring-overflow']) {
      const { outcome: o, measured } = measure(builtin(name));
      expect(o.responses, name).toBeGreaterThan(0);
      expect(measured, name).toBe(o.responses);
      expect(o.latency.p50, name).toBeGreaterThan(0);
      expect(o.latency.p50, name).toBeLessThanOrEqual(o.latency.max);
    }
  });

  it('a keep-alive second request is timed from its write, the first from connect()', () => {
    const j = diffJson('keepalive', []);
    expect(j.original.responses).toBe(2);
    expect(j.original.latency.p50).toBeLessThan(j.original.latency.max); // the first includes the handshake
  });

  it('the text output shows both records at the first difference, then the outcome table', () => {
    const r = diff('ring-overflow', ['machine.nic.rxRing=256']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('diff ring-overflow: as written vs machine.nic.rxRing=256');
    expect(lines[1]).toMatch(/^first difference at step \d+:$/);
    expect(lines[2]).toMatch(/^ {2}as written +\d+ .*wire +A frame from 10\.0\.0\.2:\d+ arrives/);
    expect(lines[3]).toMatch(/^ {2}with change +\d+ .*wire +A frame from 10\.0\.0\.2:\d+ arrives.*RX slot 8/);
    expect(r.stdout).toMatch(/\nRX ring drops +42 +0 +-42\n/);
  });

  it('several changes apply in order; list items by index; faults can be emptied', () => {
    const j = diffJson('packet-loss', ['faults=[]']);
    expect(j.fork.retransmits).toBeLessThan(j.original.retransmits);
    const h = diffJson('hello', ['server.routes.0.cpu=5ms', 'clients.0.count=3']);
    expect(h.fork.responses).toBe(3);
    expect(h.fork.latency.p50).toBeGreaterThan(5_000_000);
  });
});

describe('diff: bad keys and values exit 2 with file-style errors', () => {
  const cases: [string, RegExp][] = [
    [
      'machine.tcp.somaxconm=8',
      /^--set:1:13: machine\.tcp: unknown key "somaxconm"; did you mean "somaxconn"\?/,
    ],
    ['machine.gomaxprocs=0', /^--set:1:20: machine\.gomaxprocs: 0 is out of range: must be at least 1/],
    ['machine.tcp.rmem=lots', /^--set:1:18: machine\.tcp\.rmem: expected a size like "64KiB"/],
    ['clients.3.count=2', /^--set:1:9: clients: no item 3: the list has 1 item/],
    ['clients.first.count=2', /^--set:1:9: clients: expected a list index/],
    ['machine.gomaxprocs', /^--set:1:19: expected KEY=VALUE/],
    ['faults=[', /^--set:1:9: VALUE is not valid YAML/],
  ];
  for (const [arg, message] of cases) {
    it(`--set ${arg}`, () => {
      const r = diff('hello', [arg]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(`  --set ${arg}\n`); // the argument, with a caret under the column
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  it('the line number says which --set is wrong', () => {
    const r = diff('hello', ['machine.gomaxprocs=2', 'machine.nic.rxRng=8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--set:2:13: machine\.nic: unknown key "rxRng"; did you mean "rxRing"\?/);
  });

  it('an unknown scenario is bad input too', () => {
    const r = diff('no-such-scenario', []);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-scenario/);
  });
});
