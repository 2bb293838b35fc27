import type { PlannedChange } from "../terraform/terraform-runner";

/**
 * What a plan does to one org, in Braintrust's terms: people invited or removed, groups created,
 * changed or deleted, memberships added or removed. Built from Terraform's planned instance changes
 * and the removal policy in force, by a pure function (no I/O), so the text, Markdown and JSON forms
 * all say the same thing.
 */
export interface Membership {
  readonly group: string;
  readonly email: string;
}

export interface OrgPlanReport {
  readonly alias: string;
  readonly users: {
    readonly invite: string[];
    readonly remove: string[];
    /** Leaving the sync with `remove_extra` off: they stay in Braintrust, unmanaged from now on. */
    readonly retain: string[];
  };
  readonly groups: {
    readonly create: string[];
    /** Settings (description) changed. */
    readonly change: string[];
    readonly delete: string[];
    /** Leaving the sync with `remove_extra` off: the group stays in Braintrust. */
    readonly retain: string[];
  };
  readonly memberships: { readonly add: Membership[]; readonly remove: Membership[] };
  /** Invitees who had not accepted when their group membership was due: checked again. */
  readonly pending_checks: Membership[];
  /** Instances whose create failed in an earlier apply (tainted): their create runs again. */
  readonly retries: { readonly kind: string; readonly key: string }[];
  /** Members, groups and memberships that this plan takes away in Braintrust (the removal guard counts these). */
  readonly removals: number;
  /** Terraform's own count of instances. */
  readonly instances: { readonly create: number; readonly delete: number; readonly replace: number };
  readonly has_changes: boolean;
}

export interface PlanReport {
  readonly orgs: OrgPlanReport[];
  readonly has_changes: boolean;
  readonly safety: {
    readonly max_removals: number;
    /** Aliases whose plan removes more than `max_removals`. */
    readonly exceeded: string[];
  };
}

export interface OrgPlanInput {
  readonly alias: string;
  readonly changes: readonly PlannedChange[];
  /** `sync_options.remove_extra` of the config planned with. */
  readonly removeExtra: boolean;
  /** Changes Terraform plans to resources that are not handler instances (bookkeeping). */
  readonly otherChanges?: number;
}

export function buildPlanReport(orgs: readonly OrgPlanInput[], maxRemovals: number): PlanReport {
  const reports = orgs.map(buildOrgReport);
  return {
    orgs: reports,
    has_changes: reports.some((r) => r.has_changes),
    safety: { max_removals: maxRemovals, exceeded: reports.filter((r) => r.removals > maxRemovals).map((r) => r.alias) },
  };
}

export function buildOrgReport({ alias, changes, removeExtra, otherChanges = 0 }: OrgPlanInput): OrgPlanReport {
  const r = {
    alias,
    users: { invite: [] as string[], remove: [] as string[], retain: [] as string[] },
    groups: { create: [] as string[], change: [] as string[], delete: [] as string[], retain: [] as string[] },
    memberships: { add: [] as Membership[], remove: [] as Membership[] },
    pending_checks: [] as Membership[],
    retries: [] as { kind: string; key: string }[],
  };
  const createdGroups = new Set(changes.filter((c) => c.kind === "group" && c.action === "create").map((c) => c.key));
  const instances = { create: 0, delete: 0, replace: 0 };
  for (const c of changes) {
    instances[c.action] += 1;
    if (c.action === "replace" && c.kind !== "invite_followup") {
      r.retries.push({ kind: c.kind, key: c.kind === "group_settings" ? settingsName(c.key) : c.key });
      continue;
    }
    switch (c.kind) {
      case "member":
        if (c.action === "create") r.users.invite.push(c.key);
        else (removeExtra ? r.users.remove : r.users.retain).push(c.key);
        break;
      case "group":
        if (c.action === "create") r.groups.create.push(c.key);
        else (removeExtra ? r.groups.delete : r.groups.retain).push(c.key);
        break;
      case "group_settings":
        // A new group's settings are part of creating it; the old settings instance of a changed
        // group is destroyed as a no-op, so only creates of existing groups read as a change.
        if (c.action === "create" && !createdGroups.has(settingsName(c.key))) r.groups.change.push(settingsName(c.key));
        break;
      case "group_member":
        (c.action === "create" ? r.memberships.add : r.memberships.remove).push(parseMembership(c.key));
        break;
      case "invite_followup":
        if (c.action !== "delete") r.pending_checks.push(parseMembership(c.key));
        break;
    }
  }
  const removals = r.users.remove.length + r.groups.delete.length + r.memberships.remove.length;
  return { ...r, removals, instances, has_changes: changes.length > 0 || otherChanges > 0 };
}

/** `ml-team#1a2b3c4d` -> `ml-team`: a settings instance is keyed by name and a hash of its settings. */
export function settingsName(key: string): string {
  return key.replace(/#[0-9a-f]{8}$/, "");
}

/** `group/email`: emails hold no `/`, so the last one separates (group names may hold `/`). */
export function parseMembership(key: string): Membership {
  const at = key.lastIndexOf("/");
  return { group: key.slice(0, at), email: key.slice(at + 1) };
}

/** The one-line summary of an org's plan, e.g. `3 to invite, 1 group to create, 5 memberships to add`. */
export function summaryLine(r: OrgPlanReport): string {
  if (!r.has_changes) return "no changes";
  const parts = [
    count(r.users.invite.length, "member", "to invite"),
    count(r.users.remove.length, "member", "to remove"),
    count(r.users.retain.length, "member", "to stop managing (kept in Braintrust)"),
    count(r.groups.create.length, "group", "to create"),
    count(r.groups.change.length, "group", "to update"),
    count(r.groups.delete.length, "group", "to delete"),
    count(r.groups.retain.length, "group", "to stop managing (kept in Braintrust)"),
    count(r.memberships.add.length, "membership", "to add"),
    count(r.memberships.remove.length, "membership", "to remove"),
    count(r.pending_checks.length, "pending invitee", "to check"),
    count(r.retries.length, "failed change", "to retry"),
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "internal bookkeeping only (no change in Braintrust)";
}

function count(n: number, noun: string, what: string): string {
  return n === 0 ? "" : `${n} ${noun}${n === 1 ? "" : "s"} ${what}`;
}
