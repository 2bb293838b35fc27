import { mkdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { useSmallSandbox } from "../support/small-sandbox";
import type { PlanReport } from "../../lib/report/plan-report";

/** A terraform_data instance as Terraform 1.11 writes it in state. */
function instance(key: string, spec: Record<string, string>) {
  return {
    index_key: key,
    schema_version: 0,
    attributes: { id: randomUUID(), input: null, output: null, triggers_replace: { value: spec, type: ["object", Object.fromEntries(Object.keys(spec).map((k) => [k, "string"]))] } },
    sensitive_attributes: [],
  };
}

describe("upgrading from one instance per member and per membership", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true });

  it("the old instances are dropped without a destroy, and nobody is invited, added or removed again: the plan reads as no change in Braintrust", async () => {
    // What the earlier version left: acme's members and memberships applied, one instance each.
    const { braintrust } = box.servers;
    braintrust.addMemberByHand("Acme", "alice@example.com", "ml-team");
    braintrust.addMemberByHand("Acme", "bob@example.com", "evals");
    const provider = 'provider["terraform.io/builtin/terraform"]';
    const resources = [
      { mode: "managed", type: "terraform_data", name: "member_0", provider, instances: ["alice@example.com", "bob@example.com"].map((email) => instance(email, { email })) },
      {
        mode: "managed",
        type: "terraform_data",
        name: "group_member_0",
        provider,
        instances: [instance("ml-team/alice@example.com", { group: "ml-team", email: "alice@example.com" }), instance("evals/bob@example.com", { group: "evals", email: "bob@example.com" })],
      },
    ];
    mkdirSync(join(box.ws.dir, "state"), { recursive: true });
    writeFileSync(join(box.ws.dir, "state", "acme.tfstate"), JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 3, lineage: randomUUID(), outputs: {}, resources, check_results: null }));

    const planned = await runCli(box.ws, ["plan", "--json", "--org", "acme"]);
    expect(planned.code, planned.stderr).toBe(2);
    const [acme] = (JSON.parse(planned.stdout) as PlanReport).orgs;
    expect(acme.users).toMatchObject({ invite: [], remove: [], retain: [] });
    expect(acme.memberships).toMatchObject({ add: [], remove: [] });
    expect(acme.removals).toBe(0);

    const invitesBefore = braintrust.exchanges.filter((e) => e.path === "/v1/organization/members").length;
    const applied = await runCli(box.ws, ["apply", "--auto-approve", "--org", "acme"]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(braintrust.exchanges.filter((e) => e.path === "/v1/organization/members").length).toBe(invitesBefore); // nobody invited again
    const view = braintrust.view("Acme");
    expect(view.members).toEqual(["alice@example.com", "bob@example.com"]);
    expect(view.groups["ml-team"].members).toEqual(["alice@example.com"]);
    expect(view.groups.evals.members).toEqual(["bob@example.com"]);
    expect((await runCli(box.ws, ["plan", "--org", "acme"])).code).toBe(0);
  });
});
