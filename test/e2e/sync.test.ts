import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SANDBOX_ENV } from "../../sandbox/sample-company";
import { lines, memberOutcomes } from "../support/workspace";
import { useSmallSandbox } from "../support/small-sandbox";
import { smallConfig } from "../support/small-directory";

const ACME = "Acme";
const RESEARCH = "Acme Research";

describe("end to end with the real terraform (invitees visible at once)", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true });

  it("a first apply for two orgs creates exactly the expected members, groups and memberships, and the next plan is empty", async () => {
    const first = await box.ws.sync();
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
    const acme = box.servers.braintrust.view(ACME);
    expect(acme.pending).toEqual(["alice@example.com", "bob@example.com"]);
    expect(acme.groups["ml-team"]).toEqual({ description: "Machine learning", members: ["alice@example.com"] });
    expect(acme.groups.evals).toEqual({ description: "Evaluation reviewers", members: ["bob@example.com"] });
    expect(Object.keys(acme.groups).sort()).toEqual(["Engineers", "Owners", "Viewers", "evals", "ml-team"]);
    const research = box.servers.braintrust.view(RESEARCH);
    expect(research.pending).toEqual(["carol@example.com", "dave@example.com"]);
    expect(research.groups["ml-team"].members).toEqual(["carol@example.com"]);
    expect(research.groups.evals.members).toEqual(["dave@example.com"]);
    expect(box.servers.braintrust.emailsSent(ACME).sort()).toEqual(["alice@example.com", "bob@example.com"]);

    const second = await box.ws.plan();
    expect(second.changes).toEqual({ acme: [], research: [] });
    expect(box.ws.auditEvents().every((e) => e.success)).toBe(true);
  });

  it("Okta changes plan exactly those instances, and after apply Braintrust matches (remove_extra false retains the deactivated user)", async () => {
    await box.ws.sync();
    const { okta, braintrust } = box.servers;
    const erin = okta.addUser({ email: "erin@example.com", department: "Engineering" }); // new user
    okta.addToGroup(box.dir.ml.id, box.dir.bob.id); // user joins a group
    okta.removeFromGroup(box.dir.ml.id, box.dir.alice.id); // user leaves a group
    okta.setStatus(box.dir.dave.id, "DEPROVISIONED"); // user deactivated
    okta.setGroupDescription(box.dir.ml.id, "ML, all of it"); // description changed
    okta.deleteGroup(box.dir.evals.id); // group deleted
    void erin;

    const { changes, results } = await box.ws.sync();
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
    expect(memberOutcomes(box.ws.auditEvents())["dave@example.com"]).toEqual({ outcome: "retained", org: "research", reason: "deactivated" });

    expect((await box.ws.plan()).changes).toEqual({ acme: [], research: [] });
  });

  it("with remove_extra true a deactivated user is removed from the org and a deleted group is deleted", async () => {
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url, { removeExtra: true }));
    await box.ws.sync();
    box.servers.okta.setStatus(box.dir.dave.id, "DEPROVISIONED");
    box.servers.okta.deleteGroup(box.dir.evals.id);
    const { results } = await box.ws.sync();
    expect(results.research.code).toBe(0);
    const research = box.servers.braintrust.view(RESEARCH);
    expect(research.pending).toEqual(["carol@example.com"]);
    expect(research.members).toEqual([]);
    expect(Object.keys(research.groups).sort()).toEqual(["Engineers", "Owners", "Viewers", "ml-team"]);
    expect(memberOutcomes(box.ws.auditEvents())["dave@example.com"]).toMatchObject({ outcome: "removed" });
  });

  it("one Braintrust call failing with 500 mid-apply: the run exits non-zero, the rest is applied, the audit has the failure, the next apply converges", async () => {
    // Every attempt to set ml-team's description in Acme fails, beyond the handler's retries.
    box.servers.braintrust.injectFault({
      method: "PATCH",
      path: "/v1/group/",
      status: 500,
      count: 1000,
      match: (body, auth) => (body as { description?: string })?.description === "Machine learning" && auth === `Bearer ${SANDBOX_ENV.BRAINTRUST_API_KEY_ACME}`,
    });
    const first = await box.ws.sync();
    const failed = Object.values(first.results).filter((r) => r.code !== 0);
    expect(failed).toHaveLength(1);
    const failures = box.ws.auditEvents().filter((e) => !e.success);
    expect(failures).toHaveLength(1);
    expect(failures[0].error_message).toMatch(/Braintrust PATCH \/v1\/group\/[0-9a-f-]+ failed with HTTP 500/);
    expect(failures[0]).toMatchObject({ org: "acme", kind: "group_settings", key: "ml-team", action: "create", outcome: "failed" });
    expect(box.ws.auditEvents().filter((e) => e.success)).toHaveLength(13);
    expect(first.results.acme.stdout + first.results.acme.stderr).toContain('create group_settings "ml-team" in org acme failed: Braintrust PATCH');

    box.servers.braintrust.clearFaults();
    const second = await box.ws.sync();
    expect(Object.values(second.results).map((r) => r.code)).toEqual([0, 0]);
    expect(lines(second.changes.acme)).toEqual(["replace group_settings ml-team"]); // only the tainted instance
    expect(second.changes.research).toEqual([]);
    expect(box.servers.braintrust.view(ACME).groups["ml-team"].description).toBe("Machine learning");
    expect(box.servers.braintrust.view(ACME).groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(box.servers.braintrust.view(ACME).groups.evals.members).toEqual(["bob@example.com"]);
    expect(box.servers.braintrust.view(RESEARCH).groups["ml-team"].members).toEqual(["carol@example.com"]);
    expect(box.servers.braintrust.view(RESEARCH).groups.evals.members).toEqual(["dave@example.com"]);
    expect((await box.ws.plan()).changes).toEqual({ acme: [], research: [] });
  });

  it("no secret value appears under cdktf.out, state or logs", async () => {
    await box.ws.sync();
    const secrets = Object.values(SANDBOX_ENV);
    const files = walk(box.ws.dir).filter((f) => !f.includes(`${join("", ".terraform")}`));
    expect(files.some((f) => f.endsWith(".tfstate"))).toBe(true);
    expect(files.some((f) => f.endsWith(".jsonl"))).toBe(true);
    expect(files.some((f) => f.endsWith("cdk.tf.json"))).toBe(true);
    for (const f of files) {
      const text = readFileSync(f).toString("latin1");
      for (const s of secrets) expect(text.includes(s), `${s} found in ${f}`).toBe(false);
    }
    expect(readFileSync(join(box.ws.dir, "cdktf.out", "stacks", "acme", "cdk.tf.json"), "utf8")).toContain("BRAINTRUST_API_KEY_ACME");
  });
});

describe("changing the number of blocks per kind", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true });

  it("moves no instance: after going from 4 blocks to auto and to 16, the plan is empty, and a new user is the only change", async () => {
    expect((await box.ws.sync()).results.acme.code).toBe(0);
    for (const shards of ["auto", "16"]) {
      box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url).replace("shards_per_kind: 4", `shards_per_kind: ${shards}`));
      expect((await box.ws.plan()).changes).toEqual({ acme: [], research: [] });
    }
    box.servers.okta.addUser({ email: "erin@example.com", department: "Engineering" });
    const after = await box.ws.sync();
    expect(lines(after.changes.acme)).toEqual(["create member erin@example.com"]);
    expect(after.changes.research).toEqual([]);
  });
});

describe("end to end with the real terraform (invitees get a user id only when they accept)", () => {
  const box = useSmallSandbox({ pendingUsersVisible: false });

  it("an invitee who accepts later is in the right groups after the next apply, and the plan then converges", async () => {
    const first = await box.ws.sync();
    expect(first.results.acme.code).toBe(0);
    expect(Math.max(...box.ws.auditEvents().map((e) => e.api_calls))).toBeLessThanOrEqual(2);
    expect(box.servers.braintrust.view(ACME).groups["ml-team"].members).toEqual([]);
    const pending = box.ws.auditEvents().flatMap((e) => ((e.after_state as { pending?: string[] } | null)?.pending ?? []).map((email) => `${e.key}/${email}`));
    expect(pending.sort()).toEqual([
      "evals/bob@example.com",
      "evals/dave@example.com",
      "ml-team/alice@example.com",
      "ml-team/carol@example.com",
    ]);

    // Alice joins a second group while her invitation is still open, then accepts.
    box.servers.okta.addToGroup(box.servers.okta.groupByName("evals").id, box.servers.okta.userByEmail("Alice@Example.com").id);
    const second = await box.ws.sync();
    expect(lines(second.changes.acme)).toEqual(
      ["create group_member evals/alice@example.com", "create invite_followup ml-team/alice@example.com", "create invite_followup evals/bob@example.com"].sort(),
    );
    box.servers.braintrust.accept(ACME, "alice@example.com");

    const third = await box.ws.sync();
    expect(third.results.acme.code).toBe(0);
    expect(box.servers.braintrust.view(ACME).members).toEqual(["alice@example.com"]);
    expect(box.servers.braintrust.view(ACME).groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(box.servers.braintrust.view(ACME).groups.evals.members).toEqual(["alice@example.com"]);

    // Bob has not accepted: his follow-up is checked again; Alice's are settled.
    const fourth = await box.ws.plan();
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
