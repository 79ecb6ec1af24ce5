/**
 * `netflow-tui compare` (src/compare/): reading strace logs, lining them up, scoring, and what the
 * user sees. The end-to-end checks render a real run of a built-in scenario in strace's own syntax
 * (what strace prints for those calls: sockaddr structs, epoll data words, -yy decorations) and compare
 * it with the same run: every call must match, and a call taken out must be the first divergence with
 * the step to open. test/fidelity-real.test.ts does the same against a real Go server. Hand-written
 * log lines only for what a real run cannot produce: strace's stderr format, cut and garbled files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BOOKKEEPING, fromStrace, fromTrace, segment } from '../src/compare/calls.js';
import { compareCommand } from '../src/compare/command.js';
import { parseStrace, StraceError } from '../src/compare/strace.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'netflow-compare-'));

/** A sim syscall record as strace -f -o LOG -yy prints it, pid first. */
function straceLine(r: TraceRecord): string {
  const a = (r.args ?? []).map(String);
  const sa = (addr: string) => {
    const m = /^\[(.*)\]:(\d+)$/.exec(addr) as RegExpExecArray;
    return `{sa_family=AF_INET6, sin6_port=htons(${m[2]}), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "${m[1]}", &sin6_addr), sin6_scope_id=0}`;
  };
  const fd = (x: string) => `${x}<TCPv6:[[::]:3000]>`;
  const ev = (flags: string, f: string) =>
    `{events=${flags}, data={u32=${1000 + Number(f)}, u64=${1000 + Number(f)}}}`;
  let args: string[];
  switch (r.syscall) {
    case 'bind':
      args = [fd(a[0]), sa(a[1]), '28'];
      break;
    case 'setsockopt':
      args = [fd(a[0]), a[1], a[2], a[3], '4'];
      break;
    case 'accept4':
      args = [fd(a[0]), '0xc00005bae4', '[112]', a[2]];
      break;
    case 'epoll_ctl':
      args = [`${a[0]}<anon_inode:[eventpoll]>`, a[1], fd(a[2])];
      if (a[1] !== 'EPOLL_CTL_DEL') args.push(ev(a[3].slice(1, -1), a[2]));
      else args.push('0xc00005b984');
      break;
    case 'epoll_pwait': {
      const evs = [...a[1].matchAll(/\{([A-Z|]+), fd (\d+)\}/g)].map((m) => ev(m[1], m[2]));
      args = [`${a[0]}<anon_inode:[eventpoll]>`, `[${evs.join(', ')}]`, a[2], a[3], 'NULL', '0'];
      break;
    }
    case 'read':
    case 'write':
      args = [fd(a[0]), '"…"', a[2]];
      break;
    case 'getsockname':
      args = [fd(a[0]), sa('[::]:3000'), '[112 => 28]'];
      break;
    default:
      args = a;
  }
  const ret = r.errno ? `-1 ${r.errno} (Resource temporarily unavailable)` : `${r.ret}`;
  return `${r.tid} 05:00:00.000000 ${r.syscall}(${args.join(', ')}) = ${ret} <0.000010>`;
}

function writeLog(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function compare(log: string, scenario?: string, o: { json?: boolean; minMatch?: number } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = compareCommand(
    { log, scenario, json: o.json === true, minMatch: o.minMatch },
    { out: (s) => out.push(s), err: (s) => err.push(s) },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const hello = runAll(builtin('hello')).records.filter((r) => r.kind === 'syscall');

describe('reading a strace log', () => {
  it('joins unfinished/resumed pairs per thread, places a call where it completed, and reads -yy decorations', () => {
    const log = parseStrace(
      [
        '100 15:00:00.000001 execve("./server", ["./server"], 0x7ffd /* 9 vars */) = 0 <0.000300>',
        '101 15:00:00.000100 epoll_pwait(5<anon_inode:[eventpoll]>,  <unfinished ...>',
        '100 15:00:00.000200 accept4(3<TCPv6:[[::]:3000]>, {sa_family=AF_INET6, sin6_port=htons(51772), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, [112 => 28], SOCK_CLOEXEC|SOCK_NONBLOCK) = 4<TCPv6:[[::ffff:127.0.0.1]:3000->[::ffff:127.0.0.1]:51772]> <0.000029>',
        '100 15:00:00.000250 fcntl(0</dev/null<char 1:3>>, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE) <0.000074>',
        '101 15:00:00.000300 <... epoll_pwait resumed>[{events=EPOLLIN, data={u32=7, u64=7}}], 128, -1, NULL, 0) = 1 <0.000200>',
        '100 15:00:00.000400 --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=100, si_uid=0} ---',
        '100 15:00:00.000500 read(4<TCPv6:[[::ffff:127.0.0.1]:3000->[::ffff:127.0.0.1]:51772]>, "GET / HTTP/1.1\\r\\n(x, y)\\"", 4096) = 83 <0.000010>',
        '101 15:00:00.000600 futex(0x8e5a60, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>',
        '100 15:00:00.000700 +++ killed by SIGKILL +++',
      ].join('\n'),
    );
    expect(log.calls.map((c) => [c.line, c.tid, c.name, c.ret, c.errno])).toEqual([
      [1, 100, 'execve', 0, undefined],
      [3, 100, 'accept4', 4, undefined],
      [4, 100, 'fcntl', 0x8000, undefined],
      [5, 101, 'epoll_pwait', 1, undefined],
      [7, 100, 'read', 83, undefined],
    ]);
    expect(log.calls[1].args).toHaveLength(4);
    expect(log.calls[3].args[2]).toBe('128');
    expect(log.calls[4].args[1]).toBe('"GET / HTTP/1.1\\r\\n(x, y)\\""');
    expect(log.unfinished).toBe(1); // the futex the kill interrupted
    const calls = fromStrace(log.calls);
    expect(calls[1].key).toEqual(['3', 'SOCK_CLOEXEC|SOCK_NONBLOCK']);
  });

  it("reads strace's stderr format too: the main thread bare, the others as [pid N]", () => {
    const log = parseStrace(
      [
        'socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3',
        '[pid   201] nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0',
        'strace: Process 202 attached',
        'bind(3, {sa_family=AF_INET6, sin6_port=htons(3000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}, 28) = -1 EADDRINUSE (Address already in use)',
        '+++ exited with 1 +++',
      ].join('\n'),
    );
    expect(log.calls.map((c) => `${c.tid} ${c.name} ${c.errno ?? c.ret}`)).toEqual([
      '0 socket 3',
      '201 nanosleep 0',
      '0 bind EADDRINUSE',
    ]);
    expect(log.exitCode).toBe(1);
    expect(fromStrace(log.calls)[2].key).toEqual(['3', '[::]:3000']);
  });

  it('a cut or garbled log is an error naming the line', () => {
    const err = (text: string) => {
      try {
        parseStrace(text);
      } catch (e) {
        if (e instanceof StraceError) return `${e.line}: ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    expect(
      err('100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3\n100 bind(3, {sa_family=AF_INET6, sin6_po'),
    ).toMatch(/^2: the log ends in the middle of a call \(truncated\?\)/);
    expect(err('100 close(3) = 0\nhello world\n100 close(4) = 0\n')).toMatch(
      /^2: not a strace line: hello world/,
    );
    expect(err('')).toMatch(/^1: no syscalls in this file/);
    expect(err('100 close(3) = 0\n\u001b]0;owned\u0007\n')).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('compare on a real run of a built-in scenario', () => {
  const log = writeLog('hello.strace', hello.map(straceLine));

  it('the run against itself: every syscall matches, per start-up and connection', () => {
    const r = compare(log, 'hello');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^start-up: (\d+)\/\1 matched$/m);
    expect(r.stdout).toMatch(/^connection 1: (\d+)\/\1 matched$/m);
    expect(r.stdout).toContain('no divergence');
    const j = JSON.parse(compare(log, 'hello', { json: true }).stdout);
    expect(j.percent).toBe(100);
    const scored = hello.filter((x) => !BOOKKEEPING.has(x.syscall as string));
    const idle = scored.filter((x) => x.syscall === 'epoll_pwait' && x.args?.[3] === 0 && x.ret === 0);
    expect(j.total).toBe(scored.length - idle.length);
    // Side by side: the real line number and the sim step of the same call.
    const listen = hello.find((x) => x.syscall === 'listen') as TraceRecord;
    const line = hello.indexOf(listen) + 1;
    expect(r.stdout).toMatch(
      new RegExp(`^✓ L${line} .*listen\\(3, 4096\\) = 0 +#${listen.step} \\[\\d+\\] listen`, 'm'),
    );
  });

  it('a call the real server did not make is the first divergence, with the sim step to open', () => {
    const listenAt = hello.findIndex((x) => x.syscall === 'listen');
    const cut = writeLog('no-listen.strace', hello.filter((_, i) => i !== listenAt).map(straceLine));
    const r = compare(cut, 'hello');
    expect(r.stdout).toContain(
      `first divergence (start-up): sim step ${hello[listenAt].step}: listen(3, 4096) = 0 is not in the real log`,
    );
    expect(r.stdout).toContain(`open it: netflow-tui hello --at ${hello[listenAt].step}`);
    expect(compare(cut, 'hello', { minMatch: 100 })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/below --min-match 100/),
    });
    expect(compare(cut, 'hello', { minMatch: 90 }).code).toBe(0);
  });

  it('another errno or size is a divergence of the same syscall (≠), not a match', () => {
    const lines = hello
      .map(straceLine)
      .map((l) => l.replace(/read\((4<[^>]*>), "…", 4096\) = 83/, 'read($1, "…", 4096) = 84'));
    const r = compare(writeLog('read84.strace', lines), 'hello');
    expect(r.stdout).toMatch(/^≠ L\d+ .*read\(4, 4096\) = 84 +#\d+ \[\d+\] read\(4, 4096\) = 83$/m);
  });

  it('without a scenario, the built-in whose requests fit the log is chosen', () => {
    const about = runAll(builtin('about')).records.filter((r) => r.kind === 'syscall');
    const lines = about
      .map(straceLine)
      .map((l) =>
        / read\(4</.test(l) && / = 83 /.test(l)
          ? l.replace('"…"', '"GET /about HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"')
          : l,
      );
    const r = compare(writeLog('about.strace', lines));
    expect(r.stdout.split('\n')[0]).toBe('compare about.strace with scenario about');
  });

  it('concurrent connections are scored apart: another interleaving of their threads still matches', () => {
    const recs = runAll(builtin('slow-handler-4')).records.filter((r) => r.kind === 'syscall');
    const sim = segment(fromTrace(recs));
    expect(sim.conns.length).toBe(8);
    // The real machine may finish the connections' calls in any interleaving: here, one connection
    // after another. Each accept and its epoll registration stay where they were, as they do in any
    // real log (a fd is registered before epoll can report it).
    const connOf = new Map<number, number>();
    sim.conns.forEach((calls, k) => {
      for (const c of calls.slice(2)) connOf.set(c.step as number, k);
    });
    const serial = [
      ...recs.filter((r) => !connOf.has(r.step)),
      ...sim.conns.flatMap((calls) =>
        calls.slice(2).map((c) => recs.find((r) => r.step === c.step) as TraceRecord),
      ),
    ];
    expect(serial).toHaveLength(recs.length);
    expect(serial.map((r) => r.step)).not.toEqual(recs.map((r) => r.step)); // it is another order
    expect(sim.conns.every((c) => c[0].name === 'accept4' && c[1].name === 'epoll_ctl')).toBe(true);
    const r = compare(writeLog('serial.strace', serial.map(straceLine)), 'slow-handler-4');
    for (let k = 1; k <= 8; k++)
      expect(r.stdout).toMatch(new RegExp(`^connection ${k}: (\\d+)/\\1 matched$`, 'm'));
    expect(r.stdout).toMatch(/\(100\.0 %\)/);
  });

  it('thread bookkeeping is counted apart, per phase, and never scored', () => {
    const calls = segment(fromStrace(parseStrace(hello.map(straceLine).join('\n')).calls));
    const clones = hello.filter((x) => x.syscall === 'clone3').length;
    const counted = [...calls.bookkeeping.init, ...calls.bookkeeping.startup, ...calls.bookkeeping.serving];
    expect(counted.filter((c) => c.name === 'clone3')).toHaveLength(clones);
    expect(compare(log, 'hello').stdout).toMatch(/^thread bookkeeping \(aligned by name, not scored\):$/m);
  });

  it('bad input: a missing log or a garbled one is exit 2 with file:line, no stack', () => {
    expect(compare(join(dir, 'nope.strace'), 'hello')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/nope\.strace: cannot read the log: ENOENT/),
    });
    const bad = writeLog('bad.strace', ['100 close(3) = 0', 'GET / HTTP/1.1']);
    const r = compare(bad, 'hello');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.strace:2: not a strace line: GET \/ HTTP\/1\.1/);
    expect(compare(log, 'no-such-scenario').code).toBe(2);
  });

  it('the command line: compare is registered, --min-match is checked, exit codes as documented', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
        encoding: 'utf8',
        cwd: ROOT,
      });
    const help = cli('compare', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('netflow-tui compare server.strace hello');
    expect(cli('compare', log, 'hello', '--min-match', '101').status).toBe(2);
    const ok = cli('compare', log, 'hello', '--json', '--min-match', '100');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).percent).toBe(100);
  }, 120_000); // three CLI start-ups through tsx: seconds each on a loaded machine
});
