/**
 * A test engine that checks the copy-on-write sharing (src/sim/cow.ts): every snapshot the debugger
 * takes is fingerprinted (its content as JSON) when taken; a snapshot nobody stepped must still have the same
 * bytes when it is released and whenever `verify` is called. A sim write that skipped the write barrier
 * (`touch`) leaks into the snapshots sharing that entity and fails here, naming the snapshot's step.
 */
import { expect } from 'vitest';
import type { SimEngine } from '../src/sim/api.js';
import { fingerprint } from '../src/sim/cow.js';
import type { Machine } from '../src/sim/machine.js';

export function guarded(e: SimEngine<Machine>): { engine: SimEngine<Machine>; verify: () => number } {
  const prints = new Map<Machine, string>();
  const stepped = new WeakSet<Machine>();
  const check = (m: Machine) => {
    const p = prints.get(m);
    if (p && !stepped.has(m)) {
      expect(fingerprint(m) === p, `snapshot at record ${m.nrec} changed after it was taken`).toBe(true);
    }
  };
  const engine: SimEngine<Machine> = {
    ...e,
    step: (m, out, opts) => {
      stepped.add(m);
      return e.step(m, out, opts);
    },
    snapshot: (m, opts) => {
      const s = e.snapshot!(m, opts);
      prints.set(s, fingerprint(s));
      return s;
    },
    release: (m) => {
      check(m);
      prints.delete(m);
      e.release!(m);
    },
  };
  const verify = () => {
    let n = 0;
    for (const m of prints.keys()) {
      if (stepped.has(m)) continue;
      check(m);
      n++;
    }
    return n;
  };
  return { engine, verify };
}
