import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { SANDBOX_ENV } from "../../../sandbox/sample-company";
import { CLI, runCli } from "../../support/cli";
import { smallConfig } from "../../support/small-directory";
import { useSmallSandbox } from "../../support/small-sandbox";

const ACME_KEY = `Bearer ${SANDBOX_ENV.BRAINTRUST_API_KEY_ACME}`;

describe("failed runs, --continue-on-error, status and the removal guard", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true });

  it("the first failed org stops the rest; status shows the failure; --continue-on-error goes on; the next apply converges", async () => {
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url));
    // Every description update in acme fails, retries included; research is fine.
    const describes = (body: unknown) => typeof body === "object" && body !== null && "description" in body;
    box.servers.braintrust.injectFault({ method: "PATCH", path: "/v1/group/", status: 500, count: 10_000, match: (body, auth) => auth === ACME_KEY && describes(body) });

    const failed = await runCli(box.ws, ["apply", "--auto-approve"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^acme +failed +5\/7 +2 +\d+\.\d s$/m);
    expect(failed.stdout).toMatch(/^research +skipped +0\/7 +0 +-$/m);
    expect(failed.stderr).toMatch(/^acme: create group_settings "ml-team" in org acme failed: Braintrust PATCH \/v1\/group\/[0-9a-f-]+ failed with HTTP 500: Internal server error$/m);
    expect(failed.stderr).toContain("2 change(s) failed");
    expect(failed.stderr).toContain("Run apply again to retry the failed ones and to apply the skipped orgs.");
    expect(box.servers.braintrust.view("Acme Research").pending).toEqual([]);

    const status = await runCli(box.ws, ["status"]);
    expect(status.code).toBe(0);
    const lines = status.stdout.split("\n");
    expect(lines[1]).toMatch(/ apply +failed +acme:failed research:skipped +5 +2 /);
    const executionId = lines[1].trim().split(/ +/).pop();
    expect(status.stdout).toContain(`Last run with problems: ${executionId} (apply, failed): failed: acme`);
    expect(status.stdout).toMatch(/^  acme  create group_settings evals: Braintrust PATCH \/v1\/group\/\S+ failed with HTTP 500: Internal server error$/m);
    expect(status.stdout).toMatch(/^  acme  create group_settings ml-team: Braintrust PATCH/m);
    const json = JSON.parse((await runCli(box.ws, ["status", "--json", "--limit", "1"])).stdout);
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0]).toMatchObject({ execution_id: executionId, result: "failed", error_events: 2, orgs: { research: { result: "skipped" } } });

    const onward = await runCli(box.ws, ["apply", "--auto-approve", "--continue-on-error"]);
    expect(onward.code).toBe(1);
    expect(onward.stdout).toMatch(/^acme +failed +0\/2 +2 /m);
    expect(onward.stdout).toMatch(/^research +applied +7\/7 +0 /m);
    expect(box.servers.braintrust.view("Acme Research").groups["ml-team"].members).toEqual(["carol@example.com"]);

    box.servers.braintrust.clearFaults();
    const healed = await runCli(box.ws, ["apply", "--auto-approve"]);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stdout).toContain("Failed earlier, to retry (2):\n    ↻ group_settings evals\n    ↻ group_settings ml-team");
    expect(healed.stdout).toMatch(/^acme +applied +2\/2 +0 /m);
    expect(healed.stdout).toMatch(/^research +no changes +0\/0 +0 +-$/m);
    expect(box.servers.braintrust.view("Acme").groups["ml-team"]).toEqual({ description: "Machine learning", members: ["alice@example.com"] });
    expect((await runCli(box.ws, ["plan"])).code).toBe(0);
  });

  it("the removal guard stops apply before any change when a plan removes more than safety.max_removals, until --allow-mass-removal", async () => {
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url, { maxRemovals: 1 }));
    expect((await runCli(box.ws, ["apply", "--auto-approve"])).code).toBe(0);
    box.servers.okta.removeFromGroup(box.dir.ml.id, box.dir.alice.id);
    box.servers.okta.removeFromGroup(box.dir.evals.id, box.dir.bob.id);

    const planned = await runCli(box.ws, ["plan", "--org", "acme"]);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain("acme: 2 memberships to remove\n  Memberships to remove (2):\n    - evals ← bob@example.com\n    - ml-team ← alice@example.com\n");
    expect(planned.stdout).toContain(
      "Removal guard: acme would lose 2 members, groups, memberships, roles or grants, more than safety.max_removals (1). apply will stop unless run with --allow-mass-removal.",
    );

    const stopped = await runCli(box.ws, ["apply", "--auto-approve"]);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain("Removal guard: acme would lose 2 members, groups, memberships, roles or grants, more than safety.max_removals (1). Nothing was changed.");
    expect(stopped.stderr).toContain("If they are intended, run again with --allow-mass-removal; if your organization expects changes this large, raise safety.max_removals in");
    expect(box.servers.braintrust.view("Acme").groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(box.servers.braintrust.view("Acme").groups.evals.members).toEqual(["bob@example.com"]);
    expect((await runCli(box.ws, ["status"])).stdout).toMatch(/ apply +stopped_by_removal_guard +acme:planned research:no_changes /);

    const allowed = await runCli(box.ws, ["apply", "--auto-approve", "--allow-mass-removal"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(box.servers.braintrust.view("Acme").groups["ml-team"].members).toEqual([]);
    expect(box.servers.braintrust.view("Acme").groups.evals.members).toEqual([]);
    // The people stay invited: removing memberships never removes a person from the org.
    expect(box.servers.braintrust.view("Acme").pending).toEqual(["alice@example.com", "bob@example.com"]);
  });

  it("Ctrl-C during apply lets Terraform finish the org in flight, skips the rest, and records the run as cancelled", async () => {
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url));
    const child = spawn(process.execPath, [CLI, "apply", "--auto-approve"], { cwd: box.ws.dir, env: box.ws.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (String(d).includes("acme: applying")) child.kill("SIGINT");
    });
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
    expect(code).toBe(1);
    expect(stderr).toContain("Interrupted: waiting for Terraform to finish the changes in flight (Ctrl-C again to quit at once)...");
    expect(stdout).toMatch(/^acme +applied +7\/7 +0 /m);
    expect(stdout).toMatch(/^research +skipped +0\/7 +0 +-$/m);
    expect((await runCli(box.ws, ["status"])).stdout).toMatch(/ apply +cancelled +acme:applied research:skipped /);
  });
});
