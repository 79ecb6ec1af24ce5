/**
 * A quiz: "what happens next?" questions, each asked just before the step it is about, so the learner
 * predicts what the simulation is about to do and is graded against what it does.
 *
 * Two sources, merged in step order:
 *   the scenario's `quiz:` items (schema.ts QuizSchema) — asked before the first step their `at`
 *     breakpoint spec matches (a watch: the first step where it becomes true); an item whose spec
 *     never matches is not asked
 *   generated questions, machine-graded from any scenario's run (GENERATED_KINDS): the fd accept4
 *     returns, which G runs next, what a socket read returns, which RX slot the next frame lands in,
 *     what the accept queue length becomes. `perKind` of each (default 1); a further one of a kind is
 *     taken only where its right answer differs from the one before (data, then EAGAIN, then EOF).
 * Choices of generated questions are listed in a fixed order (numbers ascending), so a run's quiz is
 * the same every time: the answer key a teacher hands out stays right.
 *
 * buildQuiz runs the scenario headless once (stopping as soon as every question is found). Used by
 * `netflow-tui quiz` (../commands/quiz.ts); grading is ./grade.ts.
 */
import {
  type EventBreakpoint,
  matches,
  parseBreakpoint,
  type WatchBreakpoint,
  watchHolds,
} from '../debug/breakpoints.js';
import type { Scenario } from '../scenario/schema.js';
import { engine, type Machine } from '../sim/engine.js';
import type { TraceRecord } from '../sim/trace.js';
import './spec.js'; // quiz specs checked at load wherever quizzes are built

/** The questions the simulation can pose and grade on its own. */
export const GENERATED_KINDS = ['accept4-fd', 'next-g', 'read-result', 'rx-slot', 'acceptq-len'] as const;
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

/** Most choices a generated question offers (the right one and its nearest rivals). */
const GENERATED_CHOICES = 4;

export interface Question {
  /** The step this question stands before: the learner sees the state after step - 1. */
  step: number;
  /** `scenario` (a quiz: item) or the generated kind. */
  source: 'scenario' | GeneratedKind;
  /** The breakpoint spec that places it (a generated question: the spec of its record). */
  at: string;
  question: string;
  choices: string[];
  /** Index of the right choice. */
  answer: number;
  explanation: string;
}

export interface QuizOptions {
  /** Generated questions of each kind (0: only the scenario's own). */
  perKind?: number;
  seed?: number;
}

/** The letter of choice i: a, b, c, … */
export function letter(i: number): string {
  return String.fromCharCode(97 + i);
}

interface Pending {
  item: NonNullable<Scenario['quiz']>[number];
  event?: EventBreakpoint;
  watch?: WatchBreakpoint;
  held: boolean;
}

/** Before an event: what the generated questions need to know of the state it starts from. */
interface Before {
  acceptq: number;
  /** Per P: runnext then runq; and the global queue. */
  queued: number[][];
  global: number[];
  /** The G each M ran last (by M id), a natural guess for what it runs next. */
  lastG: ReadonlyMap<number, number>;
}

function acceptqOf(m: Machine): number {
  let n = 0;
  for (const id of Object.values(m.listeners)) n += m.socks[id]?.acceptq.length ?? 0;
  return n;
}

function before(m: Machine, lastG: ReadonlyMap<number, number>): Before {
  return {
    lastG,
    acceptq: acceptqOf(m),
    queued: m.rt.ps.map((p) => [...(p.runnext > 0 ? [p.runnext] : []), ...p.runq.slice(0, 8)]),
    global: m.rt.globrunq.slice(0, 8),
  };
}

/**
 * GENERATED_CHOICES consecutive numbers in [lo, hi] that include `right`, ascending. Where `right` sits
 * among them follows the step (`spread`), so the right letter is not always the same one.
 */
function numericChoices(right: number, lo: number, hi: number, spread: number, label: (n: number) => string) {
  const width = Math.min(GENERATED_CHOICES, hi - lo + 1);
  let first = right - (spread % width);
  first = Math.max(lo, Math.min(first, hi - width + 1));
  const nums = Array.from({ length: width }, (_, i) => first + i);
  return { choices: nums.map(label), answer: nums.indexOf(right) };
}

type Generator = (
  r: TraceRecord,
  b: Before,
  m: Machine,
  eventRecs: readonly TraceRecord[],
) => Omit<Question, 'step' | 'source'> | undefined;

const GENERATORS: Record<GeneratedKind, Generator> = {
  'accept4-fd': (r) => {
    if (r.kind !== 'syscall' || r.syscall !== 'accept4' || r.ret === undefined || r.ret < 0) return undefined;
    const lfd = r.args?.[0] ?? 3;
    const c = numericChoices(r.ret, 3, Number.MAX_SAFE_INTEGER, r.step, (n) => `fd ${n}`);
    return {
      at: `syscall:accept4 g=${r.g}`,
      question: `G${r.g} calls accept4(${lfd}, …) and a finished handshake is waiting in the accept queue. Which file descriptor does it return?`,
      choices: [...c.choices, '-1 EAGAIN'],
      answer: c.answer,
      explanation: `${r.text} The kernel always hands out the lowest-numbered free descriptor.`,
    };
  },
  'next-g': (r, b, m) => {
    if (r.kind !== 'go.run' || r.g === undefined || r.p === undefined) return undefined;
    const last = r.m !== undefined ? b.lastG.get(r.m) : undefined;
    const rivals = [
      ...(b.queued[r.p] ?? []),
      ...b.global,
      ...b.queued.flat(),
      ...(last !== undefined ? [last] : []),
    ].filter((g) => g !== r.g && m.rt.gs[g]?.status !== 'dead');
    const ids = [...new Set([r.g, ...rivals])].slice(0, GENERATED_CHOICES).sort((x, y) => x - y);
    if (ids.length < 2) return undefined;
    const name = (g: number) => `G${g}${m.rt.gs[g]?.label ? ` (${m.rt.gs[g]!.label})` : ''}`;
    return {
      at: `event:go.run p=${r.p}`,
      question: `M${r.m} on P${r.p} goes back to the scheduler to pick a goroutine. Which one runs next?`,
      choices: ids.map(name),
      answer: ids.indexOf(r.g),
      explanation: `${r.text} schedule() looks at runnext first, then the P's run queue, now and then the global queue, then steals.`,
    };
  },
  'read-result': (r) => {
    if (r.kind !== 'syscall' || r.syscall !== 'read' || r.conn === undefined) return undefined;
    const choices = [
      'data: it returns n > 0 bytes',
      '0: end of file, the peer closed',
      '-1 EAGAIN: nothing to read yet',
    ];
    const answer = r.errno === 'EAGAIN' ? 2 : r.ret === 0 ? 1 : r.ret !== undefined && r.ret > 0 ? 0 : -1;
    if (answer < 0) return undefined;
    return {
      at: `syscall:read fd=${r.fd}`,
      question: `G${r.g} calls read(${r.fd}, …) on connection ${r.conn}'s non-blocking socket. What does it return?`,
      choices,
      answer,
      explanation: r.text,
    };
  },
  'rx-slot': (r, _b, m) => {
    if (r.kind !== 'nic.dma' || r.slot === undefined || r.slot < 1) return undefined;
    const size = m.nic.rx.size;
    const c = numericChoices(r.slot, 0, size - 1, r.step, (n) => `slot ${n}`);
    return {
      at: `event:nic.dma slot=${r.slot}`,
      question: `A frame arrives at eth0 and the NIC DMA-writes it into its ${size}-slot RX ring. Which slot does it land in?`,
      choices: c.choices,
      answer: c.answer,
      explanation: `${r.text} The NIC fills descriptors in ring order, at the producer index (head), wrapping at the end.`,
    };
  },
  'acceptq-len': (r, b, m, eventRecs) => {
    const now = acceptqOf(m);
    if (now === b.acceptq) return undefined;
    // The record that tells of the change: a socket queued or dropped, or accept4 taking one.
    const why = eventRecs.find(
      (x) => x.kind === 'sock.queue' || x.kind === 'syscall' || x.kind === 'tcp.drop',
    );
    if (r !== (why ?? eventRecs[0])) return undefined;
    const c = numericChoices(now, 0, Number.MAX_SAFE_INTEGER, r.step, String);
    return {
      at: r.kind === 'syscall' ? `syscall:${r.syscall}` : `event:${r.kind}`,
      question: `The listener's accept queue holds ${b.acceptq} connection${b.acceptq === 1 ? '' : 's'}. How many does it hold after the next step?`,
      choices: c.choices,
      answer: c.answer,
      explanation: r.text,
    };
  },
};

/** The scenario's quiz items and `perKind` generated questions of each kind, in step order. */
export function buildQuiz(sc: Scenario, opts: QuizOptions = {}): Question[] {
  const perKind = opts.perKind ?? 1;
  const pending: Pending[] = (sc.quiz ?? []).map((item) => {
    const r = parseBreakpoint(item.at); // valid: checked when the scenario was loaded
    const bp = r.ok ? r.bp : undefined;
    return {
      item,
      event: bp?.type === 'event' ? bp : undefined,
      watch: bp?.type === 'watch' ? bp : undefined,
      held: false,
    };
  });
  const m = engine.boot(sc, opts.seed);
  for (const p of pending) if (p.watch) p.held = watchHolds(p.watch, engine, m);
  const made: Question[] = [];
  const count = new Map<GeneratedKind, number>();
  const lastAnswer = new Map<GeneratedKind, string>();
  const lastG = new Map<number, number>();
  const wanted = () => GENERATED_KINDS.some((k) => (count.get(k) ?? 0) < perKind);
  const recs: TraceRecord[] = [];

  while (pending.length > 0 || wanted()) {
    const b = wanted() ? before(m, lastG) : undefined;
    recs.length = 0;
    if (!engine.step(m, recs)) break;
    if (recs.length === 0) continue;
    for (const p of [...pending]) {
      let step: number | undefined;
      if (p.event) step = recs.find((r) => matches(p.event!, r))?.step;
      else if (p.watch) {
        const now = watchHolds(p.watch, engine, m);
        if (now && !p.held) step = recs[0]!.step;
        p.held = now;
      }
      if (step === undefined) continue;
      const { item } = p;
      made.push({
        step,
        source: 'scenario',
        at: item.at,
        question: item.question,
        choices: item.choices,
        answer: item.choices.indexOf(item.answer),
        explanation: item.explanation,
      });
      pending.splice(pending.indexOf(p), 1);
    }
    if (!b) continue;
    for (const r of recs) {
      // A step the scenario asks about already is left to the scenario's question.
      if (made.some((q) => q.step === r.step && q.source === 'scenario')) continue;
      for (const kind of GENERATED_KINDS) {
        if ((count.get(kind) ?? 0) >= perKind) continue;
        const q = GENERATORS[kind](r, b, m, recs);
        if (!q || lastAnswer.get(kind) === q.choices[q.answer]) continue;
        made.push({ step: r.step, source: kind, ...q });
        count.set(kind, (count.get(kind) ?? 0) + 1);
        lastAnswer.set(kind, q.choices[q.answer]!);
      }
    }
    for (const r of recs)
      if (r.kind === 'go.run' && r.m !== undefined && r.g !== undefined) lastG.set(r.m, r.g);
  }
  // Step order; at one step the scenario's own question first, then the generated ones in kind order.
  const rank = (q: Question) => (q.source === 'scenario' ? -1 : GENERATED_KINDS.indexOf(q.source));
  return made.sort((x, y) => x.step - y.step || rank(x) - rank(y));
}
