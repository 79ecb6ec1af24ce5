/**
 * The fork split ("what if?"): the run you are stepping and a copy with one scenario key changed
 * (`f` in the TUI, `diff --tui`), two debugger Sessions side by side, kept together as you step.
 *
 * One side leads (the keys move it; `s` swaps); the other follows it by virtual time (its last record
 * at or before the leading record's time) or by step number (`t` toggles). The first divergence is
 * the first step whose records differ; `d` jumps to the next point where the traces start to differ
 * (record i differs, record i - 1 did not), `D` back to the first. `1` or `2` makes one side the main
 * run (the split closes, that run goes on with every key); Esc or `f` closes the fork.
 *
 * The change is typed as `diff`'s `--set` (KEY=VALUE; several separated by `;`) and validated by
 * ../whatif/set.ts, so its problems read the same, with the column pointing into the prompt's text.
 *
 * Who touches it: forkhost.tsx owns a ForkSplit and sends it keys through `forkKey` (the only code
 * that moves the two Sessions while the split is open); panes/forksplit.tsx draws it.
 */
import { readFileSync } from 'node:fs';
import { createSession } from '../debug/session.js';
import type { Session } from '../debug/types.js';
import { resolveScenario } from '../scenario/builtin.js';
import { ScenarioError } from '../scenario/problem.js';
import type { Scenario } from '../scenario/schema.js';
import { engine } from '../sim/engine.js';
import { recordToJson } from '../sim/trace.js';
import { type KeyEvent, keyId, keyLabel, matchKey } from './keymap.js';

/** Records `d` compares at most in one search (a c10k run has 1.4 M: a search must stay interactive). */
export const MAX_DIVERGENCE_SCAN = 200_000;

export type SyncMode = 'time' | 'step';
export type Side = 'original' | 'fork';

/** What a fork is made from: the scenario as the command line named it, and changes already made
 * (a fork made the main run keeps its changes; a fork of it adds to them). */
export interface ForkBase {
  scenarioPath: string;
  seed?: number;
  sets: readonly string[];
}

export interface ForkSplit {
  /** The run you were stepping, and the changed copy. */
  original: Session;
  fork: Session;
  /** The changes the run on the left already has (none: the scenario as written). */
  mainSets: readonly string[];
  /** The fork's base: its scenario, seed and every change (the base's and the new ones). */
  forkBase: ForkBase;
  /** The scenario the fork runs (for its gauges once it becomes the main run). */
  forkScenario: Scenario;
  /** The changes this fork adds, as typed (e.g. `machine.tcp.somaxconn=4096`). */
  label: string;
  /** The first step where the traces differ; -1: identical. */
  first: number;
  /** The side the keys move. */
  lead: Side;
  sync: SyncMode;
  /** The line under the split: what the last key did, or '' for the key hints. */
  message: string;
}

/** How a key leaves the split: still open, closed (back to the original), a side made main, or quit. */
export type ForkOutcome = 'open' | 'close' | 'keep-original' | 'keep-fork' | 'quit';

const same = (a: Session, b: Session, i: number) => recordToJson(a.record(i)) === recordToJson(b.record(i));

/** The first step at or after `from` where record i differs and record i - 1 did not; -1: none found. */
export function nextDivergence(a: Session, b: Session, from: number): number {
  const end = Math.min(a.total, b.total, from + MAX_DIVERGENCE_SCAN);
  let prevSame = from === 0 || (from - 1 < Math.min(a.total, b.total) && same(a, b, from - 1));
  for (let i = from; i < end; i++) {
    const s = same(a, b, i);
    if (!s && prevSame) return i;
    prevSame = s;
  }
  // One run ended where the other goes on: that is a difference too.
  if (end === Math.min(a.total, b.total) && a.total !== b.total && prevSame && end >= from) return end;
  return -1;
}

/**
 * Moves `other` to follow `main`: the same step (clamped), or its last record at or before main's
 * time; when several records share that time (a boot, one event's records), the one with main's step
 * number if it is among them, so two runs that do the same thing stay on the same line.
 */
export function follow(main: Session, other: Session, mode: SyncMode): void {
  const sameStep = Math.min(main.cursor, other.total - 1);
  if (mode === 'step') return other.goto(sameStep);
  const t = main.record(main.cursor).t_ns;
  const last = lastAtOrBefore(other, t);
  if (last < 0) return other.goto(0);
  const atT = other.record(last).t_ns;
  const firstAtT = lastAtOrBefore(other, atT - 1) + 1;
  other.goto(sameStep >= firstAtT && sameStep <= last ? sameStep : last);
}

/** The last step with a time at or before `t`; -1 when the run starts later. */
function lastAtOrBefore(s: Session, t: number): number {
  let lo = -1;
  let hi = s.total - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.record(mid).t_ns <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The prompt's text as `--set` arguments (split at `;`), each with its 0-based offset in the text. */
export function forkArgs(text: string): { arg: string; at: number }[] {
  const out: { arg: string; at: number }[] = [];
  let at = 0;
  for (const piece of text.split(';')) {
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim() !== '') out.push({ arg: piece.trim(), at: at + lead });
    at += piece.length + 1;
  }
  return out;
}

/** The `--set` applier (../whatif/set.ts: yaml and zod), once loaded; see loadWhatIf. */
let whatIf: typeof import('../whatif/set.js') | undefined;

/**
 * Loads what forking needs to parse changes (yaml and zod, ~70 ms of imports): the TUI calls it after
 * its first frame (a fork is never the first thing drawn), `diff --tui` before (it opens with a fork).
 */
export async function loadWhatIf(): Promise<void> {
  whatIf ??= await import('../whatif/set.js');
}

/**
 * Makes the fork of `main` with the prompt's changes; or the first problem, with its 1-based column in
 * the prompt's text (absent when the problem is not in what was typed).
 */
export function openFork(
  base: ForkBase,
  main: Session,
  text: string,
): ForkSplit | { error: string; column?: number } {
  const args = forkArgs(text);
  if (args.length === 0)
    return { error: 'type a change: KEY=VALUE, e.g. machine.gomaxprocs=1 (several: separate with ;)' };
  return forkWith(base, main, args);
}

/** The fork of `main` with these changes (none: a copy, for `diff --tui` without --set); or the first
 * problem, its column counted from each change's `at` in the text they came from. */
export function forkWith(
  base: ForkBase,
  main: Session,
  args: readonly { arg: string; at: number }[],
): ForkSplit | { error: string; column?: number } {
  const sets = [...base.sets, ...args.map((a) => a.arg)];
  if (!whatIf) return { error: 'still loading the scenario reader: press Enter again' };
  const { applyChanges, SET_FILE } = whatIf;
  let forkScenario: Scenario;
  try {
    const path = resolveScenario(base.scenarioPath);
    forkScenario = applyChanges(readFileSync(path, 'utf8'), path, sets);
  } catch (e) {
    if (!(e instanceof ScenarioError)) return { error: e instanceof Error ? e.message : String(e) };
    const p = e.problems[0]!;
    const typed = p.file === SET_FILE ? args[p.line - 1 - base.sets.length] : undefined;
    if (!typed) return { error: p.message };
    const col = typed.at + p.col;
    // The message names the change when several were typed; the caret shows where in it.
    return { error: args.length > 1 ? `${typed.arg}: ${p.message}` : p.message, column: col };
  }
  const fork = createSession(engine, forkScenario, { seed: base.seed });
  const split: ForkSplit = {
    original: main,
    fork,
    mainSets: base.sets,
    forkBase: { ...base, sets },
    forkScenario,
    label: args.length ? args.map((a) => a.arg).join('; ') : 'no change',
    first: nextDivergence(main, fork, 0),
    lead: 'original',
    sync: 'time',
    message: '',
  };
  follow(main, fork, split.sync);
  split.message =
    split.first < 0
      ? 'the two runs are identical, record for record'
      : `the runs part at step ${split.first} (≠) · d jumps there`;
  return split;
}

/** The side the keys move, and the other. */
export function sides(s: ForkSplit): { lead: Session; other: Session } {
  return s.lead === 'original' ? { lead: s.original, other: s.fork } : { lead: s.fork, other: s.original };
}

/** One key in the split: moves the leading side (the other follows) and says how the split goes on. */
export function forkKey(s: ForkSplit, ev: KeyEvent): ForkOutcome {
  const b = matchKey('fork', ev);
  const { lead } = sides(s);
  s.message = '';
  switch (b?.command) {
    case 'quit':
      return 'quit';
    case 'close':
      return 'close';
    case 'fork-keep-original':
      return 'keep-original';
    case 'fork-keep-fork':
      return 'keep-fork';
    case 'step':
      if (lead.cursor >= lead.total - 1) s.message = 'at the last step';
      else lead.step();
      break;
    case 'back':
      if (lead.cursor <= 0) s.message = 'at the first step';
      else lead.back();
      break;
    case 'first':
      lead.first();
      break;
    case 'last':
      lead.last();
      break;
    case 'fork-lead':
      s.lead = s.lead === 'original' ? 'fork' : 'original';
      s.message = `keys now step ${s.lead === 'original' ? 'the run as written' : 'the fork'}`;
      break;
    case 'fork-sync':
      s.sync = s.sync === 'time' ? 'step' : 'time';
      s.message = `the other side follows by ${s.sync === 'time' ? 'virtual time' : 'step number'}`;
      break;
    case 'fork-diff-next':
    case 'fork-diff-first': {
      const at =
        b.command === 'fork-diff-first' ? s.first : nextDivergence(s.original, s.fork, lead.cursor + 1);
      if (at < 0) {
        s.message =
          s.first < 0
            ? 'the two runs are identical'
            : `no point after step ${lead.cursor} where the traces start to differ (D: the first)`;
        break;
      }
      lead.goto(Math.min(at, lead.total - 1));
      s.message = `the traces start to differ at step ${at}${at === s.first ? ' (the first divergence)' : ''}`;
      break;
    }
    default:
      s.message = `${keyLabel(keyId(ev))}: not a key in the fork split (Esc closes it; 1 or 2 keeps a side)`;
      return 'open';
  }
  const { lead: l, other } = sides(s);
  follow(l, other, s.sync);
  return 'open';
}
