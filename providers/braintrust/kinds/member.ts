import type { MemberSpec } from "../contract";
import { BraintrustApiError } from "../../../lib/http/api-error";
import { isNotFound } from "../client";
import { memberDecision } from "../policy";
import type { KindHandler } from "./kind-handler";

/** An org member: create invites (harmless to repeat); destroy removes as remove_extra and deletion_policies allow. */
export const member: KindHandler<MemberSpec> = {
  async create({ client, target, inviteGroups, groupIds: known }, spec) {
    // The invitation names the groups whose ids are already known (created earlier in this apply,
    // or before), so that accepting puts the person in them; it costs no lookup. The member lists,
    // which run after every member, make the memberships either way.
    let groups = inviteGroups.flatMap((name): [string, string][] => {
      const id = known.get(name);
      return id ? [[name, id]] : [];
    });
    const invite = (named: [string, string][]) =>
      client.patchOrgMembers({
        invite_users: { emails: [spec.email], send_invite_emails: target.sendInviteEmails, ...(named.length ? { group_ids: named.map(([, id]) => id) } : {}) },
      });
    let result;
    try {
      result = await invite(groups);
    } catch (e) {
      // A remembered id the API rejects (a group deleted and re-created by hand): invite without groups.
      if (!(e instanceof BraintrustApiError) || e.status === undefined || e.status >= 500 || e.status === 429 || groups.length === 0) throw e;
      for (const [name] of groups) known.forget(name);
      groups = [];
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
