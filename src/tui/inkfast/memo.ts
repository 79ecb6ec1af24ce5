/**
 * A bounded memo for the Ink fast paths (inkfast/*.ts): two generations of a Map, the older dropped
 * when the newer fills, so what the last frames used stays cached and memory stays bounded however
 * long a session plays. Used only by the shims the bundle puts in front of Ink's width and ANSI
 * helpers (scripts/inkfast-plugin.mjs).
 */
export class GenerationMemo<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  /** `limit`: entries per generation (the memo holds at most twice as many). */
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
