import { Construct } from "constructs";
import { ENV, type MembersSpec } from "../../providers/braintrust/contract";
import { placedIn, type HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface OrgMembersProps {
  /** The member buckets: about 50 members each, by bucket name. */
  readonly buckets: readonly MembersSpec[];
  /** Buckets in state and still wanted: if Terraform destroys one, it is being replaced. */
  readonly superseded: ReadonlySet<string>;
  /** Why each member leaving the org leaves, by bucket: read by that bucket's create (or destroy). */
  readonly removalReasons: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly settings: HandlerSettings;
}

/**
 * Organization members, one instance per bucket (`members["m0042"]`): a member stays in their
 * bucket, so a change touches one instance; create invites and removes (by policy), destroy removes.
 */
export class OrgMembers extends Construct {
  readonly members: HandlerInstances;

  constructor(scope: Construct, id: string, props: OrgMembersProps) {
    super(scope, id);
    this.members = new HandlerInstances(this, "members", {
      ...props.settings,
      kind: "members",
      instances: new Map(props.buckets.map((b) => [b.bucket, b])),
      // Literals per block (a destroy provisioner may not read locals): the buckets of this block
      // being replaced, and why their leavers leave.
      blockEnvironment: (block) => {
        const here = placedIn(props.settings, "members", block);
        const superseded = [...props.superseded].filter(here);
        const reasons = Object.assign({}, ...[...props.removalReasons].filter(([bucket]) => here(bucket)).map(([, r]) => r));
        return {
          ...(superseded.length ? { [ENV.superseded]: JSON.stringify(superseded) } : {}),
          ...(Object.keys(reasons).length ? { [ENV.removalReasons]: JSON.stringify(reasons) } : {}),
        };
      },
    });
  }
}
