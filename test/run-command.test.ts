/**
 * `netflow-tui run` (src/commands/run.ts): what a user sees on stdout and stderr, and the exit status,
 * checked against the engine run independently (test/helpers.ts runAll). Called in-process with
 * captured streams; one subprocess test for a reader that goes away (`| head -1`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.js';
import type { RunOptions } from '../src/commands/run-options.js';
import { engine } from '../src/sim/engine.js';
import { newStepLog } from '../src/sim/steplog.js';
import { recordToJson, recordToLine, type TraceRecord } from '../src/sim/trace.js';
import { builtin, runAll } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(scenarioPath: string, o: Partial<RunOptions> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCommand(
    { scenarioPath, json: false, breaks: [], state: false, ...o },
    { stdout, stderr },
  );
  return { code, stdout: stdout.text, stderr: stderr.text, lines: stdout.text.split('\n').slice(0, -1) };
}

const dir = mkdtempSync(join(tmpdir(), 'netflow-run-'));
function scenarioFile(name: string, yaml: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, yaml);
  return f;
}

const hello = runAll(builtin('hello')).records;

/** hello's records from a tracked run: each with its `changes`, as `run --json` prints them. */
function trackedHello(): TraceRecord[] {
  const m = engine.boot(builtin('hello'));
  const out: TraceRecord[] = [];
  const log = newStepLog();
  while (engine.step(m, out, { log })) {}
  return out;
}

/** The state right after step n: a fresh machine stepped (tracked) until record n, rewound inside its event. */
function stateAt(n: number, seed?: number) {
  const m = engine.boot(builtin('hello'), seed);
  const out: TraceRecord[] = [];
  const log = newStepLog();
  while (engine.emitted(m) <= n) engine.step(m, out, { log });
  return engine.view(m, n, log);
}

describe('run: the trace', () => {
  it('prints one recordToLine per record and exits 0 (hello meets its expectations)', async () => {
    const r = await run('hello');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(hello.map(recordToLine));
  });

  it('--json prints one recordToJson per line (plus the teaching note of a step that has one)', async () => {
    const r = await run('hello', { json: true });
    const withoutNotes = r.lines.map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      delete o.note;
      return JSON.stringify(o);
    });
    expect(withoutNotes).toEqual(trackedHello().map(recordToJson));
    expect(JSON.parse(r.lines[0]).step).toBe(0);
    expect(JSON.parse(r.lines[0]).note).toMatch(/^The Go runtime starts before main/);
  });

  it('--until-step N stops after record N', async () => {
    const r = await run('hello', { untilStep: 10 });
    expect(r.lines).toEqual(hello.slice(0, 11).map(recordToLine));
    expect((await run('hello', { untilStep: 99999 })).lines).toEqual(hello.map(recordToLine));
  });

  it('--seed overrides the scenario seed', async () => {
    const lossy = scenarioFile(
      'lossy',
      `name: lossy
description: frames dropped at random
clients:
  - start: 1ms
    count: 3
    every: 100us
    requests: [GET /]
faults:
  - probability: 0.3
maxTime: 3s
`,
    );
    const a = await run(lossy, { seed: 1 });
    const b = await run(lossy, { seed: 2 });
    expect(a.lines).not.toEqual(b.lines);
    const { loadScenarioFile } = await import('../src/scenario/load.js');
    expect(b.lines).toEqual(runAll(loadScenarioFile(lossy), { seed: 2 }).records.map(recordToLine));
  });
});

describe('run --break', () => {
  it('syscall:accept4 stops on the first accept4, which fails with EAGAIN', async () => {
    const r = await run('hello', { breaks: ['syscall:accept4'] });
    const at = hello.findIndex((x) => x.kind === 'syscall' && x.syscall === 'accept4');
    expect(hello[at]).toMatchObject({ errno: 'EAGAIN', fd: 3 });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      ...hello.slice(0, at + 1).map(recordToLine),
      `stopped at step ${at}: ${hello[at].text}`,
    ]);
  });

  it('wakeup:accept stops where netpoll readies the goroutine parked in Accept', async () => {
    const r = await run('hello', { breaks: ['wakeup:accept'] });
    const last = r.lines.at(-1)!;
    const step = Number(/^stopped at step (\d+): /.exec(last)?.[1]);
    expect(hello[step]).toMatchObject({ kind: 'go.ready', reason: 'accept', g: 1 });
    expect(hello.slice(0, step).some((x) => x.kind === 'go.ready' && x.reason === 'accept')).toBe(false);
    expect(r.lines.length).toBe(step + 2);
  });

  it('several breakpoints: the first hit of any stops the run', async () => {
    const r = await run('hello', { breaks: ['wakeup:accept', 'irq:rx', 'syscall:bind'] });
    const at = hello.findIndex(
      (x) =>
        (x.kind === 'go.ready' && x.reason === 'accept') ||
        (x.kind === 'irq' && x.ring === 'rx') ||
        (x.kind === 'syscall' && x.syscall === 'bind'),
    );
    expect(r.lines.at(-1)).toBe(`stopped at step ${at}: ${hello[at].text}`);
  });

  it('a watch stops on the first step where the condition holds and did not before', async () => {
    const r = await run('hello', { breaks: ['watch acceptq > 0'] });
    // Independently: the first step right after which the accept queue is not empty (a step is one
    // state transition: the tcp_check_req step, not the NAPI poll of the same event).
    let want = -1;
    for (let n = 0; n < hello.length && want < 0; n++)
      if (stateAt(n).sockets.some((s) => (s.acceptq ?? 0) > 0)) want = n;
    expect(want).toBeGreaterThan(0);
    expect(r.lines.at(-1)).toBe(`stopped at step ${want}: ${hello[want].text}`);
    expect(stateAt(want).sockets.some((s) => (s.acceptq ?? 0) > 0)).toBe(true);
    expect(stateAt(want - 1).sockets.some((s) => (s.acceptq ?? 0) > 0)).toBe(false);
  });

  it('no hit: the whole run, then "no breakpoint hit (N records)"', async () => {
    const r = await run('hello', { breaks: ['syscall:bind errno=EACCES'] });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([...hello.map(recordToLine), `no breakpoint hit (${hello.length} records)`]);
  });

  it('with --json the stop line goes to stderr, so stdout stays JSON lines', async () => {
    const r = await run('hello', { json: true, breaks: ['syscall:accept4'] });
    for (const l of r.lines) JSON.parse(l);
    expect(r.stderr).toMatch(/^stopped at step \d+: accept4\(/);
  });

  it('a malformed spec: stderr names the column and what was expected, exit 2, no trace', async () => {
    const r = await run('hello', { breaks: ['syscall:read', 'watch runq fd=3 > 1'] });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      '--break: column 12: runq takes p=N; expected p=N or a comparison: one of >, >=, <, <=, ==, !=\n',
    );
  });
});

describe('run --at N --state', () => {
  it('prints the StateView at step N as one pretty JSON object, equal to stepping there', async () => {
    for (const n of [0, 1, 40, 66, hello.length - 1]) {
      const r = await run('hello', { at: n, state: true });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${JSON.stringify(stateAt(n), null, 2)}\n`);
    }
  });

  it('the view has the keys the TUI draws', async () => {
    const v = JSON.parse((await run('hello', { at: 66, state: true })).stdout);
    for (const k of ['step', 't_ns', 'nic', 'sockets', 'fds', 'epoll', 'sched']) expect(v).toHaveProperty(k);
    expect(v.nic.rx).toHaveProperty('slots');
  });

  it('a step past the end is an error', async () => {
    const r = await run('hello', { at: hello.length, state: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `--at ${hello.length}: the run has ${hello.length} steps (0..${hello.length - 1})\n`,
    );
  });

  it('--state with --break prints the state at the stop; alone, the state at the last step', async () => {
    const at = hello.findIndex((x) => x.kind === 'syscall' && x.syscall === 'accept4');
    const r = await run('hello', { breaks: ['syscall:accept4'], state: true });
    expect(JSON.parse(r.stdout)).toEqual(stateAt(at));
    const end = await run('hello', { state: true });
    expect(JSON.parse(end.stdout)).toEqual(stateAt(hello.length - 1));
  });

  it('--at without --state, or with --break, is a usage error', async () => {
    expect((await run('hello', { at: 3 })).code).toBe(2);
    expect((await run('hello', { at: 3, state: true, breaks: ['irq'] })).code).toBe(2);
  });
});

describe('run: bad input and expectations', () => {
  it('an expectation that fails: the trace, then the failures on stderr, exit 1', async () => {
    const f = scenarioFile(
      'wrong',
      `name: wrong
description: expects the wrong body
clients:
  - requests: [GET /missing]
expect:
  - status: 200
`,
    );
    const r = await run(f);
    expect(r.code).toBe(1);
    expect(r.lines.length).toBeGreaterThan(50);
    expect(r.stderr).toMatch(/^expectation failed: expect\[0\]: .*404/);
  });

  it('a scenario with problems: file:line:col on stderr, exit 2', async () => {
    const f = scenarioFile('broken', 'name: broken\ndescription: x\nclients:\n  - count: -1\n');
    const r = await run(f);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/broken\.yaml:4:\d+: /);
  });

  it('an unknown built-in name: exit 2', async () => {
    const r = await run('helo');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown scenario/);
  });
});

describe('run through the CLI', () => {
  it('a reader that goes away (| head -1) ends the run quietly with status 0', () => {
    const many = scenarioFile(
      'many',
      `name: many
description: enough output to fill a pipe
clients:
  - count: 150
    every: 20us
    requests: [GET /hello]
`,
    );
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; node --import tsx src/cli.ts run '${many}' | head -1; echo "status $?" >&2`],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(r.stdout).toMatch(/^ {4}0 {10}0ns {2}app/);
    expect(r.stdout.split('\n').length).toBe(2);
    expect(r.stderr).toBe('status 0\n');
  }, 30_000);
});
