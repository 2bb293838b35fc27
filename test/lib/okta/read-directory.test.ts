import { mkdtempSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/load-config";
import { MembershipCache } from "../../../lib/okta/membership-cache";
import { OktaClient } from "../../../lib/okta/okta-client";
import { readDirectory } from "../../../lib/okta/read-directory";
import { OktaServer } from "../../../sandbox/okta-server";
import { SANDBOX_ENV } from "../../../sandbox/sample-company";

function config(oktaUrl: string) {
  return parseConfig(
    `okta: { domain: "${oktaUrl}", api_token: "\${OKTA_API_TOKEN}" }
braintrust_orgs: { acme: { api_key: "\${BRAINTRUST_API_KEY_ACME}" } }
sync_rules:
  users: { mappings: [ { okta_filter: 'profile.department eq "Eng"', braintrust_orgs: [acme] } ] }
  groups: { mappings: [ { okta_group_filter: 'profile.name sw "team-"', braintrust_orgs: [acme] } ] }
`,
    "test.yaml",
    SANDBOX_ENV,
  );
}

describe("reading the directory at scale", () => {
  let okta: OktaServer;
  afterEach(async () => okta.stop());

  async function seeded(options: { rateLimitPerMinute?: number; rateLimitWindowMs?: number }, groups: number) {
    okta = new OktaServer({ token: SANDBOX_ENV.OKTA_API_TOKEN, ...options });
    await okta.start();
    const users = Array.from({ length: 10 }, (_, i) => okta.addUser({ email: `u${i}@example.com`, department: "Eng" }));
    const teams = Array.from({ length: groups }, (_, i) => okta.addGroup(`team-${String(i).padStart(2, "0")}`, "A team"));
    teams.forEach((g, i) => okta.addToGroup(g.id, users[i % users.length].id));
    return { users, teams };
  }

  it("paces itself by X-Rate-Limit-Remaining: 24 member walks at 8 in flight against a budget of 10 per window draw no 429", async () => {
    await seeded({ rateLimitPerMinute: 10, rateLimitWindowMs: 1000 }, 24);
    const client = new OktaClient({ baseUrl: okta.url, token: SANDBOX_ENV.OKTA_API_TOKEN });
    const snapshot = await readDirectory(config(okta.url), client, { concurrency: 8 });
    expect(Object.keys(snapshot.memberIdsByGroup)).toHaveLength(24);
    expect(okta.rateLimitedCount).toBe(0);
    expect(client.calls).toBe(26); // 1 users page + 1 groups page + 24 member pages, no retry
    expect(client.budget.waitedMs).toBeGreaterThan(0);
    expect(okta.violations).toEqual([]);
  });

  it("re-reads only the groups whose lastMembershipUpdated changed, and treats a broken cache file as empty", async () => {
    const { users, teams } = await seeded({}, 30);
    const dir = mkdtempSync(join(tmpdir(), "obsync-cache-"));
    const read = async () => {
      const client = new OktaClient({ baseUrl: okta.url, token: SANDBOX_ENV.OKTA_API_TOKEN });
      const stats = { membersRead: 0, membersCached: 0 };
      const snapshot = await readDirectory(config(okta.url), client, { cache: MembershipCache.load(dir, okta.url), stats });
      return { calls: client.calls, stats, snapshot };
    };
    const first = await read();
    expect(first).toMatchObject({ calls: 32, stats: { membersRead: 30, membersCached: 0 } });
    const again = await read();
    expect(again).toMatchObject({ calls: 2, stats: { membersRead: 0, membersCached: 30 } });
    expect(again.snapshot.memberIdsByGroup).toEqual(first.snapshot.memberIdsByGroup);

    okta.addToGroup(teams[3].id, users[9].id);
    const changed = await read();
    expect(changed).toMatchObject({ calls: 3, stats: { membersRead: 1, membersCached: 29 } });
    expect(changed.snapshot.memberIdsByGroup[teams[3].id]).toContain(users[9].id);

    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), "{ not json");
    expect(await read()).toMatchObject({ calls: 32, stats: { membersRead: 30, membersCached: 0 } });
  });
});
