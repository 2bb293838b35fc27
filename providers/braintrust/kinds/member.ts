import type { MemberSpec } from "../contract";
import { BraintrustApiError } from "../../../lib/http/api-error";
import { isNotFound } from "../client";
import { memberDecision } from "../policy";
import type { KindHandler } from "./kind-handler";

/** An org member: create invites (harmless to repeat); destroy removes as remove_extra and deletion_policies allow. */
export const member: KindHandler<MemberSpec> = {
  async create({ client, target, inviteGroups, groupIds: known }, spec) {
    // Only groups that exist can be named in an invite; the rest follow by the group_members instances.
    // Ids come from the id cache; the group list is read only when one is missing, or when the
    // API rejects a remembered id (a group deleted and re-created by hand).
    const resolve = async (fresh: boolean): Promise<[string, string][]> => {
      const ids = new Map(inviteGroups.map((name) => [name, fresh ? undefined : known.get(name)]));
      if ([...ids.values()].some((id) => id === undefined)) {
        for (const g of await client.listGroups()) {
          if (!ids.has(g.name) || g.deleted_at) continue;
          ids.set(g.name, g.id);
          known.set(g.name, g.id);
        }
      }
      return [...ids.entries()].filter((e): e is [string, string] => e[1] !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    };
    const invite = (groups: [string, string][]) =>
      client.patchOrgMembers({
        invite_users: { emails: [spec.email], send_invite_emails: target.sendInviteEmails, ...(groups.length ? { group_ids: groups.map(([, id]) => id) } : {}) },
      });
    let groups = await resolve(false);
    let result;
    try {
      result = await invite(groups);
    } catch (e) {
      if (!(e instanceof BraintrustApiError) || e.status === undefined || e.status >= 500 || e.status === 429 || groups.length === 0) throw e;
      groups = await resolve(true);
      result = await invite(groups);
    }
    const groupNames = groups.map(([name]) => name);
    return {
      outcome: "invited",
      after: { email: spec.email, groups: groupNames, send_email_error: result.send_email_error ?? null },
    };
  },

  async destroy({ client, target, removalReasons }, spec) {
    const reason = removalReasons[spec.email];
    const decision = memberDecision(target.removeExtra, target.policy, spec.email, reason);
    if (decision !== "remove") {
      return { outcome: decision === "protected" ? "protected" : "retained", before: { email: spec.email, reason: reason ?? null }, after: { email: spec.email, retained: true } };
    }
    try {
      await client.patchOrgMembers({ remove_users: { emails: [spec.email] } });
    } catch (e) {
      if (isNotFound(e)) return { outcome: "already_gone" };
      throw e;
    }
    return { outcome: "removed", before: { email: spec.email, reason: reason ?? null }, after: null };
  },
};
