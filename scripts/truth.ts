/**
 * Developer tool: `npx tsx scripts/truth.ts hello keepalive …` prints, per built-in scenario, every
 * step whose state change is not exactly what its record claims (test/truth.ts), and the records that
 * name no modelled function. MAXP=40 shows more problems per scenario; MAXEV=20000 bounds the events.
 */
import { builtin } from '../test/helpers.js';
import { checkTruth } from '../test/truth.js';

for (const n of process.argv.slice(2)) {
  const r = checkTruth(builtin(n), {
    maxProblems: Number(process.env.MAXP ?? 15),
    maxEvents: process.env.MAXEV ? Number(process.env.MAXEV) : undefined,
    stride: process.env.STRIDE ? Number(process.env.STRIDE) : undefined,
  });
  console.log(
    `== ${n}: ${r.records.length} records, ${r.problems.length} problems, ${r.noFn.length} without fn`,
  );
  for (const p of r.problems) console.log(`  ${p.slice(0, 400)}`);
  if (r.noFn.length) {
    const kinds = new Map<string, number>();
    for (const i of r.noFn) {
      const rec = r.records[i];
      const k = `${rec.kind}${rec.syscall ? `:${rec.syscall}` : ''}`;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    console.log(`  without fn: ${[...kinds].map(([k, v]) => `${k}×${v}`).join(' ')}`);
  }
}
