/**
 * The one place that names the coupling between what synth emits and what the handler reads:
 * the resource kinds, the shape of each kind's spec, and the local-exec environment variables.
 * Both `lib/stacks` and the handler import this module, so a mismatch is a compile error.
 */

/** Every resource kind the stacks emit, in dependency order (a kind depends on the ones before it). */
export const KINDS = ["group", "group_settings", "role", "role_settings", "members", "group_members", "group_member_eviction", "invite_followup", "acl"] as const;
export type Kind = (typeof KINDS)[number];

export type Action = "create" | "destroy";

/**
 * Spec of a `members` instance: the org members of one bucket (about 50 lower-cased emails, a
 * member stays in their bucket for good), with the Okta user id of each, so that a plan can show an
 * email change as that person leaving under the old email and arriving under the new. A change
 * replaces the instance: its create invites `members` not in `previous` (the bucket's members as
 * last applied, from state) and removes `previous` ones no longer wanted; the replaced instance's
 * destroy does nothing.
 */
export interface MembersSpec {
  readonly bucket: string;
  readonly members: readonly string[];
  readonly okta_ids?: Readonly<Record<string, string>>;
  readonly previous?: readonly string[];
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

/**
 * Spec of a `group_members` instance: the members the tool puts in one group (sorted emails), one
 * instance per group rather than per membership, so that 50,000 memberships are 1,000 instances
 * (Terraform's cost is per instance: DESIGN.md fact 7). A change of members replaces the instance;
 * its create adds `members` and removes `previous` members no longer wanted (the ones the tool put
 * there, taken from state at synth), and the replaced instance's destroy does nothing.
 */
export interface GroupMembersSpec {
  readonly group: string;
  readonly members: readonly string[];
  readonly previous?: readonly string[];
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

/**
 * Spec of a `group_member_eviction` instance: someone in an authoritative group whom Okta does not
 * put there. `round` goes up when they are found there again after an eviction, so Terraform
 * replaces the instance and its create evicts them again.
 */
export interface EvictionSpec {
  readonly group: string;
  readonly email: string;
  readonly round: number;
}

export interface RolePermission {
  readonly permission: string;
  readonly restrict_object_type: string | null;
}

/** Spec of a `role` instance: identity only (the role name). */
export interface RoleSpec {
  readonly name: string;
}

/** Spec of a `role_settings` instance: identity plus the settings it applies (its key carries a hash of them). */
export interface RoleSettingsSpec {
  readonly name: string;
  readonly description: string;
  readonly member_permissions: readonly RolePermission[];
  /** `update_existing_roles`: also bring a role the tool did not create to these settings. */
  readonly update_existing: boolean;
}

/** Spec of an `acl` instance: a grant of a role or a permission to a group on the org or a project. */
export interface AclSpec {
  readonly group: string;
  readonly object_type: "organization" | "project";
  /** Project name and id (a project re-created under the same name is a new grant). */
  readonly project?: string;
  readonly project_id?: string;
  readonly role?: string;
  readonly permission?: string;
  readonly restrict_object_type?: string | null;
}

export interface SpecOf {
  group: GroupSpec;
  group_settings: GroupSettingsSpec;
  role: RoleSpec;
  role_settings: RoleSettingsSpec;
  members: MembersSpec;
  group_members: GroupMembersSpec;
  group_member_eviction: EvictionSpec;
  invite_followup: InviteFollowupSpec;
  acl: AclSpec;
}

/** A grant's instance key: `ml-team/project:chat-bot/role:Engineer`, `ml-team/organization/permission:read`. */
export function grantKey(g: AclSpec): string {
  const on = g.object_type === "organization" ? "organization" : `project:${g.project}`;
  const what = g.role !== undefined ? `role:${g.role}` : `permission:${g.permission}${g.restrict_object_type ? `:${g.restrict_object_type}` : ""}`;
  return `${g.group}/${on}/${what}`;
}

/** Which removals the config allows (deletion_policies, with sync_options.remove_extra as the master switch). */
export interface RemovalPolicy {
  readonly users: {
    readonly enabled: boolean;
    readonly remove_deactivated: boolean;
    readonly remove_suspended: boolean;
    readonly remove_unmapped: boolean;
    readonly protect: readonly string[];
  };
  readonly groups: { readonly enabled: boolean; readonly protect: readonly string[]; readonly target_groups?: readonly string[] };
  readonly acls: { readonly enabled: boolean };
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
  /** `sync_options.remove_extra`: whether destroying a member, group or role removes it from Braintrust at all. */
  readonly removeExtra: boolean;
  /** `deletion_policies`: which of those removals are allowed. */
  readonly policy: RemovalPolicy;
  /** Absolute directory recording the groups, roles and grants this tool created (it deletes only those). */
  readonly ownedDir: string;
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
  /** members only: JSON object, identity -> why they leave (deactivated, suspended, deleted, unmapped, email_changed). */
  removalReasons: "OBSYNC_REMOVAL_REASONS",
  /** members and group_members destroy only: JSON array of the keys whose instance is replaced, not dropped (their destroy does nothing). */
  superseded: "OBSYNC_SUPERSEDED",
  /** role create only: "false" when auto_create_roles is off (a missing role is then an error). */
  autoCreateRoles: "OBSYNC_AUTO_CREATE_ROLES",
  /** Set by the CLI so that every handler call of one run shares an execution id. */
  executionId: "OBSYNC_EXECUTION_ID",
} as const;

/** The instance key of a relation between a group and a member (`group_member_eviction`, `invite_followup`). */
export function membershipKey(m: { readonly group: string; readonly email: string }): string {
  return `${m.group}/${m.email}`;
}

/** Braintrust's built-in permission groups: never deleted by this tool. */
export const BUILT_IN_GROUPS: readonly string[] = ["Owners", "Engineers", "Viewers"];
