import { DataResource, TerraformLocal, type TerraformResource } from "cdktf";
import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { ENV, type Kind, type Target } from "../../providers/braintrust/contract";
import { escapeDeep, escapeTemplate } from "./terraform-escape";
import { assignBlocks } from "./shard";

export type ResourceType = "terraform_data" | "null_resource";

export interface HandlerInstancesProps {
  readonly kind: Kind;
  /** Instance key (stable identity) to spec; the spec is stored on the instance for its destroy. */
  readonly instances: ReadonlyMap<string, object>;
  /** Number of resource blocks, or `auto`; every one is emitted, even when empty. */
  readonly shards: number | "auto";
  /** Per kind, the block each instance already in state is in: it stays there. */
  readonly placements?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Default `terraform_data` (built in); `null_resource` needs the hashicorp/null provider. */
  readonly resourceType: ResourceType;
  readonly target: Target;
  /** Shell command that runs the handler; holds no data (specs travel in the environment). */
  readonly handlerCommand: string;
  /** Blocks this kind must follow on create and precede on destroy. */
  readonly dependsOn?: readonly TerraformResource[];
  /** Extra environment for the create provisioner only (it may reference locals; destroy may not). */
  readonly createEnvironment?: Record<string, string>;
  /** Extra environment for one block's create and destroy provisioners: literals only (DESIGN.md fact 4). */
  readonly blockEnvironment?: (block: string) => Record<string, string> | undefined;
}

/**
 * One kind's instances as a fixed set of `for_each` blocks whose maps live in `locals`
 * (DESIGN.md facts 2 and 7). Each instance runs the handler on create and on destroy; the destroy
 * provisioner reads only `self` (fact 4) and the literal target, which Terraform takes from the
 * configuration in force at that apply.
 */
export class HandlerInstances extends Construct {
  readonly blocks: TerraformResource[] = [];
  /**
   * `<kind>_ready`: no provisioner, depends on every block of the kind. Later kinds depend on it
   * alone, not on every block: with hundreds of blocks per kind, block-to-block depends_on made
   * Terraform's first plan some 30 times slower (measured: 300 s against 27 s for 6,200 instances).
   */
  readonly ready: TerraformResource;

  constructor(scope: Construct, id: string, props: HandlerInstancesProps) {
    super(scope, id);
    const blocks = assignBlocks(props.kind, props.instances, props.shards, props.placements?.get(props.kind));
    const target = escapeTemplate(JSON.stringify(props.target));
    const specRef = props.resourceType === "terraform_data" ? "${jsonencode(self.triggers_replace)}" : "${self.triggers.spec}";
    const env = (action: "create" | "destroy", block: string) => ({
      [ENV.action]: action,
      [ENV.kind]: props.kind,
      [ENV.spec]: specRef,
      [ENV.target]: target,
      ...(action === "create" ? props.createEnvironment : {}),
      ...escapeDeep(props.blockEnvironment?.(block) ?? {}),
    });

    for (const [name, instances] of blocks) {
      const local = new TerraformLocal(this, `${name}_map`, escapeDeep(Object.fromEntries(instances)));
      local.overrideLogicalId(name);
      const meta = {
        provisioners: [
          { type: "local-exec" as const, command: props.handlerCommand, environment: env("create", name) },
          { type: "local-exec" as const, when: "destroy" as const, command: props.handlerCommand, environment: env("destroy", name) },
        ],
      };
      const block: TerraformResource =
        props.resourceType === "terraform_data" ? new DataResource(this, name, meta) : new NullResource(this, name, meta);
      block.overrideLogicalId(name);
      block.addOverride("for_each", `\${local.${name}}`);
      // Plain addresses rather than cdktf dependables: each dependable is a token that captures a
      // stack trace, which at 1,000+ blocks each depending on hundreds was most of synth's time.
      if (props.dependsOn?.length) block.addOverride("depends_on", props.dependsOn.map((b) => `${b.terraformResourceType}.${b.friendlyUniqueId}`));
      if (props.resourceType === "terraform_data") block.addOverride("triggers_replace", "${each.value}");
      else block.addOverride("triggers", { spec: "${jsonencode(each.value)}" });
      this.blocks.push(block);
    }
    const readyName = `${props.kind}_ready`;
    this.ready = props.resourceType === "terraform_data" ? new DataResource(this, readyName, {}) : new NullResource(this, readyName, {});
    this.ready.overrideLogicalId(readyName);
    this.ready.addOverride("depends_on", this.blocks.map((b) => `${b.terraformResourceType}.${b.friendlyUniqueId}`));
  }
}
