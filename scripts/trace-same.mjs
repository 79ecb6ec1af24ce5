#!/usr/bin/env node
/**
 * Checks that a restructuring of the model changed no behaviour: runs every built-in scenario's
 * `run --json` with this checkout's dist/ and compares each record, with its `fn` field (the modelled
 * function's name) stripped, against the traces in a baseline directory made the same way before the
 * change (`node scripts/trace-same.mjs --save DIR` on the old build). c10k: its first 200 000 records.
 * Prints the first differing record per scenario; exit 1 if any differ.
 *   node scripts/trace-same.mjs --save /tmp/base     (before)
 *   node scripts/trace-same.mjs /tmp/base            (after)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const C10K_LINES = 200000;
const args = process.argv.slice(2);
const save = args[0] === '--save';
const dir = save ? args[1] : args[0];
if (!dir) {
  console.error('usage: node scripts/trace-same.mjs [--save] DIR');
  process.exit(2);
}
function trace(name) {
  const limit = name === 'c10k' ? ['--until-step', String(C10K_LINES)] : [];
  const out = execFileSync('node', ['dist/cli.js', 'run', name, '--json', ...limit], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const lines = out.split('\n').filter(Boolean);
  return name === 'c10k' ? lines.slice(0, C10K_LINES) : lines;
}
const strip = (l) => {
  const r = JSON.parse(l);
  delete r.fn;
  return JSON.stringify(r);
};
if (save) mkdirSync(dir, { recursive: true });
let bad = 0;
for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
  const name = f.slice(0, -5);
  const now = trace(name);
  const file = join(dir, `${name}.jsonl`);
  if (save) {
    writeFileSync(file, `${now.join('\n')}\n`);
    continue;
  }
  if (!existsSync(file)) {
    console.log(`${name}: no baseline`);
    continue;
  }
  const base = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let diff = -1;
  for (let i = 0; i < Math.max(base.length, now.length); i++) {
    if (base[i] === undefined || now[i] === undefined || strip(base[i]) !== strip(now[i])) {
      diff = i;
      break;
    }
  }
  if (diff < 0) console.log(`${name}: same (${now.length} records, fn aside)`);
  else {
    bad++;
    console.log(`${name}: differs at record ${diff}\n  was: ${base[diff]}\n  now: ${now[diff]}`);
  }
}
process.exit(bad ? 1 : 0);
