/**
 * The quiz in the terminal UI (`netflow-tui quiz <scenario>` in a terminal): the debugger's App with a
 * question box over it. For each question (./quiz.ts) the cursor stops just before its step, so the
 * panes show the state the prediction starts from; one key answers (a, b, c, …; space skips); the
 * cursor then steps onto the step, and the box says right or wrong, the answer and why. Space goes on
 * to the next question. After the last, the score (./grade.ts); Enter then leaves the learner in the
 * ordinary debugger, whose keys were held back until then. Tab hides the box to look at the panes.
 *
 * Phases: ask → told → ask (next question) … → score → free. Only this component moves the Session
 * while a quiz runs (App's input is inactive until `free`).
 */
import { useApp, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { Session } from '../debug/types.js';
import { App, type AppProps } from '../tui/app.js';
import { Overlay } from '../tui/overlays/overlay.js';
import { sanitize } from '../tui/sanitize.js';
import { wrap } from '../tui/text.js';
import type { Theme } from '../tui/theme.js';
import { grade } from './grade.js';
import { letter, type Question } from './quiz.js';

/** Widest the question box gets, in columns. */
const BOX_WIDTH = 84;

export type QuizPhase =
  | { kind: 'ask'; i: number }
  | { kind: 'told'; i: number }
  | { kind: 'score' }
  | { kind: 'free' };

export interface QuizAppProps extends AppProps {
  questions: readonly Question[];
}

/** Puts the cursor just before question i's step and asks it (or shows the score after the last). */
function ask(session: Session, questions: readonly Question[], i: number): QuizPhase {
  const q = questions[i];
  if (!q) return { kind: 'score' };
  session.goto(Math.max(0, q.step - 1));
  return { kind: 'ask', i };
}

/** The box's lines for the phase, `width` content columns. */
export function quizLines(
  phase: QuizPhase,
  questions: readonly Question[],
  answers: readonly (number | undefined)[],
  theme: Theme,
  width: number,
): string[] {
  const text = (s: string) => wrap(sanitize(s), width);
  const choice = (q: Question, c: number) => `${letter(c)}) ${sanitize(q.choices[c]!)}`;
  if (phase.kind === 'ask' || phase.kind === 'told') {
    const q = questions[phase.i]!;
    const head = theme.dim(`before step ${q.step} (${sanitize(q.at)})`);
    if (phase.kind === 'ask') {
      return [
        head,
        ...text(q.question).map(theme.bold),
        '',
        ...q.choices.flatMap((_, c) => wrap(choice(q, c), width)),
        '',
        theme.dim(
          `a–${letter(q.choices.length - 1)}: answer · space: skip · Tab: look at the panes · q: quit`,
        ),
      ];
    }
    const given = answers[phase.i];
    const verdict =
      given === undefined
        ? theme.warn('skipped')
        : given === q.answer
          ? theme.ok('right')
          : theme.error(`wrong: you said ${choice(q, given)}`);
    return [
      head,
      verdict,
      `the answer: ${choice(q, q.answer)}`,
      '',
      ...text(q.explanation),
      '',
      theme.dim(`step ${q.step} has happened: the panes show it`),
      theme.dim('space: next question · Tab: look at the panes · q: quit'),
    ];
  }
  const g = grade(questions, answers);
  const missed = g.results.filter((r) => !r.right).map((r) => r.n);
  return [
    theme.bold(`score ${g.right}/${g.total}: ${g.right} right, ${g.wrong} wrong, ${g.skipped} skipped`),
    missed.length ? `missed: ${missed.join(', ')}` : 'nothing missed',
    '',
    theme.dim('Enter: go on stepping through the run yourself · q: quit'),
  ];
}

export function QuizApp(props: QuizAppProps) {
  const { session, questions, theme, columns, rows } = props;
  const { exit } = useApp();
  const [phase, setPhase] = useState<QuizPhase>(() => ask(session, questions, 0));
  const [answers, setAnswers] = useState<(number | undefined)[]>([]);
  const [hidden, setHidden] = useState(false);
  // Keys can arrive faster than renders: handle each against the latest state, not a render's copy.
  const state = useRef({ phase, answers });
  const quit = props.onQuit ?? exit;
  const go = (next: QuizPhase, nextAnswers = state.current.answers) => {
    state.current = { phase: next, answers: nextAnswers };
    setAnswers(nextAnswers);
    setPhase(next);
    setHidden(false);
  };

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) return quit();
      if (key.tab) return setHidden((h) => !h);
      const { phase, answers } = state.current;
      if (phase.kind === 'ask') {
        const q = questions[phase.i]!;
        const k = input.length === 1 ? input.toLowerCase().charCodeAt(0) - 97 : -1;
        const skip = input === ' ';
        if (!skip && (k < 0 || k >= q.choices.length)) return;
        const given = [...answers];
        given[phase.i] = skip ? undefined : k;
        session.goto(q.step);
        go({ kind: 'told', i: phase.i }, given);
      } else if (phase.kind === 'told') {
        if (input === ' ' || key.return) go(ask(session, questions, phase.i + 1));
      } else if (phase.kind === 'score' && (key.return || key.escape)) {
        go({ kind: 'free' });
      }
    },
    { isActive: phase.kind !== 'free' },
  );

  const width = Math.min(columns - 2, BOX_WIDTH);
  const title =
    phase.kind === 'ask' || phase.kind === 'told'
      ? `Quiz · question ${phase.i + 1} of ${questions.length}`
      : `Quiz · ${session.name}`;
  return (
    <>
      <App {...props} inputActive={phase.kind === 'free'} />
      {phase.kind !== 'free' && !hidden && (
        <Overlay
          title={title}
          lines={quizLines(phase, questions, answers, theme, width - 3)}
          width={width}
          columns={columns}
          rows={rows}
          theme={theme}
        />
      )}
    </>
  );
}

/** `<QuizApp {...props} />`, for main.ts (which has no JSX and imports React lazily). */
export function quizElement(props: QuizAppProps) {
  return <QuizApp {...props} />;
}
