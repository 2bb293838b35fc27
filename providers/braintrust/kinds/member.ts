import type { MemberSpec } from "../contract";
import { isNotFound } from "../client";
import type { KindHandler } from "./kind-handler";

/** An org member: create invites (harmless to repeat); destroy removes only under `remove_extra`. */
export const member: KindHandler<MemberSpec> = {
  async create({ client, target, inviteGroups }, spec) {
    // Only groups that exist can be named in an invite; the rest follow as group_member instances.
    let groupIds: string[] = [];
    let groupNames: string[] = [];
    if (inviteGroups.length > 0) {
      const wanted = new Set(inviteGroups);
      const existing = (await client.listGroups()).filter((g) => wanted.has(g.name));
      groupIds = existing.map((g) => g.id);
      groupNames = existing.map((g) => g.name).sort();
    }
    const result = await client.patchOrgMembers({
      invite_users: { emails: [spec.email], send_invite_emails: target.sendInviteEmails, ...(groupIds.length ? { group_ids: groupIds } : {}) },
    });
    return {
      outcome: "invited",
      after: { email: spec.email, groups: groupNames, send_email_error: result.send_email_error ?? null },
    };
  },

  async destroy({ client, target }, spec) {
    if (!target.removeExtra) return { outcome: "retained", before: { email: spec.email }, after: { email: spec.email, retained: true } };
    try {
      await client.patchOrgMembers({ remove_users: { emails: [spec.email] } });
    } catch (e) {
      if (isNotFound(e)) return { outcome: "already_gone" };
      throw e;
    }
    return { outcome: "removed", before: { email: spec.email }, after: null };
  },
};
