/**
 * A stable bucket for an instance key (DESIGN.md fact 7: no block should hold more than about 50
 * instances). FNV-1a over the UTF-8 bytes: the same key lands in the same block on every machine and
 * every run, so an instance never moves unless the shard count changes.
 */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

export function shardName(kind: string, shard: number, shards: number): string {
  return `${kind}_${String(shard).padStart(String(shards - 1).length, "0")}`;
}

/** Splits a keyed map into `shards` maps (every one present, possibly empty: a block must never vanish). */
export function splitIntoShards<V>(instances: ReadonlyMap<string, V>, shards: number): Map<string, V>[] {
  const out = Array.from({ length: shards }, () => new Map<string, V>());
  for (const [key, value] of instances) out[shardOf(key, shards)].set(key, value);
  return out;
}
