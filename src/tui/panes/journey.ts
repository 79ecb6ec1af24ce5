/**
 * The journey map: one line, always under the panes, naming every stage of a request's path
 * (stage.ts) with the current step's stage lit — inverse with colour, `[…]` in brackets without — and,
 * when the run has more than one request, how many requests are at each stage at this moment
 * (`TCP 3`). Stage names are explained in the narration pane and in the help's legend; `]` / `[`
 * move along the stages of the current request.
 *
 * Too narrow for full names, it uses short ones (`accq`, `npoll`); narrower still, a window of stages
 * around the lit one with `…` at the cut ends.
 */
import type { Session } from '../../debug/types.js';
import { STAGE_SHORT, STAGES, type Stage } from '../stage.js';
import type { Theme } from '../theme.js';
import { NO_STAGE, stageCounts, traceIndex } from '../traceindex.js';

const SEP = ' › ';

function cells(names: string[], counts: number[] | undefined, lit: number): string[] {
  return names.map((n, i) => {
    const c = counts && counts[i] > 0 ? ` ${counts[i]}` : '';
    return i === lit ? `[${n}${c}]` : `${n}${c}`;
  });
}

/** The strip's text for `width` columns (plain, before styling) and where the lit stage sits in it. */
export function journeyText(
  stage: number,
  counts: number[] | undefined,
  width: number,
): { text: string; lit: [number, number] | null } {
  const lit = stage === NO_STAGE ? -1 : stage;
  for (const names of [STAGES as readonly string[], STAGES.map((s: Stage) => STAGE_SHORT[s])]) {
    const parts = cells([...names], counts, lit);
    const text = parts.join(SEP);
    if (text.length <= width) return { text, lit: litSpan(parts, lit, 0) };
  }
  // A window of short names around the lit stage.
  const parts = cells(
    STAGES.map((s) => STAGE_SHORT[s]),
    counts,
    lit,
  );
  let lo = Math.max(0, lit);
  let hi = lo + 1;
  const len = (a: number, b: number) => parts.slice(a, b).join(SEP).length + 2 * 2;
  for (;;) {
    if (hi < parts.length && len(lo, hi + 1) <= width) hi++;
    else if (lo > 0 && len(lo - 1, hi) <= width) lo--;
    else break;
  }
  const head = lo > 0 ? '… ' : '';
  const text = `${head}${parts.slice(lo, hi).join(SEP)}${hi < parts.length ? ' …' : ''}`;
  return { text, lit: litSpan(parts.slice(lo, hi), lit - lo, head.length) };
}

function litSpan(parts: string[], lit: number, offset: number): [number, number] | null {
  if (lit < 0 || lit >= parts.length) return null;
  const start = offset + parts.slice(0, lit).reduce((a, p) => a + p.length + SEP.length, 0);
  return [start, start + parts[lit].length];
}

/** The styled journey line for the cursor's step. */
export function journeyLine(session: Session, theme: Theme, width: number): string {
  const ix = traceIndex(session);
  if (!ix) return theme.dim(' journey map: not on a run this long');
  const stage = ix.stage[session.cursor];
  const counts = ix.connSteps.size > 1 ? stageCounts(ix, session.cursor) : undefined;
  const room = Math.max(10, width - 2);
  const { text, lit } = journeyText(stage, counts, room);
  if (!lit) return ` ${theme.dim(text)}`;
  return ` ${theme.dim(text.slice(0, lit[0]))}${theme.current(theme.bold(text.slice(lit[0], lit[1])))}${theme.dim(text.slice(lit[1]))}`;
}
