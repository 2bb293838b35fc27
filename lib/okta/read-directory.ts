import type { SyncConfig } from "../config/schema";
import type { MembershipCache } from "./membership-cache";
import type { OktaClient, OktaGroup, OktaUser } from "./okta-client";

/** What synth reads from Okta: the input of the pure desired-state computation. */
export interface OktaSnapshot {
  /** Users per entry of `sync_rules.users.mappings` (same index; empty for disabled mappings). */
  readonly usersByMapping: readonly (readonly OktaUser[])[];
  /** Groups per entry of `sync_rules.groups.mappings` (same index; empty for disabled mappings). */
  readonly groupsByMapping: readonly (readonly OktaGroup[])[];
  /** Okta user ids of each matched group's members. */
  readonly memberIdsByGroup: Readonly<Record<string, readonly string[]>>;
}

export interface ReadOptions {
  /** Group member reads in flight at once (the client further paces by the rate-limit headers). Default 8. */
  readonly concurrency?: number;
  /** Member lists of groups whose `lastMembershipUpdated` is unchanged come from here; saved after a complete read. */
  readonly cache?: MembershipCache;
  readonly onProgress?: (line: string) => void;
  /** Filled in as the read goes: how many groups' members were read from Okta and from the cache. */
  readonly stats?: { membersRead: number; membersCached: number };
}

/** Reads every user, group and membership the config's mappings select; throws if any read fails. */
export async function readDirectory(config: SyncConfig, okta: OktaClient, options: ReadOptions = {}): Promise<OktaSnapshot> {
  const rules = config.sync_rules;
  const usersByMapping = await Promise.all(
    rules.users.mappings.map((m) => (rules.users.enabled && m.enabled ? okta.searchUsers(m.okta_filter) : Promise.resolve([]))),
  );
  const groupsByMapping = await Promise.all(
    rules.groups.mappings.map((m) => (rules.groups.enabled && m.enabled ? okta.searchGroups(m.okta_group_filter) : Promise.resolve([]))),
  );
  const groups = new Map(groupsByMapping.flat().map((g) => [g.id, g]));
  const memberIdsByGroup: Record<string, readonly string[]> = {};
  const toRead: OktaGroup[] = [];
  for (const g of groups.values()) {
    const cached = options.cache?.get(g.id, g.lastMembershipUpdated);
    if (cached) memberIdsByGroup[g.id] = cached;
    else toRead.push(g);
  }
  if (options.stats) options.stats.membersCached = groups.size - toRead.length;
  let done = 0;
  await forEachConcurrently(toRead, options.concurrency ?? 8, async (g) => {
    const ids = (await okta.listGroupMembers(g.id)).map((u) => u.id);
    memberIdsByGroup[g.id] = ids;
    options.cache?.set(g.id, g.lastMembershipUpdated, ids);
    done += 1;
    if (options.stats) options.stats.membersRead = done;
    if (done % 100 === 0 || done === toRead.length) options.onProgress?.(`okta: read members of ${done}/${toRead.length} groups (${groups.size - toRead.length} unchanged, from the cache)`);
  });
  // Only a complete read is cached: a failure above has already thrown.
  options.cache?.save();
  return { usersByMapping, groupsByMapping, memberIdsByGroup };
}

/** Runs `fn` over items with at most `limit` in flight; the first failure rejects the whole run. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
