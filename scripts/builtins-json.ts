/**
 * Build step (scripts/build.mjs): writes the built-in scenarios, validated, as one JSON file next to
 * the bundle (dist/builtins.json; src/scenario/compile.ts), so opening a built-in needs neither yaml nor zod.
 */
import { writeFileSync } from 'node:fs';
import { compileBuiltins } from '../src/scenario/compile.js';

const out = process.argv[2];
if (!out) throw new Error('usage: builtins-json OUT.json');
writeFileSync(out, JSON.stringify(await compileBuiltins()));
