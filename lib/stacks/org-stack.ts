import { LocalBackend, TerraformStack } from "cdktf";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { Construct } from "constructs";
import type { EvictionSpec, GroupMembersSpec, InviteFollowupSpec, MembersSpec } from "../../providers/braintrust/contract";
import { groupMembersSpecs, memberBuckets, type DesiredOrg } from "../model/desired-state";
import type { LegacyState } from "../state/managed-state";
import type { HandlerSettings } from "./common";
import { Grants } from "./grants";
import { GroupMemberships } from "./group-memberships";
import { OrgMembers } from "./org-members";
import { PermissionGroups } from "./permission-groups";
import { Roles } from "./roles";

export interface OrgStackProps {
  readonly desired: DesiredOrg;
  readonly followups: readonly InviteFollowupSpec[];
  readonly evictions?: readonly EvictionSpec[];
  /** Why each member in state but no longer wanted leaves (for the removal policy at destroy). */
  readonly removalReasons?: Readonly<Record<string, string>>;
  /** What a version with one instance per member and per membership left in state (already applied). */
  readonly legacy?: LegacyState;
  /** The member buckets in state, by bucket. */
  readonly membersInState?: ReadonlyMap<string, { readonly spec: MembersSpec; readonly tainted: boolean }>;
  /** The group_members instances in state, by group. */
  readonly groupMembersInState?: ReadonlyMap<string, { readonly spec: GroupMembersSpec; readonly tainted: boolean }>;
  readonly settings: HandlerSettings;
  /** State file path, relative to the stack's directory (where Terraform runs). */
  readonly statePath: string;
}

/** One Braintrust org as one Terraform stack (the stack name is the org alias). */
export class OrgStack extends TerraformStack {
  constructor(scope: Construct, alias: string, props: OrgStackProps) {
    super(scope, alias);
    new LocalBackend(this, { path: props.statePath });
    if (props.settings.resourceType === "null_resource") new NullProvider(this, "null");
    const { desired, settings } = props;

    const groups = new PermissionGroups(this, "permission_groups", { groups: desired.groups, settings });
    const roles = new Roles(this, "roles", { roles: desired.roles, autoCreate: desired.autoCreateRoles, settings });
    // Members do not wait for groups: every depends_on costs Terraform's plan dearly at scale
    // (measured at 10,000 users: first plan 85 s with it, 51 s without). The member lists, which
    // wait for both, make the memberships.
    const buckets = memberBuckets(desired, props.membersInState ?? new Map(), props.removalReasons ?? {}, props.legacy?.members);
    const members = new OrgMembers(this, "org_members", {
      buckets: buckets.specs,
      superseded: buckets.superseded,
      removalReasons: buckets.reasonsByBucket,
      settings,
    });
    const { specs, superseded } = groupMembersSpecs(desired, props.groupMembersInState ?? new Map(), props.legacy?.memberships);
    new GroupMemberships(this, "group_memberships", {
      groupMembers: specs,
      superseded,
      followups: props.followups,
      evictions: props.evictions ?? [],
      settings,
      dependsOn: [groups.groups.ready, members.members.ready],
    });
    new Grants(this, "grants", { grants: desired.grants, settings, dependsOn: [groups.groups.ready, roles.roleSettings.ready] });
  }
}
