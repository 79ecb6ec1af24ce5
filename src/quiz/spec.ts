/**
 * Quiz `at` specs checked at load: importing this module installs the breakpoint grammar's parser
 * (src/debug/breakpoints.ts) as the scenario schema's check of every quiz item's `at`, so a bad spec
 * is a `file:line:col` problem like any other. The CLI imports it before any command that loads a
 * scenario; it is not in schema.ts itself because the grammar brings the simulator's kind and gauge
 * lists with it, which the light commands (`check`, `list`, `schema`) must start without.
 */
import { formatParseError, parseBreakpoint } from '../debug/breakpoints.js';
import { checkQuizSpecsWith } from '../scenario/schema.js';

checkQuizSpecsWith((spec) => {
  const r = parseBreakpoint(spec);
  return r.ok ? undefined : `not a breakpoint spec: ${formatParseError(r)}`;
});
