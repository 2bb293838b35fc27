import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { ENV, membershipKey, type EvictionSpec, type GroupMembersSpec, type InviteFollowupSpec } from "../../providers/braintrust/contract";
import { placedIn, type HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface GroupMembershipsProps {
  /** Per group, the members the tool puts there (with the previous members when they changed). */
  readonly groupMembers: readonly GroupMembersSpec[];
  /** Groups whose members instance is in state and still wanted: if Terraform destroys it, it is being replaced. */
  readonly superseded: ReadonlySet<string>;
  /** Memberships still waiting for an invitee, with the attempt the next check carries. */
  readonly followups: readonly InviteFollowupSpec[];
  /** People to take out of authoritative groups (they are there, Okta does not put them there). */
  readonly evictions: readonly EvictionSpec[];
  readonly settings: HandlerSettings;
  /** Group and member blocks: created before memberships, destroyed after them. */
  readonly dependsOn: readonly TerraformResource[];
}

/**
 * Group memberships as one instance per group (`group_members`, keyed by group name), the
 * follow-ups of memberships made while an invitee was pending, and evictions from authoritative
 * groups (both keyed `group/email`).
 */
export class GroupMemberships extends Construct {
  readonly members: HandlerInstances;
  readonly followups: HandlerInstances;
  readonly evictions: HandlerInstances;

  constructor(scope: Construct, id: string, props: GroupMembershipsProps) {
    super(scope, id);
    this.members = new HandlerInstances(this, "memberships", {
      ...props.settings,
      kind: "group_members",
      instances: new Map(props.groupMembers.map((g) => [g.group, g])),
      dependsOn: props.dependsOn,
      // A destroy provisioner cannot tell a replacement from a removal; synth can, per block.
      blockEnvironment: (block) => {
        const here = [...props.superseded].filter(placedIn(props.settings, "group_members", block));
        return here.length ? { [ENV.superseded]: JSON.stringify(here) } : undefined;
      },
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
      dependsOn: [this.members.ready],
    });
  }
}
