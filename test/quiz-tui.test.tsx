// The quiz in the terminal UI, on the real tour run: it stops just before each question's step, one key
// answers, the box says right / wrong / skipped with the answer and why, space goes on, the score
// comes last, and only then do the debugger's own keys work.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../src/debug/session.js';
import { buildQuiz, letter } from '../src/quiz/quiz.js';
import { QuizApp } from '../src/quiz/tui.js';
import { engine } from '../src/sim/engine.js';
import { makeTheme } from '../src/tui/theme.js';
import { builtin } from './helpers.js';
import { renderAt, settle, until } from './tui-harness.js';

const theme = makeTheme(0);
const ENTER = '\r';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function start() {
  const sc = builtin('tour');
  const questions = buildQuiz(sc);
  const session = createSession(engine, sc, {});
  const onQuit = vi.fn();
  const r = renderAt(
    <QuizApp session={session} theme={theme} columns={160} rows={50} questions={questions} onQuit={onQuit} />,
    160,
    50,
  );
  cleanup.push(r.unmount);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await settle(30);
    }
  };
  return { questions, session, onQuit, frame: r.lastFrame, press };
}

describe('quiz in the TUI', () => {
  it('asks before the step, grades one key, shows why, steps on; the score comes last', async () => {
    const { questions, session, frame, press } = start();
    const n = questions.length;
    expect(await until(frame, (f) => f.includes(`question 1 of ${n}`), 20_000)).toContain(
      questions[0]!.question.slice(0, 40),
    );

    /** The frame once it shows every one of `texts` (frames follow keys a little later under load). */
    const shows = (...texts: string[]) => until(frame, (f) => texts.every((t) => f.includes(t)), 10_000);

    const right = letter(questions[0]!.answer);
    await press(right);
    expect(await shows(`question 1 of ${n}`, 'right')).toContain('the answer: ');
    await press(' ');
    const q2 = questions[1]!;
    const wrong = letter((q2.answer + 1) % q2.choices.length);
    await press(wrong);
    expect(await shows(`question 2 of ${n}`, `wrong: you said ${wrong})`)).toContain(
      `the answer: ${letter(q2.answer)})`,
    );
    await press(' ');
    // Question 3 (accept4 before any client): the cursor waits just before its step.
    const q3 = questions[2]!;
    expect(q3.at).toBe('syscall:accept4');
    expect(session.cursor).toBe(q3.step - 1);
    expect(await shows(`question 3 of ${n}`)).toContain('c) -1 EAGAIN');

    // The debugger's keys are held back while a question is open: `l` does not step.
    await press('l');
    expect(session.cursor).toBe(q3.step - 1);

    await press(' '); // skip
    const told = await shows(`question 3 of ${n}`, 'skipped');
    expect(told).toContain('the answer: c) -1 EAGAIN');
    expect(told).toContain("Go's listener socket is non-blocking");
    expect(session.cursor).toBe(q3.step); // stepped onto it: the panes show what happened

    for (let i = 3; i < n; i++) {
      await press(' ', letter(questions[i]!.answer));
      expect(await shows(`question ${i + 1} of ${n}`, 'right'), `question ${i + 1}`).toContain('right');
    }
    await press(' ');
    expect(await shows('score ')).toContain(`score ${n - 2}/${n}: ${n - 2} right, 1 wrong, 1 skipped`);
    expect(frame()).toContain('missed: 2, 3');

    // Enter: the ordinary debugger, keys and all.
    await press(ENTER);
    expect(await until(frame, (f) => !f.includes('score'), 10_000)).not.toContain('score');
    const at = session.cursor;
    await settle(500); // the app takes keys once React has run its effects after the Enter
    await press('l');
    expect(await until(frame, (f) => f.includes(`step ${at + 1}/`), 5000)).toContain(`step ${at + 1}/`);
    expect(session.cursor).toBe(at + 1);
  });

  it('Tab hides the box to look at the panes, and shows it again; q quits', async () => {
    const { questions, frame, press, onQuit } = start();
    await until(frame, (f) => f.includes('question 1 of'), 20_000);
    const shown = questions[0]!.question.slice(0, 40);
    expect(frame()).toContain(shown);
    await press('\t');
    expect(frame()).not.toContain(shown);
    await press('\t');
    expect(frame()).toContain(shown);
    await press('z'); // not a choice: nothing happens
    expect(frame()).toContain('question 1 of');
    await press('q');
    expect(onQuit).toHaveBeenCalledTimes(1);
  });
});
