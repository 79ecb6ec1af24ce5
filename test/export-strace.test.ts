/**
 * `export --format strace`: what `strace -f -tt -T` prints, read back. Every line has strace's shape
 * (pid prefix once there are threads, HH:MM:SS.uuuuuu, `= ret <secs>`, `<unfinished ...>` and
 * `<... name resumed>` where another thread's line came between), and joining the split calls gives back
 * every syscall record of the run, in order, with its arguments, result and errno: a 100 % match for
 * every built-in scenario (c10k: the same code on 10,000 connections, left to the pcap tests for time).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareWith } from '../src/compare/command.js';
import { parseStrace } from '../src/compare/strace.js';
import { straceArgs } from '../src/export/strace.js';
import { builtinNames } from '../src/scenario/builtin.js';
import { exportTo } from './export-helpers.js';
import { builtin, runAll, straceLine } from './helpers.js';

const LINE = /^(?:\[pid +(\d+)\] )?(\d\d:\d\d:\d\d\.\d{6}) (.*)$/;
// exit_group never returns: strace prints `= ?` and no time.
const FULL = /^([a-z0-9_]+\(.*\)) = (-?\d+|\?)(?: ([A-Z]+) \([^)]+\))?(?: <(\d+\.\d{6})>)?$/;
const ENTRY = /^([a-z0-9_]+\(.*) <unfinished \.\.\.>$/;
const RESUMED = /^<\.\.\. ([a-z0-9_]+) resumed>(.*\)) = (-?\d+)(?: ([A-Z]+) \([^)]+\))? <(\d+\.\d{6})>$/;

interface Parsed {
  call: string;
  pid: number | undefined;
  secs: number;
}

/** Reads an strace -f -tt -T log back into whole calls, in the order they returned. */
function parse(text: string): { calls: Parsed[]; exit?: number } {
  const calls: Parsed[] = [];
  const open = new Map<number | undefined, string>();
  let last = '';
  let exit: number | undefined;
  let threaded = false;
  for (const line of text.trimEnd().split('\n')) {
    const ex = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(line);
    if (ex) {
      exit = Number(ex[1]);
      continue;
    }
    const m = LINE.exec(line);
    expect(m, line).not.toBeNull();
    const [, pidText, clock, rest] = m!;
    const pid = pidText === undefined ? undefined : Number(pidText);
    if (threaded) expect(pid, `no pid prefix once there are threads: ${line}`).toBeDefined();
    expect(clock >= last, `time goes backwards: ${line}`).toBe(true);
    last = clock;
    const result = (ret: string, errno: string | undefined) => (errno ? `-1 ${errno}` : ret);
    let f: RegExpExecArray | null;
    if ((f = FULL.exec(rest))) {
      calls.push({ call: `${f[1]} = ${result(f[2], f[3])}`, pid, secs: Number(f[4]) });
    } else if ((f = ENTRY.exec(rest))) {
      expect(open.has(pid), `two calls unfinished on one thread: ${line}`).toBe(false);
      open.set(pid, f[1]);
    } else if ((f = RESUMED.exec(rest))) {
      const entry = open.get(pid);
      expect(entry, `resumed without an entry: ${line}`).toBeDefined();
      expect(entry!.startsWith(`${f[1]}(`)).toBe(true);
      open.delete(pid);
      calls.push({ call: `${entry}${f[2]} = ${result(f[3], f[4])}`, pid, secs: Number(f[5]) });
    } else throw new Error(`not an strace line: ${line}`);
    if (/^clone3?\(/.test(calls[calls.length - 1]?.call ?? '')) threaded = true;
  }
  expect([...open.keys()], 'calls left unfinished').toEqual([]);
  return { calls, exit };
}

describe('strace export', () => {
  for (const name of builtinNames().filter((n) => n !== 'c10k')) {
    it(`${name}: strace's format, and read back it is every syscall of the run (100 % match)`, async () => {
      const { records, m } = runAll(builtin(name));
      const sys = records.filter((r) => r.kind === 'syscall');
      const { calls, exit } = parse(readFileSync(await exportTo(name, 'strace'), 'utf8'));
      // The timeline's short forms (accept4, epoll structs, pointers) are written as strace writes them.
      const asStrace = (r: (typeof sys)[number]) =>
        straceLine({ ...r, args: straceArgs(r.syscall ?? '', (r.args ?? []).map(String)) });
      expect(calls.map((c) => c.call)).toEqual(sys.map(asStrace));
      // And `compare`, the reader of real strace logs, finds every syscall of the run in it, in order.
      const file = await exportTo(name, 'strace');
      const log = parseStrace(readFileSync(file, 'utf8'));
      const c = compareWith(log.calls, builtin(name), {
        scenario: name,
        log: file,
        unfinished: log.unfinished,
      });
      expect({ matched: c.matched, divergence: c.firstDivergence?.segment }).toEqual({
        matched: c.total,
        divergence: undefined,
      });
      expect(calls.map((c) => c.pid ?? m.proc.pid)).toEqual(sys.map((r) => r.tid));
      if (m.proc.exited) expect(exit).toBe(m.proc.status);
    });
  }

  it('hello: blocking epoll_pwait takes the time it waited; overlapping calls are split as strace splits them', async () => {
    const text = readFileSync(await exportTo('hello', 'strace'), 'utf8');
    const { calls } = parse(text);
    const blocked = calls.find((c) =>
      /^epoll_pwait\(5, \[\{events=EPOLLIN, data=\{u32=3, u64=3\}\}\], 128, -1, NULL, 8\)/.test(c.call),
    )!;
    expect(blocked.secs).toBeGreaterThan(0.0005); // from before the client's SYN (1 ms) to the wake-up
    expect(text).toMatch(/^\[pid +\d+\] \d\d:\d\d:\d\d\.\d{6} [a-z0-9_]+\(.* <unfinished \.\.\.>$/m);
    expect(text).toMatch(/^\[pid +\d+\] \d\d:\d\d:\d\d\.\d{6} <\.\.\. [a-z0-9_]+ resumed>/m);
    expect(text.split('\n')[0]).toMatch(/^00:00:00\.000000 clone3\(/); // one thread: no pid prefix yet
  });
});
