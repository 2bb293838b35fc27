import type { GroupMemberSpec, InviteFollowupSpec } from "../contract";
import { isNotFound } from "../client";
import { clearPending, writePending } from "../pending";
import type { KindContext, KindHandler, Outcome } from "./kind-handler";

/** A group membership: PATCH deltas, so people added by other means are never touched. */
export const groupMember: KindHandler<GroupMemberSpec> = {
  async create(ctx, spec) {
    const result = await ensureMembership(ctx, spec);
    if (result.outcome === "pending_invite") {
      writePending(ctx.target.pendingDir, { group: spec.group, email: spec.email, attempt: new Date().toISOString(), resolved: false });
    }
    return result;
  },

  async destroy({ client, target }, spec) {
    clearPending(target.pendingDir, spec.group, spec.email);
    const g = await client.findGroupByName(spec.group);
    if (!g) return { outcome: "already_gone" };
    const user = await client.findUserByEmail(spec.email);
    if (!user || !(g.member_users ?? []).includes(user.id)) return { outcome: "already_gone" };
    try {
      await client.patchGroup(g.id, { remove_member_users: [user.id] });
    } catch (e) {
      if (isNotFound(e)) return { outcome: "already_gone" };
      throw e;
    }
    return { outcome: "removed", before: { group: spec.group, email: spec.email, user_id: user.id }, after: null };
  },
};

/**
 * Re-checks a membership whose invitee had not accepted: makes it once they have, or records the
 * next attempt. Destroy does nothing: removing the membership is the group_member instance's job.
 */
export const inviteFollowup: KindHandler<InviteFollowupSpec> = {
  async create(ctx, spec) {
    const result = await ensureMembership(ctx, spec);
    const resolved = result.outcome !== "pending_invite";
    writePending(ctx.target.pendingDir, {
      group: spec.group,
      email: spec.email,
      attempt: resolved ? spec.attempt : new Date().toISOString(),
      resolved,
    });
    return result;
  },

  async destroy() {
    return { outcome: "noop" };
  },
};

/**
 * Adds the user to the group. An invitee without a user id yet (pending-user question, answer B) is
 * re-invited naming the group, so that accepting puts them in it where the server supports that,
 * and the caller records a follow-up for the next apply.
 */
async function ensureMembership({ client }: KindContext, spec: { group: string; email: string }): Promise<Outcome> {
  const g = await client.findGroupByName(spec.group);
  if (!g) throw new Error(`group "${spec.group}" does not exist in Braintrust; it is created by the group instance, so run apply again`);
  const user = await client.findUserByEmail(spec.email);
  if (!user) {
    await client.patchOrgMembers({ invite_users: { emails: [spec.email], group_ids: [g.id], send_invite_emails: false } });
    return { outcome: "pending_invite", after: { group: spec.group, email: spec.email, pending: true } };
  }
  if ((g.member_users ?? []).includes(user.id)) {
    return { outcome: "already_member", after: { group: spec.group, email: spec.email, user_id: user.id } };
  }
  try {
    await client.patchGroup(g.id, { add_member_users: [user.id] });
  } catch (e) {
    if (isNotFound(e)) throw new Error(`group "${spec.group}" vanished while adding ${spec.email}; run apply again`, { cause: e });
    throw e;
  }
  return { outcome: "added", before: { group: spec.group, email: spec.email, member: false }, after: { group: spec.group, email: spec.email, user_id: user.id } };
}
