// The scenario loader as an author meets it: each mistake reported at the right line and column, every
// hostile-file bound named, the built-ins valid, and the committed JSON Schema in step with the zod schema.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinNames, listBuiltins, resolveScenario, scenariosDir } from '../src/scenario/builtin.js';
import { compileBuiltins } from '../src/scenario/compile.js';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../src/scenario/jsonschema.js';
import {
  loadScenarioFile,
  loadScenarioText,
  MAX_ALIASES,
  MAX_CONNECTIONS,
  MAX_DEPTH,
  type Problem,
  ScenarioError,
} from '../src/scenario/load.js';

const dir = mkdtempSync(join(tmpdir(), 'netflow-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'name: t\ndescription: a test\n';

/** The problems loading `text` reports (fails the test if it loads). */
function problems(text: string, file = 'f.yaml'): Problem[] {
  try {
    loadScenarioText(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

function only(text: string): Problem {
  const ps = problems(text);
  expect(ps).toHaveLength(1);
  return ps[0]!;
}

describe('errors point at the right line and column', () => {
  it('a YAML syntax error', () => {
    const p = only(`${HEAD}machine: cpus: 2\n`);
    expect([p.line, p.col]).toEqual([3, 10]);
    expect(p.message).toMatch(/Nested mappings/);
  });

  it('bad indentation', () => {
    const p = only(`${HEAD}machine:\n  cpus: 2\n gomaxprocs: 2\n`);
    expect(p.line).toBe(5);
    expect(p.message).not.toMatch(/at line/); // yaml's own position text is dropped: ours leads
  });

  it('a type error points at the value', () => {
    const p = only(`${HEAD}machine:\n  cpus: four\n`);
    expect(p).toMatchObject({ file: 'f.yaml', line: 4, col: 9 });
    expect(p.message).toBe('machine.cpus: expected a number, got "four" (CPUs of the server host; 1 to 64)');
  });

  it('a duration of the wrong type names what a duration looks like', () => {
    const p = only(`${HEAD}clients:\n  - start: true\n`);
    expect([p.line, p.col]).toEqual([4, 12]);
    expect(p.message).toMatch(/^clients\[0\]\.start: expected a number or a string, got true .*"5us"/);
  });

  it('an unknown key points at the key and suggests the closest valid one', () => {
    const p = only(`${HEAD}machine:\n  nic:\n    rxring: 8\n`);
    expect([p.line, p.col]).toEqual([5, 5]);
    expect(p.message).toBe('machine.nic: unknown key "rxring"; did you mean "rxRing"?');
  });

  it('an unknown key inside a request object, a list item of a union', () => {
    const p = only(`${HEAD}clients:\n  - requests:\n      - methd: POST\n`);
    expect([p.line, p.col]).toEqual([5, 9]);
    expect(p.message).toMatch(/unknown key "methd"; did you mean "method"\?/);
  });

  it('an unknown key far from every valid one lists the valid keys', () => {
    const p = only(`${HEAD}zzzzzzzz: 1\n`);
    expect([p.line, p.col]).toEqual([3, 1]);
    expect(p.message).toMatch(/unknown key "zzzzzzzz" \(valid keys: name, description, seed,/);
  });

  it('an out-of-range value names the bound and points at the value', () => {
    const p = only(`${HEAD}machine:\n  nic:\n    rxRing: 99999\n`);
    expect([p.line, p.col]).toEqual([5, 13]);
    expect(p.message).toBe('machine.nic.rxRing: 99999 is over the limit of 4096');
  });

  it('a size below its minimum', () => {
    const p = only(`${HEAD}machine:\n  tcp:\n    rmem: 1KiB\n`);
    expect([p.line, p.col]).toEqual([5, 11]);
    expect(p.message).toBe('machine.tcp.rmem: 1KiB is under the minimum of 4KiB');
  });

  it('a misspelt enum value gets a suggestion', () => {
    const p = only(`${HEAD}server:\n  kind: htp\n`);
    expect([p.line, p.col]).toEqual([4, 9]);
    expect(p.message).toBe('server.kind: expected one of "http", "tcp", got "htp"; did you mean "http"?');
  });

  it('a duplicate key points at the second one', () => {
    const p = only(`${HEAD}seed: 1\nseed: 2\n`);
    expect([p.line, p.col]).toEqual([4, 1]);
    expect(p.message).toBe('duplicate key "seed" (first set on line 3)');
  });

  it('a missing required key', () => {
    const p = only('name: t\n');
    expect(p.message).toBe('missing required key "description"');
  });

  it('an empty file', () => {
    expect(only('').message).toMatch(/expected a mapping/);
  });

  it('several problems come in file order', () => {
    const ps = problems(`name: Bad\ndescription: d\nmachine:\n  cpus: 0\n  gpus: 1\n`);
    expect(ps.map((p) => p.line)).toEqual([1, 4, 5]);
  });

  it('the message is one file:line:col: message line per problem', () => {
    try {
      loadScenarioText(`${HEAD}seed: -1\nmaxTime: soon\n`, 'my.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message.split('\n')).toEqual([
        'my.yaml:3:7: seed: -1 is out of range: must be at least 0',
        'my.yaml:4:10: maxTime: expected a duration like "5us", "1ms" or integer ns, got "soon"',
      ]);
    }
  });

  it('control characters from the file are escaped in messages', () => {
    const p = only(`${HEAD}"\\e]0;pwned\\a\u202e": 1\n`);
    expect(p.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(p.message).toContain('\\u001b]0;pwned\\u0007\\u202e');
  });
});

describe('bounds: a hostile file is refused with the bound it hit', () => {
  it('a flow nesting bomb', () => {
    const p = only(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(p.message).toBe(`nesting is deeper than ${MAX_DEPTH} levels (the limit for a scenario)`);
    expect([p.line, p.col]).toEqual([1, MAX_DEPTH + 1]);
  });

  it('a block nesting bomb, twice in one process', () => {
    const text = `${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`;
    for (let i = 0; i < 2; i++) {
      const p = only(text);
      expect(p.message).toMatch(/nesting is deeper than 64 levels/);
      expect(p.line).toBe(MAX_DEPTH + 1);
    }
  });

  it('nesting up to the limit is fine as far as depth goes', () => {
    const p = only(`${HEAD}notes: ${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}\n`);
    expect(p.message).not.toMatch(/nesting/);
  });

  it('an alias bomb (billion laughs)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const p = only(`${levels.join('\n')}\n`);
    expect(p.message).toMatch(/aliases expand to too many nodes/);
    expect(p.line).toBeGreaterThan(1);
  });

  it('too many aliases', () => {
    const lines = Array.from({ length: MAX_ALIASES + 5 }, (_, i) => `k${i}: *a`);
    const p = only(`a: &a x\n${lines.join('\n')}\n`);
    expect(p.message).toBe(`more than ${MAX_ALIASES} aliases (*name) in one file (the limit for a scenario)`);
    expect([p.line, p.col]).toEqual([MAX_ALIASES + 2, String(MAX_ALIASES).length + 4]);
  });

  it('an alias to a missing anchor points at that alias', () => {
    const p = only(`a: &a x\nname: *a\ndescription: *nope\n`);
    expect([p.line, p.col]).toEqual([3, 14]);
    expect(p.message).toMatch(/Unresolved alias.*nope/);
  });

  it('an oversize text', () => {
    const p = only(`${HEAD}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(p.line).toBe(0);
    expect(p.message).toBe('file is 1.0 MiB; the limit for a scenario is 1 MiB');
  });

  it('an oversize file is refused before it is read', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x20));
    expect(() => loadScenarioFile(big)).toThrow(
      /big\.yaml: file is 3\.0 MiB; the limit for a scenario is 1 MiB/,
    );
  });

  it('too many client connections in all', () => {
    const p = only(`${HEAD}clients:\n  - count: 6000\n  - count: 6000\n`);
    expect([p.line, p.col]).toEqual([5, 12]);
    expect(p.message).toBe(`12000 client connections in all is over the limit of ${MAX_CONNECTIONS}`);
  });

  it('a file with thousands of mistakes reports the first 50 and says it stopped', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `k${i}: 1`);
    const ps = problems(`${HEAD}${lines.join('\n')}\n`);
    expect(ps).toHaveLength(51);
    expect(ps.at(-1)!.message).toMatch(/stopped after 50 problems/);
  });
});

describe('files', () => {
  it('a missing file', () => {
    expect(() => loadScenarioFile(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: no such file$/);
  });

  it('a directory', () => {
    mkdirSync(join(dir, 'd.yaml'));
    expect(() => loadScenarioFile(join(dir, 'd.yaml'))).toThrow(
      /d\.yaml: is a directory, not a scenario file$/,
    );
  });

  it('a device is not a scenario file', () => {
    expect(() => loadScenarioFile('/dev/null')).toThrow(/^\/dev\/null: is not a regular file$/);
  });

  it('merge keys share a client template; a typo beside the merge is still found', () => {
    const template = `${HEAD}clients:\n  - &c { count: 2, requests: [GET /hello] }\n  - <<: *c\n`;
    const s = loadScenarioText(`${template}    start: 1ms\n`, 'f.yaml');
    expect(s.clients?.[1]).toMatchObject({ count: 2, start: 1_000_000, requests: ['GET /hello'] });
    const p = only(`${template}    strat: 1ms\n`);
    expect([p.line, p.col]).toEqual([6, 5]);
    expect(p.message).toBe('clients[1]: unknown key "strat"; did you mean "start"?');
  });

  it('a good file loads, durations and sizes in ns and bytes', () => {
    const f = join(dir, 'good.yaml');
    writeFileSync(
      f,
      `${HEAD}machine:\n  tcp: { rmem: 64KiB }\nclients:\n  - start: 1.5ms\n    requests: [GET /hello]\n`,
    );
    const s = loadScenarioFile(f);
    expect(s.machine?.tcp?.rmem).toBe(65536);
    expect(s.clients?.[0]?.start).toBe(1_500_000);
  });
});

describe('built-in scenarios', () => {
  const names = builtinNames();

  it('include hello and about', () => {
    expect(names).toEqual(expect.arrayContaining(['hello', 'about']));
  });

  it.each(names)('%s loads, is named after its file and points editors at the schema', (name) => {
    const file = join(scenariosDir(), `${name}.yaml`);
    const s = loadScenarioFile(file);
    expect(s.name).toBe(basename(file, '.yaml'));
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schema/scenario.schema.json',
    );
  });

  it('listBuiltins is sorted by name with descriptions', async () => {
    const all = await listBuiltins();
    const listed = all.map((b) => b.name);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(builtinNames());
    expect(all.find((b) => b.name === 'hello')?.description).toMatch(/GET \/hello/);
  });

  it('resolveScenario: a name, a path, a misspelt name', () => {
    expect(resolveScenario('hello')).toBe(join(scenariosDir(), 'hello.yaml'));
    expect(resolveScenario('some/where.yml')).toBe('some/where.yml');
    expect(() => resolveScenario('helo')).toThrow(
      /unknown scenario "helo"; did you mean "hello"\?\nbuilt-in scenarios: .*about.*hello/,
    );
    expect(() => resolveScenario(dir)).toThrow(/is a directory/);
  });
});

describe('built-ins compiled at build time (dist/builtins.json)', () => {
  it('each is exactly what the YAML loader gives, after a JSON round trip', async () => {
    const compiled = JSON.parse(JSON.stringify(await compileBuiltins()));
    expect(Object.keys(compiled)).toEqual(builtinNames());
    for (const name of builtinNames())
      expect(compiled[name].scenario, name).toStrictEqual(loadScenarioFile(resolveScenario(name)));
  });
});

describe('JSON Schema', () => {
  it('the committed schema/scenario.schema.json is what the zod schema generates', () => {
    const committed = readFileSync(new URL('../schema/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed, 'run: npx tsx scripts/gen-schema.ts').toBe(scenarioJsonSchemaText());
  });

  it('is draft-07, strict, and accepts the input forms of durations', () => {
    const s = scenarioJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { type?: unknown }>;
    };
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['name', 'description']);
    expect(s.properties.maxTime?.type).toEqual(['number', 'string']);
  });
});
