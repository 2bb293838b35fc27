import { grantKey, type AclSpec } from "../contract";
import type { AclItem } from "../client";
import type { KindContext, KindHandler } from "./kind-handler";

/**
 * A grant (ACL): create makes it unless an identical one exists, and records only the ones it
 * made; destroy removes only those (deletion_policies.acls), so grants made by hand are never
 * touched.
 */
export const acl: KindHandler<AclSpec> = {
  async create(ctx, spec) {
    const key = grantKey(spec);
    // Revoked by this tool earlier: whoever made it since, the record of that grant is done with.
    if (ctx.ownership.deleted("acl", key)) ctx.ownership.forget("acl", key);
    const item = await aclItem(ctx, spec);
    const existing = await ctx.client.findAcls(item);
    if (existing.length > 0) {
      return { outcome: ctx.ownership.owns("acl", key) ? "unchanged" : "adopted", after: { ...item, id: existing[0].id, made_by_tool: ctx.ownership.owns("acl", key) } };
    }
    const made = await ctx.client.createAcl(item);
    ctx.ownership.record("acl", key, { item, id: made.id });
    return { outcome: "granted", after: { ...item, id: made.id } };
  },

  async destroy({ client, target, ownership }, spec) {
    const key = grantKey(spec);
    if (ownership.deleted("acl", key)) return { outcome: "already_gone" };
    const record = ownership.get("acl", key);
    if (!record) return { outcome: "not_made_by_tool" };
    if (!target.policy.acls.enabled) return { outcome: "retained" };
    // The ids recorded at create: the group or role may be gone by name already.
    const item = record.item as AclItem;
    await client.batchUpdateAcls({ remove_acls: [item] });
    ownership.markDeleted("acl", key);
    return { outcome: "revoked", before: { ...item, id: record.id ?? null } };
  },
};

async function aclItem(ctx: KindContext, spec: AclSpec): Promise<AclItem> {
  const { client } = ctx;
  const groupId = await idOf(ctx.groupIds, spec.group, async () => (await client.findGroupByName(spec.group))?.id, "group");
  const objectId = spec.object_type === "project" ? spec.project_id! : await client.organizationId();
  const item: AclItem = { object_type: spec.object_type, object_id: objectId, group_id: groupId };
  if (spec.role !== undefined) item.role_id = await idOf(ctx.roleIds, spec.role, async () => (await client.findRoleByName(spec.role!))?.id, "role");
  else {
    item.permission = spec.permission;
    if (spec.restrict_object_type) item.restrict_object_type = spec.restrict_object_type;
  }
  return item;
}

/**
 * Looked up afresh rather than taken from the id cache: a stale id (a group deleted and re-created
 * by hand) would make every retry fail the same way, and grants are few.
 */
async function idOf(cache: KindContext["groupIds"], name: string, lookup: () => Promise<string | undefined>, what: string): Promise<string> {
  const id = await lookup();
  if (!id) throw new Error(`${what} "${name}" does not exist in Braintrust; create it or fix the grant's ${what === "group" ? "group_name" : "role_name"}`);
  cache.set(name, id);
  return id;
}
