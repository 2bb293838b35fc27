import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_ENV } from "../../sandbox/sample-company";
import { startServers, type LocalServers } from "../support/servers";
import { lines, Workspace } from "../support/workspace";
import { seedSmallDirectory, smallConfig } from "../support/small-directory";

const ACME = "Acme";
const RESEARCH = "Acme Research";

describe("end to end with the real terraform (invitees visible at once)", () => {
  let servers: LocalServers;
  let ws: Workspace;
  let dir: ReturnType<typeof seedSmallDirectory>;

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: true });
    dir = seedSmallDirectory(servers.okta);
    ws = new Workspace();
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url));
  });

  afterEach(async () => {
    expect([...servers.okta.violations, ...servers.braintrust.violations]).toEqual([]);
    await servers.stop();
  });

  it("a first apply for two orgs creates exactly the expected members, groups and memberships, and the next plan is empty", async () => {
    const first = await ws.sync();
    expect(first.results.acme.code).toBe(0);
    expect(first.results.research.code).toBe(0);
    expect(lines(first.changes.acme)).toEqual(
      [
        "create group ml-team",
        "create group evals",
        "create group_settings ml-team",
        "create group_settings evals",
        "create member alice@example.com",
        "create member bob@example.com",
        "create group_member ml-team/alice@example.com",
        "create group_member evals/bob@example.com",
      ].sort(),
    );
    const acme = servers.braintrust.view(ACME);
    expect(acme.pending).toEqual(["alice@example.com", "bob@example.com"]);
    expect(acme.groups["ml-team"]).toEqual({ description: "Machine learning", members: ["alice@example.com"] });
    expect(acme.groups.evals).toEqual({ description: "Evaluation reviewers", members: ["bob@example.com"] });
    expect(Object.keys(acme.groups).sort()).toEqual(["Engineers", "Owners", "Viewers", "evals", "ml-team"]);
    const research = servers.braintrust.view(RESEARCH);
    expect(research.pending).toEqual(["carol@example.com", "dave@example.com"]);
    expect(research.groups["ml-team"].members).toEqual(["carol@example.com"]);
    expect(research.groups.evals.members).toEqual(["dave@example.com"]);
    expect(servers.braintrust.emailsSent(ACME).sort()).toEqual(["alice@example.com", "bob@example.com"]);

    const second = await ws.plan();
    expect(second.changes).toEqual({ acme: [], research: [] });
    expect(ws.auditEvents().every((e) => e.success)).toBe(true);
  });

  it("Okta changes plan exactly those instances, and after apply Braintrust matches (remove_extra false retains the deactivated user)", async () => {
    await ws.sync();
    const { okta, braintrust } = servers;
    const erin = okta.addUser({ email: "erin@example.com", department: "Engineering" }); // new user
    okta.addToGroup(dir.ml.id, dir.bob.id); // user joins a group
    okta.removeFromGroup(dir.ml.id, dir.alice.id); // user leaves a group
    okta.setStatus(dir.dave.id, "DEPROVISIONED"); // user deactivated
    okta.setGroupDescription(dir.ml.id, "ML, all of it"); // description changed
    okta.deleteGroup(dir.evals.id); // group deleted
    void erin;

    const { changes, results } = await ws.sync();
    expect(lines(changes.acme)).toEqual(
      [
        "create member erin@example.com",
        "create group_member ml-team/bob@example.com",
        "delete group_member ml-team/alice@example.com",
        "delete group_member evals/bob@example.com",
        "delete group evals",
        "delete group_settings evals",
        "create group_settings ml-team",
        "delete group_settings ml-team",
      ].sort(),
    );
    expect(lines(changes.research)).toEqual(
      [
        "delete member dave@example.com",
        "delete group_member evals/dave@example.com",
        "delete group evals",
        "delete group_settings evals",
        "create group_settings ml-team",
        "delete group_settings ml-team",
      ].sort(),
    );
    expect(results.acme.code).toBe(0);
    expect(results.research.code).toBe(0);

    const acme = braintrust.view(ACME);
    expect(acme.groups["ml-team"]).toEqual({ description: "ML, all of it", members: ["bob@example.com"] });
    expect(acme.groups.evals).toEqual({ description: "Evaluation reviewers", members: [] }); // retained: remove_extra is false
    expect(acme.pending).toContain("erin@example.com");
    const research = braintrust.view(RESEARCH);
    expect(research.pending).toContain("dave@example.com"); // retained
    const retained = ws.auditEvents().find((e) => e.kind === "member" && e.key === "dave@example.com" && e.action === "destroy");
    expect(retained).toMatchObject({ outcome: "retained", success: true, org: "research" });

    expect((await ws.plan()).changes).toEqual({ acme: [], research: [] });
  });

  it("with remove_extra true a deactivated user is removed from the org and a deleted group is deleted", async () => {
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url, { removeExtra: true }));
    await ws.sync();
    servers.okta.setStatus(dir.dave.id, "DEPROVISIONED");
    servers.okta.deleteGroup(dir.evals.id);
    const { results } = await ws.sync();
    expect(results.research.code).toBe(0);
    const research = servers.braintrust.view(RESEARCH);
    expect(research.pending).toEqual(["carol@example.com"]);
    expect(research.members).toEqual([]);
    expect(Object.keys(research.groups).sort()).toEqual(["Engineers", "Owners", "Viewers", "ml-team"]);
    expect(ws.auditEvents().find((e) => e.key === "dave@example.com" && e.kind === "member" && e.action === "destroy")).toMatchObject({ outcome: "removed" });
  });

  it("one Braintrust call failing with 500 mid-apply: the run exits non-zero, the rest is applied, the audit has the failure, the next apply converges", async () => {
    // Every attempt to set ml-team's description in Acme fails, beyond the handler's retries.
    servers.braintrust.injectFault({
      method: "PATCH",
      path: "/v1/group/",
      status: 500,
      count: 1000,
      match: (body, auth) => (body as { description?: string })?.description === "Machine learning" && auth === `Bearer ${SANDBOX_ENV.BRAINTRUST_API_KEY_ACME}`,
    });
    const first = await ws.sync();
    const failed = Object.values(first.results).filter((r) => r.code !== 0);
    expect(failed).toHaveLength(1);
    const failures = ws.auditEvents().filter((e) => !e.success);
    expect(failures).toHaveLength(1);
    expect(failures[0].error_message).toMatch(/Braintrust PATCH \/v1\/group\/[0-9a-f-]+ failed with HTTP 500/);
    expect(failures[0]).toMatchObject({ org: "acme", kind: "group_settings", key: "ml-team", action: "create", outcome: "failed" });
    expect(ws.auditEvents().filter((e) => e.success)).toHaveLength(15);
    expect(first.results.acme.stdout + first.results.acme.stderr).toContain('create group_settings "ml-team" in org acme failed: Braintrust PATCH');

    servers.braintrust.clearFaults();
    const second = await ws.sync();
    expect(Object.values(second.results).map((r) => r.code)).toEqual([0, 0]);
    expect(lines(second.changes.acme)).toEqual(["replace group_settings ml-team"]); // only the tainted instance
    expect(second.changes.research).toEqual([]);
    expect(servers.braintrust.view(ACME).groups["ml-team"].description).toBe("Machine learning");
    expect(servers.braintrust.view(ACME).groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(servers.braintrust.view(ACME).groups.evals.members).toEqual(["bob@example.com"]);
    expect(servers.braintrust.view(RESEARCH).groups["ml-team"].members).toEqual(["carol@example.com"]);
    expect(servers.braintrust.view(RESEARCH).groups.evals.members).toEqual(["dave@example.com"]);
    expect((await ws.plan()).changes).toEqual({ acme: [], research: [] });
  });

  it("no secret value appears under cdktf.out, state or logs", async () => {
    await ws.sync();
    const secrets = Object.values(SANDBOX_ENV);
    const files = walk(ws.dir).filter((f) => !f.includes(`${join("", ".terraform")}`));
    expect(files.some((f) => f.endsWith(".tfstate"))).toBe(true);
    expect(files.some((f) => f.endsWith(".jsonl"))).toBe(true);
    expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
    for (const f of files) {
      const text = readFileSync(f).toString("latin1");
      for (const s of secrets) expect(text.includes(s), `${s} found in ${f}`).toBe(false);
    }
    expect(readFileSync(join(ws.dir, "cdktf.out", "stacks", "acme", "cdk.tf.json"), "utf8")).toContain("BRAINTRUST_API_KEY_ACME");
  });
});

describe("end to end with the real terraform (invitees get a user id only when they accept)", () => {
  let servers: LocalServers;
  let ws: Workspace;

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: false });
    seedSmallDirectory(servers.okta);
    ws = new Workspace();
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url));
  });

  afterEach(async () => {
    expect([...servers.okta.violations, ...servers.braintrust.violations]).toEqual([]);
    await servers.stop();
  });

  it("an invitee who accepts later is in the right groups after the next apply, and the plan then converges", async () => {
    const first = await ws.sync();
    expect(first.results.acme.code).toBe(0);
    expect(servers.braintrust.view(ACME).groups["ml-team"].members).toEqual([]);
    expect(ws.auditEvents().filter((e) => e.outcome === "pending_invite").map((e) => e.key).sort()).toEqual([
      "evals/bob@example.com",
      "evals/dave@example.com",
      "ml-team/alice@example.com",
      "ml-team/carol@example.com",
    ]);

    // Alice joins a second group while her invitation is still open, then accepts.
    servers.okta.addToGroup(servers.okta.groupByName("evals").id, servers.okta.userByEmail("Alice@Example.com").id);
    const second = await ws.sync();
    expect(lines(second.changes.acme)).toEqual(
      ["create group_member evals/alice@example.com", "create invite_followup ml-team/alice@example.com", "create invite_followup evals/bob@example.com"].sort(),
    );
    servers.braintrust.accept(ACME, "alice@example.com");

    const third = await ws.sync();
    expect(third.results.acme.code).toBe(0);
    expect(servers.braintrust.view(ACME).members).toEqual(["alice@example.com"]);
    expect(servers.braintrust.view(ACME).groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(servers.braintrust.view(ACME).groups.evals.members).toEqual(["alice@example.com"]);

    // Bob has not accepted: his follow-up is checked again; Alice's are settled.
    const fourth = await ws.plan();
    expect(lines(fourth.changes.acme)).toEqual(["replace invite_followup evals/bob@example.com"]);
  });
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
