import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface CacheFile {
  readonly version: 1;
  readonly okta: string;
  readonly groups: Record<string, { readonly lastMembershipUpdated: string; readonly memberIds: readonly string[] }>;
}

/**
 * Okta group member lists from the last complete read, keyed by group id and valid while the
 * group's `lastMembershipUpdated` is unchanged (okta-api.md 3 and 7: the cheap "members changed?"
 * test). A file under `.cache/` that is safe to delete: a missing, unreadable or foreign file is
 * an empty cache, and the next read rebuilds it.
 */
export class MembershipCache {
  private readonly next: Record<string, CacheFile["groups"][string]> = {};

  private constructor(
    private readonly file: string,
    private readonly okta: string,
    private readonly previous: CacheFile["groups"],
  ) {}

  static load(dir: string, oktaBaseUrl: string): MembershipCache {
    const file = join(dir, `okta-members-${createHash("sha256").update(oktaBaseUrl).digest("hex").slice(0, 12)}.json`);
    let groups: CacheFile["groups"] = {};
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
      if (data.version === 1 && data.okta === oktaBaseUrl && data.groups && typeof data.groups === "object") groups = data.groups;
    } catch {
      // No cache yet, or an unreadable one: read everything.
    }
    return new MembershipCache(file, oktaBaseUrl, groups);
  }

  /** The cached member ids, when the group's members have not changed since they were read. */
  get(groupId: string, lastMembershipUpdated: string | undefined): readonly string[] | undefined {
    const hit = this.previous[groupId];
    if (!hit || !lastMembershipUpdated || hit.lastMembershipUpdated !== lastMembershipUpdated) return undefined;
    this.next[groupId] = hit;
    return hit.memberIds;
  }

  set(groupId: string, lastMembershipUpdated: string | undefined, memberIds: readonly string[]): void {
    if (lastMembershipUpdated) this.next[groupId] = { lastMembershipUpdated, memberIds };
  }

  /** Writes the groups of this read only (groups no longer read drop out), atomically. */
  save(): void {
    mkdirSync(join(this.file, ".."), { recursive: true });
    const body: CacheFile = { version: 1, okta: this.okta, groups: this.next };
    writeFileSync(`${this.file}.${process.pid}.tmp`, JSON.stringify(body));
    renameSync(`${this.file}.${process.pid}.tmp`, this.file);
  }
}
