/**
 * Issue 15, class by class, with exact messages: escape injection in `run`'s output, route patterns
 * Go's ServeMux panics on (Go's own text), addresses, bounds, notes' specs, YAML oddities, files that
 * are not regular, the bounded did-you-mean, linear-time globs, and `run | head -c 1` on c10k.
 * (test/fuzz.test.ts checks the shared promise over many more cases through the bundled CLI.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/run.js';
import { globMatch, parseBreakpoint } from '../src/debug/breakpoints.js';
import { MAX_RESPONSE_BODY_BYTES } from '../src/scenario/bounds.js';
import { loadScenarioFile, loadScenarioText, type Problem, ScenarioError } from '../src/scenario/load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HEAD = 'name: t\ndescription: a test\n';
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const dir = mkdtempSync(join(tmpdir(), 'netflow-hostile-'));

function problems(text: string): Problem[] {
  try {
    loadScenarioText(text, 'f.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

const where = (p: Problem) => `${p.line}:${p.col}: ${p.message}`;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(
  yaml: string,
  extra: { json?: boolean; breaks?: string[]; state?: boolean; at?: number } = {},
) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCommand(
    { scenarioPath: file, json: false, breaks: [], state: false, ...extra },
    { stdout, stderr },
  );
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('escape injection: nothing from the file reaches the terminal raw', () => {
  const evil = `${HEAD}server:
  routes:
    - pattern: /hello
      body: "Hi \\e[2J\\e]52;c;cHduZWQ=\\a \\u202e"
clients:
  - name: "pwned\\e]0;pwned-client\\a\\x9b2J\\b\\r"
    requests: [GET /hello]
`;

  it('run: the client name and body show as glyphs in every text line', async () => {
    const r = await run(evil);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('Client pwned␛]0;pwned-client␇\ufffd2J␈␍');
  });

  it('run --json: valid JSON whose strings are the exact values, with C1 and bidi escaped', async () => {
    const r = await run(evil, { json: true });
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain('\\u009b2J');
    const texts = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    expect(texts.some((t) => t.includes('pwned\x1b]0;pwned-client\x07\x9b2J'))).toBe(true);
  });

  it('the stopped-at line and --state', async () => {
    const stop = await run(evil, { breaks: ['event:client.*'] });
    expect(stop.stdout).toMatch(/stopped at step \d+: Client pwned␛\]0;/);
    expect(stop.stdout).not.toMatch(RAW);
    const state = await run(evil, { state: true, at: 60 });
    expect(state.stdout).not.toMatch(RAW);
    expect(() => JSON.parse(state.stdout)).not.toThrow();
  });

  it('messages quoting the file escape what they quote', () => {
    const ps = problems(`${HEAD}"k\\e]0;x\\a\\u202e": 1\n`);
    expect(where(ps[0]!)).toBe(
      '3:1: unknown key "k\\u001b]0;x\\u0007\\u202e" (valid keys: name, description, seed, machine, server, clients, faults, expect, notes, quiz, maxTime)',
    );
  });
});

describe('route patterns Go 1.23 ServeMux panics on, with its text', () => {
  const one = (pattern: string) =>
    problems(`${HEAD}server:\n  routes:\n    - pattern: ${JSON.stringify(pattern)}\n`).map(where);
  const panic = (text: string) => `5:16: server.routes[0].pattern: ServeMux.Handle would panic: ${text}`;

  it.each([
    ['/a/{x...}/b', 'parsing "/a/{x...}/b": at offset 3: {...} wildcard not at end'],
    ['/a/{$}/b', 'parsing "/a/{$}/b": at offset 3: {$} not at end'],
    ['/a/{x}/{x}', 'parsing "/a/{x}/{x}": at offset 7: duplicate wildcard name "x"'],
    ['/a/{x', 'parsing "/a/{x": at offset 3: bad wildcard segment (must end with \'}\')'],
    ['/a/{}', 'parsing "/a/{}": at offset 3: empty wildcard'],
    ['/a/{1x}', 'parsing "/a/{1x}": at offset 3: bad wildcard name "1x"'],
    ['/a/x{y}', 'parsing "/a/x{y}": at offset 3: bad wildcard segment (must start with \'{\')'],
    ['no slash', 'parsing "no slash": at offset 3: host/path missing /'],
    ['GET', 'parsing "GET": at offset 0: host/path missing /'],
    ['   ', 'parsing "   ": at offset 1: host/path missing /'],
    [
      'GET /a/../b',
      'parsing "GET /a/../b": at offset 4: non-CONNECT pattern with unclean path can never match',
    ],
    ['G(T /a', 'parsing "G(T /a": at offset 0: invalid method "G(T"'],
    ['h{x}/a', "parsing \"h{x}/a\": at offset 1: host contains '{' (missing initial '/'?)"],
  ])('%s', (pattern, text) => {
    expect(one(pattern)).toEqual([panic(text)]);
  });

  it('duplicate and conflicting patterns, registered at file:line', () => {
    const ps = problems(
      `${HEAD}server:\n  routes:\n    - pattern: /h\n    - pattern: /h\n    - pattern: /a/{x}\n    - pattern: /{y}/b\n    - pattern: GET /c/\n    - pattern: /c/{$}\n`,
    ).map(where);
    expect(ps).toEqual([
      '6:16: server.routes[1].pattern: ServeMux.Handle would panic: pattern "/h" (registered at f.yaml:6) conflicts with pattern "/h" (registered at f.yaml:5):\n    /h matches the same requests as /h',
      '8:16: server.routes[3].pattern: ServeMux.Handle would panic: pattern "/{y}/b" (registered at f.yaml:8) conflicts with pattern "/a/{x}" (registered at f.yaml:7):\n' +
        '    /{y}/b and /a/{x} both match some paths, like "/a/b".\n' +
        '    But neither is more specific than the other.\n' +
        '    /{y}/b matches "/y/b", but /a/{x} doesn\'t.\n' +
        '    /a/{x} matches "/a/x", but /{y}/b doesn\'t.',
      '10:16: server.routes[5].pattern: ServeMux.Handle would panic: pattern "/c/{$}" (registered at f.yaml:10) conflicts with pattern "GET /c/" (registered at f.yaml:9):\n' +
        '    /c/{$} matches more methods than GET /c/, but has a more specific path pattern',
    ]);
  });

  it('patterns Go accepts still load: methods, hosts, wildcards, {$}, GET beside HEAD', () => {
    const routes = [
      '/',
      'GET /items/{id}',
      'HEAD /items/{id}',
      'example.com/',
      '/b/{rest...}',
      '/b/{$}',
      'POST /p/{a}/x',
      '/c/{n}/d',
    ];
    expect(() =>
      loadScenarioText(
        `${HEAD}server:\n  routes:\n${routes.map((r) => `    - pattern: ${JSON.stringify(r)}\n`).join('')}`,
        'f.yaml',
      ),
    ).not.toThrow();
  });
});

describe('addresses, as Go net and the kernel take them', () => {
  const listen = (v: string) => problems(`${HEAD}server:\n  listen: ${JSON.stringify(v)}\n`).map(where);
  it('listen', () => {
    expect(listen('garbage')).toEqual([
      '4:11: server.listen: address garbage: missing port in address (as net.Listen says); e.g. ":3000"',
    ]);
    expect(listen(':65536')).toEqual([
      '4:11: server.listen: address :65536: port 65536 is out of range 0–65535',
    ]);
    expect(listen(`:${'9'.repeat(30)}`)[0]).toMatch(/is out of range 0–65535$/);
    expect(listen(':http')[0]).toMatch(/port "http" is not a number 0–65535/);
    expect(listen('example.com:80')[0]).toMatch(/host names are not resolved in the simulation/);
    expect(listen('::1:80')[0]).toMatch(/too many colons/);
    expect(listen('[::1:80')[0]).toMatch(/missing "]"/);
    expect(listen(`:${'1'.repeat(1000)}`)).toEqual([
      '4:11: server.listen: 1001 characters is over the limit of 261',
    ]);
    for (const ok of [':0', ':3000', '127.0.0.1:8080', '[::1]:80', '[::]:65535', '0.0.0.0:1']) {
      expect(() => loadScenarioText(`${HEAD}server:\n  listen: "${ok}"\n`, 'f.yaml')).not.toThrow();
    }
  });

  it('client hosts', () => {
    const host = (v: string) => problems(`${HEAD}clients:\n  - host: ${JSON.stringify(v)}\n`).map(where);
    expect(host('not-an-ip')).toEqual([
      '4:11: clients[0].host: "not-an-ip" is not an IPv4 address (like 10.0.0.2)',
    ]);
    expect(host('256.0.0.1')[0]).toMatch(/is not an IPv4 address/);
    expect(host('010.0.0.1')[0]).toMatch(/is not an IPv4 address/); // Go rejects leading zeros
    expect(host('::1')[0]).toMatch(/client hosts are IPv4 in the simulation/);
  });
});

describe('bounds: said in the error with the position', () => {
  it('sizes, counts, durations', () => {
    expect(problems(`${HEAD}clients:\n  - requests:\n      - { path: /, body: 10GiB }\n`).map(where)).toEqual(
      ['5:26: clients[0].requests[0].body: 10GiB is over the limit of 64MiB'],
    );
    expect(
      problems(`${HEAD}server:\n  routes:\n    - { pattern: /, bodyBytes: 10GiB }\n`).map(where),
    ).toEqual(['5:32: server.routes[0].bodyBytes: 10GiB is over the limit of 128MiB']);
    expect(problems(`${HEAD}clients:\n  - count: 100000\n`).map(where)).toEqual([
      '4:12: clients[0].count: 100000 is over the limit of 10000',
    ]);
    expect(problems(`${HEAD}maxTime: 1e30\n`).map(where)).toEqual([
      '3:10: maxTime: 1e+30 is over the limit of 1h',
    ]);
    expect(
      problems(
        `${HEAD}clients:\n  - count: 5000\n    requests: [GET /a, GET /b, GET /c, GET /d, GET /e]\n`,
      ).map(where),
    ).toEqual(['5:15: 25000 requests in all (connections × requests each) is over the limit of 20000']);
    const many = Array(1001).fill('GET /').join(', ');
    expect(problems(`${HEAD}clients:\n  - requests: [${many}]\n`).map(where)[0]).toMatch(
      /^4:15: clients\[0\]\.requests: has 1001 items; must have at most 1000 items$/,
    );
  });

  it('the schema states each bound', async () => {
    const { scenarioJsonSchema } = await import('../src/scenario/jsonschema.js');
    const text = JSON.stringify(scenarioJsonSchema());
    expect(text).toContain('at most 128MiB');
    expect(text).toContain('at most 64MiB');
    expect(text).toContain('10000 in all clients at most');
    expect(MAX_RESPONSE_BODY_BYTES).toBe(128 * 1024 * 1024);
  });
});

describe('notes: an at: spec is checked when the file loads', () => {
  it('points at the column of the spec that is wrong', () => {
    expect(problems(`${HEAD}notes:\n  - at: "event:(bad"\n    text: t\n`).map(where)).toEqual([
      '4:16: notes[0].at: not a breakpoint spec: column 7: expected a kind or glob such as nic.* or go.create, found "(bad"',
    ]);
    expect(problems(`${HEAD}notes:\n  - { at: sycall:accept4, text: t }\n`).map(where)[0]).toMatch(
      /^4:11: notes\[0\]\.at: not a breakpoint spec: column 1: expected one of syscall/,
    );
  });
});

describe('YAML oddities', () => {
  it('a CR-only file', () => {
    expect(problems(`${HEAD}seed: 1\n`.replace(/\n/g, '\r')).map(where)).toEqual([
      '1:8: the lines end in a bare carriage return (CR, old Mac style), which YAML does not read as a line break; save the file with LF (or CRLF) line endings',
    ]);
  });

  it('merge keys holding a scalar, a list of scalars, an alias of a scalar', () => {
    const msg = 'a merge key (<<) takes a mapping, an alias of one (*name) or a list of those, got';
    expect(problems(`${HEAD}server:\n  <<: 5\n`).map(where)).toEqual([`4:7: ${msg} 5`]);
    expect(problems(`${HEAD}server:\n  <<: [{ kind: http }, 2]\n`).map(where)).toEqual([
      `4:24: ${msg} a list holding 2`,
    ]);
    expect(problems(`${HEAD}x: &s hi\nserver:\n  <<: *s\n`).map(where)).toEqual([
      `5:7: ${msg} an alias of something else (*s)`,
    ]);
  });

  it('a 900 KB unknown key is reported quickly, cut short, without a suggestion', () => {
    const start = performance.now();
    const ps = problems(`${HEAD}? ${'k'.repeat(900_000)}\n: 1\n`);
    expect(performance.now() - start).toBeLessThan(3000);
    expect(ps.map(where)).toEqual([
      `3:3: unknown key "${'k'.repeat(57)}..." (valid keys: name, description, seed, machine, server, clients, faults, expect, notes, quiz, maxTime)`,
    ]);
  });
});

describe('files that are not regular scenario files', () => {
  const refuse = (path: string) => {
    try {
      loadScenarioFile(path);
    } catch (e) {
      if (e instanceof ScenarioError) return e.problems[0]!.message;
      throw e;
    }
    throw new Error(`${path} loaded`);
  };

  it('devices, a FIFO and /proc files: refused or read only up to the size limit', () => {
    expect(refuse('/dev/zero')).toBe('is not a regular file');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(refuse(fifo)).toBe('is not a regular file'); // no writer: would block a plain read
    // /proc files say size 0 and are "regular": reading stops at the limit whatever stat says.
    const pagemap = refuse('/proc/self/pagemap');
    expect(pagemap).toMatch(/larger than the limit|cannot read/);
    expect(refuse('/proc/self/status')).toMatch(/expected a mapping|unknown key|missing required key|:/);
  });
});

describe('breakpoint globs: linear time', () => {
  it('hostile globs that backtrack exponentially as regular expressions are decided at once', () => {
    for (const glob of [`${'*'.repeat(400)}z`, `${'*.'.repeat(200)}z`, `${'*a'.repeat(200)}*b`]) {
      const start = performance.now();
      const r = parseBreakpoint(`event:${glob}`);
      expect(performance.now() - start).toBeLessThan(50);
      expect(r.ok).toBe(false);
    }
    expect(parseBreakpoint(`event:${'*'.repeat(300)}n`)).toMatchObject({
      ok: true,
      bp: { kinds: ['go.run', 'http.conn'] },
    });
    expect(parseBreakpoint(`event:${'*'.repeat(600)}`)).toMatchObject({ ok: false, column: 513 });
  });

  it('agrees with the obvious regular expression on small globs', () => {
    const glob = fc.stringMatching(/^[a.*]{0,6}$/);
    fc.assert(
      fc.property(glob, fc.stringMatching(/^[a.]{0,8}$/), (g, s) => {
        const re = new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
        expect(globMatch(g, s)).toBe(re.test(s));
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});

describe('progress of a long run', () => {
  it('is drawn on stderr when it is a terminal and the trace goes elsewhere, and erased at the end', async () => {
    const stdout = new Capture();
    // A terminal on stderr: the one thing a test run cannot have for real.
    const stderr = Object.assign(new Capture(), { isTTY: true });
    const code = await runCommand(
      { scenarioPath: join(ROOT, 'scenarios', 'burst.yaml'), json: true, breaks: [], state: false },
      { stdout, stderr },
    );
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/^\r\x1b\[Krun: [\d,]+ records · virtual [\d.]+\S+ · [\d.]+ s/);
    expect(stderr.text.endsWith('\r\x1b[K')).toBe(true);
    const plain = new Capture();
    await runCommand(
      { scenarioPath: join(ROOT, 'scenarios', 'upload-large.yaml'), json: true, breaks: [], state: false },
      { stdout: new Capture(), stderr: plain },
    );
    expect(plain.text).toBe('');
  }, 180_000);
});

describe('run | head -c 1 on c10k', () => {
  it('stops promptly when the reader goes away, with status 0', () => {
    const start = performance.now();
    const r = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; node --import tsx src/cli.ts run c10k --json | head -c 1; echo " status $?" >&2',
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 60_000 },
    );
    // The whole c10k run takes over a minute on the test machine; a prompt stop is a few seconds.
    expect(performance.now() - start).toBeLessThan(20_000);
    expect(r.stdout).toBe('{');
    expect(r.stderr).toBe(' status 0\n');
  }, 60_000);
});
