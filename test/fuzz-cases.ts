/**
 * The hostile inputs of issue 15, as fuzz cases for test/fuzz.test.ts: each case is a scenario file
 * (or a special path) and the CLI arguments to run it with. Classes:
 *
 *   escapes     a terminal escape or control in every string field of the format
 *   extremes    sizes, counts, durations and ports at and beyond their bounds
 *   yaml        YAML oddities: CR-only, BOM, NUL, bad UTF-8, nesting and alias bombs, bad merge keys
 *   globs       hostile breakpoint specs on the command line and in notes' `at:`
 *   files       paths that are not regular files (devices, FIFOs, /proc, directories)
 *   schema      fast-check scenarios built from the schema's fields, with hostile strings mixed in
 *
 * A case never states its expected exit code: the suite checks the promise every case shares (ends
 * in time, exit 0/1/2, no stack trace, no raw control character, memory bounded).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export type FuzzClass = 'escapes' | 'extremes' | 'yaml' | 'globs' | 'files' | 'schema';

export interface FuzzCase {
  cls: FuzzClass;
  /** A short label for failure messages. */
  label: string;
  /** File content to write (the runner picks the file name), or a path to use as it is. */
  file: { text: string | Buffer } | { path: string };
  /** CLI arguments; `FILE` is replaced by the file's path. */
  args: string[];
}

const HEAD = 'name: fuzz\ndescription: a fuzz case\n';

/** Escape sequences and controls a terminal would act on (issue 15's 24 cases, by kind). */
export const ESCAPES: readonly string[] = [
  '\x1b]0;pwned-title\x07', // OSC 0: retitle the window
  '\x1b[2J\x1b[H', // clear the screen, cursor home
  '\x1b[?1049l', // leave the alternate screen
  '\x1b]52;c;cHduZWQ=\x07', // OSC 52: write the clipboard
  '\x9b2J', // C1 CSI
  'abc\u202edcba', // right-to-left override
  'ok\b\b\bNO', // backspace overwrite
  'safe\rEVIL', // carriage return overwrite
  '\x1bP+q\x1b\\', // DCS
  'bell\x07\x00nul\x7fdel',
];

/** A YAML double-quoted scalar holding `s` exactly (JSON strings are valid YAML). */
function yq(s: string): string {
  return JSON.stringify(s);
}

/** One scenario per string field, the payload placed in that field; the rest valid. */
function escapeScenarios(payload: string): { field: string; text: string }[] {
  const p = yq(payload);
  const route = (extra: string) =>
    `server:\n  kind: http\n  routes:\n    - pattern: /hello\n      body: hi\n${extra}`;
  const client = (extra: string) => `clients:\n  - requests: [GET /hello]\n${extra}`;
  return [
    { field: 'description', text: `name: fuzz\ndescription: ${p}\n${client('')}` },
    { field: 'route body', text: `${HEAD}${route(`    - pattern: /x\n      body: ${p}\n`)}${client('')}` },
    {
      field: 'route pattern',
      text: `${HEAD}${route(`    - pattern: ${yq(`/e${payload}`)}\n`)}${client('')}`,
    },
    {
      field: 'contentType',
      text: `${HEAD}${route(`    - pattern: /c\n      contentType: ${p}\n`)}clients:\n  - requests: [GET /c]\n`,
    },
    { field: 'listen', text: `${HEAD}server:\n  listen: ${yq(`:30${payload}`)}\n${client('')}` },
    { field: 'client name', text: `${HEAD}${client(`    name: ${p}\n`)}` },
    { field: 'client host', text: `${HEAD}${client(`    host: ${p}\n`)}` },
    { field: 'request string', text: `${HEAD}clients:\n  - requests: [${yq(`GET /${payload}`)}]\n` },
    { field: 'request path', text: `${HEAD}clients:\n  - requests: [{ path: ${yq(`/p${payload}`)} }]\n` },
    {
      field: 'header',
      text: `${HEAD}clients:\n  - requests: [{ path: /hello, headers: { ${yq(`X-${payload}`)}: ${p} } }]\n`,
    },
    {
      field: 'tcp reply and data',
      text: `${HEAD}server:\n  kind: tcp\n  reply: ${p}\nclients:\n  - data: ${p}\n`,
    },
    {
      field: 'expect strings',
      text: `${HEAD}${client('')}expect:\n  - { client: ${p}, body: ${p}, syscall: ${p}, errno: ${p}, message: ${p} }\n`,
    },
    { field: 'note text', text: `${HEAD}${client('')}notes:\n  - { at: wakeup:accept, text: ${p} }\n` },
    { field: 'note at', text: `${HEAD}${client('')}notes:\n  - { at: ${p}, text: t }\n` },
    { field: 'unknown key', text: `${HEAD}${yq(`k${payload}`)}: 1\n` },
    { field: 'enum value', text: `${HEAD}server:\n  kind: ${p}\n` },
  ];
}

/** Hand-written cases per class kept in the CI sample (every one with `full`). */
const CI_SAMPLE: Record<FuzzClass, number> = {
  escapes: 12,
  extremes: 14,
  yaml: 10,
  globs: 6,
  files: 5,
  schema: 0,
};

/**
 * The hand-written cases of every class. `full` gives every combination; otherwise a fixed sample of
 * CI_SAMPLE[cls] cases per class, spread evenly over the class's list.
 */
export function handCases(full: boolean): FuzzCase[] {
  const all = allHandCases(full);
  if (full) return all;
  const byClass = new Map<FuzzClass, FuzzCase[]>();
  for (const c of all) byClass.set(c.cls, [...(byClass.get(c.cls) ?? []), c]);
  return [...byClass].flatMap(([cls, cs]) => {
    const n = Math.min(CI_SAMPLE[cls], cs.length);
    return Array.from({ length: n }, (_, i) => cs[Math.floor((i * cs.length) / n)]!);
  });
}

function allHandCases(full: boolean): FuzzCase[] {
  const cases: FuzzCase[] = [];
  // escapes: every field × every payload (full), or every field once with payloads in rotation.
  ESCAPES.forEach((payload, pi) => {
    escapeScenarios(payload).forEach(({ field, text }, fi) => {
      if (!full && fi % ESCAPES.length !== pi) return;
      const args =
        (fi + pi) % 3 === 0
          ? ['check', 'FILE']
          : (fi + pi) % 3 === 1
            ? ['run', 'FILE']
            : ['run', 'FILE', '--json'];
      cases.push({ cls: 'escapes', label: `${field} ${JSON.stringify(payload)}`, file: { text }, args });
    });
  });
  for (const payload of full ? ESCAPES : ESCAPES.slice(0, 3)) {
    const text = `${HEAD}clients:\n  - name: ${yq(payload)}\n    requests: [GET /hello]\n`;
    cases.push({
      cls: 'escapes',
      label: `stopped-at line ${JSON.stringify(payload)}`,
      file: { text },
      args: ['run', 'FILE', '--break', 'event:client.*'],
    });
    cases.push({
      cls: 'escapes',
      label: `--state ${JSON.stringify(payload)}`,
      file: { text },
      args: ['run', 'FILE', '--at', '40', '--state'],
    });
    cases.push({
      cls: 'escapes',
      label: `file name ${JSON.stringify(payload)}`,
      file: { path: `/nonexistent/${payload.replace(/\0/g, '')}.yaml` } /* argv cannot hold NUL */,
      args: ['check', 'FILE'],
    });
  }

  // extremes
  const ext = (label: string, body: string, args = ['run', 'FILE']) =>
    cases.push({ cls: 'extremes', label, file: { text: `${HEAD}${body}` }, args });
  ext('10GiB request body', 'clients:\n  - requests: [{ path: /hello, method: POST, body: 10GiB }]\n');
  ext('1TiB response body', 'server:\n  routes:\n    - { pattern: /, bodyBytes: 1TiB }\n');
  ext('512MiB response body', 'server:\n  routes:\n    - { pattern: /, bodyBytes: 512MiB }\n');
  ext('100000 connections', 'clients:\n  - { count: 100000, requests: [GET /hello] }\n');
  ext('1e5 connections in two entries', 'clients:\n  - { count: 9000 }\n  - { count: 9000 }\n');
  ext(
    '1e5 requests on one connection',
    `clients:\n  - keepAlive: true\n    requests: [${Array(100_000).fill('GET /hello').join(', ')}]\n`,
  );
  ext(
    '20001 requests in all',
    `clients:\n  - count: 5000\n    requests: [${Array(5).fill('GET /hello').join(', ')}]\n`,
  );
  ext('maxTime 1e30', 'maxTime: 1e30\n');
  ext('maxTime 100 days', 'maxTime: 8640000s\n');
  ext('sleep .inf', 'server:\n  routes:\n    - { pattern: /, sleep: .inf }\n');
  ext('latency .nan', 'clients:\n  - { latency: .nan }\n');
  ext('negative count', 'clients:\n  - { count: -1 }\n');
  ext('count 1e400', 'clients:\n  - { count: 1e400 }\n');
  ext('port 65536', 'server:\n  listen: ":65536"\n');
  ext('port of 400 nines', `server:\n  listen: ":${'9'.repeat(400)}"\n`);
  ext('listen garbage', 'server:\n  listen: garbage\n');
  ext('listen 1MB', `server:\n  listen: ":${'1'.repeat(1_000_000 - 100)}"\n`, ['check', 'FILE']);
  ext('client host not-an-ip', 'clients:\n  - { host: not-an-ip }\n');
  ext('client host 256.1.1.1', 'clients:\n  - { host: 256.1.1.1 }\n');
  ext('listen [::1]:0 ok', 'server:\n  listen: "[::1]:0"\n');
  ext('1MB unknown key', `${'k'.repeat(1_000_000 - 100)}: 1\n`, ['check', 'FILE']);
  ext('50000 unknown keys', Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`).join('\n'), [
    'check',
    'FILE',
  ]);
  ext(
    '5000 routes',
    `server:\n  routes:\n${Array.from({ length: 5000 }, (_, i) => `    - { pattern: /r${i} }`).join('\n')}\n`,
  );
  ext(
    '200 routes, all conflicting',
    `server:\n  routes:\n${Array(200).fill('    - { pattern: /{x} }').join('\n')}\n`,
  );
  for (const pattern of [
    '/a/{x...}/b',
    '/a/{$}/b',
    '/a/{x}/{x}',
    '/a/{x',
    '/a/{}',
    '/a/{1x}',
    '/a/x{y}',
    'no slash',
    'GET',
    '   ',
    'GET /a/../b',
    'GE(T /a',
  ]) {
    ext(`pattern ${JSON.stringify(pattern)}`, `server:\n  routes:\n    - pattern: ${yq(pattern)}\n`);
  }
  ext('duplicate patterns', 'server:\n  routes:\n    - { pattern: /a }\n    - { pattern: /a }\n');
  ext(
    'conflicting patterns',
    'server:\n  routes:\n    - { pattern: "/a/{x}" }\n    - { pattern: "/{y}/b" }\n',
  );

  // yaml oddities
  const y = (label: string, text: string | Buffer) =>
    cases.push({ cls: 'yaml', label, file: { text }, args: ['run', 'FILE'] });
  y('CR-only line ends', `${HEAD}clients:\n  - requests: [GET /hello]\n`.replace(/\n/g, '\r'));
  y('CRLF line ends', `${HEAD}clients:\n  - requests: [GET /hello]\n`.replace(/\n/g, '\r\n'));
  y('BOM', `\ufeff${HEAD}`);
  y('NUL bytes', `${HEAD}\0\0\0: 1\n`);
  y(
    'invalid UTF-8',
    Buffer.concat([Buffer.from(HEAD), Buffer.from([0xff, 0xfe, 0x9b, 0x3a, 0x20, 0x31, 0x0a])]),
  );
  y('tabs for indentation', `${HEAD}server:\n\tkind: http\n`);
  y('nesting 1000 deep', `${HEAD}x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
  y(
    'nesting 1000 deep, block',
    `${HEAD}${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')}\n`,
  );
  y(
    'alias bomb',
    `${HEAD}a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
  );
  y('200 aliases', `${HEAD}x: &x 1\nl: [${Array(200).fill('*x').join(', ')}]\n`);
  y('unresolved alias', `${HEAD}seed: *nope\n`);
  y('merge key holding a scalar', `${HEAD}server:\n  <<: 5\n`);
  y('merge key holding a list of scalars', `${HEAD}server:\n  <<: [1, 2]\n`);
  y('merge key holding an alias of a scalar', `${HEAD}x: &s 5\nserver:\n  <<: *s\n`);
  y('good merge key', `${HEAD}t: &t { kind: http }\n`);
  y('two documents', `${HEAD}---\n${HEAD}`);
  y('duplicate keys', `${HEAD}seed: 1\nseed: 2\n`);
  y('empty file', '');
  y('only comments', '# nothing\n');
  y('a bare scalar', 'hello\n');
  y('a list at the top', '- 1\n- 2\n');
  y('random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
  y('a 900 KB line', `${HEAD}description2: "${'x'.repeat(900_000)}"\n`);
  y('a 2 MiB file', `${HEAD}${'# padding\n'.repeat(210_000)}`);
  y('tags', `${HEAD}seed: !!binary aGVsbG8=\nmachine: !!set { a, b }\n`);
  y('a key that is a mapping', `${HEAD}? { a: 1 }\n: 2\n`);

  // hostile globs and specs
  const g = (label: string, args: string[], notes = '') =>
    cases.push({
      cls: 'globs',
      label,
      file: { text: `${HEAD}clients:\n  - requests: [GET /hello]\n${notes}` },
      args: ['run', 'FILE', ...args],
    });
  g('400 stars then z', ['--break', `event:${'*'.repeat(400)}z`]);
  g('*.*.* … z', ['--break', `event:${'*.'.repeat(200)}z`]);
  g('*a*a* … b', ['--break', `event:${'*a'.repeat(200)}*b`]);
  g('matching many stars', ['--break', `event:${'*'.repeat(300)}`]);
  g('100 KB spec', ['--break', `event:${'*'.repeat(100_000)}`]);
  g('control chars in the spec', ['--break', 'event:\x1b]0;x\x07']);
  g('C1 in the spec', ['--break', 'syscall:\x9b2J']);
  g('empty spec', ['--break', '']);
  g('watch with a huge number', ['--break', `watch acceptq > ${'9'.repeat(400)}`]);
  g('hostile glob in a note', [], `notes:\n  - { at: ${yq(`event:${'*.'.repeat(200)}z`)}, text: t }\n`);
  g('unparsable note spec', [], 'notes:\n  - { at: "event:(", text: t }\n');
  g('at-spec with escapes', [], `notes:\n  - { at: ${yq('\x1b[2Jwakeup')}, text: t }\n`);

  // files that are not regular scenario files
  for (const path of [
    '/dev/zero',
    '/dev/null',
    '/dev/urandom',
    '/proc/self/pagemap',
    '/proc/self/mem',
    '/proc/self/status',
    '/tmp',
    'FIFO',
    'SYMLINK-ZERO',
    '/nonexistent/x.yaml',
  ]) {
    cases.push({ cls: 'files', label: path, file: { path }, args: ['check', 'FILE'] });
    if (full) cases.push({ cls: 'files', label: `run ${path}`, file: { path }, args: ['run', 'FILE'] });
  }
  return cases;
}

/** A free-text string (any text is valid): mostly short text, often an escape, sometimes binary. */
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...ESCAPES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** Mostly a valid value, now and then one outside the field's range or grammar. */
function mostly<T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: 24, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

const sizeArb = mostly(
  fc.oneof(fc.constantFrom('0', '1KiB', '64KiB', '256KiB'), fc.nat({ max: 100_000 })),
  fc.constantFrom('3MiB', '10GiB', '1TiB', '-1', 'lots'),
);
const durationArb = mostly(
  fc.oneof(fc.constantFrom('5us', '1ms', '20ms'), fc.nat({ max: 10_000_000 })),
  fc.constantFrom('2h', '1e400', '-5ms', 'soon', 99_999_999_999_999),
);
const pathArb = mostly(
  fc.oneof(
    fc.constantFrom('/hello', '/', '/items/7'),
    hostileString.map((t) => `/${t}`),
  ),
  hostileString,
);

/** Scenarios shaped by the schema: free text hostile, constrained fields mostly in range. */
export const scenarioArb = fc
  .record(
    {
      name: mostly(fc.constantFrom('fuzz', 'a-1'), hostileString),
      description: hostileString,
      seed: mostly(fc.nat(), fc.integer({ min: -10 })),
      server: fc.record(
        {
          kind: mostly(fc.constantFrom('http', 'http', 'tcp'), fc.constant('udp')),
          listen: mostly(
            fc.constantFrom(':3000', ':0', ':65535', '127.0.0.1:80', '[::1]:8080'),
            fc.oneof(fc.constantFrom(':65536', 'localhost:80', ':http', 'x'), hostileString),
          ),
          user: mostly(fc.constantFrom('root', 'nobody'), fc.constant('admin')),
          reply: hostileString,
          routes: fc.array(
            fc.record(
              {
                pattern: mostly(
                  fc.constantFrom(
                    '/',
                    '/hello',
                    'GET /items/{id}',
                    '/a/{x...}',
                    '/b/{$}',
                    'POST /{a}/{b}',
                    '/{x}/c',
                  ),
                  fc.oneof(fc.constantFrom('/a/{x...}/b', '/{x}/{x}', 'GET'), hostileString),
                ),
                body: hostileString,
                bodyBytes: sizeArb,
                status: mostly(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 0, max: 1000 })),
                sleep: durationArb,
              },
              { requiredKeys: ['pattern'] },
            ),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
      clients: fc.array(
        fc.record(
          {
            name: hostileString,
            host: mostly(
              fc.constantFrom('10.0.0.9', '192.168.1.1'),
              fc.oneof(fc.constantFrom('::1', '300.0.0.1'), hostileString),
            ),
            count: mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 100_000, 1e9)),
            latency: durationArb,
            keepAlive: fc.boolean(),
            data: hostileString,
            requests: fc.array(
              fc.oneof(
                mostly(
                  fc.constantFrom('GET /hello', 'POST /', 'GET /items/1'),
                  fc.constantFrom('get /x', 'GET hello'),
                ),
                fc.record(
                  {
                    method: mostly(fc.constantFrom('GET', 'POST', 'PUT'), fc.constant('x')),
                    path: pathArb,
                    body: sizeArb,
                    headers: fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 2 }),
                  },
                  { requiredKeys: [] },
                ),
              ),
              { minLength: 1, maxLength: 3 },
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      notes: fc.array(
        fc.record({
          at: mostly(
            fc.constantFrom('wakeup:accept', 'event:nic.*', 'watch acceptq > 0', 'event:*.*'),
            hostileString,
          ),
          text: hostileString,
        }),
        { maxLength: 2 },
      ),
      maxTime: durationArb,
      extra: mostly(fc.constant(undefined), hostileString),
    },
    { requiredKeys: ['name', 'description'] },
  )
  .map((o) => {
    const { extra, ...rest } = o as typeof o & { extra?: string };
    const doc: Record<string, unknown> = { ...rest };
    if (extra !== undefined) doc[`x-${extra}`] = 1; // an unknown key, sometimes hostile
    return stringify(doc);
  });

/** `n` schema-shaped cases from a fixed seed. */
export function schemaCases(n: number, seed: number): FuzzCase[] {
  return fc.sample(scenarioArb, { numRuns: n, seed }).map((text, i) => ({
    cls: 'schema' as const,
    label: `schema #${i} (seed ${seed})`,
    file: { text },
    args: i % 2 === 0 ? ['run', 'FILE'] : ['run', 'FILE', '--json'],
  }));
}
