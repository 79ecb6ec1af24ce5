/**
 * The cursor's step's `changes` (the record's own list, src/sim/steplog.ts) as the panes ask about
 * them: was this value changed by this step, did this thing appear or go. The panes highlight exactly
 * what the step claims, so a mark is never early, late or missing; on the first frame nothing is marked.
 */
import type { Change } from '../sim/steplog.js';

export class ChangeSet {
  private readonly by = new Map<string, Change>();

  constructor(list: readonly Change[]) {
    for (const c of list) this.by.set(c.what, c);
  }

  get size(): number {
    return this.by.size;
  }

  /** The step changed `what`. */
  has(what: string): boolean {
    return this.by.has(what);
  }

  /** Any of these names changed. */
  some(...whats: string[]): boolean {
    return whats.some((w) => this.by.has(w));
  }

  /** `what` did not exist before this step. */
  appeared(what: string): boolean {
    return this.by.get(what)?.from === null;
  }

  /** The names matching `re` that this step removed (their value is gone). */
  gone(re: RegExp): string[] {
    const out: string[] = [];
    for (const c of this.by.values()) if (c.to === null && re.test(c.what)) out.push(c.what);
    return out;
  }

  /** The changes whose names match `re`. */
  matching(re: RegExp): Change[] {
    return [...this.by.values()].filter((c) => re.test(c.what));
  }
}

export const NO_CHANGES = new ChangeSet([]);
