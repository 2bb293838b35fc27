import type { GroupSpec } from "../contract";
import { isNotFound } from "../client";
import { groupDecision } from "../policy";
import type { KindHandler } from "./kind-handler";

/** A permission group: create ensures it exists and records whether this tool created it. */
export const group: KindHandler<GroupSpec> = {
  async create({ client, groupIds, ownership }, spec) {
    // Deleted by this tool earlier: if it exists now, someone else made it.
    if (ownership.deleted("group", spec.name)) ownership.forget("group", spec.name);
    const existing = await client.findGroupByName(spec.name);
    if (existing) {
      groupIds.set(spec.name, existing.id);
      return { outcome: "adopted", after: { id: existing.id, name: existing.name, created_by_tool: ownership.owns("group", spec.name) } };
    }
    // POST is idempotent by name, so a create repeated after a lost reply does not duplicate.
    const g = await client.createGroup(spec.name);
    groupIds.set(spec.name, g.id);
    ownership.record("group", spec.name, { id: g.id });
    return { outcome: "created", after: { id: g.id, name: g.name, created_by_tool: true } };
  },

  async destroy({ client, target, groupIds, ownership }, spec) {
    if (ownership.deleted("group", spec.name)) return { outcome: "already_gone" };
    const decision = groupDecision(target.removeExtra, target.policy, spec.name, ownership.owns("group", spec.name));
    if (decision !== "delete") return { outcome: decision === "retain" ? "retained" : decision };
    groupIds.forget(spec.name);
    const g = await client.findGroupByName(spec.name);
    if (!g) {
      ownership.markDeleted("group", spec.name);
      return { outcome: "already_gone" };
    }
    try {
      await client.deleteGroup(g.id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    ownership.markDeleted("group", spec.name);
    return { outcome: "deleted", before: { id: g.id, name: g.name, description: g.description ?? null, member_count: g.member_users?.length ?? 0 } };
  },
};
