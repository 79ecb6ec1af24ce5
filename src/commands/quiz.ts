/**
 * `netflow-tui quiz <scenario>`: "what happens next?" — the scenario's quiz (../quiz/quiz.ts), headless.
 *
 *   (no --answers)      the question sheet: each question, the step it stands before, its choices
 *   --key               the sheet with the right answers and their explanations (for teachers)
 *   --answers a,c,,b    graded (../quiz/grade.ts): the score, then each missed question with the answer
 *                       given, the right one and why; exit 0 whatever the score
 *   --json              the same as one JSON object
 *   --generated N       generated questions of each kind (default 1; 0: only the scenario's own)
 *
 * Exit status: 0, or 2 for bad input (an unknown scenario, a bad answer list).
 */
import type { Writable } from 'node:stream';
import { AnswerError, type Graded, grade, parseAnswers } from '../quiz/grade.js';
import { buildQuiz, letter, type Question } from '../quiz/quiz.js';
import { loadOrReport, printable } from '../scenario/load.js';

const EXIT_OK = 0;
const EXIT_USAGE = 2;

export interface QuizCommandOptions {
  /** Built-in name or path of the scenario file. */
  scenario: string;
  /** The answers, `a,c,,b`; undefined: print the sheet. */
  answers?: string;
  /** With the sheet: show the right answers. */
  key: boolean;
  json: boolean;
  /** Generated questions of each kind. */
  generated?: number;
  seed?: number;
}

export interface QuizIO {
  stdout: Writable;
  stderr: Writable;
}

export function quizCommand(
  opts: QuizCommandOptions,
  io: QuizIO = { stdout: process.stdout, stderr: process.stderr },
): number {
  const err = (s: string) => void io.stderr.write(`${s}\n`);
  let name: string;
  let quiz: Question[];
  const sc = loadOrReport(opts.scenario, err);
  if (!sc) return EXIT_USAGE;
  name = sc.name;
  quiz = buildQuiz(sc, { perKind: opts.generated, seed: opts.seed });
  if (opts.answers === undefined) {
    io.stdout.write(opts.json ? `${sheetJson(name, quiz, opts.key)}\n` : sheetText(name, quiz, opts.key));
    return EXIT_OK;
  }
  let graded: Graded;
  try {
    graded = grade(quiz, parseAnswers(opts.answers, quiz));
  } catch (e) {
    if (!(e instanceof AnswerError)) throw e;
    err(`--answers: ${e.message}`);
    return EXIT_USAGE;
  }
  io.stdout.write(opts.json ? `${gradedJson(name, graded)}\n` : gradedText(name, graded));
  return EXIT_OK;
}

const choiceText = (q: Question, i: number | undefined) =>
  i === undefined ? '(skipped)' : `${letter(i)}) ${printable(q.choices[i]!)}`;

function where(q: Question): string {
  return `before step ${q.step} (${printable(q.at)})`;
}

function header(name: string, quiz: readonly Question[]): string {
  const own = quiz.filter((q) => q.source === 'scenario').length;
  return `quiz ${name}: ${quiz.length} question${quiz.length === 1 ? '' : 's'} (${own} from the scenario, ${quiz.length - own} generated from the run)`;
}

/** The question sheet (with `key`: the answers and why). */
export function sheetText(name: string, quiz: readonly Question[], key: boolean): string {
  const out = [header(name, quiz)];
  if (!key)
    out.push(`answer with: netflow-tui quiz ${name} --answers a,b,…   (leave an answer empty to skip it)`);
  quiz.forEach((q, i) => {
    out.push('', `${String(i + 1).padStart(3)}. ${where(q)}`, `     ${printable(q.question)}`);
    q.choices.forEach((_, c) => void out.push(`       ${choiceText(q, c)}`));
    if (key) out.push(`     answer: ${choiceText(q, q.answer)}`, `     why: ${printable(q.explanation)}`);
  });
  return `${out.join('\n')}\n`;
}

/** The score, then every question missed (wrong or skipped). */
export function gradedText(name: string, g: Graded): string {
  const out = [
    header(
      name,
      g.results.map((r) => r.question),
    ),
    `score ${g.right}/${g.total}: ${g.right} right, ${g.wrong} wrong, ${g.skipped} skipped`,
  ];
  const missed = g.results.filter((r) => !r.right);
  if (missed.length > 0) out.push('', 'missed:');
  for (const r of missed) {
    const q = r.question;
    out.push(
      `${String(r.n).padStart(3)}. ${where(q)}  ${printable(q.question)}`,
      `     yours: ${choiceText(q, r.given)}`,
      `     right: ${choiceText(q, q.answer)}`,
      `     why: ${printable(q.explanation)}`,
    );
  }
  return `${out.join('\n')}\n`;
}

function questionJson(q: Question, n: number, key: boolean) {
  return {
    n,
    step: q.step,
    at: q.at,
    source: q.source,
    question: q.question,
    choices: q.choices,
    ...(key ? { answer: letter(q.answer), explanation: q.explanation } : {}),
  };
}

function sheetJson(name: string, quiz: readonly Question[], key: boolean): string {
  return JSON.stringify({ scenario: name, questions: quiz.map((q, i) => questionJson(q, i + 1, key)) });
}

function gradedJson(name: string, g: Graded): string {
  return JSON.stringify({
    scenario: name,
    total: g.total,
    right: g.right,
    wrong: g.wrong,
    skipped: g.skipped,
    questions: g.results.map((r) => ({
      ...questionJson(r.question, r.n, true),
      given: r.given === undefined ? null : letter(r.given),
      correct: r.right,
    })),
  });
}
