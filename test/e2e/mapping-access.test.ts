import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrgPlanReport, PlanReport } from "../../lib/report/plan-report";
import { startServers, type LocalServers } from "../support/servers";
import { runCli } from "../support/cli";
import { memberOutcomes, Workspace } from "../support/workspace";

const ACME = "Acme";
/** Members and invitees (this server makes invitees users at once, so they can join groups). */
const everyone = (v: { members: string[]; pending: string[] }) => [...v.members, ...v.pending].sort();
const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** A fenced block of the README that follows `<!-- example: name -->`. */
export function readmeExample(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!m) throw new Error(`README has no example ${name}`);
  return m[1];
}

const EXAMPLE = readmeExample("mapping-access");

/** The directory the README example is shown against. */
function seed(servers: LocalServers) {
  const { okta, braintrust } = servers;
  const g = {
    team: okta.addGroup("ml-team", "Machine learning"),
    infra: okta.addGroup("ml-infra", "Infrastructure"),
    legacy: okta.addGroup("ml-legacy", "Old"),
    evals: okta.addGroup("evals", "Evaluation reviewers"),
    sales: okta.addGroup("sales", "Not synced"),
  };
  const u = {
    alice: okta.addUser({ email: "alice@example.com", department: "Engineering", title: "Engineer" }),
    bob: okta.addUser({ email: "bob@example.com", department: "Engineering" }),
    carol: okta.addUser({ email: "carol@example.com", department: "Research", title: "Scientist" }),
    dave: okta.addUser({ email: "dave@example.com", department: "Research" }),
    chair: okta.addUser({ email: "chair@board.acme.example", department: "Engineering" }),
    erin: okta.addUser({ email: "erin@example.com", department: "Sales" }),
  };
  okta.addToGroup(g.team.id, u.alice.id);
  okta.addToGroup(g.team.id, u.carol.id);
  okta.addToGroup(g.infra.id, u.bob.id);
  okta.addToGroup(g.legacy.id, u.bob.id);
  okta.addToGroup(g.evals.id, u.alice.id);
  okta.addToGroup(g.evals.id, u.dave.id);
  okta.addToGroup(g.sales.id, u.erin.id);
  for (const name of ["eval-chat", "eval-old-archive", "playground"]) braintrust.addProject(ACME, name);
  return { g, u };
}

describe("mapping access: the README example, applied with the real terraform", () => {
  let servers: LocalServers;
  let ws: Workspace;
  let dir: ReturnType<typeof seed>;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(ws, args, env);
  const planJson = async (): Promise<OrgPlanReport> => {
    const r = await cli("plan", "--json");
    expect([0, 2], r.stderr).toContain(r.code);
    return (JSON.parse(r.stdout) as PlanReport).orgs[0];
  };
  const apply = async () => {
    const r = await cli("apply", "--auto-approve");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return r;
  };

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: true });
    dir = seed(servers);
    ws = new Workspace();
    ws.writeConfig(EXAMPLE);
    env = { OKTA_DOMAIN: servers.okta.url, BRAINTRUST_URL: servers.braintrust.url };
  });

  afterEach(async () => {
    expect([...servers.okta.violations, ...servers.braintrust.violations]).toEqual([]);
    await servers.stop();
  });

  it("plans exactly what the README shows, applies it, and the next plan is empty", async () => {
    const plan = await cli("plan");
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout.trim()).toBe(readmeExample("mapping-access-plan").trim());
    await apply();

    const acme = servers.braintrust.view(ACME);
    expect(everyone(acme)).toEqual(["alice@example.com", "bob@example.com", "carol@example.com", "chair@board.acme.example", "dave@example.com"]);
    const members = Object.fromEntries(Object.entries(acme.groups).map(([name, g]) => [name, g.members]));
    expect(members).toEqual({
      Owners: [],
      Engineers: [],
      Viewers: ["alice@example.com", "bob@example.com", "carol@example.com", "chair@board.acme.example", "dave@example.com"],
      "ML Team": ["alice@example.com", "carol@example.com"],
      "okta-ml-infra": ["bob@example.com"],
      evals: ["alice@example.com", "dave@example.com"],
      researchers: ["carol@example.com"],
    });
    expect(acme.groups["ML Team"].description).toBe("Machine learning");
    expect(acme.groups.Viewers.description).toBe("Built-in Viewers"); // a rule's group: description left alone
    expect(servers.braintrust.roles(ACME)).toEqual({ Evaluator: { description: "Runs and reviews evaluations", permissions: ["create:experiment", "read"] } });
    expect(servers.braintrust.grants(ACME)).toEqual(["ML Team on project:eval-chat role:Evaluator", "evals on organization permission:read"]);

    const again = await cli("plan");
    expect(again.code, again.stdout + again.stderr).toBe(0);

    const shown = await cli("show");
    expect(shown.stdout).toContain("acme: 5 members, 5 groups, 11 memberships, 1 roles, 2 grants");
    expect(shown.stdout).toMatch(/ROLE +PERMISSIONS +DESCRIPTION\n +Evaluator +create:experiment, read +Runs and reviews evaluations/);
    expect(shown.stdout).toContain("  GRANTS\n  ML Team gets role Evaluator on project eval-chat\n  evals gets permission read on the organization");
  });

  it("a project created later that matches gets the grant on the next run; a role's new permissions update it; dropping the role grant removes only the grants the tool made", async () => {
    // A grant the config will ask for, made by hand first: adopted, so never removed by the tool.
    servers.braintrust.addGroupByHand(ACME, "evals");
    servers.braintrust.addGrantByHand(ACME, { group: "evals", on: "organization", permission: "read" });
    await apply();

    servers.braintrust.addProject(ACME, "eval-search");
    servers.braintrust.addProject(ACME, "eval-search-archive");
    const next = await planJson();
    expect(next.grants).toEqual({ add: ["ML Team/project:eval-search/role:Evaluator"], remove: [], retain: [] });
    expect(next.instances).toEqual({ create: 1, delete: 0, replace: 0 });
    await apply();
    expect(servers.braintrust.grants(ACME)).toContain("ML Team on project:eval-search role:Evaluator");

    ws.writeConfig(EXAMPLE.replace("          - { permission: read }\n", "          - { permission: read }\n          - { permission: update, restrict_object_type: dataset }\n"));
    const changed = await planJson();
    expect(changed.roles).toEqual({ create: [], change: ["Evaluator"], delete: [], retain: [] });
    await apply();
    expect(servers.braintrust.roles(ACME).Evaluator.permissions).toEqual(["create:experiment", "read", "update:dataset"]);

    servers.braintrust.addGrantByHand(ACME, { group: "ML Team", on: "playground", role: "Evaluator" });
    const withoutRoleGrant = EXAMPLE.replace(/      - group_name: ML Team\n        role_name: Evaluator\n        project_match:\n.*\n.*\n/, "");
    expect(withoutRoleGrant).not.toContain("role_name: Evaluator");
    ws.writeConfig(withoutRoleGrant.replace("organization: true", "organization: true\n      - { group_name: okta-ml-infra, permission: read, organization: true }"));
    const dropped = await planJson();
    expect(dropped.grants).toEqual({ add: ["okta-ml-infra/organization/permission:read"], remove: ["ML Team/project:eval-chat/role:Evaluator", "ML Team/project:eval-search/role:Evaluator"], retain: [] });
    await apply();
    expect(servers.braintrust.grants(ACME)).toEqual([
      "ML Team on project:playground role:Evaluator", // made by hand: untouched
      "evals on organization permission:read", // existed before the tool: untouched
      "okta-ml-infra on organization permission:read",
    ]);

    // Now the config drops the organization grants too: the one the tool made goes, the adopted one stays.
    ws.writeConfig(withoutRoleGrant.replace(/    group_assignments:\n[\s\S]*?organization: true\n/, "    group_assignments: []\n"));
    const none = await planJson();
    expect(none.grants).toEqual({ add: [], remove: ["okta-ml-infra/organization/permission:read"], retain: ["evals/organization/permission:read"] });
    await apply();
    expect(servers.braintrust.grants(ACME)).toEqual(["ML Team on project:playground role:Evaluator", "evals on organization permission:read"]);
    expect((await cli("plan")).code).toBe(0);
  });

  it("someone added by hand stays in a managed group and is taken out of an authoritative one, again when added again", async () => {
    await apply();
    servers.braintrust.addMemberByHand(ACME, "zoe@example.com", "ML Team");
    servers.braintrust.addMemberByHand(ACME, "zoe@example.com", "evals");
    const text = await cli("plan");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("  Memberships to remove from authoritative groups (not in Okta; added outside the sync) (1):\n    - evals ← zoe@example.com (authoritative)");
    const plan = await planJson();
    expect(plan.memberships).toEqual({ add: [], remove: [], evict: [{ group: "evals", email: "zoe@example.com", authoritative: true }], protected: [] });
    await apply();
    expect(servers.braintrust.view(ACME).groups.evals.members).toEqual(["alice@example.com", "dave@example.com"]);
    expect(servers.braintrust.view(ACME).groups["ML Team"].members).toEqual(["alice@example.com", "carol@example.com", "zoe@example.com"]);
    expect((await cli("plan")).code).toBe(0);

    servers.braintrust.addMemberByHand(ACME, "zoe@example.com", "evals");
    expect((await planJson()).memberships.evict).toEqual([{ group: "evals", email: "zoe@example.com", authoritative: true }]);
    await apply();
    expect(servers.braintrust.view(ACME).groups.evals.members).toEqual(["alice@example.com", "dave@example.com"]);
    expect((await cli("plan")).code).toBe(0);
  });

  it("removal policies: a protected user survives deactivation, a deactivated one is removed, one who moved department stays, and a group the tool did not create is never deleted", async () => {
    servers.braintrust.addGroupByHand(ACME, "okta-ml-infra", "made by hand");
    await apply();
    servers.okta.setStatus(dir.u.chair.id, "DEPROVISIONED");
    servers.okta.setStatus(dir.u.dave.id, "DEPROVISIONED");
    servers.okta.setProfile(dir.u.bob.id, { department: "Sales" });
    servers.okta.deleteGroup(dir.g.infra.id);

    const text = await cli("plan");
    expect(text.stdout).toContain("  Members to remove (1):\n    - dave@example.com (deactivated in Okta)");
    expect(text.stdout).toContain("  Members leaving the sync, kept in Braintrust (remove_extra or deletion_policies) (1):\n    ~ bob@example.com (no mapping selects them)");
    expect(text.stdout).toContain("  Members leaving the sync, kept (deletion_policies.users.protect) (1):\n    ~ chair@board.acme.example (deactivated in Okta)");
    expect(text.stdout).toContain("  Groups leaving the sync, never deleted (built in, protected, or not created by this tool) (1):\n    ~ okta-ml-infra");
    const plan = await planJson();
    expect(plan.users.remove).toEqual(["dave@example.com"]);
    // dave, his memberships in evals and Viewers, and bob's in Viewers and okta-ml-infra (chair is protected: he keeps his).
    expect(plan.removals).toBe(1 + 4);
    expect(plan.memberships.protected).toEqual([{ group: "Viewers", email: "chair@board.acme.example" }]);
    await apply();

    const acme = servers.braintrust.view(ACME);
    expect(everyone(acme)).toEqual(["alice@example.com", "bob@example.com", "carol@example.com", "chair@board.acme.example"]);
    // Adopted, so its description followed Okta's; it outlives the Okta group because the tool did not create it.
    expect(acme.groups["okta-ml-infra"]).toEqual({ description: "Infrastructure", members: [] });
    expect(acme.groups.Viewers.members).toEqual(["alice@example.com", "carol@example.com", "chair@board.acme.example"]);
    expect(memberOutcomes(ws.auditEvents())).toEqual({
      "bob@example.com": { outcome: "retained", org: "acme", reason: "unmapped" },
      "chair@board.acme.example": { outcome: "protected", org: "acme", reason: "deactivated" },
      "dave@example.com": { outcome: "removed", org: "acme", reason: "deactivated" },
    });
    expect((await cli("plan")).code).toBe(0);
  });

  it("an email change in Okta reads as the old identity leaving and the new one arriving", async () => {
    await apply();
    servers.okta.setProfile(dir.u.alice.id, { email: "alice.smith@example.com", login: "alice.smith@example.com" });
    const text = await cli("plan");
    expect(text.stdout).toContain("  Email changes in Okta (the old identity leaves, the new one arrives) (1):\n    → alice@example.com → alice.smith@example.com");
    expect(text.stdout).toContain("  Members to invite (1):\n    + alice.smith@example.com");
    expect(text.stdout).toContain("  Members to remove (1):\n    - alice@example.com (email changed in Okta)");
    const plan = await planJson();
    expect(plan.users.identity_changes).toEqual([{ from: "alice@example.com", to: "alice.smith@example.com", okta_user_id: dir.u.alice.id }]);
    await apply();
    const acme = servers.braintrust.view(ACME);
    expect(everyone(acme)).toContain("alice.smith@example.com");
    expect(everyone(acme)).not.toContain("alice@example.com");
    expect(acme.groups["ML Team"].members).toEqual(["alice.smith@example.com", "carol@example.com"]);
  });

  it("validate reads roles and projects too; two Okta groups on one Braintrust name stop the plan with an error naming both; a key of the original tool that is not supported is named", async () => {
    const valid = await cli("validate");
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);
    expect(valid.stdout).toContain("and can read its groups, users, roles and projects");

    ws.writeConfig(EXAMPLE.replace('exclude_groups: ["-legacy$"]', "exclude_groups: []").replace('name_transform: "okta-{name}"', 'name_transform: "okta-ml"'));
    const collision = await cli("plan");
    expect(collision.code).toBe(1);
    expect(collision.stderr).toMatch(/Okta groups "ml-infra" \(00g\w+, sync_rules.groups.mappings\[0\]\) and "ml-legacy" \(00g\w+, sync_rules.groups.mappings\[0\]\) would both become Braintrust group "okta-ml" in acme\. To merge their members on purpose set allow_merge: true on sync_rules.groups.mappings\[0\]/);

    ws.writeConfig(EXAMPLE.replace("    default_groups: [Viewers]", "    default_groups: [Viewers]\n    max_groups_per_user: 3"));
    const original = await cli("validate");
    expect(original.code).toBe(1);
    expect(original.stderr).toContain(
      "group_assignment.global_config.max_groups_per_user: a key of the original tool that this tool does not support: not supported: a person is in every group the rules give them",
    );
  });
});
