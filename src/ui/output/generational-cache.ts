// A map bounded to two generations of `limit` entries: hot keys survive a turnover, hostile variety costs
// recomputing, never memory. Used for the caches fastGet keeps in Ink's place (ink-internals/fast-get.ts).

export class GenerationalCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  constructor(private readonly limit: number) {}

  get(key: string, make: (key: string) => V): V {
    let v = this.young.get(key);
    if (v !== undefined) return v;
    v = this.old.get(key) ?? make(key);
    this.young.set(key, v);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    return v;
  }
}
