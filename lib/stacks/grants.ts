import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { grantKey, type AclSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface GrantsProps {
  readonly grants: readonly AclSpec[];
  readonly settings: HandlerSettings;
  /** Groups and roles: created before grants, deleted after them. */
  readonly dependsOn: readonly TerraformResource[];
}

/** ACL grants keyed `group/project:name/role:Role` or `group/organization/permission:read`. */
export class Grants extends Construct {
  readonly grants: HandlerInstances;

  constructor(scope: Construct, id: string, props: GrantsProps) {
    super(scope, id);
    this.grants = new HandlerInstances(this, "acls", {
      ...props.settings,
      kind: "acl",
      instances: new Map(props.grants.map((g) => [grantKey(g), g])),
      dependsOn: props.dependsOn,
    });
  }
}
