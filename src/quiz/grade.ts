/**
 * Grading a quiz (./quiz.ts) headless: the learner's answers as one letter per question, in order,
 * separated by commas (`a,c,,b`: the third is skipped; `-` skips too; missing trailing answers are
 * skipped). Every question is right, wrong or skipped; the score is the number right.
 *
 * parseAnswers never guesses: a letter the question does not offer, or more answers than questions,
 * is an AnswerError whose message says which answer and what was expected (the CLI exits 2 on it).
 */
import { letter, type Question } from './quiz.js';

/** A list of answers that cannot be graded. */
export class AnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerError';
  }
}

export interface Result {
  /** 1-based question number. */
  n: number;
  question: Question;
  /** The index of the choice given; undefined: skipped. */
  given?: number;
  right: boolean;
}

export interface Graded {
  total: number;
  right: number;
  wrong: number;
  skipped: number;
  results: Result[];
}

/** `a,c,,b` → [0, 2, undefined, 1], checked against the questions' choices. Throws AnswerError. */
export function parseAnswers(text: string, quiz: readonly Question[]): (number | undefined)[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > quiz.length) {
    throw new AnswerError(
      `${parts.length} answers for ${quiz.length} question${quiz.length === 1 ? '' : 's'}: one letter per question, in order`,
    );
  }
  return parts.map((p, i) => {
    if (p === '' || p === '-') return undefined;
    const n = quiz[i]!.choices.length;
    const k = /^[a-z]$/i.test(p) ? p.toLowerCase().charCodeAt(0) - 97 : -1;
    if (k < 0 || k >= n) {
      throw new AnswerError(
        `answer ${i + 1} is ${JSON.stringify(p)}, but question ${i + 1} has choices a to ${letter(n - 1)} (or leave it empty to skip it)`,
      );
    }
    return k;
  });
}

/** Grades answers (as parseAnswers gives them) against the quiz. */
export function grade(quiz: readonly Question[], answers: readonly (number | undefined)[]): Graded {
  const results = quiz.map((question, i): Result => {
    const given = answers[i];
    return { n: i + 1, question, given, right: given === question.answer };
  });
  const right = results.filter((r) => r.right).length;
  const skipped = results.filter((r) => r.given === undefined).length;
  return { total: quiz.length, right, wrong: quiz.length - right - skipped, skipped, results };
}
