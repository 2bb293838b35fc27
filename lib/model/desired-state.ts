import type { SyncConfig } from "../config/schema";
import type { OktaSnapshot } from "../okta/read-directory";
import type { OktaUser } from "../okta/okta-client";

/** What one Braintrust org should contain. Every list is sorted, so synth output is deterministic. */
export interface DesiredOrg {
  readonly alias: string;
  /** Lower-cased emails. */
  readonly members: readonly string[];
  readonly groups: readonly { readonly name: string; readonly description: string }[];
  readonly memberships: readonly { readonly group: string; readonly email: string }[];
}

export interface DesiredState {
  readonly orgs: readonly DesiredOrg[];
  /** Things the user should know (users skipped for want of an email, merged group names). */
  readonly warnings: readonly string[];
}

/** Okta statuses that count as "active" when a filter does not speak of status itself. */
const ACTIVE = "ACTIVE";

/**
 * The desired state per org alias: a pure function of the config and an Okta snapshot.
 * - members: users matched by an enabled user mapping that routes to the org, by lower-cased email;
 *   only ACTIVE users unless the mapping's filter names `status`; users without email are skipped;
 * - groups: matched by an enabled group mapping routed to the org;
 * - memberships: each group's Okta members among that org's members.
 */
export function computeDesiredState(config: SyncConfig, snapshot: OktaSnapshot): DesiredState {
  const warnings = new Set<string>();
  const aliases = Object.keys(config.braintrust_orgs).sort();
  const emailsByOrg = new Map<string, Map<string, string>>(aliases.map((a) => [a, new Map()])); // okta id -> email
  const rules = config.sync_rules;

  rules.users.mappings.forEach((mapping, i) => {
    if (!rules.users.enabled || !mapping.enabled) return;
    const statusInFilter = /\bstatus\b/i.test(mapping.okta_filter);
    for (const user of snapshot.usersByMapping[i] ?? []) {
      if (!statusInFilter && user.status !== ACTIVE) continue;
      const email = emailOf(user);
      if (!email) {
        warnings.add(`Okta user ${user.id} (${user.profile.login ?? "no login"}) has no email; skipped`);
        continue;
      }
      for (const alias of mapping.braintrust_orgs) emailsByOrg.get(alias)?.set(user.id, email);
    }
  });

  const groupsByOrg = new Map<string, Map<string, { description: string; oktaIds: Set<string> }>>(aliases.map((a) => [a, new Map()]));
  rules.groups.mappings.forEach((mapping, i) => {
    if (!rules.groups.enabled || !mapping.enabled) return;
    for (const group of snapshot.groupsByMapping[i] ?? []) {
      for (const alias of mapping.braintrust_orgs) {
        const groups = groupsByOrg.get(alias)!;
        const name = group.profile.name;
        const existing = groups.get(name);
        if (existing && !existing.oktaIds.has(group.id)) {
          warnings.add(`Okta groups ${[...existing.oktaIds, group.id].join(", ")} share the name "${name}"; their members are merged into one Braintrust group in ${alias}`);
        }
        const entry = existing ?? { description: group.profile.description ?? "", oktaIds: new Set<string>() };
        entry.oktaIds.add(group.id);
        groups.set(name, entry);
      }
    }
  });

  const orgs = aliases.map((alias): DesiredOrg => {
    const emails = emailsByOrg.get(alias)!;
    const groups = groupsByOrg.get(alias)!;
    const memberships: { group: string; email: string }[] = [];
    for (const [name, g] of groups) {
      const inGroup = new Set<string>();
      for (const oktaId of g.oktaIds) for (const userId of snapshot.memberIdsByGroup[oktaId] ?? []) {
        const email = emails.get(userId);
        if (email) inGroup.add(email);
      }
      for (const email of inGroup) memberships.push({ group: name, email });
    }
    return {
      alias,
      members: [...new Set(emails.values())].sort(compare),
      groups: [...groups].map(([name, g]) => ({ name, description: g.description })).sort((a, b) => compare(a.name, b.name)),
      memberships: memberships.sort((a, b) => compare(a.group, b.group) || compare(a.email, b.email)),
    };
  });
  return { orgs, warnings: [...warnings].sort(compare) };
}

function emailOf(user: OktaUser): string | undefined {
  const e = user.profile.email;
  return typeof e === "string" && e.trim() ? e.trim().toLowerCase() : undefined;
}

/** Code-point order: stable across locales, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
