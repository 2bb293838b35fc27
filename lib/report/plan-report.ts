import type { RemovalPolicy } from "../../providers/braintrust/contract";
import { groupDecision, isProtected, memberDecision } from "../../providers/braintrust/policy";
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
  /** Set when the group is authoritative (it mirrors Okta exactly). */
  readonly authoritative?: true;
}

export interface OrgPlanReport {
  readonly alias: string;
  readonly users: {
    readonly invite: string[];
    readonly remove: string[];
    /** Leaving the sync, kept by policy (remove_extra or deletion_policies): they stay in Braintrust, unmanaged from now on. */
    readonly retain: string[];
    /** Leaving the sync, kept because deletion_policies.users.protect names them. */
    readonly protected: string[];
    /** Why each person leaving leaves: deactivated, suspended, deleted (in Okta) or unmapped. */
    readonly reasons: Record<string, string>;
    /** The same Okta user under a new email: the old identity leaves, the new one arrives. */
    readonly identity_changes: { readonly from: string; readonly to: string; readonly okta_user_id: string }[];
  };
  readonly groups: {
    readonly create: string[];
    /** Settings (description) changed. */
    readonly change: string[];
    readonly delete: string[];
    /** Leaving the sync, kept by policy: the group stays in Braintrust. */
    readonly retain: string[];
    /** Leaving the sync, never deleted: built in, protected, or not created by this tool. */
    readonly protected: string[];
  };
  readonly roles: { readonly create: string[]; readonly change: string[]; readonly delete: string[]; readonly retain: string[] };
  /** ACL grants, by instance key (`group/project:name/role:Role`). */
  readonly grants: { readonly add: string[]; readonly remove: string[]; readonly retain: string[] };
  readonly memberships: {
    readonly add: Membership[];
    readonly remove: Membership[];
    /** People in authoritative groups whom Okta does not put there (added by hand): taken out. */
    readonly evict: Membership[];
    /** Memberships leaving the sync, kept because deletion_policies.users.protect names the person. */
    readonly protected: Membership[];
  };
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
  /** `deletion_policies` of the config planned with (default: every removal allowed). */
  readonly policy?: RemovalPolicy;
  /** Why each member leaving leaves (from synth). */
  readonly reasons?: Readonly<Record<string, string>>;
  /** Whether this tool created a group (only those are deleted). Default: yes. */
  readonly createdByTool?: (kind: "group" | "role" | "acl", key: string) => boolean;
  /** Groups whose membership is authoritative. */
  readonly authoritativeGroups?: ReadonlySet<string>;
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

const ALLOW_ALL: RemovalPolicy = {
  users: { enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] },
  groups: { enabled: true, protect: [] },
  acls: { enabled: true },
};

export function buildOrgReport(input: OrgPlanInput): OrgPlanReport {
  const { alias, changes, removeExtra, otherChanges = 0 } = input;
  const policy = input.policy ?? ALLOW_ALL;
  const reasons = input.reasons ?? {};
  const created = input.createdByTool ?? (() => true);
  const authoritative = input.authoritativeGroups ?? new Set<string>();
  const r = {
    alias,
    users: { invite: [] as string[], remove: [] as string[], retain: [] as string[], protected: [] as string[], reasons: {} as Record<string, string>, identity_changes: [] as { from: string; to: string; okta_user_id: string }[] },
    groups: { create: [] as string[], change: [] as string[], delete: [] as string[], retain: [] as string[], protected: [] as string[] },
    roles: { create: [] as string[], change: [] as string[], delete: [] as string[], retain: [] as string[] },
    grants: { add: [] as string[], remove: [] as string[], retain: [] as string[] },
    memberships: { add: [] as Membership[], remove: [] as Membership[], evict: [] as Membership[], protected: [] as Membership[] },
    pending_checks: [] as Membership[],
    retries: [] as { kind: string; key: string }[],
  };
  const createdGroups = new Set(changes.filter((c) => c.kind === "group" && c.action === "create").map((c) => c.key));
  const createdRoles = new Set(changes.filter((c) => c.kind === "role" && c.action === "create").map((c) => c.key));
  const membership = (key: string): Membership => {
    const m = parseMembership(key);
    return authoritative.has(m.group) ? { ...m, authoritative: true } : m;
  };
  const instances = { create: 0, delete: 0, replace: 0 };
  const arriving = new Map<string, string>(); // okta user id -> new email
  const leaving = new Map<string, string>();
  for (const c of changes) {
    instances[c.action] += 1;
    // A replaced instance is a retry of a failed create, except for the kinds whose spec changes on
    // purpose (a group's members, a follow-up's attempt, an eviction's round).
    const purposeful =
      c.kind === "invite_followup" || c.kind === "group_member_eviction" || ((c.kind === "group_members" || c.kind === "members") && c.reason !== "replace_because_tainted");
    if (c.action === "replace" && !purposeful) {
      r.retries.push({ kind: c.kind, key: c.kind === "group_settings" || c.kind === "role_settings" ? settingsName(c.key) : c.key });
      continue;
    }
    switch (c.kind) {
      case "members": {
        // One instance per bucket of members: the people invited and leaving are its lists' difference.
        const { joining, leaving: gone } = listChange(c);
        for (const email of joining) {
          r.users.invite.push(email);
          const oktaId = c.after?.okta_ids?.[email];
          if (typeof oktaId === "string") arriving.set(oktaId, email);
        }
        for (const email of gone) {
          const oktaId = c.before?.okta_ids?.[email];
          if (typeof oktaId === "string") leaving.set(oktaId, email);
          if (reasons[email]) r.users.reasons[email] = reasons[email];
          const decision = memberDecision(removeExtra, policy, email, reasons[email]);
          (decision === "remove" ? r.users.remove : decision === "protected" ? r.users.protected : r.users.retain).push(email);
        }
        break;
      }
      case "group": {
        if (c.action === "create") {
          r.groups.create.push(c.key);
          break;
        }
        const decision = groupDecision(removeExtra, policy, c.key, created("group", c.key));
        (decision === "delete" ? r.groups.delete : decision === "retain" ? r.groups.retain : r.groups.protected).push(c.key);
        break;
      }
      case "group_settings":
        // A new group's settings are part of creating it; the old settings instance of a changed
        // group is destroyed as a no-op, so only creates of existing groups read as a change.
        if (c.action === "create" && !createdGroups.has(settingsName(c.key))) r.groups.change.push(settingsName(c.key));
        break;
      case "role":
        if (c.action === "create") r.roles.create.push(c.key);
        else (removeExtra && created("role", c.key) ? r.roles.delete : r.roles.retain).push(c.key);
        break;
      case "role_settings":
        if (c.action === "create" && !createdRoles.has(settingsName(c.key))) r.roles.change.push(settingsName(c.key));
        break;
      case "acl":
        if (c.action === "create") r.grants.add.push(c.key);
        else (policy.acls.enabled && created("acl", c.key) ? r.grants.remove : r.grants.retain).push(c.key);
        break;
      case "group_members": {
        // One instance per group: the memberships it adds and takes out are its lists' difference.
        const { joining, leaving: gone } = listChange(c);
        for (const email of joining) r.memberships.add.push(membership(`${c.key}/${email}`));
        for (const email of gone) (isProtected(policy, email) ? r.memberships.protected : r.memberships.remove).push(membership(`${c.key}/${email}`));
        break;
      }
      case "group_member_eviction":
        // Its destroy does nothing: the person is gone or Okta now wants them there.
        if (c.action !== "delete") r.memberships.evict.push(membership(c.key));
        break;
      case "invite_followup":
        if (c.action !== "delete") r.pending_checks.push(parseMembership(c.key));
        break;
    }
  }
  for (const [oktaId, to] of arriving) {
    const from = leaving.get(oktaId);
    if (from) r.users.identity_changes.push({ from, to, okta_user_id: oktaId });
  }
  const byKey = (a: Membership, b: Membership) => (a.group + "/" + a.email < b.group + "/" + b.email ? -1 : a.group + "/" + a.email > b.group + "/" + b.email ? 1 : 0);
  for (const list of [r.memberships.add, r.memberships.remove, r.memberships.protected]) list.sort(byKey);
  for (const list of [r.users.invite, r.users.remove, r.users.retain, r.users.protected]) list.sort();
  const removals =
    r.users.remove.length + r.groups.delete.length + r.memberships.remove.length + r.memberships.evict.length + r.roles.delete.length + r.grants.remove.length;
  return { ...r, removals, instances, has_changes: changes.length > 0 || otherChanges > 0 };
}

/**
 * What an instance holding a list (a bucket of members, a group's members) changes: who joins and
 * who leaves, against the list last applied (which a new or replacing instance carries as
 * `previous`; a dropped instance takes its whole list away).
 */
export function listChange(c: PlannedChange): { joining: string[]; leaving: string[] } {
  if (c.action === "delete") return { joining: [], leaving: [...(c.before?.members ?? [])] };
  const after: string[] = c.after?.members ?? [];
  const settled: string[] = c.after?.previous ?? [];
  const had = new Set(settled);
  const keeps = new Set(after);
  return { joining: after.filter((e) => !had.has(e)), leaving: settled.filter((e) => !keeps.has(e)) };
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
    count(r.groups.retain.length + r.groups.protected.length, "group", "to stop managing (kept in Braintrust)"),
    count(r.users.protected.length, "protected member", "kept"),
    count(r.users.identity_changes.length, "email change", "in Okta"),
    count(r.roles.create.length, "role", "to create"),
    count(r.roles.change.length, "role", "to update"),
    count(r.roles.delete.length, "role", "to delete"),
    count(r.grants.add.length, "grant", "to add"),
    count(r.grants.remove.length, "grant", "to remove"),
    count(r.memberships.add.length, "membership", "to add"),
    count(r.memberships.remove.length, "membership", "to remove"),
    count(r.memberships.evict.length, "hand-added membership", "to remove (authoritative)"),
    count(r.pending_checks.length, "pending invitee", "to check"),
    count(r.retries.length, "failed change", "to retry"),
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "internal bookkeeping only (no change in Braintrust)";
}

function count(n: number, noun: string, what: string): string {
  return n === 0 ? "" : `${n} ${noun}${n === 1 ? "" : "s"} ${what}`;
}
