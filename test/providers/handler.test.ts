import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handle, readInvocation, type Invocation } from "../../providers/braintrust/handler";
import type { Kind, Target } from "../../providers/braintrust/contract";
import { SANDBOX_ENV } from "../../sandbox/sample-company";
import { startServers, type LocalServers } from "../support/servers";

describe("the Braintrust handler's lifecycle contract", () => {
  let servers: LocalServers;
  let target: Target;
  const env = { ...SANDBOX_ENV };
  const run = (action: "create" | "destroy", kind: Kind, spec: Record<string, unknown>, t: Target = target, extra: Partial<Invocation> = {}) =>
    handle({ action, kind, spec, target: t, removalReasons: {}, executionId: "test", ...extra } satisfies Invocation, env, () => undefined);

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: true });
    const dir = mkdtempSync(join(tmpdir(), "obsync-handler-"));
    target = {
      alias: "acme",
      apiUrl: servers.braintrust.url,
      orgName: "Acme",
      apiKeyEnv: "BRAINTRUST_API_KEY_ACME",
      removeExtra: true,
      sendInviteEmails: false,
      auditDir: join(dir, "audit"),
      pendingDir: join(dir, "pending"),
      idsDir: join(dir, "ids"),
      ownedDir: join(dir, "owned"),
      policy: {
        users: { enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] },
        groups: { enabled: true, protect: [] },
        acls: { enabled: true },
      },
      timeoutMs: 5000,
    };
  });

  afterEach(async () => {
    expect(servers.braintrust.violations).toEqual([]);
    await servers.stop();
  });

  it("create may run twice: a group, a member and a membership end up once", async () => {
    for (let i = 0; i < 2; i++) {
      await run("create", "group", { name: "ml" });
      await run("create", "members", { bucket: "m0000", members: ["a@x.com"] });
      await run("create", "group_members", { group: "ml", members: ["a@x.com"] });
    }
    const view = servers.braintrust.view("Acme");
    expect(Object.keys(view.groups).filter((g) => g === "ml")).toHaveLength(1);
    expect(view.groups.ml.members).toEqual(["a@x.com"]);
    expect(view.pending).toEqual(["a@x.com"]);
  });

  it("already gone is success, and destroy may run twice", async () => {
    await run("create", "group", { name: "ml" });
    await run("create", "members", { bucket: "m0000", members: ["a@x.com"] });
    await run("create", "group_members", { group: "ml", members: ["a@x.com"] });
    expect(await run("destroy", "group_members", { group: "ml", members: ["a@x.com"] })).toMatchObject({ outcome: "removed" });
    // A second removal is a no-op delta (the handler does not spend a call to check membership first).
    expect(await run("destroy", "group_members", { group: "ml", members: ["a@x.com"] })).toMatchObject({ outcome: "removed" });
    expect(servers.braintrust.view("Acme").groups.ml.members).toEqual([]);
    expect(await run("destroy", "group_members", { group: "ml", members: ["nobody@x.com"] })).toMatchObject({ outcome: "already_gone" });
    expect(await run("destroy", "group", { name: "ml" })).toMatchObject({ outcome: "deleted" });
    expect(await run("destroy", "group", { name: "ml" })).toMatchObject({ outcome: "already_gone" });
    expect(await run("destroy", "group_members", { group: "ml", members: ["a@x.com"] })).toMatchObject({ outcome: "already_gone" });
  });

  it("a group's members instance adds the new members and takes out only the previous ones no longer wanted, in one lookup and one PATCH; a replaced instance's destroy does nothing", async () => {
    await run("create", "group", { name: "ml" });
    await run("create", "members", { bucket: "m0000", members: ["a@x.com", "b@x.com", "c@x.com", "hand@x.com"] });
    servers.braintrust.addMemberByHand("Acme", "hand@x.com", "ml");
    await run("create", "group_members", { group: "ml", members: ["a@x.com", "b@x.com"] });
    const before = servers.braintrust.exchanges.length;
    const result = await run("create", "group_members", { group: "ml", members: ["b@x.com", "c@x.com"], previous: ["a@x.com", "b@x.com"] });
    expect(result).toMatchObject({ outcome: "updated", after: { added: ["b@x.com", "c@x.com"], removed: ["a@x.com"], pending: [] } });
    expect(servers.braintrust.exchanges.slice(before).map((e) => `${e.method} ${e.path}`)).toEqual(["GET /v1/user", `PATCH /v1/group/${servers.braintrust.exchanges.at(-1)!.path.split("/").pop()}`]);
    expect(servers.braintrust.view("Acme").groups.ml.members).toEqual(["b@x.com", "c@x.com", "hand@x.com"]);
    const replaced = await run("destroy", "group_members", { group: "ml", members: ["a@x.com", "b@x.com"] }, target, { superseded: ["ml"] });
    expect(replaced).toMatchObject({ outcome: "superseded" });
    expect(servers.braintrust.view("Acme").groups.ml.members).toEqual(["b@x.com", "c@x.com", "hand@x.com"]);
  });

  it("never deletes a built-in group, and retains members and groups when remove_extra is off", async () => {
    expect(await run("destroy", "group", { name: "Owners" })).toMatchObject({ outcome: "protected_builtin" });
    await run("create", "members", { bucket: "m0000", members: ["a@x.com"] });
    const keep = { ...target, removeExtra: false };
    expect(await run("destroy", "members", { bucket: "m0000", members: ["a@x.com"] }, keep)).toMatchObject({ outcome: "retained", after: { retained: ["a@x.com"] } });
    expect(servers.braintrust.view("Acme").pending).toEqual(["a@x.com"]);
    expect(Object.keys(servers.braintrust.view("Acme").groups)).toContain("Owners");
  });

  it("a bucket of members invites the new ones in one call and removes the previous ones as the policy allows for their reason; a replaced bucket's destroy does nothing", async () => {
    await run("create", "members", { bucket: "m0001", members: ["a@x.com", "b@x.com", "c@x.com"] });
    const before = servers.braintrust.exchanges.length;
    const policy = { ...target.policy, users: { ...target.policy.users, remove_unmapped: false, protect: ["c@*"] } };
    const result = await run("create", "members", { bucket: "m0001", members: ["d@x.com"], previous: ["a@x.com", "b@x.com", "c@x.com"] }, { ...target, policy }, {
      removalReasons: { "a@x.com": "deactivated", "b@x.com": "unmapped", "c@x.com": "deactivated" },
    });
    expect(result).toMatchObject({ outcome: "updated", after: { invited: ["d@x.com"], removed: ["a@x.com"], retained: ["b@x.com"], protected: ["c@x.com"] } });
    expect(servers.braintrust.exchanges.slice(before).map((e) => `${e.method} ${e.path}`)).toEqual(["PATCH /v1/organization/members", "PATCH /v1/organization/members"]);
    expect(servers.braintrust.view("Acme").pending).toEqual(["b@x.com", "c@x.com", "d@x.com"]);
    expect(await run("destroy", "members", { bucket: "m0001", members: ["d@x.com"] }, target, { superseded: ["m0001"] })).toMatchObject({ outcome: "superseded" });
    expect(servers.braintrust.view("Acme").pending).toContain("d@x.com");
  });

  it("a settings change patches the description and never touches membership", async () => {
    await run("create", "group", { name: "ml" });
    await run("create", "members", { bucket: "m0000", members: ["a@x.com"] });
    await run("create", "group_members", { group: "ml", members: ["a@x.com"] });
    expect(await run("create", "group_settings", { name: "ml", description: "new" })).toMatchObject({ outcome: "updated", before: { description: null }, after: { description: "new" } });
    expect(await run("create", "group_settings", { name: "ml", description: "new" })).toMatchObject({ outcome: "unchanged" });
    expect(servers.braintrust.view("Acme").groups.ml).toEqual({ description: "new", members: ["a@x.com"] });
  });

  it("fails with a message naming the missing API key variable, and audits the failure", async () => {
    const error = await run("create", "group", { name: "ml" }, { ...target, apiKeyEnv: "NOT_SET_ANYWHERE" }).catch((e) => e);
    expect(error.message).toBe('environment variable NOT_SET_ANYWHERE (the API key of Braintrust org "acme") is not set');
  });

  it("reads its invocation from the environment and names what is wrong", () => {
    expect(() => readInvocation({})).toThrow('OBSYNC_ACTION must be "create" or "destroy", got null');
    expect(() => readInvocation({ OBSYNC_ACTION: "create", OBSYNC_KIND: "user" })).toThrow("OBSYNC_KIND must be one of group, group_settings, role, role_settings, members, group_members, group_member_eviction, invite_followup, acl");
    expect(() => readInvocation({ OBSYNC_ACTION: "create", OBSYNC_KIND: "group", OBSYNC_SPEC: "{" })).toThrow("OBSYNC_SPEC is not valid JSON");
  });
});
