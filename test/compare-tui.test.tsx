// `netflow-tui hello --compare LOG`: the run's syscall steps marked against a strace log. The log is
// the one `netflow-tui export strace` writes for hello (compare reads it back as a 100 % match: every
// scored step ✓), then a copy with one line changed (listen's backlog): exactly that step ✗, and the
// narration shows the real line. A log that is not strace, or is missing: a clear error, exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../src/debug/session.js';
import { engine } from '../src/sim/engine.js';
import { App } from '../src/tui/app.js';
import { type CompareMarks, loadCompareMarks } from '../src/tui/compare-marks.js';
import { startTui } from '../src/tui/main.js';
import { makeTheme } from '../src/tui/theme.js';
import { exportTo, OUT } from './export-helpers.js';
import { builtin } from './helpers.js';
import { renderAt, until } from './tui-harness.js';

const theme = makeTheme(0);

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function marks(log: string) {
  const session = createSession(engine, builtin('hello'), {});
  const m = loadCompareMarks(log, session);
  if ('errors' in m) throw new Error(m.errors.join('\n'));
  const syscalls: number[] = [];
  for (let i = 0; i < session.total; i++) if (session.record(i).kind === 'syscall') syscalls.push(i);
  return { session, m, syscalls };
}

/** The timeline and narration on the screen at `step`. */
async function screenAt(m: CompareMarks, step: number): Promise<string> {
  const session = createSession(engine, builtin('hello'), {});
  session.goto(step);
  const r = renderAt(<App session={session} theme={theme} columns={200} rows={60} compare={m} />, 200, 60);
  cleanup.push(r.unmount);
  return until(r.lastFrame, (f) => f.includes(`step ${step}/`));
}

describe('--compare in the TUI', () => {
  it('hello against its own exported strace: every scored syscall step ✓, the real line in the narration', async () => {
    const log = await exportTo('hello', 'strace');
    const { m, syscalls, session } = marks(log);
    const verdicts = syscalls.map((s) => m.at(s));
    expect(verdicts.filter((v) => v?.ok === false)).toEqual([]);
    expect(verdicts.filter((v) => v?.ok).length).toBe(m.total);
    expect(m.percent).toBe(100);
    // Thread bookkeeping (clone3, an idle M's epoll_pwait(…, 0)) is not scored, so not marked.
    const clone = syscalls.find((s) => session.record(s).syscall === 'clone3')!;
    expect(m.at(clone)).toBeUndefined();

    const listen = syscalls.find((s) => session.record(s).syscall === 'listen')!;
    const f = await screenAt(m, listen);
    expect(f).toContain(`Timeline · ${session.total} events · vs real log: ${m.total}/${m.total} ✓ (100 %)`);
    expect(f).toMatch(new RegExp(`▶ ✓ *${listen} `));
    expect(f).toMatch(/ {2}✓ *\d+ .*accept4\(3/);
    const line = m.at(listen)!.real!.line;
    expect(readFileSync(log, 'utf8').split('\n')[line - 1]).toContain('listen(3, 4096) = 0');
    expect(f).toContain(`✓ real, line ${line}: `);
  });

  it('an edited copy: the one changed line is the one ✗, and the narration shows what the real log has', async () => {
    const text = readFileSync(await exportTo('hello', 'strace'), 'utf8');
    expect(text).toContain('listen(3, 4096) = 0');
    const edited = join(OUT, 'hello-edited.strace');
    writeFileSync(edited, text.replace('listen(3, 4096) = 0', 'listen(3, 128) = 0'));
    const { m, syscalls, session } = marks(edited);
    const bad = syscalls.filter((s) => m.at(s)?.ok === false);
    const listen = syscalls.find((s) => session.record(s).syscall === 'listen')!;
    expect(bad).toEqual([listen]);
    expect(m.at(listen)).toMatchObject({
      status: 'differs',
      real: { text: expect.stringContaining('listen(3, 128)') },
    });
    expect(m.matched).toBe(m.total - 1);

    const f = await screenAt(m, listen);
    expect(f).toMatch(new RegExp(`▶ ✗ *${listen} `));
    expect(f).toContain(`✗ real, line ${m.at(listen)!.real!.line}: `);
    expect(f).toContain('listen(3, 128) = 0');
  });

  it('a log that is not strace, or is missing: the line that is wrong, exit 2, before the terminal is touched', async () => {
    const bad = join(OUT, 'not-strace.log');
    writeFileSync(bad, 'hello world\n');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await startTui({ scenarioPath: 'hello', breaks: [], compare: bad });
      expect(process.exitCode).toBe(2);
      const said = err.mock.calls.map((c) => String(c[0])).join('');
      expect(said).toContain(`netflow-tui: --compare: ${bad}:1: not a strace line: hello world`);
      expect(said).not.toMatch(/\n {4}at /);
      err.mockClear();
      process.exitCode = undefined;
      await startTui({ scenarioPath: 'hello', breaks: [], compare: join(OUT, 'no-such.strace') });
      expect(process.exitCode).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('cannot read the log: ENOENT');
    } finally {
      err.mockRestore();
      process.exitCode = before;
    }
  });
});
