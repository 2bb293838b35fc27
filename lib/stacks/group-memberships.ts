import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { membershipKey, type GroupMemberSpec, type InviteFollowupSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface GroupMembershipsProps {
  readonly memberships: readonly { readonly group: string; readonly email: string }[];
  /** Memberships still waiting for an invitee, with the attempt the next check carries. */
  readonly followups: readonly InviteFollowupSpec[];
  readonly settings: HandlerSettings;
  /** Group and member blocks: created before memberships, destroyed after them. */
  readonly dependsOn: readonly TerraformResource[];
}

/** Group memberships keyed `group/email`, and the follow-ups of those made while an invitee was pending. */
export class GroupMemberships extends Construct {
  readonly memberships: HandlerInstances;
  readonly followups: HandlerInstances;

  constructor(scope: Construct, id: string, props: GroupMembershipsProps) {
    super(scope, id);
    this.memberships = new HandlerInstances(this, "memberships", {
      ...props.settings,
      kind: "group_member",
      instances: new Map(props.memberships.map((m) => [membershipKey(m), { group: m.group, email: m.email } satisfies GroupMemberSpec])),
      dependsOn: props.dependsOn,
    });
    this.followups = new HandlerInstances(this, "followups", {
      ...props.settings,
      kind: "invite_followup",
      instances: new Map(props.followups.map((f) => [membershipKey(f), { group: f.group, email: f.email, attempt: f.attempt } satisfies InviteFollowupSpec])),
      dependsOn: [this.memberships.ready],
    });
  }
}
