import { BUILT_IN_GROUPS, type RemovalPolicy } from "./contract";

/**
 * The removal decisions, in one place: the handler acts on them at destroy time and the plan
 * report shows them beforehand, so the two cannot disagree.
 */

export type MemberDecision = "remove" | "retain" | "protected";
export type GroupDecision = "delete" | "retain" | "protected" | "protected_builtin" | "not_created_by_tool";

/** `*` any run of characters, `?` one; whole string; case-insensitive. */
export function globMatch(glob: string, s: string): boolean {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(s);
}

/** A member leaving the desired state: removed, retained (policy) or protected (protect list). */
export function memberDecision(removeExtra: boolean, policy: RemovalPolicy, email: string, reason: string | undefined): MemberDecision {
  if (isProtected(policy, email)) return "protected";
  if (!removeExtra || !policy.users.enabled) return "retain";
  const allowed =
    reason === "email_changed"
      ? true // the same person arrives under the new email; the old identity is stale
      : reason === "deactivated" || reason === "deleted"
      ? policy.users.remove_deactivated
      : reason === "suspended"
        ? policy.users.remove_suspended
        : reason === "unmapped"
          ? policy.users.remove_unmapped
          : // Reason unknown (a plan made by another synth): only when every switch allows it.
            policy.users.remove_deactivated && policy.users.remove_suspended && policy.users.remove_unmapped;
  return allowed ? "remove" : "retain";
}

/** Whether deletion_policies.users.protect names someone: they keep their org membership and their group memberships. */
export function isProtected(policy: RemovalPolicy, email: string): boolean {
  return policy.users.protect.some((g) => globMatch(g, email));
}

/** A group leaving the desired state. Built-in groups and groups the tool did not create are never deleted. */
export function groupDecision(removeExtra: boolean, policy: RemovalPolicy, name: string, createdByTool: boolean): GroupDecision {
  if (BUILT_IN_GROUPS.includes(name)) return "protected_builtin";
  if (policy.groups.protect.some((g) => globMatch(g, name))) return "protected";
  if (policy.groups.target_groups && !policy.groups.target_groups.some((g) => globMatch(g, name))) return "protected";
  if (!removeExtra || !policy.groups.enabled) return "retain";
  return createdByTool ? "delete" : "not_created_by_tool";
}
