// Writes schema/scenario.schema.json from the zod ScenarioSchema. Run: npx tsx scripts/gen-schema.ts
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../src/scenario/jsonschema.js';

const out = new URL('../schema/scenario.schema.json', import.meta.url);
writeFileSync(out, scenarioJsonSchemaText());
console.log(`wrote ${out.pathname}`);
