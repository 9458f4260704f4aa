// A map bounded to two generations of `limit` entries: hot keys survive a turnover, hostile variety costs
// recomputing, never memory. Used for the caches fastGet keeps in Ink's place (ink-internals/fast-get.ts) and the
// pane layout's wrapped messages (view-model/pane-layout.ts).

export class GenerationalCache<V, K = string> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get(key: K, make: (key: K) => V): V {
    let v = this.young.get(key);
    if (v !== undefined) return v;
    v = this.old.get(key) ?? make(key);
    this.set(key, v);
    return v;
  }

  /** Replace what `key` holds (its value was made for other inputs); returns `v`. */
  set(key: K, v: V): V {
    this.young.set(key, v);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    return v;
  }
}
