/** The README stays true: its two set-up commands, and its example scenario validates and passes its expect: list. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../src/scenario/load.js';
import { createExpectations } from '../src/sim/expect.js';
import { keymapMarkdown } from '../src/tui/keymap.js';
import { runAll } from './helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with exactly two set-up commands: run the default scenario, run the tests', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1].trim().split('\n');
    expect(block.map((l) => l.replace(/\s+#.*$/, ''))).toEqual([
      'npm install && npx netflow-tui',
      'npm install && npm test',
    ]);
    expect(readme.indexOf('```sh')).toBeLessThan(200);
  });

  it('its example scenario is valid and meets its own expectations', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const sc = loadScenarioText(yaml, 'README.md');
    const { records, m } = runAll(sc, { invariants: true });
    const check = createExpectations(sc);
    for (const r of records) check.observe(r);
    expect(check.failures(m)).toEqual([]);
    expect(sc.expect?.length).toBeGreaterThan(0);
  });

  it('its keys table is exactly the one the key map generates (every key the TUI has, as ? lists it)', () => {
    const table = /## Keys\n\n([\s\S]*?)\n\nThe table is generated/.exec(readme)?.[1];
    expect(`${table}\n`).toBe(keymapMarkdown());
  });
});
