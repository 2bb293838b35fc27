import { LocalBackend, TerraformStack } from "cdktf";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { Construct } from "constructs";
import type { InviteFollowupSpec } from "../../providers/braintrust/contract";
import type { DesiredOrg } from "../model/desired-state";
import type { HandlerSettings } from "./common";
import { GroupMemberships } from "./group-memberships";
import { OrgMembers } from "./org-members";
import { PermissionGroups } from "./permission-groups";

export interface OrgStackProps {
  readonly desired: DesiredOrg;
  readonly followups: readonly InviteFollowupSpec[];
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
    const inviteGroups = new Map<string, string[]>();
    for (const m of desired.memberships) inviteGroups.set(m.email, [...(inviteGroups.get(m.email) ?? []), m.group]);
    const members = new OrgMembers(this, "org_members", {
      members: desired.members,
      inviteGroups,
      settings,
      dependsOn: [groups.groups.ready],
    });
    new GroupMemberships(this, "group_memberships", {
      memberships: desired.memberships,
      followups: props.followups,
      settings,
      dependsOn: [groups.groups.ready, members.members.ready],
    });
  }
}
