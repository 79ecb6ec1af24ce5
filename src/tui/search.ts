/**
 * `/` search over the timeline. A query is words, all of which must hold for a record:
 *   key=value   a record field equals the value: fd g m p tid slot conn (numbers; conn also matches
 *               the steps the trace index gives to that connection), layer kind syscall errno reason
 *               (text, case-insensitive; kind also takes a glob like nic.*), stage (a journey stage:
 *               stage=epoll, stage=run q is written stage=runq)
 *   anything else   found in the record's sentence, case-insensitive
 * `searchSteps` scans the whole run once per query (cached) and gives the matching steps ascending;
 * `n` / `N` in the controller move between them.
 */
import { globMatch } from '../debug/breakpoints.js';
import type { Session } from '../debug/types.js';
import type { TraceRecord } from '../sim/trace.js';
import { STAGES, stageOf } from './stage.js';
import { eachRecord, INDEX_LIMIT, traceIndex } from './traceindex.js';

const INT_FIELDS = ['fd', 'g', 'm', 'p', 'tid', 'slot', 'conn'] as const;
const TEXT_FIELDS = ['layer', 'kind', 'syscall', 'errno', 'reason', 'stage'] as const;
export const SEARCH_KEYS: readonly string[] = [...INT_FIELDS, ...TEXT_FIELDS];

type Test = (r: TraceRecord, conn: number) => boolean;

/** A query as a record test, or an error message for a bad `key=value`. */
export function parseQuery(query: string): Test | string {
  const tests: Test[] = [];
  for (const word of query.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([a-z]+)=(.+)$/i.exec(word);
    if (!m) {
      const w = word.toLowerCase();
      tests.push((r) => r.text.toLowerCase().includes(w));
      continue;
    }
    const key = m[1].toLowerCase();
    const value = m[2];
    if ((INT_FIELDS as readonly string[]).includes(key)) {
      if (!/^\d+$/.test(value)) return `${key}= takes a number, e.g. ${key}=4`;
      const n = Number(value);
      if (key === 'conn') tests.push((r, c) => r.conn === n || c === n);
      else tests.push((r) => (r as unknown as Record<string, unknown>)[key] === n);
    } else if (key === 'stage') {
      const want = value.toLowerCase().replace(/\s+/g, '');
      const stage = STAGES.find((s) => s.toLowerCase().replace(/\s+/g, '') === want);
      if (!stage) return `stage= takes one of ${STAGES.map((s) => s.replace(/\s+/g, '')).join(', ')}`;
      tests.push((r) => stageOf(r) === stage);
    } else if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      const v = value.toLowerCase();
      if (key === 'kind' && v.includes('*')) {
        tests.push((r) => globMatch(v, r.kind));
      } else
        tests.push((r) => String((r as unknown as Record<string, unknown>)[key] ?? '').toLowerCase() === v);
    } else {
      return `no search key ${JSON.stringify(key)}: keys are ${SEARCH_KEYS.join(' ')} (or plain words)`;
    }
  }
  if (tests.length === 0) return 'type words to find, or key=value (fd=4 conn=2 g=7 layer=nic)';
  return (r, c) => tests.every((t) => t(r, c));
}

const cache = new WeakMap<Session, Map<string, Int32Array>>();

/** The steps matching the query, ascending; an error message for a bad query or a run too long. */
export function searchSteps(session: Session, query: string): Int32Array | string {
  const q = query.trim();
  let bySession = cache.get(session);
  const hit = bySession?.get(q);
  if (hit) return hit;
  const test = parseQuery(q);
  if (typeof test === 'string') return test;
  if (session.total > INDEX_LIMIT)
    return `search reads every record: this run has ${session.total}, more than ${INDEX_LIMIT} (use b and c)`;
  const ix = traceIndex(session);
  const out: number[] = [];
  eachRecord(session, (r) => {
    if (test(r, ix?.conn[r.step] ?? 0)) out.push(r.step);
  });
  const steps = Int32Array.from(out);
  if (!bySession) cache.set(session, (bySession = new Map()));
  bySession.set(q, steps);
  return steps;
}
