/**
 * Progress of a long headless `run` on stderr: one line, rewritten in place, saying how many records
 * the run has made and how far virtual time has got, so `run c10k > trace.txt` is not a silent minute.
 *
 * Contract: `tick(records, t_ns)` after each event (cheap: the clock is read once per TICK_RECORDS
 * records), `done()` once at the end, which erases the line. Shown only when the caller says so (run.ts
 * shows it when stderr is a terminal and the trace is not going to that same terminal). Wall-clock
 * time is read here, in the command, never inside src/sim.
 */
import type { Writable } from 'node:stream';
import { formatTime } from '../sim/trace.js';

/** Records between two looks at the wall clock. */
const TICK_RECORDS = 4096;
/** The line is first drawn after this long (a short run shows nothing) and redrawn this often. */
const REDRAW_MS = 250;
/** Carriage return and erase-to-end-of-line: our own control sequence, not text from a file. */
const ERASE_LINE = '\r\x1b[K';

export class Progress {
  private readonly show: boolean;
  private next = TICK_RECORDS;
  private readonly start = performance.now();
  private lastDraw = this.start;
  private drawn = false;

  constructor(
    private readonly err: Writable,
    opts: { show: boolean },
  ) {
    this.show = opts.show;
  }

  tick(records: number, t_ns: number): void {
    if (!this.show || records < this.next) return;
    this.next = records + TICK_RECORDS;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.drawn = true;
    const secs = ((now - this.start) / 1000).toFixed(1);
    this.err.write(
      `${ERASE_LINE}run: ${records.toLocaleString('en-US')} records · virtual ${formatTime(t_ns)} · ${secs} s`,
    );
  }

  done(): void {
    if (this.drawn) this.err.write(ERASE_LINE);
    this.drawn = false;
  }
}
