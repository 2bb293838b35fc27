import { TerraformLocal, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { ENV, type MemberSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";
import { escapeDeep } from "./terraform-escape";

export interface OrgMembersProps {
  /** Lower-cased email -> spec. */
  readonly members: ReadonlyMap<string, MemberSpec>;
  /** Why each member leaving the org leaves (members in state, not wanted): read by their destroy. */
  readonly removalReasons: Readonly<Record<string, string>>;
  /** Groups each member should be invited into (only read when the member is created). */
  readonly inviteGroups: ReadonlyMap<string, readonly string[]>;
  readonly settings: HandlerSettings;
  /** Blocks to follow (none: an invitation names the groups that exist by then, the member lists do the rest). */
  readonly dependsOn: readonly TerraformResource[];
}

/** Organization members, keyed by email: create invites, destroy removes (by policy). */
export class OrgMembers extends Construct {
  readonly members: HandlerInstances;

  constructor(scope: Construct, id: string, props: OrgMembersProps) {
    super(scope, id);
    const local = new TerraformLocal(this, "invite_groups", escapeDeep(Object.fromEntries([...props.inviteGroups].map(([k, v]) => [k, [...v]]))));
    local.overrideLogicalId("invite_groups");
    this.members = new HandlerInstances(this, "members", {
      ...props.settings,
      kind: "member",
      instances: props.members,
      dependsOn: props.dependsOn,
      destroyEnvironment: (block) => {
        const placed = props.settings.placements?.get("member");
        const here = Object.entries(props.removalReasons).filter(([email]) => placed?.get(email) === block);
        return here.length ? { [ENV.removalReasons]: JSON.stringify(Object.fromEntries(here)) } : undefined;
      },
      createEnvironment: { [ENV.inviteGroups]: "${jsonencode(lookup(local.invite_groups, each.key, []))}" },
    });
  }
}
