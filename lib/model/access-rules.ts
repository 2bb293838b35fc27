import type { AttributeCondition, GroupAssignmentConfig, GroupMapping, ProjectMatch, RoleProjectConfig, SyncConfig } from "../config/schema";
import type { OktaSnapshot } from "../okta/read-directory";
import type { OktaGroup } from "../okta/okta-client";
import { BUILT_IN_GROUPS, grantKey, type AclSpec, type RoleSettingsSpec } from "../../providers/braintrust/contract";
import { compare } from "./order";

/**
 * The access rules of the config, as pure functions: how an Okta group is named in Braintrust, who
 * an attribute rule puts in a group, and which roles and grants an org gets.
 */

export type MembershipMode = "managed" | "authoritative";

/** The config cannot be turned into a desired state (two Okta groups on one name, say); names the keys to change. */
export class DesiredStateError extends Error {}

interface NamedGroup {
  description: string | null;
  membership: MembershipMode;
  oktaIds: Set<string>;
  /** Okta group and mapping index of each source, for the merge check and its message. */
  sources: { group: OktaGroup; mapping: number }[];
}

/** The Braintrust name of an Okta group under one mapping, or undefined when the mapping excludes it. */
export function braintrustGroupName(mapping: GroupMapping, oktaName: string): string | undefined {
  if (mapping.exclude_groups.some((re) => new RegExp(re).test(oktaName))) return undefined;
  for (const m of mapping.okta_group_mappings) {
    if (m.okta_group_name !== undefined && m.okta_group_name === oktaName) return fill(m.braintrust_group_name, oktaName);
    if (m.okta_group_pattern !== undefined) {
      const match = new RegExp(`^(?:${m.okta_group_pattern})$`).exec(oktaName);
      if (match) return fill(m.braintrust_group_name.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? ""), oktaName);
    }
  }
  return fill(mapping.name_transform, oktaName);
}

function fill(template: string, name: string): string {
  return template.replace(/\{(?:group\.)?name\}/g, () => name);
}

export function nameGroups(config: SyncConfig, snapshot: OktaSnapshot, aliases: string[]): Map<string, Map<string, NamedGroup>> {
  const rules = config.sync_rules;
  const byOrg = new Map(aliases.map((a) => [a, new Map<string, NamedGroup>()]));
  const problems = new Set<string>();
  rules.groups.mappings.forEach((mapping, i) => {
    if (!rules.groups.enabled || !mapping.enabled) return;
    // In name order, so that which description a merged group takes, and any error, never depend on Okta's order.
    const ordered = [...(snapshot.groupsByMapping[i] ?? [])].sort((a, b) => compare(a.profile.name, b.profile.name) || compare(a.id, b.id));
    for (const group of ordered) {
      const name = braintrustGroupName(mapping, group.profile.name);
      if (name === undefined) continue;
      for (const alias of mapping.braintrust_orgs) {
        const groups = byOrg.get(alias)!;
        const entry = groups.get(name) ?? { description: group.profile.description ?? "", membership: mapping.membership, oktaIds: new Set<string>(), sources: [] };
        if (entry.oktaIds.has(group.id)) continue; // the same Okta group through two mappings
        entry.sources.push({ group, mapping: i });
        entry.oktaIds.add(group.id);
        groups.set(name, entry);
        if (entry.sources.length < 2) continue;
        const where = entry.sources.map((s) => `"${s.group.profile.name}" (${s.group.id}, sync_rules.groups.mappings[${s.mapping}])`).join(" and ");
        const mappings = [...new Set(entry.sources.map((s) => s.mapping))];
        if (!mappings.every((m) => rules.groups.mappings[m].allow_merge)) {
          problems.add(
            `Okta groups ${where} would both become Braintrust group "${name}" in ${alias}. ` +
              `To merge their members on purpose set allow_merge: true on ${mappings.map((m) => `sync_rules.groups.mappings[${m}]`).join(" and ")}; ` +
              `otherwise give one of them another name (okta_group_mappings or name_transform) or leave it out (exclude_groups).`,
          );
        } else if (new Set(mappings.map((m) => rules.groups.mappings[m].membership)).size > 1) {
          problems.add(`Okta groups ${where} are merged into "${name}" in ${alias} by mappings with different membership modes; give them the same membership`);
        }
      }
    }
  });
  if (problems.size > 0) throw new DesiredStateError([...problems].join("\n"));
  return byOrg;
}

// ---- attribute rules --------------------------------------------------------------------------

/** The org's group_assignment: its own entry in org_configs (when enabled), else global_config. */
export function assignmentFor(config: SyncConfig, alias: string): GroupAssignmentConfig | undefined {
  const own = config.group_assignment?.org_configs.find((c) => c.braintrust_org === alias);
  if (own) return own.enabled ? own.group_assignment : undefined;
  return config.group_assignment?.global_config;
}

/** One condition on an Okta profile. Array attributes hold when any element does (none for the negations). */
export function conditionHolds(c: AttributeCondition, profile: Record<string, unknown>): boolean {
  const raw = profile[c.attribute.replace(/^profile\./, "")];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== undefined && v !== null && v !== "").map(String);
  if (c.operator === "exists") return values.length > 0;
  if (c.operator === "not_exists") return values.length === 0;
  const norm = (v: unknown) => (c.case_sensitive ? String(v) : String(v).toLowerCase());
  const have = values.map(norm);
  const want = Array.isArray(c.value) ? c.value.map(norm) : [norm(c.value)];
  const any = (test: (v: string) => boolean) => have.some(test);
  switch (c.operator) {
    case "equals":
      return any((v) => v === want[0]);
    case "not_equals":
      return !any((v) => v === want[0]);
    case "contains":
      return any((v) => v.includes(want[0]));
    case "not_contains":
      return !any((v) => v.includes(want[0]));
    case "starts_with":
      return any((v) => v.startsWith(want[0]));
    case "ends_with":
      return any((v) => v.endsWith(want[0]));
    case "in":
      return any((v) => want.includes(v));
    case "not_in":
      return !any((v) => want.includes(v));
    case "regex": {
      const re = new RegExp(`^(?:${String(c.value)})$`, c.case_sensitive ? "" : "i");
      return values.some((v) => re.test(v));
    }
  }
}

// ---- roles and grants -------------------------------------------------------------------------

export function roleConfigFor(config: SyncConfig, alias: string): RoleProjectConfig | undefined {
  const own = config.role_project_assignment?.org_configs.find((c) => c.braintrust_org === alias);
  if (own) return own.enabled ? own.role_project_config : undefined;
  return config.role_project_assignment?.global_config;
}

/** Whether an org's grants choose projects, so synth must list its Braintrust projects. */
export function needsProjects(config: SyncConfig, alias: string): boolean {
  return (roleConfigFor(config, alias)?.group_assignments ?? []).some((g) => g.enabled && g.project_match);
}

/** Projects a match chooses: selectors OR-ed, then exclusions; patterns match from the start of the name. */
export function projectMatches(m: ProjectMatch, p: { id: string; name: string }): boolean {
  const lower = p.name.toLowerCase();
  const chosen =
    m.all_projects ||
    m.project_names.includes(p.name) ||
    m.project_ids.includes(p.id) ||
    (m.name_pattern !== undefined && new RegExp(`^(?:${m.name_pattern})`).test(p.name)) ||
    m.name_contains.some((s) => lower.includes(s.toLowerCase())) ||
    (m.name_starts_with !== undefined && lower.startsWith(m.name_starts_with.toLowerCase())) ||
    (m.name_ends_with !== undefined && lower.endsWith(m.name_ends_with.toLowerCase()));
  return chosen && !m.exclude_patterns.some((re) => new RegExp(`^(?:${re})`).test(p.name));
}

export function rolesAndGrants(
  alias: string,
  config: RoleProjectConfig | undefined,
  projects: readonly { id: string; name: string }[] | undefined,
  groups: Set<string>,
  warnings: Set<string>,
): { roles: RoleSettingsSpec[]; grants: AclSpec[] } {
  if (!config) return { roles: [], grants: [] };
  const roles = config.standard_roles
    .map(
      (r): RoleSettingsSpec => ({
        name: r.name,
        description: r.description,
        member_permissions: [...r.member_permissions]
          .map((p) => ({ permission: p.permission, restrict_object_type: p.restrict_object_type }))
          .sort((a, b) => compare(a.permission + (a.restrict_object_type ?? ""), b.permission + (b.restrict_object_type ?? ""))),
        update_existing: config.update_existing_roles,
      }),
    )
    .sort((a, b) => compare(a.name, b.name));
  const grants = new Map<string, AclSpec>();
  for (const g of config.group_assignments) {
    if (!g.enabled) continue;
    if (!groups.has(g.group_name) && !BUILT_IN_GROUPS.includes(g.group_name)) {
      warnings.add(`a grant in ${alias} names group "${g.group_name}", which no mapping or rule of this org creates; it must already exist in Braintrust`);
    }
    const what = g.role_name !== undefined ? { role: g.role_name } : { permission: g.permission!, restrict_object_type: g.restrict_object_type ?? null };
    if (g.organization) {
      const spec: AclSpec = { group: g.group_name, object_type: "organization", ...what };
      grants.set(grantKey(spec), spec);
      continue;
    }
    const matched = (projects ?? []).filter((p) => projectMatches(g.project_match!, p));
    for (const name of g.project_match!.project_names) {
      if (!(projects ?? []).some((p) => p.name === name)) warnings.add(`project "${name}" does not exist in ${alias}; the grant to "${g.group_name}" follows on the first run after it is created`);
    }
    for (const p of matched) {
      const spec: AclSpec = { group: g.group_name, object_type: "project", project: p.name, project_id: p.id, ...what };
      grants.set(grantKey(spec), spec);
    }
  }
  return { roles, grants: [...grants.values()].sort((a, b) => compare(grantKey(a), grantKey(b))) };
}

