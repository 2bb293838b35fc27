import type { MembersSpec } from "../contract";
import { isNotFound } from "../client";
import { memberDecision } from "../policy";
import type { KindContext, KindHandler } from "./kind-handler";

/**
 * Org members, one instance per bucket of about 50 (Terraform's cost is per instance): create
 * invites the bucket's new members in one call and removes the previous ones no longer wanted, as
 * remove_extra and deletion_policies allow for the reason each leaves, in another; destroy removes
 * the bucket's members the same way, unless synth said the instance is only being replaced.
 */
export const members: KindHandler<MembersSpec> = {
  async create(ctx, spec) {
    const settled = new Set(spec.previous ?? []);
    const wanted = new Set(spec.members);
    const invite = spec.members.filter((e) => !settled.has(e));
    let sendEmailError: string | null = null;
    if (invite.length) {
      // Re-inviting someone already invited or a member is harmless (a tainted retry may do so).
      const result = await ctx.client.patchOrgMembers({ invite_users: { emails: invite, send_invite_emails: ctx.target.sendInviteEmails } });
      sendEmailError = result.send_email_error ?? null;
    }
    const leaving = await leave(ctx, (spec.previous ?? []).filter((e) => !wanted.has(e)));
    return {
      outcome: "updated",
      before: { bucket: spec.bucket, members: spec.previous ?? [], reasons: leaving.reasons },
      after: { bucket: spec.bucket, invited: invite, removed: leaving.removed, retained: leaving.retained, protected: leaving.protected, send_email_error: sendEmailError },
    };
  },

  async destroy(ctx, spec) {
    if (ctx.superseded.includes(spec.bucket)) return { outcome: "superseded" };
    const leaving = await leave(ctx, spec.members);
    return {
      outcome: leaving.removed.length ? "removed" : "retained",
      before: { bucket: spec.bucket, members: spec.members, reasons: leaving.reasons },
      after: { removed: leaving.removed, retained: leaving.retained, protected: leaving.protected },
    };
  },
};

/** Removes from the org those of `emails` the policy lets go (one call); the rest stay, unmanaged from now on. */
async function leave(ctx: KindContext, emails: readonly string[]) {
  const out = { removed: [] as string[], retained: [] as string[], protected: [] as string[], reasons: {} as Record<string, string | null> };
  for (const email of emails) {
    const reason = ctx.removalReasons[email];
    out.reasons[email] = reason ?? null;
    const decision = memberDecision(ctx.target.removeExtra, ctx.target.policy, email, reason);
    (decision === "remove" ? out.removed : decision === "protected" ? out.protected : out.retained).push(email);
  }
  if (out.removed.length) {
    try {
      await ctx.client.patchOrgMembers({ remove_users: { emails: out.removed } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out;
}
