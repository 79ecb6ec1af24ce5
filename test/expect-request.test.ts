/**
 * `expect:` items that name one request (`request: N`) or one connection (`conn: N`): "the first
 * response is 200 Hello World, the second 404", checked against real runs of built-in scenarios.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../src/scenario/schema.js';
import { createExpectations } from '../src/sim/expect.js';
import { builtin, runAll } from './helpers.js';

function failuresOf(sc: Scenario, expectList: NonNullable<Scenario['expect']>): string[] {
  const s: Scenario = { ...sc, expect: expectList };
  const { records, m } = runAll(s);
  const check = createExpectations(s);
  for (const r of records) check.observe(r);
  return check.failures(m);
}

describe('expect: request and conn', () => {
  const keepalive = builtin('keepalive');
  const notfound = builtin('notfound');

  it('checks each response of a kept-alive connection by its number', () => {
    expect(
      failuresOf(keepalive, [
        { request: 1, status: 200, body: 'Hello World' },
        { request: 2, status: 200, body: 'I am Habib. I am a YouTuber. I am a Software Engineer.' },
      ]),
    ).toEqual([]);
  });

  it('says which request got which status when it is wrong, and when a response is missing', () => {
    const f = failuresOf(keepalive, [
      { request: 2, status: 404 },
      { request: 3, status: 200 },
    ]);
    expect(f).toEqual([
      'expect[0]: client curl got status 200 for request 2, expected 404',
      'expect[1]: client curl received 2 response(s), expected a response 3',
    ]);
  });

  it('narrows to one connection with conn, and reports a connection the run never made', () => {
    expect(failuresOf(notfound, [{ conn: 1, request: 1, status: 404 }])).toEqual([]);
    expect(failuresOf(notfound, [{ conn: 9, status: 404 }])).toEqual([
      `expect[0]: no client connection 9 (the run made 1)`,
    ]);
  });
});
