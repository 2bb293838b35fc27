/**
 * The one place that names the coupling between what synth emits and what the handler reads:
 * the resource kinds, the shape of each kind's spec, and the local-exec environment variables.
 * Both `lib/stacks` and the handler import this module, so a mismatch is a compile error.
 */

/** Every resource kind the stacks emit, in dependency order (a kind depends on the ones before it). */
export const KINDS = ["group", "group_settings", "member", "group_member", "invite_followup"] as const;
export type Kind = (typeof KINDS)[number];

export type Action = "create" | "destroy";

/** Spec of a `member` instance: identity only (lower-cased email). */
export interface MemberSpec {
  readonly email: string;
}

/** Spec of a `group` instance: identity only (the Braintrust group name). */
export interface GroupSpec {
  readonly name: string;
}

/** Spec of a `group_settings` instance: identity plus the settings it applies. */
export interface GroupSettingsSpec {
  readonly name: string;
  readonly description: string;
}

/** Spec of a `group_member` instance: a relation between a group and an org member. */
export interface GroupMemberSpec {
  readonly group: string;
  readonly email: string;
}

/**
 * Spec of an `invite_followup` instance: a group membership that could not be made because the
 * invitee has not accepted yet (braintrust-api.md section 9, answer B). `attempt` changes while the
 * invitee is still pending, so each apply replaces the instance and checks again.
 */
export interface InviteFollowupSpec {
  readonly group: string;
  readonly email: string;
  readonly attempt: string;
}

export interface SpecOf {
  group: GroupSpec;
  group_settings: GroupSettingsSpec;
  member: MemberSpec;
  group_member: GroupMemberSpec;
  invite_followup: InviteFollowupSpec;
}

/**
 * Where and how the handler acts: written as a literal into each provisioner's environment at synth,
 * so a destroy uses the policy in force at *that* apply (provisioner config is read from the current
 * configuration, never from state). Holds the *name* of the API key variable, never its value.
 */
export interface Target {
  /** The org alias from the config (the stack name). */
  readonly alias: string;
  /** Braintrust API base URL, e.g. `https://api.braintrust.dev`. */
  readonly apiUrl: string;
  /** Asserted on writes when set (`org_name` in request bodies and queries). */
  readonly orgName: string | null;
  /** Name of the environment variable holding the API key. */
  readonly apiKeyEnv: string;
  /** `sync_options.remove_extra`: whether destroying a member or group removes it from Braintrust. */
  readonly removeExtra: boolean;
  readonly sendInviteEmails: boolean;
  /** Absolute directory for JSON Lines audit events. */
  readonly auditDir: string;
  /** Absolute directory for pending-invitee records of this org. */
  readonly pendingDir: string;
  /** Absolute directory where group ids are remembered between calls (a hint; safe to delete). */
  readonly idsDir: string;
  /** Request timeout in milliseconds. */
  readonly timeoutMs: number;
}

/** local-exec environment variable names. */
export const ENV = {
  action: "OBSYNC_ACTION",
  kind: "OBSYNC_KIND",
  spec: "OBSYNC_SPEC",
  target: "OBSYNC_TARGET",
  /** member create only: JSON array of the group names the invitee should land in. */
  inviteGroups: "OBSYNC_INVITE_GROUPS",
  /** Set by the CLI so that every handler call of one run shares an execution id. */
  executionId: "OBSYNC_EXECUTION_ID",
} as const;

/** The instance key of a relation between a group and a member (`group_member`, `invite_followup`). */
export function membershipKey(m: { readonly group: string; readonly email: string }): string {
  return `${m.group}/${m.email}`;
}

/** Braintrust's built-in permission groups: never deleted by this tool. */
export const BUILT_IN_GROUPS: readonly string[] = ["Owners", "Engineers", "Viewers"];
