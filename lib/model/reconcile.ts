import type { EvictionSpec, GroupMembersSpec, MembersSpec } from "../../providers/braintrust/contract";
import { globMatch } from "../../providers/braintrust/policy";
import type { OktaSnapshot } from "../okta/read-directory";
import type { OktaUser } from "../okta/okta-client";
import type { SyncConfig } from "../config/schema";
import { autoShards, shardOf } from "../stacks/shard";
import type { DesiredOrg } from "./desired-state";
import { ACTIVE_STATUSES, identityOf } from "./identity";
import { compare } from "./order";

/**
 * The desired state set against what is there (state, and Braintrust where the config asks): the
 * lists the list-holding instances carry, the evictions from authoritative groups, and why each
 * leaver leaves. Pure functions, like the desired state itself.
 */

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
  previous: ReadonlyMap<string, EvictionSpec>,
  /** deletion_policies.users.protect: people never taken out. */
  protect: readonly string[] = [],
): EvictionSpec[] {
  const isProtected = (email: string) => protect.some((g) => globMatch(g, email));
  const wanted = new Set(org.memberships.map((m) => `${m.group}/${m.email}`));
  const out = new Map<string, EvictionSpec>();
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
  /** Memberships an older version applied one instance each (group -> emails): already there. */
  legacy: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
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
    } else if (members.length > 0) {
      const applied = members.filter((e) => legacy.get(group)?.has(e));
      specs.push(applied.length ? { group, members, previous: applied } : { group, members });
    }
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
  /** Members an older version applied one instance each: already invited. */
  legacy: ReadonlySet<string> = new Set(),
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
    else {
      const applied = members.filter((e) => legacy.has(e));
      specs.push(applied.length ? { bucket, members, okta_ids, previous: applied } : { bucket, members, okta_ids });
    }
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

