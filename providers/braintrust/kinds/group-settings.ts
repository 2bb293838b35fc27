import type { GroupSettingsSpec } from "../contract";
import type { KindHandler } from "./kind-handler";

/** A group's mutable settings: create applies them; destroy does nothing (the next settings instance wins). */
export const groupSettings: KindHandler<GroupSettingsSpec> = {
  async create({ client, groupIds }, spec) {
    // Looked up rather than taken from the id cache: the lookup also gives the "before" the audit records.
    const g = await client.findGroupByName(spec.name);
    if (!g) throw new Error(`group "${spec.name}" does not exist in Braintrust; it is created by the group instance, so run apply again`);
    groupIds.set(spec.name, g.id);
    if ((g.description ?? "") === spec.description) {
      return { outcome: "unchanged", before: { description: g.description ?? null }, after: { description: spec.description } };
    }
    await client.patchGroup(g.id, { description: spec.description });
    return { outcome: "updated", before: { description: g.description ?? null }, after: { description: spec.description } };
  },

  async destroy() {
    return { outcome: "superseded" };
  },
};
