/**
 * Where an export's bytes go: a file or stdout (`-o -`). Exporters `write` strings and byte arrays as
 * they produce them; the sink keeps them until `HIGH_WATER` bytes are pending, then the capture loop
 * `flush`es them and waits for the stream to drain, so a c10k export never holds the whole file.
 * A reader that goes away (`| head`) is not an error: the rest is dropped.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Bytes kept before a flush is due. */
const HIGH_WATER = 1 << 20;

export class Sink {
  private parts: (string | Uint8Array)[] = [];
  private pending = 0;
  /** Total bytes written (for the "wrote N B" message). */
  bytes = 0;
  /** The stream failed: no more writes; a failure other than the reader leaving is rethrown by `flush`. */
  closed = false;
  private failure: NodeJS.ErrnoException | undefined;

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  private readonly onError = (e: NodeJS.ErrnoException): void => {
    this.closed = true;
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') this.failure ??= e;
  };

  write(chunk: string | Uint8Array): void {
    const n = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    this.parts.push(chunk);
    this.pending += n;
    this.bytes += n;
  }

  /** Whether enough is pending that the caller should `flush`. */
  get due(): boolean {
    return this.pending >= HIGH_WATER;
  }

  async flush(): Promise<void> {
    const parts = this.parts;
    this.parts = [];
    this.pending = 0;
    if (this.failure) throw this.failure;
    if (parts.length === 0 || this.closed) return;
    const buf = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    if (this.out.write(buf) || this.closed) return;
    // Wait until the reader has taken it (or went away: close or error end the wait too).
    await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]).catch(() => undefined);
  }

  detach(): void {
    this.out.off('error', this.onError);
  }
}
