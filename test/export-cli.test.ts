/**
 * `netflow-tui export` as a user runs it: the CLI from source in a subprocess (tsx), in a scratch
 * folder. The default file name, refusing to overwrite without --force, `-o -` to stdout, bad options
 * and bad input exit 2 with one clear line and no stack trace, and --help with an example per format.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../src/export/export.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(join(tmpdir(), 'netflow-export-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: dir,
    input: '',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const noStack = (s: string) => expect(s).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);

describe('export command', () => {
  it('writes <scenario>.pcapng by default, says where and how to open it, and will not overwrite it', () => {
    const first = cli('export', 'hello');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /^wrote hello\.pcapng \(pcapng, \d+ B\); open it with: wireshark hello\.pcapng/,
    );
    const file = join(dir, 'hello.pcapng');
    expect(readFileSync(file).readUInt32LE(0)).toBe(0x0a0d0d0a); // a pcapng Section Header Block
    const size = statSync(file).size;
    const again = cli('export', 'hello');
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'netflow-tui export: hello.pcapng already exists: add --force to overwrite it, or pick another name with -o\n',
    );
    expect(cli('export', 'hello', '--force').code).toBe(0);
    expect(statSync(file).size).toBe(size); // the same deterministic run
  });

  it('-o - writes to stdout and nothing else', () => {
    const r = cli('export', 'hello', '--format', 'pcap', '-o', '-');
    expect(r.code).toBe(0);
    expect(r.stdout.readUInt32LE(0)).toBe(0xa1b23c4d); // classic pcap, nanosecond timestamps
    expect(r.stderr).toBe('');
    expect(existsSync(join(dir, 'hello.pcap'))).toBe(false);
    const s = cli('export', 'hello', '--format', 'strace', '-o', '-');
    expect(s.stdout.toString()).toMatch(/^00:00:00\.000000 clone3\(/);
  });

  it('bad options and bad input: exit 2, one clear message, no stack trace', { timeout: 240_000 }, () => {
    const cases: [string[], RegExp][] = [
      [
        ['export', 'hello', '--format', 'wav'],
        /argument 'wav' is invalid\. Allowed choices are pcapng, pcap, perfetto, strace, schedtrace, jsonl/,
      ],
      [['export', 'nosuch'], /unknown scenario "nosuch"/],
      [['export', 'hello', '--from', '9', '--to', '3'], /--from 9 is after --to 3/],
      [['export', 'hello', '--conn', '7'], /--conn 7: the scenario has connections 1 to 1/],
      [['export', 'hello', '--conn', 'x'], /'--conn <c>' argument 'x' is invalid/],
      [['export', 'hello', '--format', 'schedtrace', '--conn', '1'], /--conn does not apply to schedtrace/],
      [['export', 'hello', '--interval', '5'], /--interval applies to --format schedtrace only/],
      [
        ['export', 'hello', '-o', join(dir, 'no', 'such', 'dir.pcapng')],
        /cannot write .*: no such directory/,
      ],
      [['export', 'hello', '-o', dir], /is a directory/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      noStack(r.stderr);
    }
  });

  it('--help teaches: one example per format and how to open it', () => {
    const r = cli('export', '--help');
    expect(r.code).toBe(0);
    const help = r.stdout.toString();
    for (const f of FORMATS.filter((x) => x !== 'pcapng')) expect(help).toContain(`--format ${f}`);
    for (const how of ['wireshark hello.pcapng', 'tshark -r', 'tcpdump -nr', 'ui.perfetto.dev', 'jq'])
      expect(help).toContain(how);
    expect(cli('--help').stdout.toString()).toContain('netflow-tui export hello');
  });
});
