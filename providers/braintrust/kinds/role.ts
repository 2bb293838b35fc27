import type { RolePermission, RoleSettingsSpec, RoleSpec } from "../contract";
import { isNotFound, type BtRole } from "../client";
import type { KindContext, KindHandler } from "./kind-handler";

/**
 * A role: create ensures it exists (made when missing, if auto_create_roles)
 * and records whether this tool created it; destroy deletes only a role the tool created, and only
 * under remove_extra. Its grants are destroyed first (they depend on it).
 */
export const role: KindHandler<RoleSpec> = {
  async create({ client, roleIds, ownership, autoCreateRoles }, spec) {
    // Deleted by this tool earlier: if it exists now, someone else made it.
    if (ownership.deleted("role", spec.name)) ownership.forget("role", spec.name);
    const existing = await client.findRoleByName(spec.name);
    if (existing) {
      roleIds.set(spec.name, existing.id);
      return { outcome: "adopted", after: { id: existing.id, name: existing.name, created_by_tool: ownership.owns("role", spec.name) } };
    }
    if (!autoCreateRoles) throw new Error(`role "${spec.name}" does not exist in Braintrust and auto_create_roles is false; create it there or set auto_create_roles: true`);
    // Made bare; its role_settings instance (which depends on this one) sets description and permissions.
    const r = await client.createRole({ name: spec.name, description: "", member_permissions: [] });
    roleIds.set(spec.name, r.id);
    ownership.record("role", spec.name, { id: r.id });
    return { outcome: "created", after: { id: r.id, name: r.name } };
  },

  async destroy({ client, target, roleIds, ownership }, spec) {
    if (ownership.deleted("role", spec.name)) return { outcome: "already_gone" };
    if (!ownership.owns("role", spec.name)) return { outcome: "not_created_by_tool" };
    if (!target.removeExtra) return { outcome: "retained" };
    roleIds.forget(spec.name);
    const r = await client.findRoleByName(spec.name);
    if (r) {
      try {
        await client.deleteRole(r.id);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    ownership.markDeleted("role", spec.name);
    return r ? { outcome: "deleted", before: { id: r.id, name: r.name } } : { outcome: "already_gone" };
  },
};

/**
 * A role's description and permissions (the settings pattern): create brings the role to them
 * with PATCH deltas; destroy does nothing (the next settings instance wins). A role the tool did
 * not create is changed only with update_existing_roles.
 */
export const roleSettings: KindHandler<RoleSettingsSpec> = {
  async create(ctx, spec) {
    const r = await findRole(ctx, spec.name);
    const before = { description: r.description ?? "", member_permissions: normalize(r.member_permissions ?? []) };
    if (!ctx.ownership.owns("role", spec.name) && !spec.update_existing) return { outcome: "left_as_is", before };
    const want = normalize(spec.member_permissions);
    const has = new Set(before.member_permissions.map(permKey));
    const wanted = new Set(want.map(permKey));
    const add = want.filter((p) => !has.has(permKey(p)));
    const remove = before.member_permissions.filter((p) => !wanted.has(permKey(p)));
    const descriptionChanged = before.description !== spec.description;
    if (add.length === 0 && remove.length === 0 && !descriptionChanged) return { outcome: "unchanged", before, after: before };
    await ctx.client.patchRole(r.id, {
      ...(descriptionChanged ? { description: spec.description } : {}),
      ...(add.length ? { add_member_permissions: add } : {}),
      ...(remove.length ? { remove_member_permissions: remove } : {}),
    });
    return { outcome: "updated", before, after: { description: spec.description, member_permissions: want } };
  },

  async destroy() {
    return { outcome: "superseded" };
  },
};

async function findRole({ client, roleIds }: KindContext, name: string): Promise<BtRole> {
  const r = await client.findRoleByName(name);
  if (!r) throw new Error(`role "${name}" does not exist in Braintrust; it is created by the role instance, so run apply again`);
  roleIds.set(name, r.id);
  return r;
}

function normalize(ps: readonly { permission: string; restrict_object_type?: string | null }[]): RolePermission[] {
  return ps.map((p) => ({ permission: p.permission, restrict_object_type: p.restrict_object_type ?? null })).sort((a, b) => (permKey(a) < permKey(b) ? -1 : 1));
}

function permKey(p: RolePermission): string {
  return `${p.permission}:${p.restrict_object_type ?? ""}`;
}
