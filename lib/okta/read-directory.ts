import type { SyncConfig } from "../config/schema";
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
  /** Group member reads in flight at once. Default 4 (Okta's org concurrency cap is 75, shared). */
  readonly concurrency?: number;
  readonly onProgress?: (line: string) => void;
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
  const groupIds = [...new Set(groupsByMapping.flat().map((g) => g.id))].sort();
  const memberIdsByGroup: Record<string, string[]> = {};
  let done = 0;
  await forEachConcurrently(groupIds, options.concurrency ?? 4, async (id) => {
    memberIdsByGroup[id] = (await okta.listGroupMembers(id)).map((u) => u.id);
    done += 1;
    if (done % 100 === 0 || done === groupIds.length) options.onProgress?.(`okta: read members of ${done}/${groupIds.length} groups`);
  });
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
