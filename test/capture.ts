/** A Writable that keeps what is written to it as text: stdout/stderr for commands run in-process. */
import { Writable } from 'node:stream';

export function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}
