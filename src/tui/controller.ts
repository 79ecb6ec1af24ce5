/**
 * The controller: the one place where a key press moves the debugger Session. `handleKey` looks the
 * key up in the key map for the current mode, runs the command against the Session (step, back,
 * continue, goto, breakpoints) and returns the new UI state built with reducer.ts actions. It runs in
 * Ink's input handler and the play timer, never inside a render: rendering only reads the Session.
 */
import { anomalyLabel } from '../debug/anomaly.js';
import type { Session } from '../debug/types.js';
import { type ExportRequest, parseExportPrompt } from './export-prompt.js';
import { type KeyEvent, keyId, keyLabel, matchKey } from './keymap.js';
import { PANES, type PaneId, SPEEDS, type UiAction, type UiState, uiReducer } from './reducer.js';
import { searchSteps } from './search.js';
import { paneOfRecord, STAGES } from './stage.js';
import {
  anomalyCounts,
  anomalyStepsOf,
  INDEX_LIMIT,
  NO_STAGE,
  nextAfter,
  prevBefore,
  rankOf,
  traceIndex,
} from './traceindex.js';

export interface ControllerCtx {
  session: Session;
  /** The scroll offsets the pane can take: [min, max] (0..lines below the window; the timeline
   * also goes negative, towards the first record). */
  scrollRange(pane: PaneId): [number, number];
  /** Visible content lines of the pane (a page for PgUp/PgDn). */
  pageSize(pane: PaneId): number;
  /** Starts an export (export-prompt.ts); an error for the prompt, or undefined once started. Absent:
   * the TUI cannot export (tests without a scenario). */
  startExport?(req: ExportRequest): string | undefined;
  /** How far the help can scroll, and its page, on this screen. Default: no scrolling. */
  helpRange?(): { max: number; page: number };
  /** Why a gauge spec (`rcvq fd=4`) cannot be plotted, or undefined when it can. */
  checkGauge?(spec: string): { message: string; column?: number } | undefined;
  /** Opens the what-if split (fork.ts) with the prompt's `KEY=VALUE` changes; the problem (column
   * 1-based in the text), or undefined once open. Absent: no fork here (the quiz, tests). */
  startFork?(text: string): { error: string; column?: number } | undefined;
}

/** The `moved` action for where the session is now: a small terminal's detail pane follows the step. */
function moved(session: Session): UiAction {
  return { type: 'moved', detail: paneOfRecord(session.record(session.cursor)) };
}

/** The steps of the lens's connection, or undefined when the lens is off or the run not indexed. */
function lensSteps(s: UiState, session: Session): Int32Array | undefined {
  if (s.lens === null) return undefined;
  return traceIndex(session)?.connSteps.get(s.lens);
}

const NOT_INDEXED = `not on a run this long (more than ${INDEX_LIMIT} records)`;

/** Goes to `target` (a step, or -1 for none) and says `ok`, or says `none`. */
function jumpTo(s: UiState, session: Session, target: number, ok: string, none: string): UiState {
  s = apply(s, { type: 'play', playing: false });
  if (target < 0) return apply(s, { type: 'message', text: none });
  session.goto(target);
  return apply(s, moved(session), { type: 'message', text: ok });
}

/** n / N: the next or previous match of the search, with "match k/total". */
function searchMove(s: UiState, session: Session, dir: 1 | -1): UiState {
  const steps = searchSteps(session, s.search ?? '');
  if (typeof steps === 'string') return apply(s, { type: 'message', text: steps, tone: 'error' });
  if (steps.length === 0)
    return apply(s, { type: 'message', text: `no match for ${s.search}`, tone: 'error' });
  const at = dir > 0 ? nextAfter(steps, session.cursor) : prevBefore(steps, session.cursor);
  const wrapped = at < 0 ? (dir > 0 ? steps[0] : steps[steps.length - 1]) : at;
  const note = at < 0 ? (dir > 0 ? ' (wrapped to the first)' : ' (wrapped to the last)') : '';
  const k = rankOf(steps, wrapped);
  return jumpTo(
    s,
    session,
    wrapped,
    `/${s.search}: match ${k}/${steps.length} at step ${wrapped}${note} · n/N next/previous · Esc clears`,
    '',
  );
}

/** a / A: the next or previous anomaly. */
function anomalyMove(s: UiState, session: Session, dir: 1 | -1, kind?: string): UiState {
  const ix = traceIndex(session);
  if (!ix) return apply(s, { type: 'message', text: `anomalies: ${NOT_INDEXED}`, tone: 'error' });
  const steps = anomalyStepsOf(ix, kind);
  const at = dir > 0 ? nextAfter(steps, session.cursor) : prevBefore(steps, session.cursor);
  if (at < 0) {
    const where = dir > 0 ? 'after' : 'before';
    return apply(s, {
      type: 'message',
      text: `no anomaly ${where} step ${session.cursor} (${steps.length} in all)`,
    });
  }
  const id = ix.anomalyKinds[ix.anomaly[at] - 1];
  return jumpTo(
    s,
    session,
    at,
    `anomaly ${rankOf(steps, at)}/${steps.length}: ${id} — ${anomalyLabel(id)}`,
    '',
  );
}

/** ] / [: the next or previous step of the current request in another stage than the current one. */
function stageMove(s: UiState, session: Session, dir: 1 | -1): UiState {
  const ix = traceIndex(session);
  if (!ix) return apply(s, { type: 'message', text: `journey stages: ${NOT_INDEXED}`, tone: 'error' });
  const conn = s.lens ?? ix.conn[session.cursor];
  if (!conn)
    return apply(s, { type: 'message', text: 'this step belongs to no request: r picks one, a finds one' });
  const steps = ix.connSteps.get(conn)!;
  const here = ix.stage[session.cursor];
  let i = dir > 0 ? rankOf(steps, session.cursor) : rankOf(steps, session.cursor - 1) - 1;
  while (i >= 0 && i < steps.length && (ix.stage[steps[i]] === here || ix.stage[steps[i]] === NO_STAGE))
    i += dir;
  if (i < 0 || i >= steps.length)
    return apply(s, { type: 'message', text: `conn ${conn}: no ${dir > 0 ? 'later' : 'earlier'} stage` });
  const stage = STAGES[ix.stage[steps[i]]];
  return jumpTo(s, session, steps[i], `conn ${conn} → ${stage}`, '');
}

/** r: the lens on the current step's connection, or off. */
function toggleLens(s: UiState, session: Session): UiState {
  if (s.lens !== null)
    return apply(s, { type: 'lens', conn: null }, { type: 'message', text: 'request lens off' });
  const ix = traceIndex(session);
  if (!ix) return apply(s, { type: 'message', text: `request lens: ${NOT_INDEXED}`, tone: 'error' });
  let conn = ix.conn[session.cursor];
  if (!conn) {
    // Not on a request's step: take the next one that is.
    let i = session.cursor;
    while (i < ix.total && !ix.conn[i]) i++;
    if (i >= ix.total) return apply(s, { type: 'message', text: 'no request after this step' });
    conn = ix.conn[i];
    session.goto(i);
    s = apply(s, moved(session));
  }
  const n = ix.connSteps.get(conn)?.length ?? 0;
  return apply(
    s,
    { type: 'lens', conn },
    { type: 'message', text: `request lens: conn ${conn} (${n} steps); → ← stay in it · r or Esc: off` },
  );
}

/** Parses a virtual time: `1.025ms`, `25us`, `25µs`, `3s`, `500ns`, `1500` (ns); undefined if not one. */
export function parseTime(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns' | 'us' | 'µs' | 'ms' | 's'];
  return Math.round(Number(m[1]) * unit);
}

/** The first step at or after virtual time `t` (binary search on the records' times); -1 if none. */
export function stepAtTime(session: Pick<Session, 'total' | 'record'>, t: number): number {
  let lo = 0;
  let hi = session.total;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (session.record(mid).t_ns < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < session.total ? lo : -1;
}

function apply(s: UiState, ...actions: UiAction[]): UiState {
  return actions.reduce(uiReducer, s);
}

/** Moves the cursor with `move`; reports when it could not move; re-centres the timeline. */
function navigate(s: UiState, session: Session, move: () => void, edge: 'first' | 'last'): UiState {
  s = apply(s, { type: 'play', playing: false });
  const before = session.cursor;
  const atEdge = edge === 'last' ? before >= session.total - 1 : before <= 0;
  if (atEdge) {
    return apply(s, { type: 'message', text: edge === 'last' ? 'at the last step' : 'at the first step' });
  }
  move();
  return apply(s, moved(session));
}

function continueMsg(session: Session, hit: { id: number; spec: string } | null, backwards: boolean): string {
  if (hit) return `breakpoint ${hit.id} hit: ${hit.spec}`;
  const active = session.breakpoints().filter((b) => b.enabled).length;
  const where = backwards ? 'at the first step' : 'at the last step';
  return active === 0 ? `no breakpoints set (b adds one): ${where}` : `no more hits: ${where}`;
}

function runNormal(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  const { session } = ctx;
  const b = matchKey('normal', ev);
  if (!b) {
    if (ev.kind === 'key' && ev.name === 'escape') return s;
    return apply(s, { type: 'message', text: `${keyLabel(keyId(ev))}: no such key (? shows the keys)` });
  }
  switch (b.command) {
    case 'step':
    case 'back': {
      const lens = lensSteps(s, session);
      if (lens) {
        const dir = b.command === 'step' ? 1 : -1;
        const at = dir > 0 ? nextAfter(lens, session.cursor) : prevBefore(lens, session.cursor);
        return jumpTo(
          s,
          session,
          at,
          '',
          `conn ${s.lens}: no ${dir > 0 ? 'later' : 'earlier'} step (r: lens off)`,
        );
      }
      return b.command === 'step'
        ? navigate(s, session, () => session.step(), 'last')
        : navigate(s, session, () => session.back(), 'first');
    }
    case 'search':
      return apply(s, { type: 'open-prompt', prompt: 'search' });
    case 'search-next':
      if (s.search === null) return runNormal(s, { kind: 'key', name: 'right' }, ctx);
      return searchMove(s, session, 1);
    case 'search-prev':
      if (s.search === null) return apply(s, { type: 'message', text: 'no search: / starts one' });
      return searchMove(s, session, -1);
    case 'clear':
      if (s.search === null && s.lens === null) return s;
      return apply(
        s,
        { type: 'search', query: null },
        { type: 'lens', conn: null },
        { type: 'message', text: 'search and lens cleared' },
      );
    case 'mark':
      return apply(s, { type: 'open-await', what: 'mark' });
    case 'jump-mark':
      return apply(s, { type: 'open-await', what: 'jump' });
    case 'share':
      return apply(s, { type: 'open-box', box: 'share' });
    case 'bytes':
      return apply(s, { type: 'open-box', box: 'bytes' });
    case 'lens':
      return toggleLens(s, session);
    case 'anomaly-next':
      return anomalyMove(s, session, 1);
    case 'anomaly-prev':
      return anomalyMove(s, session, -1);
    case 'anomaly-list':
      if (!traceIndex(session))
        return apply(s, { type: 'message', text: `anomalies: ${NOT_INDEXED}`, tone: 'error' });
      return apply(s, { type: 'open-anomalies' });
    case 'stage-next':
      return stageMove(s, session, 1);
    case 'stage-prev':
      return stageMove(s, session, -1);
    case 'gauge-toggle':
      return apply(s, { type: 'gauge', on: !s.gauge.on });
    case 'gauge-pick':
      return apply(s, { type: 'open-prompt', prompt: 'gauge' });
    case 'first':
      return navigate(s, session, () => session.first(), 'first');
    case 'last':
      return navigate(s, session, () => session.last(), 'last');
    case 'continue': {
      s = apply(s, { type: 'play', playing: false });
      const hit = session.continue();
      return apply(s, moved(session), { type: 'message', text: continueMsg(session, hit, false) });
    }
    case 'reverse-continue': {
      s = apply(s, { type: 'play', playing: false });
      const hit = session.reverseContinue();
      return apply(s, moved(session), { type: 'message', text: continueMsg(session, hit, true) });
    }
    case 'goto':
      return apply(s, { type: 'open-prompt', prompt: 'goto' });
    case 'why':
      return apply(s, { type: 'open-prompt', prompt: 'why' });
    case 'break-add':
      return apply(s, { type: 'open-prompt', prompt: 'break' });
    case 'break-list':
      return apply(s, { type: 'open-bplist' });
    case 'focus-next':
      return apply(s, { type: 'focus-cycle', delta: 1 });
    case 'focus-prev':
      return apply(s, { type: 'focus-cycle', delta: -1 });
    case 'focus-pane': {
      const n = Number(keyId(ev)) - 1;
      return n >= 0 && n < PANES.length ? apply(s, { type: 'focus', pane: PANES[n] }) : s;
    }
    case 'scroll-up':
    case 'scroll-down':
    case 'page-up':
    case 'page-down': {
      const page = Math.max(1, ctx.pageSize(s.focus) - 1);
      const delta = { 'scroll-up': -1, 'scroll-down': 1, 'page-up': -page, 'page-down': page }[b.command];
      const [min, max] = ctx.scrollRange(s.focus);
      return apply(s, { type: 'scroll', delta, min, max });
    }
    case 'play':
      if (s.playing) return apply(s, { type: 'play', playing: false }, { type: 'message', text: 'paused' });
      if (session.cursor >= session.total - 1) return apply(s, { type: 'message', text: 'at the last step' });
      return apply(s, { type: 'play', playing: true });
    case 'faster':
    case 'slower': {
      s = apply(s, { type: 'speed', delta: b.command === 'faster' ? 1 : -1 });
      return apply(s, { type: 'message', text: `play speed ${SPEEDS[s.speed]} steps/s` });
    }
    case 'help':
      return apply(s, { type: 'open-help' });
    case 'export':
      if (!ctx.startExport)
        return apply(s, { type: 'message', text: 'export: run netflow-tui export instead' });
      return apply(s, { type: 'open-prompt', prompt: 'export' });
    case 'fork':
      if (!ctx.startFork) return apply(s, { type: 'message', text: 'fork: use netflow-tui diff --tui here' });
      return apply(s, { type: 'open-prompt', prompt: 'fork' });
    case 'quit':
      return apply(s, { type: 'quit' });
    default:
      return s;
  }
}

/**
 * The why prompt: empty → the step that caused the current one (pressing w Enter again walks the causal
 * chain back to its root); a value (`acceptq fd=3`, `G6`) → the step that last changed it.
 */
function submitWhy(s: UiState, text: string, session: ControllerCtx['session']): UiState {
  const here = session.cursor;
  if (text.trim() === '') {
    const cause = session.record(here).cause;
    if (cause === undefined)
      return apply(
        s,
        { type: 'close' },
        { type: 'message', text: `step ${here} is a root: nothing in the run caused it` },
      );
    session.goto(cause);
    return apply(s, { type: 'close' }, moved(session), {
      type: 'message',
      text: `step ${here} happened because of step ${cause} (w Enter: further back)`,
    });
  }
  const r = session.why(text);
  if (r && 'error' in r) return apply(s, { type: 'prompt-error', message: r.error });
  if (!r)
    return apply(
      s,
      { type: 'close' },
      {
        type: 'message',
        text: `nothing at or before step ${here} changed ${text.trim()}: it has had this value since boot`,
      },
    );
  session.goto(r.step);
  const v = (x: unknown) => (x === null ? '∅' : String(x));
  return apply(s, { type: 'close' }, moved(session), {
    type: 'message',
    text: `step ${r.step} made ${r.change.what} ${v(r.change.from)}→${v(r.change.to)}`,
  });
}

/**
 * Parses the goto prompt: a step number, `+N`/`-N` relative to the cursor, `end`, or (with `timeOf`)
 * a virtual time like `1.025ms`: the first step at or after it.
 */
export function parseGoto(
  text: string,
  cursor: number,
  total: number,
  opts: { session?: Pick<Session, 'total' | 'record'> } = {},
): number | string {
  const t = text.trim();
  if (t === 'end' || t === '$') return total - 1;
  const ns = parseTime(t);
  if (ns !== undefined && opts.session) {
    const at = stepAtTime(opts.session, ns);
    return at < 0 ? `no step at or after ${t}: the run ends earlier` : at;
  }
  const m = /^([+-]?)(\d+)$/.exec(t);
  if (!m) return `expected a step number from 0 to ${total - 1} (or +N, -N, end, or a time like 1.025ms)`;
  const n = Number(m[2]);
  const target = m[1] === '+' ? cursor + n : m[1] === '-' ? cursor - n : n;
  if (target < 0 || target > total - 1) return `step ${target} is out of range: 0 to ${total - 1}`;
  return target;
}

function runPrompt(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'prompt') return s;
  const { session } = ctx;
  const b = matchKey('prompt', ev);
  if (!b) {
    if (ev.kind === 'char') return apply(s, { type: 'type', text: ev.ch });
    return s;
  }
  switch (b.command) {
    case 'erase':
      return apply(s, { type: 'erase' });
    case 'cancel':
      return apply(s, { type: 'close' });
    case 'submit': {
      const text = s.mode.text.trimEnd();
      if (s.mode.prompt === 'why') return submitWhy(s, text, session);
      if (text.trim() === '') return apply(s, { type: 'close' });
      if (s.mode.prompt === 'goto') {
        const target = parseGoto(text, session.cursor, session.total, { session });
        if (typeof target === 'string') return apply(s, { type: 'prompt-error', message: target });
        session.goto(target);
        return apply(s, { type: 'close' }, moved(session));
      }
      if (s.mode.prompt === 'search') {
        const steps = searchSteps(session, text);
        if (typeof steps === 'string') return apply(s, { type: 'prompt-error', message: steps });
        if (steps.length === 0)
          return apply(s, { type: 'prompt-error', message: `no step matches ${text.trim()}` });
        return searchMove(apply(s, { type: 'close' }, { type: 'search', query: text.trim() }), session, 1);
      }
      if (s.mode.prompt === 'gauge') {
        if (!ctx.checkGauge) return apply(s, { type: 'close' });
        const bad = ctx.checkGauge(text.trim());
        if (bad) return apply(s, { type: 'prompt-error', message: bad.message, column: bad.column });
        return apply(s, { type: 'close' }, { type: 'gauge', on: true, spec: text.trim() });
      }
      if (s.mode.prompt === 'fork') {
        const bad = ctx.startFork?.(text);
        if (bad) return apply(s, { type: 'prompt-error', message: bad.error, column: bad.column });
        return apply(s, { type: 'close' });
      }
      if (s.mode.prompt === 'export') {
        const p = parseExportPrompt(text, session.total);
        const error = p.ok ? ctx.startExport?.(p.req) : p.error;
        if (error !== undefined)
          return apply(s, { type: 'prompt-error', message: error, column: p.ok ? undefined : p.column });
        return apply(
          s,
          { type: 'close' },
          { type: 'message', text: 'exporting… (the message line says when it is written)' },
        );
      }
      const r = session.addBreakpoint(text);
      if (!r.ok) return apply(s, { type: 'prompt-error', message: r.error, column: r.column });
      const hits =
        r.bp.hits < 0
          ? 'hits not counted on a run this long'
          : r.bp.hits === 1
            ? '1 hit'
            : `${r.bp.hits} hits`;
      return apply(
        s,
        { type: 'close' },
        { type: 'message', text: `breakpoint ${r.bp.id}: ${r.bp.spec} (${hits}; c continues to it)` },
      );
    }
    default:
      return s;
  }
}

function runBplist(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'bplist') return s;
  const { session } = ctx;
  const bps = session.breakpoints();
  const sel = bps[s.mode.selected];
  const b = matchKey('bplist', ev);
  switch (b?.command) {
    case 'bp-up':
      return apply(s, { type: 'bp-select', delta: -1, count: bps.length });
    case 'bp-down':
      return apply(s, { type: 'bp-select', delta: 1, count: bps.length });
    case 'bp-toggle':
      if (sel) session.toggleBreakpoint(sel.id);
      return s;
    case 'bp-delete':
      if (!sel) return s;
      session.removeBreakpoint(sel.id);
      return apply(s, { type: 'bp-select', delta: 0, count: bps.length - 1 });
    case 'break-add':
      return apply(s, { type: 'open-prompt', prompt: 'break' });
    case 'close':
      return apply(s, { type: 'close' });
    case 'quit':
      return apply(s, { type: 'quit' });
    default:
      return s;
  }
}

function runAnomalies(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'anomalies') return s;
  const ix = traceIndex(ctx.session);
  const counts = ix ? anomalyCounts(ix) : [];
  switch (matchKey('anomalies', ev)?.command) {
    case 'bp-up':
      return apply(s, { type: 'bp-select', delta: -1, count: counts.length });
    case 'bp-down':
      return apply(s, { type: 'bp-select', delta: 1, count: counts.length });
    case 'jump': {
      const c = counts[s.mode.selected];
      s = apply(s, { type: 'close' });
      if (!c || !ix) return s;
      // The next of that kind after the cursor; none left: the first of the run.
      const steps = anomalyStepsOf(ix, c.kind);
      const next = nextAfter(steps, ctx.session.cursor);
      const at = next < 0 ? c.first : next;
      const text = `${c.kind} ${rankOf(steps, at)}/${steps.length} — ${anomalyLabel(c.kind)}`;
      return jumpTo(s, ctx.session, at, text, '');
    }
    case 'close':
      return apply(s, { type: 'close' });
    case 'quit':
      return apply(s, { type: 'quit' });
    default:
      return s;
  }
}

function runAwait(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.mode.kind !== 'await') return s;
  const b = matchKey('await', ev);
  if (b?.command === 'quit') return apply(s, { type: 'quit' });
  const what = s.mode.what;
  s = apply(s, { type: 'close' });
  if (ev.kind !== 'char' || !/^[a-z]$/.test(ev.ch)) {
    return b?.command === 'cancel' ? s : apply(s, { type: 'message', text: 'a bookmark is a letter a–z' });
  }
  const { session } = ctx;
  if (what === 'mark') {
    return apply(
      s,
      { type: 'bookmark', letter: ev.ch, step: session.cursor },
      {
        type: 'message',
        text: `bookmark '${ev.ch} = step ${session.cursor} (' then ${ev.ch} comes back; B lists)`,
      },
    );
  }
  const at = s.bookmarks[ev.ch];
  if (at === undefined)
    return apply(s, { type: 'message', text: `no bookmark '${ev.ch} (m then a letter sets one)` });
  return jumpTo(s, session, at, `bookmark '${ev.ch}: step ${at}`, '');
}

/** One key press: the new UI state (the Session may have moved). */
export function handleKey(s: UiState, ev: KeyEvent, ctx: ControllerCtx): UiState {
  if (s.quit) return s;
  s = apply(s, { type: 'clear-message' });
  switch (s.mode.kind) {
    case 'normal':
      return runNormal(s, ev, ctx);
    case 'prompt':
      return runPrompt(s, ev, ctx);
    case 'bplist':
      return runBplist(s, ev, ctx);
    case 'anomalies':
      return runAnomalies(s, ev, ctx);
    case 'await':
      return runAwait(s, ev, ctx);
    case 'share':
    case 'bytes':
      return matchKey('box', ev)?.command === 'quit'
        ? apply(s, { type: 'quit' })
        : apply(s, { type: 'close' });
    case 'help': {
      const b = matchKey('help', ev);
      const r = ctx.helpRange?.() ?? { max: 0, page: 1 };
      const page = Math.max(1, r.page - 1);
      switch (b?.command) {
        case 'quit':
          return apply(s, { type: 'quit' });
        case 'scroll-up':
          return apply(s, { type: 'help-scroll', delta: -1, max: r.max });
        case 'scroll-down':
          return apply(s, { type: 'help-scroll', delta: 1, max: r.max });
        case 'page-up':
          return apply(s, { type: 'help-scroll', delta: -page, max: r.max });
        case 'page-down':
          return apply(s, { type: 'help-scroll', delta: page, max: r.max });
        default:
          return apply(s, { type: 'close' });
      }
    }
  }
}

/** Play: advance up to `steps` records; pause at the last record or on a breakpoint hit. */
export function playTick(s: UiState, session: Session, steps: number): UiState {
  if (!s.playing) return s;
  for (let i = 0; i < steps; i++) {
    if (session.cursor >= session.total - 1) {
      return apply(s, { type: 'play', playing: false }, moved(session), {
        type: 'message',
        text: 'played to the last step',
      });
    }
    session.step();
    if (session.isHit(session.cursor)) {
      return apply(s, { type: 'play', playing: false }, moved(session), {
        type: 'message',
        text: `paused on a breakpoint hit at step ${session.cursor}`,
      });
    }
  }
  return apply(s, moved(session));
}
