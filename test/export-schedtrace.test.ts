/**
 * `export --format schedtrace`: GODEBUG=schedtrace=X,scheddetail=1 output in Go 1.23's exact format
 * (src/runtime/proc.go `schedtrace`): every line matches the field order, spacing and brackets Go
 * prints, for hello (GOMAXPROCS 2) and slow-handler-4 (GOMAXPROCS 4), and the values are the run's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportTo } from './export-helpers.js';
import { builtin, runAll } from './helpers.js';

// proc.go schedtrace, Go 1.23: print(...) calls joined; `nil` where a pointer is nil.
const HEADER =
  /^SCHED (\d+)ms: gomaxprocs=(\d+) idleprocs=\d+ threads=(\d+) spinningthreads=\d+ needspinning=\d+ idlethreads=\d+ runqueue=\d+ gcwaiting=(true|false) nmidlelocked=\d+ stopwait=\d+ sysmonwait=(true|false)$/;
const P_LINE =
  /^ {2}P(\d+): status=\d+ schedtick=\d+ syscalltick=\d+ m=(\d+|nil) runqsize=\d+ gfreecnt=\d+ timerslen=\d+$/;
const M_LINE =
  /^ {2}M(\d+): p=(\d+|nil) curg=(\d+|nil) mallocing=\d+ throwing=\d+ preemptoff=\S* locks=\d+ dying=\d+ spinning=(true|false) blocked=(true|false) lockedg=(\d+|nil)$/;
const G_LINE = /^ {2}G(\d+): status=(\d+)\((.*)\) m=(\d+|nil) lockedm=(\d+|nil)$/;
const SHORT =
  /^SCHED \d+ms: gomaxprocs=(\d+) idleprocs=\d+ threads=\d+ spinningthreads=\d+ needspinning=\d+ idlethreads=\d+ runqueue=\d+ \[(\d+(?: \d+)*)\]$/;

interface Block {
  ms: number;
  header: RegExpExecArray;
  ps: RegExpExecArray[];
  ms_: RegExpExecArray[];
  gs: RegExpExecArray[];
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  for (const line of text.trimEnd().split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      out.push({ ms: Number(h[1]), header: h, ps: [], ms_: [], gs: [] });
      continue;
    }
    const b = out[out.length - 1];
    expect(b, `a detail line before any SCHED line: ${line}`).toBeDefined();
    const p = P_LINE.exec(line);
    const m = M_LINE.exec(line);
    const g = G_LINE.exec(line);
    expect(p ?? m ?? g, `not a Go schedtrace line: ${JSON.stringify(line)}`).not.toBeNull();
    if (p) {
      expect(b.ms_.length + b.gs.length, 'P lines come first').toBe(0);
      b.ps.push(p);
    } else if (m) {
      expect(b.gs.length, 'M lines before G lines').toBe(0);
      b.ms_.push(m);
    } else b.gs.push(g!);
  }
  return out;
}

describe('schedtrace export', () => {
  for (const [name, procs] of [
    ['hello', 2],
    ['slow-handler-4', 4],
  ] as const) {
    it(`${name}: every line in Go's format, one block per virtual millisecond, the run's values`, async () => {
      const { m } = runAll(builtin(name));
      const all = blocks(readFileSync(await exportTo(name, 'schedtrace'), 'utf8'));
      expect(all.length).toBeGreaterThanOrEqual(2);
      all.forEach((b, i) => {
        expect(b.ms).toBe(i); // schedtrace=1: 0ms, 1ms, 2ms, …
        expect(Number(b.header[2])).toBe(procs);
        expect(b.ps.map((p) => Number(p[1]))).toEqual([...Array(procs).keys()]);
        // allm is newest first; threads= counts them.
        const mids = b.ms_.map((x) => Number(x[1]));
        expect(mids).toEqual([...mids].sort((x, y) => y - x));
        expect(mids).toHaveLength(Number(b.header[3]));
        // allgs in creation order.
        const gids = b.gs.map((x) => Number(x[1]));
        expect(gids).toEqual([...gids].sort((x, y) => x - y));
      });
      // threads= only grows (Go never frees an M here), up to the Ms the run made.
      const threads = all.map((b) => Number(b.header[3]));
      expect(threads).toEqual([...threads].sort((x, y) => x - y));
      expect(threads[threads.length - 1]).toBeLessThanOrEqual(m.rt.ms.length);
      // The runtime's helper goroutines park at start with Go's wait reasons.
      expect(all[0].gs.find((g) => g[1] === '2')?.[0]).toBe(
        '  G2: status=4(force gc (idle)) m=nil lockedm=nil',
      );
      // By 1 ms the accept loop (G1) is parked in the netpoller: Go's "IO wait".
      expect(all[1].gs.find((g) => g[1] === '1')?.[0]).toBe('  G1: status=4(IO wait) m=nil lockedm=nil');
    });
  }

  it('without scheddetail: the per-P run queue lengths in brackets', async () => {
    const text = readFileSync(await exportTo('slow-handler-4', 'schedtrace', { scheddetail: false }), 'utf8');
    const lines = text.trimEnd().split('\n');
    for (const line of lines) {
      const s = SHORT.exec(line);
      expect(s, line).not.toBeNull();
      expect(s![2].split(' ')).toHaveLength(Number(s![1]));
    }
    // Some handler goroutines wait in run queues while 4 CPU-heavy handlers run.
    expect(lines.some((l) => /\[(\d+ )*[1-9]\d*( \d+)*\]$/.test(l))).toBe(true);
  });
});
