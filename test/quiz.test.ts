// `netflow-tui quiz`: grading is exact for right, wrong and skipped answers; the quiz: key is in the
// JSON Schema and checked at load with file:line:col; tour asks at every stage; generated questions
// are graded by what the real run does at the step they stand before.
import { describe, expect, it } from 'vitest';
import { quizCommand } from '../src/commands/quiz.js';
import { grade, parseAnswers } from '../src/quiz/grade.js';
import { buildQuiz, GENERATED_KINDS, letter, type Question } from '../src/quiz/quiz.js';
import { scenarioJsonSchema } from '../src/scenario/jsonschema.js';
import { loadScenarioText, ScenarioError } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/schema.js';
import { engine } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';
import { sink } from './capture.js';
import { builtin, runAll } from './helpers.js';

function quiz(scenario: string, flags: { answers?: string; key?: boolean; json?: boolean } = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = quizCommand(
    { scenario, answers: flags.answers, key: flags.key === true, json: flags.json === true },
    { stdout, stderr },
  );
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const tour = buildQuiz(builtin('tour'));
const rightLetters = tour.map((q) => letter(q.answer));
const wrongLetters = tour.map((q) => letter((q.answer + 1) % q.choices.length));

interface GradedJson {
  total: number;
  right: number;
  wrong: number;
  skipped: number;
  questions: { n: number; given: string | null; answer: string; correct: boolean }[];
}

describe('quiz grading', () => {
  it('all right: full score, nothing missed', () => {
    const r = quiz('tour', { answers: rightLetters.join(',') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      `score ${tour.length}/${tour.length}: ${tour.length} right, 0 wrong, 0 skipped`,
    );
    expect(r.stdout).not.toContain('missed:');
  });

  it('all wrong: zero, and every question listed with the answer given, the right one and why', () => {
    const r = quiz('tour', { answers: wrongLetters.join(',') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`score 0/${tour.length}: 0 right, ${tour.length} wrong, 0 skipped`);
    const q3 = tour[2]!;
    expect(q3.question).toMatch(/accept4/);
    expect(r.stdout).toContain(`  3. before step ${q3.step} (syscall:accept4)  ${q3.question}`);
    expect(r.stdout).toContain(
      `     yours: ${wrongLetters[2]}) ${q3.choices[(q3.answer + 1) % q3.choices.length]}`,
    );
    expect(r.stdout).toContain('     right: c) -1 EAGAIN');
    expect(r.stdout).toMatch(/ {5}why: Go's listener socket is non-blocking/);
    expect(r.stdout.match(/^ {5}yours:/gm)).toHaveLength(tour.length);
  });

  it('mixed: right, wrong, skipped (empty, "-", and missing at the end) are counted exactly', () => {
    // 1 right, 2 wrong, 3 skipped by "", 4 skipped by "-", 5 right, the rest missing: skipped.
    const answers = [rightLetters[0], wrongLetters[1], '', '-', rightLetters[4]!.toUpperCase()];
    const r = quiz('tour', { answers: answers.join(','), json: true });
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as GradedJson;
    expect([g.total, g.right, g.wrong, g.skipped]).toEqual([tour.length, 2, 1, tour.length - 3]);
    expect(g.questions.map((q) => q.correct).slice(0, 5)).toEqual([true, false, false, false, true]);
    expect(g.questions.map((q) => q.given).slice(0, 6)).toEqual([
      rightLetters[0],
      wrongLetters[1],
      null,
      null,
      rightLetters[4],
      null,
    ]);
    const text = quiz('tour', { answers: answers.join(',') }).stdout;
    expect(text).toContain(`score 2/${tour.length}: 2 right, 1 wrong, ${tour.length - 3} skipped`);
    expect(text).toContain('     yours: (skipped)');
  });

  it('grade() and parseAnswers() agree with the command', () => {
    const g = grade(tour, parseAnswers(`${rightLetters[0]},,`, tour));
    expect(g.skipped).toBe(tour.length - 1);
    expect(g.right + g.wrong).toBe(1);
  });

  it('a letter the question does not offer, or too many answers, is bad input: exit 2', () => {
    const r = quiz('tour', { answers: 'b,z' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `--answers: answer 2 is "z", but question 2 has choices a to ${letter(tour[1]!.choices.length - 1)} (or leave it empty to skip it)\n`,
    );
    const many = quiz('tour', {
      answers: Array(tour.length + 1)
        .fill('a')
        .join(','),
    });
    expect(many.code).toBe(2);
    expect(many.stderr).toContain(`${tour.length + 1} answers for ${tour.length} questions`);
    expect(quiz('tour', { answers: 'ab' }).code).toBe(2);
  });

  it('the sheet shows questions and choices but not the answers; --key adds them', () => {
    const sheet = quiz('tour');
    expect(sheet.code).toBe(0);
    expect(sheet.stdout).toContain('answer with: netflow-tui quiz tour --answers a,b,…');
    expect(sheet.stdout).toContain('       c) -1 EAGAIN');
    expect(sheet.stdout).not.toMatch(/answer:|why:/);
    const key = quiz('tour', { key: true });
    expect(key.stdout.match(/^ {5}answer: /gm)).toHaveLength(tour.length);
  });
});

describe('quiz: in the scenario format', () => {
  it('the JSON Schema (netflow-tui schema) describes quiz items', () => {
    const s = scenarioJsonSchema() as {
      properties: { quiz: { type: string; items: { properties: object; required: string[] } } };
    };
    expect(s.properties.quiz.type).toBe('array');
    expect(Object.keys(s.properties.quiz.items.properties)).toEqual([
      'at',
      'question',
      'choices',
      'answer',
      'explanation',
    ]);
    expect(s.properties.quiz.items.required).toEqual(['at', 'question', 'choices', 'answer', 'explanation']);
  });

  const problems = (yaml: string): string[] => {
    try {
      loadScenarioText(yaml, 'q.yaml');
    } catch (e) {
      if (e instanceof ScenarioError) return e.message.split('\n');
      throw e;
    }
    return [];
  };
  const item = (lines: string) => `name: q\ndescription: d\nquiz:\n  - at: syscall:accept4\n${lines}`;

  it('a valid item loads', () => {
    expect(
      problems(item('    question: Q?\n    choices: [x, y]\n    answer: y\n    explanation: because\n')),
    ).toEqual([]);
  });

  it('an answer that is not a choice, a choice twice, a bad spec, an unknown key: file:line:col', () => {
    expect(
      problems(item('    question: Q?\n    choices: [x, y]\n    answer: z\n    explanation: e\n')),
    ).toEqual(['q.yaml:7:13: quiz[0].answer: the answer must be one of the choices: "x", "y"']);
    expect(
      problems(item('    question: Q?\n    choices: [x, x]\n    answer: x\n    explanation: e\n')),
    ).toEqual(['q.yaml:6:14: quiz[0].choices: the choice "x" is listed twice']);
    expect(
      problems(
        'name: q\ndescription: d\nquiz:\n  - at: sycall:accept4\n    question: Q?\n    choices: [x, y]\n    answer: x\n    explanation: e\n',
      )[0],
    ).toMatch(/^q\.yaml:4:9: quiz\[0\]\.at: not a breakpoint spec: column 1: expected one of syscall/);
    expect(
      problems(
        item('    question: Q?\n    choices: [x, y]\n    answer: x\n    explanation: e\n    hint: h\n'),
      ),
    ).toEqual([
      'q.yaml:9:5: quiz[0]: unknown key "hint" (valid keys: at, question, choices, answer, explanation)',
    ]);
  });
});

/** The listeners' accept queue length once the event that made record `step` is applied. */
function acceptqAfter(sc: Scenario, step: number): number {
  const m = engine.boot(sc);
  const recs: TraceRecord[] = [];
  while (engine.emitted(m) <= step && engine.step(m, recs));
  return Object.values(m.listeners).reduce((n, id) => n + m.socks[id]!.acceptq.length, 0);
}

describe('quiz questions', () => {
  it('tour asks every one of its questions, at least one for each stage of the journey', () => {
    const sc = builtin('tour');
    const own = tour.filter((q) => q.source === 'scenario');
    expect(own).toHaveLength(sc.quiz!.length);
    expect(own.length).toBeGreaterThanOrEqual(7);
    // The stages, by the kind of step each question stands before.
    const { records } = runAll(sc);
    const kinds = own.map((q) => records[q.step]!.kind);
    for (const k of ['proc.start', 'syscall', 'nic.dma', 'tcp.rx', 'go.ready', 'handler', 'client.done'])
      expect(kinds, k).toContain(k);
    const listen = own.find((q) => q.at === 'syscall:listen')!;
    expect(records[listen.step]!.syscall).toBe('listen');
    const accept = own.find((q) => q.at === 'syscall:accept4')!;
    expect(records[accept.step]!.errno).toBe('EAGAIN'); // the first accept4, before any connection
  });

  it('generated questions are graded by what the run does at the step they stand before', () => {
    for (const name of ['tour', 'keepalive', 'burst', 'slow-handler-4']) {
      const sc = builtin(name);
      const qs = buildQuiz(sc, { perKind: 2 });
      const { records } = runAll(sc);
      const generated = qs.filter((q) => q.source !== 'scenario');
      if (name === 'tour') expect(new Set(generated.map((q) => q.source))).toEqual(new Set(GENERATED_KINDS));
      for (const q of generated) {
        const r = records[q.step]!;
        const right = q.choices[q.answer]!;
        const where = `${name} step ${q.step}`;
        switch (q.source) {
          case 'accept4-fd':
            expect(right, where).toBe(`fd ${r.ret}`);
            break;
          case 'next-g':
            expect(r.kind, where).toBe('go.run');
            expect(right.startsWith(`G${r.g} `) || right === `G${r.g}`, where).toBe(true);
            break;
          case 'read-result':
            expect(
              right.startsWith(r.errno === 'EAGAIN' ? '-1 EAGAIN' : r.ret === 0 ? '0:' : 'data:'),
              where,
            ).toBe(true);
            break;
          case 'rx-slot':
            expect(right, where).toBe(`slot ${r.slot}`);
            break;
          case 'acceptq-len':
            expect(right, where).toBe(String(acceptqAfter(sc, q.step)));
            break;
        }
      }
    }
  });

  it('with two of each kind, the second has a different answer (data, then EAGAIN)', () => {
    const reads = buildQuiz(builtin('keepalive'), { perKind: 2 }).filter((q) => q.source === 'read-result');
    expect(reads.map((q) => q.choices[q.answer]!.split(':')[0])).toEqual(['data', '-1 EAGAIN']);
  });

  it('the same scenario gives the same quiz: an answer key stays right', () => {
    const again: Question[] = buildQuiz(builtin('tour'));
    expect(again).toEqual(tour);
    expect(buildQuiz(builtin('tour'), { perKind: 0 }).every((q) => q.source === 'scenario')).toBe(true);
  });
});
