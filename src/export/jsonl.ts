/**
 * `--format jsonl`: the trace records in scope, one JSON object a line, exactly as `run --json` prints
 * them (trace.ts `recordToJson`), for jq, pandas or a notebook.
 */
import type { TraceRecord } from '../sim/trace.js';
import { recordToJson } from '../sim/trace.js';
import type { Tapped, Visitor } from './capture.js';
import type { Scope } from './scope.js';
import type { Sink } from './sink.js';

export class JsonlWriter implements Visitor {
  constructor(
    private readonly scope: Scope,
    private readonly out: Sink,
  ) {}

  event(t: Tapped): void {
    const lines: string[] = [];
    for (const r of t.recs as TraceRecord[]) if (this.scope.keeps(r)) lines.push(recordToJson(r), '\n');
    if (lines.length > 0) this.out.write(lines.join(''));
  }

  finish(): void {}
}
