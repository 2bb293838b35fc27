import { DataResource, TerraformLocal, type ITerraformDependable, type TerraformResource } from "cdktf";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { ENV, type Kind, type Target } from "../../providers/braintrust/contract";
import { escapeDeep, escapeTemplate } from "./terraform-escape";
import { shardName, splitIntoShards } from "./shard";

export type ResourceType = "terraform_data" | "null_resource";

export interface HandlerInstancesProps {
  readonly kind: Kind;
  /** Instance key (stable identity) to spec; the spec is stored on the instance for its destroy. */
  readonly instances: ReadonlyMap<string, object>;
  /** Number of resource blocks; every one is emitted, even when empty. */
  readonly shards: number;
  /** Default `terraform_data` (built in); `null_resource` needs the hashicorp/null provider. */
  readonly resourceType: ResourceType;
  readonly target: Target;
  /** Shell command that runs the handler; holds no data (specs travel in the environment). */
  readonly handlerCommand: string;
  /** Blocks this kind must follow on create and precede on destroy. */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Extra environment for the create provisioner only (it may reference locals; destroy may not). */
  readonly createEnvironment?: Record<string, string>;
}

/**
 * One kind's instances as a fixed set of `for_each` blocks whose maps live in `locals`
 * (DESIGN.md facts 2 and 7). Each instance runs the handler on create and on destroy; the destroy
 * provisioner reads only `self` (fact 4) and the literal target, which Terraform takes from the
 * configuration in force at that apply.
 */
export class HandlerInstances extends Construct {
  readonly blocks: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: HandlerInstancesProps) {
    super(scope, id);
    const shards = splitIntoShards(props.instances, props.shards);
    const target = escapeTemplate(JSON.stringify(props.target));
    const specRef = props.resourceType === "terraform_data" ? "${jsonencode(self.triggers_replace)}" : "${self.triggers.spec}";
    const env = (action: "create" | "destroy") => ({
      [ENV.action]: action,
      [ENV.kind]: props.kind,
      [ENV.spec]: specRef,
      [ENV.target]: target,
      ...(action === "create" ? props.createEnvironment : {}),
    });

    shards.forEach((instances, i) => {
      const name = shardName(props.kind, i, props.shards);
      const local = new TerraformLocal(this, `${name}_map`, escapeDeep(Object.fromEntries(instances)));
      local.overrideLogicalId(name);
      const meta = {
        dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
        provisioners: [
          { type: "local-exec" as const, command: props.handlerCommand, environment: env("create") },
          { type: "local-exec" as const, when: "destroy" as const, command: props.handlerCommand, environment: env("destroy") },
        ],
      };
      const block: TerraformResource =
        props.resourceType === "terraform_data" ? new DataResource(this, name, meta) : new NullResource(this, name, meta);
      block.overrideLogicalId(name);
      block.addOverride("for_each", `\${local.${name}}`);
      if (props.resourceType === "terraform_data") block.addOverride("triggers_replace", "${each.value}");
      else block.addOverride("triggers", { spec: "${jsonencode(each.value)}" });
      this.blocks.push(block);
    });
  }
}
