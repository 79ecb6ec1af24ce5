/**
 * Names in breakpoint specs come from the simulation's own tables: a misspelt syscall, ring, wait
 * reason, errno or kind is refused with the nearest real name (it could only ever have 0 hits), and
 * the tables are complete — every syscall and errno a built-in scenario emits is in them. Also the
 * `anomaly:<kind>` spec, the CLI's `run --notes` and the `note` field of `run --json`.
 */
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.js';
import { ERRNOS, parseBreakpoint, SYSCALL_NAMES } from '../src/debug/breakpoints.js';
import { builtin, runAll } from './helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(scenarioPath: string, o: { json?: boolean; notes?: boolean; breaks?: string[] } = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCommand(
    { scenarioPath, json: o.json ?? false, notes: o.notes, breaks: o.breaks ?? [], state: false },
    { stdout, stderr },
  );
  return { code, out: stdout.text, err: stderr.text };
}

const error = (spec: string) => {
  const r = parseBreakpoint(spec);
  return r.ok ? 'accepted' : `column ${r.column}: ${r.error}`;
};

describe('breakpoint names are checked against the simulation', () => {
  it.each([
    ['syscall:acept4', 'column 9: "acept4" is not a syscall the simulation makes; did you mean "accept4"?'],
    ['irq:rz', 'column 5: expected rx or tx, found "rz"; did you mean "rx"?'],
    [
      'park:raed',
      'column 6: expected one of accept, read, write, sleep, cond, found "raed"; did you mean "read"?',
    ],
    ['wakeup:acept', 'did you mean "accept"?'],
    [
      'sycall:accept4',
      'column 1: expected one of syscall, irq, softirq, wakeup, park, event, anomaly, watch, found "sycall"; did you mean "syscall"?',
    ],
    [
      'syscall errno=EAGIAN',
      'column 15: "EAGIAN" is not an errno the simulation returns; did you mean "EAGAIN"?',
    ],
    ['event:go.craete', 'column 7: no record kind matches "go.craete"; did you mean "go.create"?'],
    ['anomaly:overflw', 'column 9: "overflw" is not an anomaly kind; did you mean "overflow"?'],
  ])('%s is refused with the nearest name', (spec, message) => {
    expect(error(spec)).toContain(message);
  });

  it('still accepts every real name', () => {
    for (const name of SYSCALL_NAMES) expect(error(`syscall:${name}`)).toBe('accepted');
    for (const e of ERRNOS) expect(error(`syscall errno=${e.toLowerCase()}`)).toBe('accepted');
  });

  it('the tables hold every syscall and errno the built-in scenarios emit', () => {
    const names = readdirSync(new URL('../scenarios', import.meta.url))
      .map((f) => f.replace(/\.yaml$/, ''))
      .filter((n) => n !== 'c10k');
    const syscalls = new Set<string>();
    const errnos = new Set<string>();
    for (const n of names) {
      for (const r of runAll(builtin(n)).records) {
        if (r.syscall) syscalls.add(r.syscall);
        if (r.errno) errnos.add(r.errno);
      }
    }
    expect([...syscalls].filter((s) => !(SYSCALL_NAMES as readonly string[]).includes(s))).toEqual([]);
    expect([...errnos].filter((e) => !ERRNOS.includes(e))).toEqual([]);
    expect(syscalls.size).toBeGreaterThan(10);
  }, 60_000);
});

describe('anomaly:<kind> breakpoints', () => {
  it('run burst --break anomaly:overflow stops at the first accept-queue overflow', async () => {
    const r = await run('burst', { breaks: ['anomaly:overflow'] });
    expect(r.code).toBe(0);
    const last = r.out.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      /^stopped at step \d+: tcp_conn_request: SYN from connection \d+ dropped: the accept queue is full/,
    );
  });

  it('an errno is its own kind, and a kind the trace cannot show is explained', () => {
    const r = parseBreakpoint('anomaly:emfile');
    expect(r.ok && r.bp.type === 'event' && r.bp.conds).toEqual([{ key: 'errno', value: 'EMFILE' }]);
    expect(error('anomaly:retransmit')).toContain("is found by the TUI's a key");
    expect(error('anomaly')).toContain("expected ':' and a kind after anomaly");
  });
});

describe('run --notes and the note field of run --json', () => {
  it('prints each teaching note, indented, under the step it explains', async () => {
    const r = await run('tour', { notes: true });
    const lines = r.out.split('\n');
    const accept = lines.findIndex((l) => /^\s+\d+ .*accept4\(3, .*= 4/.test(l));
    expect(accept).toBeGreaterThan(0);
    expect(lines[accept + 1]).toMatch(/^ {29}note: /);
    const plain = await run('tour');
    expect(plain.out).not.toContain('note: ');
  });

  it('carries the notes as `note` in JSON lines, after text, and only on the records they are at', async () => {
    const r = await run('tour', { json: true });
    const recs = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const noted = recs.filter((x) => typeof x.note === 'string');
    expect(noted.length).toBeGreaterThan(20);
    expect(noted.length).toBeLessThan(recs.length);
    expect(Object.keys(noted[0]).indexOf('note')).toBe(Object.keys(noted[0]).indexOf('text') + 1);
  });
});
