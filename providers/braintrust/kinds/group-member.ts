import type { EvictionSpec, GroupMembersSpec, InviteFollowupSpec } from "../contract";
import { isNotFound } from "../client";
import { clearPending, writePending } from "../pending";
import { isProtected } from "../policy";
import type { KindContext, KindHandler, Outcome } from "./kind-handler";

/**
 * The members the tool puts in one group: create adds `members` and removes the `previous` ones
 * no longer wanted, in one PATCH of deltas (people added by other means are never touched);
 * destroy takes the group's members out, unless synth said the instance is only being replaced.
 */
export const groupMembers: KindHandler<GroupMembersSpec> = {
  async create(ctx, spec) {
    const wanted = new Set(spec.members);
    const leaving = (spec.previous ?? []).filter((e) => !wanted.has(e) && !isProtected(ctx.target.policy, e));
    for (const email of leaving) clearPending(ctx.target.pendingDir, spec.group, email);
    const users = await ctx.client.findUsersByEmail([...spec.members, ...leaving]);
    const add = spec.members.filter((e) => users.has(e));
    const invitees = spec.members.filter((e) => !users.has(e));
    const remove = leaving.filter((e) => users.has(e));
    const id = await withGroupId(ctx, spec.group, async (groupId) => {
      if (add.length || remove.length) {
        await ctx.client.patchGroup(groupId, {
          ...(add.length ? { add_member_users: add.map((e) => users.get(e)!.id) } : {}),
          ...(remove.length ? { remove_member_users: remove.map((e) => users.get(e)!.id) } : {}),
        });
      }
      // Invitees without a user id yet (pending-user question, answer B; the member instances ran
      // first): re-invited naming the group, so that accepting puts them in it; a follow-up checks
      // on the next apply.
      if (invitees.length) await ctx.client.patchOrgMembers({ invite_users: { emails: invitees, group_ids: [groupId], send_invite_emails: false } });
      return groupId;
    });
    if (!id) throw missingGroup(spec.group);
    const attempt = new Date().toISOString();
    for (const email of invitees) writePending(ctx.target.pendingDir, { group: spec.group, email, attempt, resolved: false });
    return {
      outcome: invitees.length ? "updated_with_pending_invites" : "updated",
      before: { group: spec.group, members: spec.previous ?? [] },
      after: { group: spec.group, added: add, removed: remove, pending: invitees },
    };
  },

  async destroy(ctx, spec) {
    if (ctx.superseded.includes(spec.group)) return { outcome: "superseded" };
    for (const email of spec.members) clearPending(ctx.target.pendingDir, spec.group, email);
    const leaving = spec.members.filter((e) => !isProtected(ctx.target.policy, e));
    const users = leaving.length ? await ctx.client.findUsersByEmail(leaving) : new Map();
    const remove = leaving.filter((e) => users.has(e));
    if (remove.length === 0) return { outcome: "already_gone" };
    const done = await withGroupId(ctx, spec.group, (id) => ctx.client.patchGroup(id, { remove_member_users: remove.map((e) => users.get(e)!.id) }));
    if (!done) return { outcome: "already_gone" };
    return { outcome: "removed", before: { group: spec.group, members: remove }, after: null };
  },
};

/**
 * Someone in an authoritative group whom Okta does not put there: create takes them out; destroy
 * does nothing (the instance goes once they are no longer there or Okta wants them there).
 */
export const groupMemberEviction: KindHandler<EvictionSpec> = {
  async create(ctx, spec) {
    const user = await ctx.client.findUserByEmail(spec.email);
    if (!user) return { outcome: "already_gone" };
    const done = await withGroupId(ctx, spec.group, (id) => ctx.client.patchGroup(id, { remove_member_users: [user.id] }));
    if (!done) return { outcome: "already_gone" };
    return { outcome: "evicted", before: { group: spec.group, email: spec.email, user_id: user.id }, after: null };
  },

  async destroy() {
    return { outcome: "noop" };
  },
};

/**
 * Re-checks a membership whose invitee had not accepted: makes it once they have, or records the
 * next attempt. Destroy does nothing: removing the membership is the group_members instance's job.
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
async function ensureMembership(ctx: KindContext, spec: { group: string; email: string }): Promise<Outcome> {
  const { client } = ctx;
  const user = await client.findUserByEmail(spec.email);
  if (!user) {
    const invited = await withGroupId(ctx, spec.group, (id) =>
      client.patchOrgMembers({ invite_users: { emails: [spec.email], group_ids: [id], send_invite_emails: false } }),
    );
    if (!invited) throw missingGroup(spec.group);
    return { outcome: "pending_invite", after: { group: spec.group, email: spec.email, pending: true } };
  }
  // PATCH add_member_users is a delta: adding someone already in the group changes nothing.
  const patched = await withGroupId(ctx, spec.group, (id) => client.patchGroup(id, { add_member_users: [user.id] }));
  if (!patched) throw missingGroup(spec.group);
  return { outcome: "added", after: { group: spec.group, email: spec.email, user_id: user.id } };
}

function missingGroup(name: string): Error {
  return new Error(`group "${name}" does not exist in Braintrust; it is created by the group instance, so run apply again`);
}

/**
 * Runs `write` with the group's id: the remembered one first (no lookup), and if the API says it
 * is not found, the id looked up afresh. Resolves with undefined when the group does not exist.
 */
async function withGroupId<T>({ client, groupIds }: KindContext, name: string, write: (id: string) => Promise<T>): Promise<T | undefined> {
  const remembered = groupIds.get(name);
  if (remembered) {
    try {
      return await write(remembered);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      groupIds.forget(name);
    }
  }
  const g = await client.findGroupByName(name);
  if (!g) return undefined;
  groupIds.set(name, g.id);
  try {
    return await write(g.id);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
