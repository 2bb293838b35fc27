import { describe, expect, it } from "vitest";
import { groupMembersSpecs, memberBuckets } from "../../../lib/model/desired-state";
import { shardOf } from "../../../lib/stacks/shard";

const org = (members: string[], memberships: { group: string; email: string }[] = []) => ({
  members,
  oktaIds: Object.fromEntries(members.map((e) => [e, `id-${e}`])),
  groups: [...new Set(memberships.map((m) => m.group))].map((name) => ({ name, description: "", membership: "managed" as const })),
  memberships,
});

describe("the list-holding instances set against state", () => {
  it("puts new members in the bucket their email hashes to, and keeps a member in the bucket state has them in", () => {
    const first = memberBuckets(org(["a@x", "b@x"]), new Map());
    expect(first.specs).toEqual([{ bucket: `m000${shardOf("a@x", 1)}`, members: ["a@x", "b@x"], okta_ids: { "a@x": "id-a@x", "b@x": "id-b@x" } }]);
    expect(first.superseded.size).toBe(0);
    // State says b@x is in m0007: b@x stays there, whatever the hash says.
    const inState = new Map([["m0007", { spec: { bucket: "m0007", members: ["b@x"], okta_ids: { "b@x": "id-b@x" } }, tainted: false }]]);
    const next = memberBuckets(org(["a@x", "b@x"]), inState);
    expect(next.specs.find((s) => s.bucket === "m0007")).toEqual({ bucket: "m0007", members: ["b@x"], okta_ids: { "b@x": "id-b@x" } });
    expect(next.superseded).toEqual(new Set(["m0007"]));
  });

  it("an unchanged bucket keeps its spec from state (no change); a changed one carries the members last applied, and its leavers' reasons", () => {
    const old = { bucket: "m0000", members: ["a@x", "b@x"], okta_ids: { "a@x": "id-a@x", "b@x": "id-b@x" }, previous: ["z@x"] };
    const same = memberBuckets(org(["a@x", "b@x"]), new Map([["m0000", { spec: old, tainted: false }]]));
    expect(same.specs).toEqual([old]);
    const changed = memberBuckets(org(["a@x", "c@x"]), new Map([["m0000", { spec: old, tainted: false }]]), { "b@x": "deactivated" });
    const bucket = changed.specs.find((s) => s.bucket === "m0000");
    expect(bucket?.previous).toEqual(["a@x", "b@x"]);
    expect(changed.reasonsByBucket).toEqual(new Map([["m0000", { "b@x": "deactivated" }]]));
  });

  it("after a failed (tainted) create, the settled list is the one before that attempt", () => {
    const failed = { bucket: "m0000", members: ["a@x", "b@x"], okta_ids: {}, previous: ["a@x"] };
    const retry = memberBuckets(org(["a@x", "c@x"]), new Map([["m0000", { spec: failed, tainted: true }]]));
    expect(retry.specs.find((s) => s.bucket === "m0000")?.previous).toEqual(["a@x"]);
    // A group list that failed may have taken people out or not: what it was taking out is still ours to take out.
    const list = groupMembersSpecs(org(["a@x"], [{ group: "ml", email: "a@x" }]), new Map([["ml", { spec: { group: "ml", members: ["a@x", "b@x"], previous: ["c@x"] }, tainted: true }]]));
    expect(list.specs).toEqual([{ group: "ml", members: ["a@x"], previous: ["a@x", "b@x", "c@x"] }]);
    expect(list.superseded).toEqual(new Set(["ml"]));
  });

  it("a group with nobody left keeps an empty list that takes the last people out; a group never applied with nobody gets none", () => {
    const emptied = groupMembersSpecs(org([], []), new Map([["ml", { spec: { group: "ml", members: ["a@x"] }, tainted: false }]]));
    expect(emptied.specs).toEqual([]);
    const stillWanted = groupMembersSpecs(
      { groups: [{ name: "ml", description: "", membership: "managed" }], memberships: [] },
      new Map([["ml", { spec: { group: "ml", members: ["a@x"] }, tainted: false }]]),
    );
    expect(stillWanted.specs).toEqual([{ group: "ml", members: [], previous: ["a@x"] }]);
  });
});
