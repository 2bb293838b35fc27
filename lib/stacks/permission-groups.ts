import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { BUILT_IN_GROUPS, type GroupSettingsSpec, type GroupSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";

export interface PermissionGroupsProps {
  /** A null description is not managed (a group only named by attribute rules or default_groups): no settings instance. */
  readonly groups: readonly { readonly name: string; readonly description: string | null }[];
  readonly settings: HandlerSettings;
}

/**
 * Braintrust permission groups: identity instances keyed by name, plus settings instances keyed by
 * name and a hash of the description, so a description change reads as one settings instance out
 * and one in, and never deletes the group. Braintrust's built-in groups get neither.
 */
export class PermissionGroups extends Construct {
  readonly groups: HandlerInstances;
  readonly groupSettings: HandlerInstances;

  constructor(scope: Construct, id: string, props: PermissionGroupsProps) {
    super(scope, id);
    // Built-in groups always exist and are never changed: memberships may name them, nothing else.
    const groups = props.groups.filter((g) => !BUILT_IN_GROUPS.includes(g.name));
    this.groups = new HandlerInstances(this, "groups", {
      ...props.settings,
      kind: "group",
      instances: new Map(groups.map((g) => [g.name, { name: g.name } satisfies GroupSpec])),
    });
    this.groupSettings = new HandlerInstances(this, "settings", {
      ...props.settings,
      kind: "group_settings",
      instances: new Map(
        groups.flatMap((g) => (g.description === null ? [] : [[`${g.name}#${settingsHash(g.description)}`, { name: g.name, description: g.description } satisfies GroupSettingsSpec] as const])),
      ),
      dependsOn: [this.groups.ready],
    });
  }
}

/** Eight hex digits of SHA-256: short in a plan, and a collision only merges two settings instances' keys. */
export function settingsHash(...values: string[]): string {
  return createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 8);
}
