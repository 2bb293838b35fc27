import { describe, expect, it } from "vitest";
import { assignBlocks, autoShards } from "../../../lib/stacks/shard";

const keys = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`user${i}@x.example`, i]));

describe("assigning instances to blocks", () => {
  it("auto keeps blocks near 50 instances, as a power of two", () => {
    expect([0, 1, 50, 51, 100, 101, 5_000, 50_000].map(autoShards)).toEqual([1, 1, 1, 2, 2, 4, 128, 1024]);
    const blocks = assignBlocks("member", keys(5_000), "auto");
    expect(blocks.size).toBe(128);
    expect(Math.max(...[...blocks.values()].map((b) => b.size))).toBeLessThan(80);
  });

  it("keeps every instance already in state in its block when the count changes, and new ones go by hash", () => {
    const before = assignBlocks("member", keys(100), 4);
    const placed = new Map<string, string>();
    for (const [name, block] of before) for (const key of block.keys()) placed.set(key, name);
    const after = assignBlocks("member", keys(300), 16, placed);
    for (const [key, name] of placed) expect(after.get(name)!.has(key)).toBe(true);
    expect([...after.keys()]).toEqual([...new Set([...before.keys(), ...Array.from({ length: 16 }, (_, i) => `member_${String(i).padStart(2, "0")}`)])].sort());
    expect([...after.values()].reduce((n, b) => n + b.size, 0)).toBe(300);
  });

  it("still emits a block named in state after all its instances are gone, so their destroys run", () => {
    const blocks = assignBlocks("group", new Map([["a", 1]]), 2, new Map([["gone", "group_7"]]));
    expect([...blocks.keys()]).toEqual(["group_0", "group_1", "group_7"]);
    expect(blocks.get("group_7")!.size).toBe(0);
  });
});
