// `diff` and `quiz` through the real command line (commander: repeated --set, --answers, --generated,
// exit statuses, --help with examples), run from source with tsx as a user of the checkout would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the diff and quiz commands', () => {
  it('diff takes --set more than once and prints the comparison', () => {
    const r = cli('diff', 'hello', '--set', 'clients.0.count=2', '-s', 'machine.gomaxprocs=1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^diff hello: as written vs clients\.0\.count=2, machine\.gomaxprocs=1\n/);
    expect(r.stdout).toMatch(/\nresponses +1 +2 +\+1\n/);
  });

  it('diff with a misspelt key exits 2 with the --set position and a suggestion, no stack', () => {
    const r = cli('diff', 'hello', '--set', 'machine.nic.rxring=8');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      '--set:1:13: machine.nic: unknown key "rxring"; did you mean "rxRing"?\n  --set machine.nic.rxring=8\n                    ^\n',
    );
  });

  it('quiz --answers grades and exits 0 whatever the score; a bad --generated is a usage error', () => {
    const r = cli('quiz', 'hello', '--answers', 'a', '--generated', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nscore [01]\/\d+: [01] right, [01] wrong, \d+ skipped\n/);
    expect(cli('quiz', 'hello', '--generated', 'many').code).toBe(2);
  });

  it('check reports a quiz item whose at is not a breakpoint spec, and an answer that is no choice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netflow-quiz-'));
    const file = join(dir, 'q.yaml');
    writeFileSync(
      file,
      'name: q\ndescription: d\nquiz:\n  - at: sycall:accept4\n    question: Q?\n    choices: [x, y]\n    answer: z\n    explanation: e\n',
    );
    try {
      const r = cli('check', file);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `${file}:4:9: quiz[0].at: not a breakpoint spec: column 1: expected one of syscall, irq, softirq, wakeup, park, event, anomaly, watch, found "sycall"; did you mean "syscall"?\n` +
          `${file}:7:13: quiz[0].answer: the answer must be one of the choices: "x", "y"\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help teaches with examples', () => {
    expect(cli('diff', '--help').stdout).toContain('netflow-tui diff burst --set machine.tcp.somaxconn=4096');
    expect(cli('quiz', '--help').stdout).toContain('netflow-tui quiz tour --answers');
    expect(cli('--help').stdout).toContain('netflow-tui quiz tour --answers a,c,b');
  });
});
