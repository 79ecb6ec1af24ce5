/**
 * Built-in scenarios compiled at build time: each validated with the YAML loader and kept as the
 * JSON the loader's result is, with its file's text. `npm run build` writes it as
 * dist/builtins.json (scripts/builtins-json.ts); ./builtin.ts openScenario reads it instead of loading
 * yaml and zod, as long as the file's text is unchanged.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import '../quiz/spec.js';
import { builtinNames, type CompiledBuiltins, scenariosDir } from './builtin.js';
import { loadScenarioFile } from './load.js';

/** Every built-in, validated. Throws if one does not load or would not survive JSON unchanged. */
export async function compileBuiltins(): Promise<CompiledBuiltins> {
  const all: CompiledBuiltins = {};
  for (const name of builtinNames()) {
    const file = `${scenariosDir()}/${name}.yaml`;
    const scenario = loadScenarioFile(file);
    // undefined, Infinity or a function in the loader's output would not come back from JSON.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(scenario)), scenario))
      throw new Error(`${file}: the loaded scenario does not survive JSON`);
    all[name] = { text: readFileSync(file, 'utf8'), scenario };
  }
  return all;
}
