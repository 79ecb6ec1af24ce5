/**
 * The JSON Schema (draft-07) of the scenario format, generated from ScenarioSchema. Editors with the
 * YAML language server complete and validate scenario files against it (built-ins start with
 * `# yaml-language-server: $schema=../schema/scenario.schema.json`). It describes the input side:
 * durations and sizes may be numbers or strings like "5us" and "64KiB".
 *
 * schema/scenario.schema.json is this output, committed; `npx tsx scripts/gen-schema.ts` rewrites it
 * and a test fails when the two differ.
 */
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

export const SCHEMA_ID = 'urn:netflow-tui:scenario';

/** The scenario format as a draft-07 JSON Schema object. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioSchema, { target: 'draft-07', io: 'input' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return { $schema, $id: SCHEMA_ID, title: 'netflow-tui scenario', ...rest };
}

/** The schema as the committed file holds it: 2-space JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
