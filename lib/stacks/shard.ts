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

/** Instances per block that `auto` aims at (DESIGN.md fact 7: linear plan time at about 50). */
export const INSTANCES_PER_BLOCK = 50;

/** `auto`: the power of two that keeps blocks near 50 instances. */
export function autoShards(instances: number): number {
  return 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, Math.ceil(instances / INSTANCES_PER_BLOCK)))));
}

/**
 * Assigns each instance to a block by name. An instance already in state stays in its block
 * (`placed`, read from state), so changing the block count, by hand or as `auto` grows with the
 * directory, never moves an instance (a move would play as destroy and create). New instances go
 * to the block their key hashes to. Every current block and every block named in state is returned,
 * possibly empty: a block must never vanish while state has instances in it (their destroy
 * provisioners would not run).
 */
export function assignBlocks<V>(kind: string, instances: ReadonlyMap<string, V>, shards: number | "auto", placed: ReadonlyMap<string, string> = new Map()): Map<string, Map<string, V>> {
  const n = shards === "auto" ? autoShards(instances.size) : shards;
  const generated = Array.from({ length: n }, (_, i) => shardName(kind, i, n));
  const names = [...new Set([...generated, ...placed.values()])].sort();
  const blocks = new Map(names.map((name) => [name, new Map<string, V>()]));
  for (const [key, value] of instances) blocks.get(placed.get(key) ?? generated[shardOf(key, n)])!.set(key, value);
  return blocks;
}
