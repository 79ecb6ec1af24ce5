/**
 * A scenario's problems as the user reads them (`file:line:col: message`), and the small text helpers
 * every message uses: quoting, escaping, "did you mean". Split from the loader (./load.ts) so that
 * start-up (`--help`, `list`, opening a built-in) reports and suggests without importing yaml or zod;
 * load.ts re-exports all of it.
 */
import { escapeControls } from '../text/sanitize.js';
import { MAX_SUGGEST_CHARS } from './bounds.js';

/** One thing wrong with a scenario file. `line` and `col` are 1-based; line 0: the whole file. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Formats a problem as `file:line:col: message` (or `file: message` for a whole-file problem). */
export function formatProblem(p: Problem): string {
  const file = printable(p.file);
  return p.line > 0 ? `${file}:${p.line}:${p.col}: ${p.message}` : `${file}: ${p.message}`;
}

/** A scenario that cannot be used; `message` is the problems, one `file:line:col: message` a line. */
export class ScenarioError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** Longest text from the file quoted in a message; the rest is cut with `...`. */
const MAX_QUOTED_CHARS = 60;

/** JSON-quotes a string (cut to MAX_QUOTED_CHARS) and escapes what JSON leaves raw (C1, bidi). */
export function quote(s: string): string {
  const short = s.length > MAX_QUOTED_CHARS ? `${s.slice(0, MAX_QUOTED_CHARS - 3)}...` : s;
  return printable(JSON.stringify(short));
}

/** Escapes C0/C1 controls and bidi overrides as \\uXXXX (../text/sanitize.ts), for file text in messages. */
export function printable(s: string): string {
  return escapeControls(s);
}

/** The candidate closest to `word` (case-insensitive edit distance), if it is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGEST_CHARS) return undefined; // the edit distance costs |word| × |candidate|
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue; // the distance is at least this
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** Edit distance counting an insertion, deletion, substitution or swap of neighbours as 1 (OSA). */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}
