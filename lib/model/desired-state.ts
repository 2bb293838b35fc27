import type { SyncConfig } from "../config/schema";
import type { OktaSnapshot } from "../okta/read-directory";
import type { OktaUser } from "../okta/okta-client";
import type { AclSpec, RoleSettingsSpec } from "../../providers/braintrust/contract";
import { assignmentFor, conditionHolds, nameGroups, roleConfigFor, rolesAndGrants, type MembershipMode } from "./access-rules";
import { ACTIVE_STATUSES, identityField, identityOf } from "./identity";
import { compare } from "./order";

// The parts, re-exported so that callers have one place to import the model from.
export * from "./access-rules";
export * from "./identity";
export * from "./reconcile";
export { compare } from "./order";

export interface DesiredGroup {
  readonly name: string;
  /** The Okta group's description; null for groups only named by attribute rules or default_groups (left as they are). */
  readonly description: string | null;
  readonly membership: MembershipMode;
}

/** What one Braintrust org should contain. Every list is sorted, so synth output is deterministic. */
export interface DesiredOrg {
  readonly alias: string;
  /** Lower-cased identities (Braintrust emails). */
  readonly members: readonly string[];
  /** Identity -> Okta user id, so that an email change reads as one person leaving and arriving. */
  readonly oktaIds: Readonly<Record<string, string>>;
  readonly groups: readonly DesiredGroup[];
  readonly memberships: readonly { readonly group: string; readonly email: string }[];
  readonly roles: readonly RoleSettingsSpec[];
  /** auto_create_roles of the org's role config. */
  readonly autoCreateRoles: boolean;
  readonly grants: readonly AclSpec[];
}

export interface DesiredState {
  readonly orgs: readonly DesiredOrg[];
  /** Things the user should know (users skipped for want of an identity, grants on missing projects). */
  readonly warnings: readonly string[];
}

/** What synth read from Braintrust, per org alias: only for orgs whose grants choose projects. */
export interface BraintrustSnapshot {
  readonly projects?: Readonly<Record<string, readonly { readonly id: string; readonly name: string }[]>>;
}


/**
 * The desired state per org alias: a pure function of the config, an Okta snapshot and the
 * projects read from Braintrust.
 * - members: users matched by an enabled user mapping routed to the org, by lower-cased identity;
 *   only activated accounts unless the mapping's filter names `status`;
 * - groups: Okta groups matched by an enabled group mapping, named by its rules, plus the groups
 *   that attribute rules and default_groups name;
 * - memberships: per group, its Okta members among the org's members, plus attribute rules;
 * - roles and grants: from role_project_assignment, with projects matched against those that exist.
 */
export function computeDesiredState(config: SyncConfig, snapshot: OktaSnapshot, braintrust: BraintrustSnapshot = {}): DesiredState {
  const warnings = new Set<string>();
  const aliases = Object.keys(config.braintrust_orgs).sort();
  const rules = config.sync_rules;
  const identity = identityOf(config);

  const usersByOrg = new Map<string, Map<string, OktaUser>>(aliases.map((a) => [a, new Map()])); // okta id -> user
  const identityById = new Map<string, string>();
  rules.users.mappings.forEach((mapping, i) => {
    if (!rules.users.enabled || !mapping.enabled) return;
    const statusInFilter = /\bstatus\b/i.test(mapping.okta_filter);
    for (const user of snapshot.usersByMapping[i] ?? []) {
      if (!statusInFilter && !ACTIVE_STATUSES.includes(user.status)) continue;
      const id = identity(user);
      if (!id) {
        const field = identityField(config);
        warnings.add(`Okta user ${user.id} (${user.profile.login ?? "no login"}) has no ${field === "email" ? "email" : `${field} that is an email`}; skipped`);
        continue;
      }
      identityById.set(user.id, id);
      for (const alias of mapping.braintrust_orgs) usersByOrg.get(alias)?.set(user.id, user);
    }
  });

  const groupsByOrg = nameGroups(config, snapshot, aliases);
  const orgs = aliases.map((alias): DesiredOrg => {
    const users = usersByOrg.get(alias)!;
    const groups = groupsByOrg.get(alias)!;
    const assignment = assignmentFor(config, alias);
    const inGroup = new Map<string, Set<string>>();
    const add = (group: string, email: string) => (inGroup.get(group) ?? inGroup.set(group, new Set()).get(group)!).add(email);

    if (assignment?.strategy !== "attributes") {
      for (const [name, g] of groups) {
        for (const oktaId of g.oktaIds) for (const userId of snapshot.memberIdsByGroup[oktaId] ?? []) {
          if (users.has(userId)) add(name, identityById.get(userId)!);
        }
      }
    }
    const ruleGroups = new Set<string>(assignment?.default_groups ?? []);
    for (const m of assignment?.attribute_mappings ?? []) ruleGroups.add(m.braintrust_group_name);
    for (const user of users.values()) {
      const email = identityById.get(user.id)!;
      for (const name of assignment?.default_groups ?? []) add(name, email);
      for (const m of assignment?.attribute_mappings ?? []) {
        const results = m.rule.conditions.map((c) => conditionHolds(c, user.profile));
        if (m.rule.logic === "AND" ? results.every(Boolean) : results.some(Boolean)) add(m.braintrust_group_name, email);
      }
    }
    const desiredGroups: DesiredGroup[] = [...groups].map(([name, g]) => ({ name, description: g.description, membership: g.membership }));
    for (const name of ruleGroups) if (!groups.has(name)) desiredGroups.push({ name, description: null, membership: "managed" });

    const memberships: { group: string; email: string }[] = [];
    for (const [group, emails] of inGroup) for (const email of emails) memberships.push({ group, email });
    const oktaIds: Record<string, string> = {};
    for (const [oktaId, email] of [...users.keys()].map((id) => [id, identityById.get(id)!] as const).sort((a, b) => compare(a[1], b[1]))) oktaIds[email] ??= oktaId;

    const roleConfig = roleConfigFor(config, alias);
    const { roles, grants } = rolesAndGrants(alias, roleConfig, braintrust.projects?.[alias], new Set(desiredGroups.map((g) => g.name)), warnings);
    return {
      alias,
      members: Object.keys(oktaIds).sort(compare),
      oktaIds,
      groups: desiredGroups.sort((a, b) => compare(a.name, b.name)),
      memberships: memberships.sort((a, b) => compare(a.group, b.group) || compare(a.email, b.email)),
      roles,
      autoCreateRoles: roleConfig?.auto_create_roles ?? true,
      grants,
    };
  });
  return { orgs, warnings: [...warnings].sort(compare) };
}

