// The authoring commands as a user runs them: the bundled CLI in a subprocess, its stdout, stderr and
// exit status. The bundle is built once into a private folder (tmp/ is git-ignored) so that other test
// files rebuilding dist/ at the same time cannot pull it away mid-run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { builtinNames, COMPILED_BUILTINS_FILE } from '../src/scenario/builtin.js';
import { compileBuiltins } from '../src/scenario/compile.js';
import { buildCli } from './build-cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let out: string;
let metafile: Metafile;
let fixtures: string;
let compiled: string;

beforeAll(async () => {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  out = mkdtempSync(join(ROOT, 'tmp', 'cli-test-'));
  // A private bundle (test/build-cli.ts), with the metafile.
  const result = await buildCli(out, { metafile: true });
  metafile = result.metafile!;
  // As scripts/build.mjs does: the built-ins validated, next to the bundle.
  compiled = JSON.stringify(await compileBuiltins());
  writeFileSync(join(out, COMPILED_BUILTINS_FILE), compiled);
  fixtures = join(out, 'fixtures');
  mkdirSync(fixtures);
  const head = 'name: t\ndescription: a test\n';
  const files: Record<string, string> = {
    'good.yaml': `${head}clients:\n  - requests: [GET /hello]\n`,
    'syntax.yaml': `${head}machine: cpus: 2\n`,
    'type.yaml': `${head}machine:\n  cpus: four\n`,
    'unknown.yaml': `${head}machine:\n  nic:\n    rxring: 8\n`,
    'range.yaml': `${head}machine:\n  nic:\n    rxRing: 99999\n`,
    'dup.yaml': `${head}seed: 1\nseed: 2\n`,
    'deep.yaml': `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(fixtures, name), text);
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** Runs the bundled CLI with stdin not a terminal. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(out, 'cli.js'), ...args], {
    cwd: fixtures,
    encoding: 'utf8',
    input: '',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (s: string) => expect(s).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);

describe('check', () => {
  it('a good file: "file: ok" on stdout, exit 0', () => {
    const r = cli('check', 'good.yaml');
    expect(r).toEqual({ code: 0, stdout: 'good.yaml: ok\n', stderr: '' });
  });

  it('each problem as file:line:col: message on stderr, ok files still listed, exit 2', () => {
    const r = cli('check', 'syntax.yaml', 'good.yaml', 'type.yaml', 'unknown.yaml', 'range.yaml', 'dup.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('good.yaml: ok\n');
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'syntax.yaml:3:10: Nested mappings are not allowed in compact mappings',
      'type.yaml:4:9: machine.cpus: expected a number, got "four" (CPUs of the server host; 1 to 64)',
      'unknown.yaml:5:5: machine.nic: unknown key "rxring"; did you mean "rxRing"?',
      'range.yaml:5:13: machine.nic.rxRing: 99999 is over the limit of 4096',
      'dup.yaml:4:1: duplicate key "seed" (first set on line 3)',
    ]);
  });

  it('a nesting bomb and a missing file: the bound or the reason, no stack trace', () => {
    const r = cli('check', 'deep.yaml', 'nope.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'deep.yaml:1:65: nesting is deeper than 64 levels (the limit for a scenario)\nnope.yaml: no such file\n',
    );
  });

  it('accepts built-in names', () => {
    expect(cli('check', 'hello', 'about')).toEqual({ code: 0, stdout: 'hello: ok\nabout: ok\n', stderr: '' });
  });

  it('needs at least one file', () => {
    const r = cli('check');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'file'/);
  });
});

describe('list', () => {
  it('one line per built-in: the name, padded, then the description', () => {
    const r = cli('list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(builtinNames());
    const column = lines[0]!.search(/ \S/) + 1;
    for (const l of lines) expect(l.search(/ \S/) + 1, l).toBe(column);
    expect(lines.find((l) => l.startsWith('hello '))).toMatch(/^hello +One GET \/hello/);
  });
});

describe('schema', () => {
  it('prints the draft-07 JSON Schema, the same as the committed file', () => {
    const r = cli('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties)).toContain('clients');
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'schema/scenario.schema.json'), 'utf8'));
  });
});

describe('usage', () => {
  it('--help: usage and examples on stdout, exit 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: netflow-tui/);
    expect(r.stdout).toMatch(/Examples:\n {2}netflow-tui {2,}step through the hello scenario/);
    for (const cmd of ['run', 'check', 'list', 'schema'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${cmd}\\b`, 'm'));
  });

  it('run --help lists its options and the breakpoint grammar', () => {
    const r = cli('run', '--help');
    expect(r.code).toBe(0);
    for (const opt of ['--json', '--break <spec>', '--until-step <n>', '--seed <n>', '--at <n>', '--state']) {
      expect(r.stdout).toContain(opt);
    }
    expect(r.stdout).toMatch(/watch acceptq > 0/);
  });

  it('--version prints the package version', () => {
    expect(cli('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('an unknown option exits 2 with the reason on stderr', () => {
    for (const args of [['--bogus'], ['run', 'hello', '--jsn'], ['list', '--x']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/error: unknown option/);
    }
    expect(cli('run', 'hello', '--jsn').stderr).toMatch(/Did you mean --json\?/);
  });

  it('numeric options must be non-negative integers', () => {
    for (const [opt, value] of [
      ['--at', 'x'],
      ['--until-step', '1.5'],
      ['--seed', '-1'],
      ['--at', '1e3'],
    ] as const) {
      const r = cli('run', 'hello', `${opt}=${value}`);
      expect(r.code, `${opt}=${value}`).toBe(2);
      expect(r.stderr).toMatch(/expected a non-negative integer/);
    }
    expect(cli('run', 'hello', '--seed=4294967296').stderr).toMatch(/must be at most 2147483647/);
  });

  it('an unknown scenario: the built-ins and the closest name, exit 2', () => {
    for (const args of [['helo'], ['run', 'helo']]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^unknown scenario "helo"; did you mean "hello"\?\nbuilt-in scenarios: .*about/,
      );
      noStack(r.stderr);
    }
    expect(cli('lsit').stderr).toMatch(/did you mean the command "list"\?/);
  });

  it('a bad scenario file is reported before the TUI or run starts', () => {
    for (const args of [['type.yaml'], ['run', 'type.yaml']]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'type.yaml:4:9: machine.cpus: expected a number, got "four" (CPUs of the server host; 1 to 64)\n',
      );
    }
  });

  it('run receives every option: repeated --break, --until-step', () => {
    const until = cli('run', 'hello', '--until-step', '2');
    expect(until.code).toBe(0);
    expect(
      until.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['0', '1', '2']);
    const both = cli('run', 'hello', '-b', 'syscall:listen', '--break', 'syscall:bind');
    expect(both.code).toBe(0);
    expect(both.stdout.trimEnd().split('\n').at(-1)).toMatch(/^stopped at step \d+: bind\(/);
  });

  it('the TUI without a terminal points to `run` and exits 2', () => {
    const r = cli('about');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal/);
    expect(r.stderr).toMatch(/netflow-tui run about/);
  });
});

describe('start-up', () => {
  /** Every input file the chunk of `input` (the entry: src/cli.ts) loads without a dynamic import. */
  function staticInputs(input = 'src/cli.ts'): string[] {
    const outputs = metafile.outputs;
    const start = Object.keys(outputs).find((o) =>
      Object.keys(outputs[o]!.inputs).some((i) => i.endsWith(input)),
    )!;
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length > 0) {
      const o = todo.pop()!;
      if (seen.has(o)) continue;
      seen.add(o);
      for (const imp of outputs[o]!.imports)
        if (imp.kind === 'import-statement' && outputs[imp.path]) todo.push(imp.path);
    }
    return [...seen].flatMap((o) => Object.keys(outputs[o]!.inputs));
  }

  it('the commands other than the TUI load neither Ink, React, the TUI, the simulator nor the YAML loader', () => {
    const inputs = staticInputs();
    // Not even the scenario finder: `--help` loads commander and the CLI's text (src/cli.ts).
    expect(inputs.some((i) => i.includes('src/scenario/'))).toBe(false);
    // The breakpoint grammar names the record kinds and gauges: the two small modules that define
    // them (src/sim/trace.ts, src/sim/api.ts) may load, nothing else of the simulator.
    const heavy = inputs.filter(
      (i) =>
        /node_modules\/(ink|react|yaml|zod)\/|src\/tui\/|src\/sim\/|src\/scenario\/(load|schema)\.ts/.test(
          i,
        ) && !/src\/sim\/(trace|api)\.ts$/.test(i),
    );
    expect(heavy).toEqual([]);
  });

  it('opening a built-in in the TUI loads neither yaml nor zod (built-ins are compiled at build time)', () => {
    // main.ts and what startTui imports before the first frame (the app under its fork host).
    const inputs = ['src/tui/main.ts', 'src/tui/forkhost.tsx', 'src/tui/fork.ts'].flatMap((i) =>
      staticInputs(i),
    );
    expect(inputs.some((i) => i.includes('src/tui/app.tsx'))).toBe(true);
    // Ink's width and ANSI helpers come through the fast paths (scripts/inkfast-plugin.mjs).
    for (const shim of ['src/tui/inkfast/string-width.ts', 'src/tui/inkfast/ansi-tokenize.ts'])
      expect(inputs.filter((i) => i.endsWith(shim))).toHaveLength(1);
    expect(inputs.some((i) => i.includes('src/debug/session.ts'))).toBe(true);
    expect(
      inputs.filter((i) => /node_modules\/(yaml|zod)\/|src\/scenario\/(load|schema)\.ts/.test(i)),
    ).toEqual([]);
  });

  it('`--help` and `list` load no Node module they do not use (scripts/lazy-builtins-plugin.mjs)', () => {
    // A preload that prints, at exit, the Node modules loaded after it (process.moduleLoadList).
    const preload = join(out, 'modules-at-exit.mjs');
    writeFileSync(
      preload,
      'const before = new Set(process.moduleLoadList);\n' +
        "process.on('exit', () => process.stderr.write(process.moduleLoadList.filter((m) => !before.has(m)).join('\\n')));\n",
    );
    for (const args of [['--help'], ['list']]) {
      const r = spawnSync(process.execPath, ['--import', preload, join(out, 'cli.js'), ...args], {
        cwd: fixtures,
        encoding: 'utf8',
        input: '',
      });
      expect(r.status).toBe(0);
      // commander's child_process (only for executable subcommands) and the built-ins' hash.
      expect(r.stderr).not.toMatch(/NativeModule (child_process|dgram|crypto|v8|assert)$/m);
    }
  });

  it("a built-in opens from the build's JSON while its file is unchanged, else from its YAML", () => {
    const file = join(out, COMPILED_BUILTINS_FILE);
    const edited = JSON.parse(compiled);
    edited.hello.scenario.description = 'as the build compiled it';
    try {
      writeFileSync(file, JSON.stringify(edited));
      expect(cli('list').stdout).toMatch(/^hello +as the build compiled it$/m);
      edited.hello.text += '\n'; // the file's text no longer matches: the YAML is loaded
      writeFileSync(file, JSON.stringify(edited));
      expect(cli('list').stdout).toMatch(/^hello +One GET \/hello/m);
    } finally {
      writeFileSync(file, compiled);
    }
  });
});
