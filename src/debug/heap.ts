/**
 * How far V8 lets the heap grow past what is live before its next full collection, for a process that
 * holds a Session.
 *
 * A Session keeps a long-lived heap (c10k: ~230–300 MB live after recording, most of it checkpoints)
 * and makes garbage at a high rate while it records and replays. V8's default growing factor for a
 * heap that size lets it reach ~1.1 GB before a mark-compact brings it back to ~265 MB, so the
 * process's resident size peaked at 1.2–1.4 GB on c10k though far less was ever in use.
 *
 * The trade-off, measured on c10k (this project's 2-core bench box, Node 20.20; probe: open, 150 gotos,
 * 500 backs): the lower the factor, the more often V8 marks the whole live heap, and the marking is
 * paid by whoever allocates: at 20 % the peak fell to 0.6–0.7 GB, but recording took 30–50 % longer,
 * back p99 rose 37–46 → 64–76 ms and a key press mid-c10k p99 43–47 → 54–84 ms (over its 50 ms
 * target). At 100 % one probe peaked at ~0.97 GB, but two full bench runs peaked at 1,071 and 1,673 MB:
 * no reliable gain. 20 % it is: the one setting that reliably halves the peak (bench: 1,333–1,389 →
 * 728–801 MB), at that cost in latency (README, Performance).
 *
 * Who calls it: the TUI (tui/main.ts: before recording a run whole, or after the first frame of a run
 * recorded in slices, so that node:v8 is not loaded before the first frame), and the bench's session
 * and keys phases, which measure that process.
 */
import { createRequire } from 'node:module';

/**
 * V8's `--heap-growing-percent`: the next full collection comes when the heap reaches live × (1 + p/100).
 * Its default, 0, leaves V8's own factor, 1.1–4× from GC speed vs allocation rate, up to 4× on a machine
 * with a lot of memory (MemoryController::GrowingFactor, deps/v8/src/heap/heap-controller.cc).
 */
export const HEAP_GROWING_PERCENT = 20;

/** Applies the policy to this process (V8 reads the flag at each collection; harmless to repeat). */
export function limitHeapGrowth(): void {
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
