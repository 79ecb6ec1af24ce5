/**
 * The TUI's `x` key: a prompt for format, file and steps; Enter starts the export of the real hello
 * session in the background and the message line then says where it wrote; bad input shows under the
 * prompt; an existing file is kept unless "force". The written file is the same as `export` writes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../src/debug/session.js';
import { engine } from '../src/sim/engine.js';
import { recordToJson } from '../src/sim/trace.js';
import { App } from '../src/tui/app.js';
import { parseExportPrompt } from '../src/tui/export-prompt.js';
import { makeTheme } from '../src/tui/theme.js';
import { builtin, runAll } from './helpers.js';
import { settle, until } from './tui-harness.js';

const ENTER = '\r';
const dir = mkdtempSync(join(tmpdir(), 'netflow-export-tui-'));
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function app() {
  const session = createSession(engine, builtin('hello'));
  const r = render(
    <App
      session={session}
      theme={makeTheme(0)}
      columns={100}
      rows={30}
      exportTarget={{ scenarioPath: 'hello' }}
    />,
  );
  cleanup.push(r.unmount);
  const frame = () => r.lastFrame() ?? '';
  const type = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await settle();
    }
  };
  return { session, frame, type };
}

describe('the x key', () => {
  it('exports the steps asked for, then says where it wrote', async () => {
    const { frame, type } = app();
    await type('x');
    expect(frame()).toContain('Export the run');
    const file = join(dir, 'part.jsonl');
    await type(`jsonl ${file} 40-60`, ENTER);
    const done = await until(frame, (f) => f.includes('wrote '), 30_000);
    expect(done).toContain(`wrote ${file.slice(0, 20)}`);
    const { records } = runAll(builtin('hello'));
    expect(readFileSync(file, 'utf8')).toBe(
      records
        .filter((r) => r.step >= 40 && r.step <= 60)
        .map((r) => `${recordToJson(r)}\n`)
        .join(''),
    );
  });

  it('keeps an existing file unless "force", and shows bad input under the prompt', async () => {
    const file = join(dir, 'kept.pcap');
    writeFileSync(file, 'mine');
    const { frame, type } = app();
    await type('x', `pcap ${file}`, ENTER);
    const shown = await until(frame, (f) => f.includes('already exists'));
    expect(shown).toContain(`${file} already exists: add "force" to`);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    await type(' force', ENTER);
    await until(frame, (f) => f.includes('wrote '), 30_000);
    expect(readFileSync(file).readUInt32LE(0)).toBe(0xa1b23c4d);
    await type('x', 'wav', ENTER);
    expect(await until(frame, (f) => f.includes('unknown format'))).toContain('unknown format "wav"');
    expect(existsSync(join(process.cwd(), 'hello.wav'))).toBe(false);
  });

  it('parses FORMAT [FILE] [N-M] [force], with the column of a mistake', () => {
    expect(parseExportPrompt('perfetto run.json 3-9 force', 100)).toEqual({
      ok: true,
      req: { format: 'perfetto', output: 'run.json', from: 3, to: 9, force: true },
    });
    expect(parseExportPrompt('strace 9-3', 100)).toMatchObject({ ok: false, column: 8 });
    expect(parseExportPrompt('pcapng -', 100)).toMatchObject({
      ok: false,
      error: expect.stringContaining('stdout'),
    });
    expect(parseExportPrompt('pcapng a b', 100)).toMatchObject({ ok: false, column: 10 });
  });
});
