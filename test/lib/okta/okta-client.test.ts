import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OktaApiError } from "../../../lib/http/api-error";
import { nextLink, OktaClient } from "../../../lib/okta/okta-client";
import { SANDBOX_ENV } from "../../../sandbox/sample-company";
import { startServers, type LocalServers } from "../../support/servers";

describe("the Okta client against the local Okta server", () => {
  let servers: LocalServers;
  let waits: string[];
  const client = (token: string = SANDBOX_ENV.OKTA_API_TOKEN) =>
    new OktaClient({ baseUrl: servers.okta.url, token, retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 3000 }, log: (l) => waits.push(l) });

  beforeEach(async () => {
    servers = await startServers({}, { maxPageSize: 3 });
    waits = [];
    for (let i = 0; i < 8; i++) servers.okta.addUser({ email: `u${i}@example.com`, department: i < 7 ? "Eng" : "Ops" });
  });

  afterEach(async () => {
    expect(servers.okta.violations).toEqual([]);
    await servers.stop();
  });

  it("follows Link headers to the end of a search, page after page", async () => {
    const okta = client();
    const users = await okta.searchUsers('profile.department eq "Eng"');
    expect(users.map((u) => u.profile.email).sort()).toEqual(["u0", "u1", "u2", "u3", "u4", "u5", "u6"].map((u) => `${u}@example.com`));
    expect(okta.calls).toBe(3); // pages of 3: 3 + 3 + 1
    const requests = servers.okta.exchanges.map((e) => e.query.get("search"));
    expect(requests).toEqual(Array(3).fill('profile.department eq "Eng"'));
    expect(servers.okta.exchanges.every((e) => e.authorization === `SSWS ${SANDBOX_ENV.OKTA_API_TOKEN}`)).toBe(true);
  });

  it("waits for X-Rate-Limit-Reset on a 429 and goes on", async () => {
    servers.okta.injectFault({ status: 429 });
    const users = await client().searchUsers('profile.department eq "Ops"');
    expect(users).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatch(/^okta: GET \/api\/v1\/users: HTTP 429; retry 1 in [1-3]\.\d s$/);
  });

  it("retries a 500 and fails with Okta's error code and request id once retries run out", async () => {
    servers.okta.injectFault({ status: 500, count: 3 });
    const error = await client().searchGroups('type eq "OKTA_GROUP"').catch((e) => e);
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.message).toMatch(/^Okta GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/groups failed with HTTP 500 E0000009: Internal Server Error \(X-Okta-Request-Id [\w-]+\)$/);
    expect(waits).toHaveLength(2);
  });

  it("fails clearly on a bad token, without retrying", async () => {
    const error = await client("wrong").searchUsers('status eq "ACTIVE"').catch((e) => e);
    expect(error.message).toMatch(/failed with HTTP 401 E0000011: Invalid token provided/);
    expect(error.message).not.toContain("wrong");
    expect(servers.okta.exchanges).toHaveLength(1);
  });

  it("reads group members, deactivated ones included (the desired state filters them)", async () => {
    const g = servers.okta.addGroup("g");
    const u = servers.okta.userByEmail("u1@example.com");
    servers.okta.addToGroup(g.id, u.id);
    servers.okta.setStatus(u.id, "DEPROVISIONED");
    expect((await client().listGroupMembers(g.id)).map((m) => m.status)).toEqual(["DEPROVISIONED"]);
  });
});

describe("Link headers", () => {
  it("finds rel=next in separate or joined header values", () => {
    expect(nextLink(['<https://x/a?after=1>; rel="self"', '<https://x/a?after=2>; rel="next"'])).toBe("https://x/a?after=2");
    expect(nextLink('<https://x/a>; rel="self", <https://x/a?after=3&limit=200>; rel="next"')).toBe("https://x/a?after=3&limit=200");
    expect(nextLink('<https://x/a>; rel="self"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
