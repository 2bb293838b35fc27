import { BUILT_IN_GROUPS, type GroupSpec } from "../contract";
import { isNotFound } from "../client";
import type { KindHandler } from "./kind-handler";

/** A permission group: create ensures it exists (POST is idempotent by name). */
export const group: KindHandler<GroupSpec> = {
  async create({ client, groupIds }, spec) {
    const g = await client.createGroup(spec.name);
    groupIds.set(spec.name, g.id);
    return { outcome: "ensured", after: { id: g.id, name: g.name } };
  },

  async destroy({ client, target, groupIds }, spec) {
    if (BUILT_IN_GROUPS.includes(spec.name)) return { outcome: "protected_builtin" };
    if (!target.removeExtra) return { outcome: "retained" };
    groupIds.forget(spec.name);
    const g = await client.findGroupByName(spec.name);
    if (!g) return { outcome: "already_gone" };
    try {
      await client.deleteGroup(g.id);
    } catch (e) {
      if (isNotFound(e)) return { outcome: "already_gone" };
      throw e;
    }
    return { outcome: "deleted", before: { id: g.id, name: g.name, description: g.description ?? null, member_count: g.member_users?.length ?? 0 } };
  },
};
