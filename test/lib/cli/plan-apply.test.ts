import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../../lib/audit/run-summary";
import { runCli } from "../../support/cli";
import { useSmallSandbox } from "../../support/small-sandbox";

const ACME_PLAN = `
acme: 2 members to invite, 2 groups to create, 2 memberships to add
  Members to invite (2):
    + alice@example.com
    + bob@example.com
  Groups to create (2):
    + evals
    + ml-team
  Memberships to add (2):
    + evals ← bob@example.com
    + ml-team ← alice@example.com

`;

describe("plan, apply, show and status, driven as a user would", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true });

  it("plan prints the changes by org, writes Markdown and JSON, and exits 2; apply refuses without a terminal, --dry-run changes nothing, --auto-approve applies; then plan exits 0", async () => {
    const planned = await runCli(box.ws, ["plan", "--org", "acme", "--out", "plan.md"]);
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stdout).toBe(ACME_PLAN);
    expect(planned.stderr).toContain("acme: terraform init and plan...");
    expect(planned.stderr).not.toContain("research:");
    const markdown = readFileSync(join(box.ws.dir, "plan.md"), "utf8");
    expect(markdown.split("\n").slice(0, 2)).toEqual(["<!-- okta-braintrust-sync plan -->", "## okta-braintrust-sync plan"]);
    expect(markdown).toContain("| acme | 2 | 0 | 2/0/0 | 2/0 | 0/0 | 0 | 0 |");
    expect(markdown).toContain("- ➕ ml-team ← alice@example.com");

    const verbose = await runCli(box.ws, ["plan", "--org", "acme", "--verbose"]);
    expect(verbose.code).toBe(2);
    expect(verbose.stdout.startsWith(ACME_PLAN + "--- terraform plan: acme ---\n")).toBe(true);
    expect(verbose.stdout).toContain("Plan: 16 to add, 0 to change, 0 to destroy."); // 7 instances and the 9 <kind>_ready barriers

    const json = await runCli(box.ws, ["plan", "--json"]);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.execution_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(report.has_changes).toBe(true);
    expect(report.orgs.map((o: { alias: string }) => o.alias)).toEqual(["acme", "research"]);
    expect(report.orgs[1].users.invite).toEqual(["carol@example.com", "dave@example.com"]);
    expect(report.orgs[1].memberships.add).toEqual([
      { group: "evals", email: "dave@example.com" },
      { group: "ml-team", email: "carol@example.com" },
    ]);

    const refused = await runCli(box.ws, ["apply"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("okta-braintrust-sync: refusing to apply without a terminal to confirm on; pass --auto-approve");
    const dry = await runCli(box.ws, ["apply", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: nothing was applied (acme, research would change).");
    expect(box.servers.braintrust.view("Acme").pending).toEqual([]);
    expect(box.servers.braintrust.view("Acme").members).toEqual([]);

    const applied = await runCli(box.ws, ["apply", "--auto-approve", "--max-concurrent", "3"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(ACME_PLAN.trim());
    expect(applied.stdout).toMatch(/^acme +applied +7\/7 +0 +\d+\.\d s$/m);
    expect(applied.stdout).toMatch(/^research +applied +7\/7 +0 +\d+\.\d s$/m);
    expect(applied.stderr).toContain("acme: applying 7 instance changes (parallelism 3)...");
    expect(applied.stderr).toContain("acme: 7/7 instances done (100%)");
    expect(box.servers.braintrust.view("Acme").groups["ml-team"].members).toEqual(["alice@example.com"]);

    // One execution id joins the CLI's run summary and every handler call it caused.
    const executionId = /Execution (\S+);/.exec(applied.stdout)![1];
    const summaryFile = join(box.ws.dir, "logs", "audit", `summary-${executionId}.json`);
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
    const events = box.ws.auditEvents().filter((e) => e.execution_id === executionId);
    expect(events).toHaveLength(14);
    expect(summary).toMatchObject({
      command: "apply",
      result: "applied",
      total_events: 14,
      success_events: 14,
      error_events: 0,
      operations: { create: 14 },
      resource_types: { group: 4, group_settings: 4, members: 2, group_members: 4 },
      organizations: { acme: { succeeded: 7, failed: 0 }, research: { succeeded: 7, failed: 0 } },
      orgs: { acme: { result: "applied", planned: { create: 7, delete: 0, replace: 0 }, removals: 0 } },
      errors: [],
    });
    expect(summary.api_calls).toBe(events.reduce((n, e) => n + e.api_calls, 0));
    // At most 2 Braintrust calls per created instance (group ids are remembered between calls).
    expect(Math.max(...events.map((e) => e.api_calls))).toBe(2);
    expect(summary.api_calls).toBe(26); // 4 groups x 2 (lookup, create) + 4 settings x 2 + 2 member buckets x 1 + 4 group member lists x 2 (one user lookup, one PATCH)

    const again = await runCli(box.ws, ["plan"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("\nacme: no changes\n\nresearch: no changes\n\n");
  });

  it("show reads what the tool manages from state, as tables and as JSON; status lists the runs newest first", async () => {
    const before = await runCli(box.ws, ["show", "--org", "acme"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(`acme: nothing applied yet (no state at ${join(box.ws.dir, "state", "acme.tfstate")})\n`);
    expect((await runCli(box.ws, ["apply", "--auto-approve"])).code).toBe(0);

    const shown = await runCli(box.ws, ["show", "--org", "acme"]);
    expect(shown.code).toBe(0);
    const text = shown.stdout.split("\n");
    expect(text[0]).toBe("acme: 2 members, 2 groups, 2 memberships");
    expect(text).toContain("  GROUP    MEMBERS  DESCRIPTION           WHO");
    expect(text).toContain("  evals    1        Evaluation reviewers  bob@example.com");
    expect(text).toContain("  ml-team  1        Machine learning      alice@example.com");
    expect(text).toContain("  alice@example.com  ml-team");
    const json = JSON.parse((await runCli(box.ws, ["show", "--json"])).stdout);
    expect(json.orgs[1]).toMatchObject({
      alias: "research",
      exists: true,
      members: ["carol@example.com", "dave@example.com"],
      groups: [
        { name: "evals", description: "Evaluation reviewers", members: ["dave@example.com"] },
        { name: "ml-team", description: "Machine learning", members: ["carol@example.com"] },
      ],
      memberships: 2,
      pending: [],
      failed: [],
    });

    const status = await runCli(box.ws, ["status"]);
    expect(status.code).toBe(0);
    const rows = status.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^WHEN \(UTC\) +COMMAND +RESULT +ORGS +DONE +FAILED +TOOK +EXECUTION$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +apply +applied +acme:applied research:applied +14 +0 +\d+\.\d s +\S+$/);
    expect(existsSync(join(box.ws.dir, "logs", "audit"))).toBe(true);
  });
});
