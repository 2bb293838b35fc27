import { Construct } from "constructs";
import { ENV, type RoleSettingsSpec, type RoleSpec } from "../../providers/braintrust/contract";
import type { HandlerSettings } from "./common";
import { HandlerInstances } from "./handler-instances";
import { settingsHash } from "./permission-groups";

export interface RolesProps {
  readonly roles: readonly RoleSettingsSpec[];
  /** auto_create_roles: false makes a missing role an error rather than creating it. */
  readonly autoCreate: boolean;
  readonly settings: HandlerSettings;
}

/**
 * Braintrust roles the config defines: identity instances keyed by name, and settings instances
 * keyed by name and a hash of description and permissions (a change reads as one settings instance
 * out and one in, and never deletes the role).
 */
export class Roles extends Construct {
  readonly roles: HandlerInstances;
  readonly roleSettings: HandlerInstances;

  constructor(scope: Construct, id: string, props: RolesProps) {
    super(scope, id);
    this.roles = new HandlerInstances(this, "roles", {
      ...props.settings,
      kind: "role",
      instances: new Map(props.roles.map((r) => [r.name, { name: r.name } satisfies RoleSpec])),
      createEnvironment: { [ENV.autoCreateRoles]: String(props.autoCreate) },
    });
    this.roleSettings = new HandlerInstances(this, "settings", {
      ...props.settings,
      kind: "role_settings",
      instances: new Map(props.roles.map((r) => [`${r.name}#${settingsHash(r.description, JSON.stringify(r.member_permissions), String(r.update_existing))}`, { ...r }])),
      dependsOn: [this.roles.ready],
    });
  }
}
