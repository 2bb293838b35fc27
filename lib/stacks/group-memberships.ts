import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { membershipKey, type EvictionSpec, type GroupMemberSpec, type InviteFollowupSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface GroupMembershipsProps {
  readonly memberships: readonly { readonly group: string; readonly email: string }[];
  /** Memberships still waiting for an invitee, with the attempt the next check carries. */
  readonly followups: readonly InviteFollowupSpec[];
  /** People to take out of authoritative groups (they are there, Okta does not put them there). */
  readonly evictions: readonly EvictionSpec[];
  readonly settings: HandlerSettings;
  /** Group and member blocks: created before memberships, destroyed after them. */
  readonly dependsOn: readonly TerraformResource[];
}

/** Group memberships keyed `group/email`, the follow-ups of those made while an invitee was pending, and evictions from authoritative groups. */
export class GroupMemberships extends Construct {
  readonly memberships: HandlerInstances;
  readonly followups: HandlerInstances;
  readonly evictions: HandlerInstances;

  constructor(scope: Construct, id: string, props: GroupMembershipsProps) {
    super(scope, id);
    this.memberships = new HandlerInstances(this, "memberships", {
      ...props.settings,
      kind: "group_member",
      instances: new Map(props.memberships.map((m) => [membershipKey(m), { group: m.group, email: m.email } satisfies GroupMemberSpec])),
      dependsOn: props.dependsOn,
    });
    this.evictions = new HandlerInstances(this, "evictions", {
      ...props.settings,
      kind: "group_member_eviction",
      instances: new Map(props.evictions.map((e) => [membershipKey(e), { group: e.group, email: e.email, round: e.round } satisfies EvictionSpec])),
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
