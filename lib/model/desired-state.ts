import type { AttributeCondition, GroupAssignmentConfig, GroupMapping, ProjectMatch, RoleProjectConfig, SyncConfig } from "../config/schema";
import type { OktaSnapshot } from "../okta/read-directory";
import type { OktaGroup, OktaUser } from "../okta/okta-client";
import { globMatch } from "../../providers/braintrust/policy";
import { BUILT_IN_GROUPS, grantKey, type AclSpec, type GroupMembersSpec, type MembersSpec, type RoleSettingsSpec } from "../../providers/braintrust/contract";
import { autoShards, shardOf } from "../stacks/shard";

export type MembershipMode = "managed" | "authoritative";

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

/** The config cannot be turned into a desired state (two Okta groups on one name, say); names the keys to change. */
export class DesiredStateError extends Error {}

/**
 * Okta statuses of an activated account: these users are members. LOCKED_OUT, PASSWORD_EXPIRED and
 * RECOVERY are still active accounts; SUSPENDED and DEPROVISIONED are not.
 */
export const ACTIVE_STATUSES: readonly string[] = ["ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"];

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

// ---- identity ---------------------------------------------------------------------------------

/** The Okta profile field that holds a person's Braintrust email, as the config names it. */
export function identityField(config: SyncConfig): string {
  const m = config.sync_rules.users.identity_mapping;
  return m.strategy === "email" ? "email" : m.strategy === "login" ? "login" : m.custom_field!;
}

/** A user's identity: the configured profile field, trimmed and lower-cased, when it is an email. */
export function identityOf(config: SyncConfig): (user: OktaUser) => string | undefined {
  const field = identityField(config);
  return (user) => {
    const v = user.profile[field];
    if (typeof v !== "string") return undefined;
    const id = v.trim().toLowerCase();
    return /^[^@\s]+@[^@\s]+$/.test(id) ? id : undefined;
  };
}

// ---- group naming -----------------------------------------------------------------------------

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

function nameGroups(config: SyncConfig, snapshot: OktaSnapshot, aliases: string[]): Map<string, Map<string, NamedGroup>> {
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

function rolesAndGrants(
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

// ---- what depends on Braintrust and on state ---------------------------------------------------

/**
 * People in an authoritative group whom Okta does not put there and whom the tool did not add
 * (those leave by their own membership's destroy). `previous` are the evictions in state: one that
 * is still due keeps its spec (no change), and a person added by hand again gets a new round, so
 * that Terraform replaces the instance and evicts them again.
 */
export function evictionsFor(
  org: DesiredOrg,
  inBraintrust: Readonly<Record<string, readonly string[]>>,
  managedMemberships: ReadonlySet<string>,
  previous: ReadonlyMap<string, { group: string; email: string; round: number }>,
  /** deletion_policies.users.protect: people never taken out. */
  protect: readonly string[] = [],
): { group: string; email: string; round: number }[] {
  const isProtected = (email: string) => protect.some((g) => globMatch(g, email));
  const wanted = new Set(org.memberships.map((m) => `${m.group}/${m.email}`));
  const out = new Map<string, { group: string; email: string; round: number }>();
  for (const [key, prev] of previous) {
    const stillThere = (inBraintrust[prev.group] ?? []).includes(prev.email);
    const authoritative = org.groups.some((g) => g.name === prev.group && g.membership === "authoritative");
    if (wanted.has(key) || !authoritative || isProtected(prev.email)) continue; // dropped: its destroy does nothing
    out.set(key, stillThere ? { ...prev, round: prev.round + 1 } : prev);
  }
  for (const g of org.groups) {
    if (g.membership !== "authoritative") continue;
    for (const email of inBraintrust[g.name] ?? []) {
      const key = `${g.name}/${email}`;
      if (wanted.has(key) || managedMemberships.has(key) || out.has(key) || isProtected(email)) continue;
      out.set(key, { group: g.name, email, round: 1 });
    }
  }
  return [...out.values()].sort((a, b) => compare(a.group, b.group) || compare(a.email, b.email));
}

/**
 * The `group_members` instances of an org: one per group with members the tool puts there, or
 * whose instance in state must still take people out. An unchanged group keeps its spec from state
 * (no change in the plan); a changed one carries the members it had (`previous`), which its create
 * takes out when no longer wanted. `superseded` are the groups whose instance in state is replaced
 * rather than dropped: their destroy must do nothing.
 */
export function groupMembersSpecs(
  org: Pick<DesiredOrg, "groups" | "memberships">,
  inState: ReadonlyMap<string, { readonly spec: GroupMembersSpec; readonly tainted: boolean }>,
): { specs: GroupMembersSpec[]; superseded: Set<string> } {
  const byGroup = new Map<string, string[]>();
  for (const m of org.memberships) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m.email]);
  for (const g of org.groups) if (inState.has(g.name) && !byGroup.has(g.name)) byGroup.set(g.name, []);
  const specs: GroupMembersSpec[] = [];
  const superseded = new Set<string>();
  for (const [group, emails] of [...byGroup].sort(([a], [b]) => compare(a, b))) {
    const members = [...new Set(emails)].sort(compare);
    const old = inState.get(group);
    if (old) superseded.add(group);
    if (old && sameList(old.spec.members, members)) specs.push(old.spec);
    else if (old) {
      // A tainted instance may have done part of its work: what it was taking out is still ours to take out.
      const previous = new Set([...old.spec.members, ...(old.tainted ? (old.spec.previous ?? []) : [])]);
      specs.push({ group, members, previous: [...previous].sort(compare) });
    } else if (members.length > 0) specs.push({ group, members });
  }
  return { specs, superseded };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The org's `members` instances: members in buckets of about 50, so that Terraform handles 200
 * instances for 10,000 people. A member stays in the bucket state has them in (a move would read as
 * leaving one bucket and joining another); a new one goes to the bucket their email hashes to. An
 * unchanged bucket keeps its spec from state; a changed one carries the members last applied
 * (`previous`: for a tainted instance, those before its failed attempt). `reasons` are why each
 * leaver leaves, regrouped by the bucket whose create removes them.
 */
export function memberBuckets(
  org: Pick<DesiredOrg, "members" | "oktaIds">,
  inState: ReadonlyMap<string, { readonly spec: MembersSpec; readonly tainted: boolean }>,
  reasons: Readonly<Record<string, string>> = {},
): { specs: MembersSpec[]; superseded: Set<string>; reasonsByBucket: Map<string, Record<string, string>> } {
  const placed = new Map<string, string>();
  for (const [bucket, { spec }] of inState) for (const email of spec.members) placed.set(email, bucket);
  const n = autoShards(Math.max(org.members.length, placed.size));
  const byBucket = new Map<string, string[]>([...inState.keys()].map((b) => [b, []]));
  for (const email of org.members) {
    const bucket = placed.get(email) ?? `m${String(shardOf(email, n)).padStart(4, "0")}`;
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), email]);
  }
  const specs: MembersSpec[] = [];
  const superseded = new Set<string>();
  const reasonsByBucket = new Map<string, Record<string, string>>();
  for (const [bucket, emails] of [...byBucket].sort(([a], [b]) => compare(a, b))) {
    const members = emails.sort(compare);
    const okta_ids = Object.fromEntries(members.filter((e) => org.oktaIds[e]).map((e) => [e, org.oktaIds[e]]));
    const old = inState.get(bucket);
    if (old) {
      superseded.add(bucket);
      const wanted = new Set(members);
      const leaving = old.spec.members.filter((e) => !wanted.has(e) && reasons[e]);
      if (leaving.length) reasonsByBucket.set(bucket, Object.fromEntries(leaving.map((e) => [e, reasons[e]])));
    }
    if (old && sameList(old.spec.members, members) && JSON.stringify(old.spec.okta_ids ?? {}) === JSON.stringify(okta_ids)) specs.push(old.spec);
    else if (old) specs.push({ bucket, members, okta_ids, previous: [...(old.tainted ? (old.spec.previous ?? []) : old.spec.members)] });
    else specs.push({ bucket, members, okta_ids });
  }
  return { specs, superseded, reasonsByBucket };
}

export type RemovalReason = "deactivated" | "suspended" | "deleted" | "unmapped" | "email_changed";

/**
 * Why each member leaving an org leaves, for the removal policy: their Okta account is deactivated,
 * suspended or gone, or it is active but no mapping of the org selects it any more, or the same Okta
 * user now has another identity (an email change). `found` holds the users synth looked up by
 * identity because no mapping returned them; `oktaIds` the Okta user id stored with each leaver.
 */
export function removalReasons(
  config: SyncConfig,
  snapshot: OktaSnapshot,
  leavers: readonly string[],
  found: readonly OktaUser[],
  oktaIds: Readonly<Record<string, string | undefined>> = {},
): Record<string, RemovalReason> {
  const identity = identityOf(config);
  const byIdentity = new Map<string, OktaUser[]>();
  const byId = new Map<string, OktaUser>();
  for (const u of [...snapshot.usersByMapping.flat(), ...found]) {
    byId.set(u.id, u);
    const id = identity(u);
    if (id) byIdentity.set(id, [...(byIdentity.get(id) ?? []), u]);
  }
  const reasons: Record<string, RemovalReason> = {};
  for (const email of leavers) {
    const users = byIdentity.get(email) ?? [];
    const same = oktaIds[email] ? byId.get(oktaIds[email]!) : undefined;
    if (same && identity(same) && identity(same) !== email && ACTIVE_STATUSES.includes(same.status)) reasons[email] = "email_changed";
    else if (users.length === 0) reasons[email] = "deleted";
    else if (users.some((u) => ACTIVE_STATUSES.includes(u.status))) reasons[email] = "unmapped";
    else if (users.some((u) => u.status === "SUSPENDED")) reasons[email] = "suspended";
    else if (users.some((u) => u.status === "DEPROVISIONED")) reasons[email] = "deactivated";
    else reasons[email] = "unmapped";
  }
  return reasons;
}

/** Code-point order: stable across locales, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
